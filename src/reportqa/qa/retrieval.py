"""Hybrid retrieval: dense similarity plus lexical evidence, as calibrated scores.

A chunk's score adds two signals that both lie in 0..1:
  * dense: the larger cosine of the question with the chunk (headings + text)
    or with the chunk's best sentence, which catches a single fact buried in a
    long passage;
  * lexical: the IDF-weighted share of the question's terms the chunk holds.
    A Chinese question's terms are its jieba tokens; an English question's are
    the corpus words CC-CEDICT maps its words to.
On the dev set this beat reciprocal rank fusion of the same signals (hit@1
0.91 against 0.74): rank fusion discards how far apart the scores are.

The passage store proposes candidates: the CANDIDATES nearest the question's vector and the
CANDIDATES holding most of its terms, within the question's filter (reports, years). Only
those are scored, with arrays: their vectors, their sentences' vectors and their words, read
from the index's memory-mapped files. No Python loop runs over passages, so the cost of a
question grows with the candidates, not with the corpus.
"""
from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..index import Index
from ..lexical import english_words, language, tokenize, translate
from ..store import Filter
from ..store.base import top_k
from .question import INDICATORS_EN, ZH_ALIASES

# Relative years, named as the year the scoper read them as (去年 asked of a 2025 speech: 2024).
RELATIVE_YEARS = re.compile(r"\b(?:in |for )?(?:next|this|last) year\b|明年|来年|下一年|今年|本年度?|去年|上一年(?!末|底)", re.I)
LEXICAL_WEIGHT = 0.5  # dense cosine and term share both lie in 0..1
CANDIDATES = 300  # passages proposed by each of the store's two searches
# An English word no dictionary sense links to the corpus stands for the corpus words the multilingual
# encoder puts nearest it, when near enough: penalty -> 处罚 0.76, normative -> 规范性 0.73, hotline ->
# 热线 0.74, terminal -> 终端 0.79; below it lie look-alikes (mediator -> 媒体 0.69, petition -> 提出
# 0.64) as well as some right words (notarial -> 公证 0.64), which stay untranslated.
BRIDGE_SIMILARITY = 0.7
BRIDGE_MARGIN = 0.03  # a second word as near as the first stands for it too (处罚 / 处罚法)
# A dictionary's senses of an English word, weighed by how near the encoder puts each to the word: "china"
# is 中国 (0.85), hardly 东北 (0.40, "Northeast China"); senses below SENSE_FLOOR are dropped (the
# nearest is always kept), and the corpus words nearest the word join them when near enough.
SENSE_FLOOR = 0.45
SENSES = 8


@dataclass
class Query:
    text: str
    lang: str
    vector: np.ndarray
    # Question terms, each with the corpus words that can stand for it (itself, or its translations).
    terms: dict[str, list[str]] = field(default_factory=dict)
    where: Filter = field(default_factory=Filter)  # the reports and years it may be answered from
    translations: Mapping[str, list[str]] = field(default_factory=dict)  # English word -> corpus words
    # English terms: how near each corpus word standing for the term is to it (0..1; Chinese terms: 1)
    senses: dict[str, dict[str, float]] = field(default_factory=dict)
    # English words: their vectors (the encoder's), to find their senses among a passage's own words
    word_vectors: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def scope(self) -> np.ndarray | None:
        """True for the chunks the question may be answered from (None: all)."""
        return self.where.mask

    def allows(self, chunk_id: int) -> bool:
        return self.where.mask is None or bool(self.where.mask[chunk_id])

    def known_terms(self, index) -> list[str]:
        """The question's terms the corpus uses (itself or a translation)."""
        return [t for t, alts in self.terms.items() if any(a in index.lexicon.vocab for a in alts)]


@dataclass
class Hit:
    chunk_id: int
    score: float  # fused score, larger is better
    dense: float  # cosine of the chunk's best sentence or the chunk itself
    lexical: float  # share of the question's terms (IDF-weighted) the chunk contains


class Retriever:
    def __init__(self, index: Index, encoder, place_names: set[str] = frozenset(),
                 place_words: set[str] = frozenset()) -> None:
        self.index = index
        self.encoder = encoder
        # Words of every report's title (the town, the year, the topic) name the context of every
        # passage, not what a question asks about; they count for no passage over another. So do
        # the names of the places: a question naming one is scoped to its reports already.
        self.context_terms = set(index.title_terms) | {t for name in place_names for t in tokenize(name)}
        self.place_words = set(place_words)  # English names of the places ("songlin", "china"): context too
        self.word_row = {w: i for i, w in enumerate(index.bridge_words)}
        # in memory, contiguous: read through the memory map, one product per question cost 5x more
        self.bridge_matrix = (np.ascontiguousarray(index.bridge_vectors, dtype=np.float32)
                              if index.bridge_vectors is not None else np.zeros((0, 0), np.float32))

    def analyse(self, question: str, lang: str | None = None, year: int | None = None) -> Query:
        """Embed the question and find its terms; lang defaults to the question's own language; a
        relative year (去年, next year) is searched as `year`, the year the scoper read it as."""
        lang = lang or language(question)
        question = self.absolute_years(question, year)
        translations: Mapping[str, list[str]] = self.index.translations
        unknown: list[str] = []
        if lang == "zh":
            terms = {t: [t] for t in dict.fromkeys(tokenize(question))}
            for alias, said in ZH_ALIASES.items():  # 经济总量: bulletins say 地区生产总值
                if alias in question:
                    terms[alias] = [alias, said]
            for t in [t for t in terms if re.fullmatch(r"[a-z][a-z0-9.]*", t)]:  # "西藏今年GDP增长目标": 生产总值
                terms[t] += [zh for pattern, zh in INDICATORS_EN if re.search(pattern, t) and zh not in terms[t]]
        else:
            vocab = self.index.lexicon.vocab  # an English word the corpus itself uses stands for itself
            words = [w for w in english_words(question) if w not in self.place_words]
            proper = {w.lower() for w in re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", question)}  # Meilin: a name
            unknown = list(dict.fromkeys(w for w in words if len(w) > 2 and w not in vocab))
        vectors = self.encoder.encode([question] + unknown)  # one call: the question and its words
        senses: dict[str, dict[str, float]] = {}
        if lang != "zh":
            terms, senses = self.senses(words, unknown, vectors[1:], translations, proper)
            translations = ChainMap({w: list(alts) for w, alts in terms.items()}, translations)
            low = question.lower()
            for pattern, zh in INDICATORS_EN:  # a statistical term's sense beats the dictionary's (grain: 粮食, not 颗粒)
                for m in re.finditer(pattern, low):
                    for w in [w for w in terms if re.search(rf"\b{re.escape(w)}\b", m.group(0))]:
                        terms[w] = [zh] + [a for a in terms[w] if a != zh]
                        senses.setdefault(w, {})[zh] = 1.0
            for w in words:
                if w in vocab:
                    terms.setdefault(w, []).append(w)
                    senses.setdefault(w, {})[w] = 1.0
            for run in re.findall(r"[\u4e00-\u9fff]{2,}", question):  # "what does the term '四旁' refer to"
                terms[run] = [run]
                senses.setdefault(run, {})[run] = 1.0
        terms = {t: alts for t, alts in terms.items() if not alts or not set(alts) <= self.context_terms}
        return Query(question, lang, vectors[0], terms, translations=translations, senses=senses,
                     word_vectors=dict(zip(unknown, vectors[1:])) if lang != "zh" else {})

    def senses(self, words: list[str], encoded_words: list[str], encoded, translations,
               proper: set[str]) -> tuple[dict[str, list[str]], dict[str, dict[str, float]]]:
        """Each English word's corpus words (its dictionary senses and the words nearest it), weighed by
        the encoder's cosine with the word; a name the dictionary lacks ("Meilin") stands for nothing."""
        vectors = self.index.bridge_vectors
        found = translate(words, translations)
        at = {w: i for i, w in enumerate(encoded_words)}
        terms, senses = {}, {}
        near = self.bridge(encoded_words, encoded) if len(encoded_words) else {}
        for w in dict.fromkeys(words):
            alts = list(dict.fromkeys(found.get(w, []) + near.get(w, [])))
            if w in at and vectors is not None and len(vectors):
                v = encoded[at[w]]
                scored = {a: float(np.asarray(vectors[self.word_row[a]], dtype=np.float32) @ v) if a in self.word_row
                          else SENSE_FLOOR for a in alts}
                kept = sorted(scored, key=lambda a: -scored[a])
                kept = [a for a in kept if scored[a] >= SENSE_FLOOR][:SENSES] or kept[:1]
                weights = {a: max(0.0, min(1.0, scored[a])) for a in kept}
            else:
                weights = {a: 1.0 for a in alts}
            if not weights and w in proper:
                continue
            terms[w] = list(weights)
            senses[w] = weights
        return terms, senses

    def bridge(self, words: list[str], encoded: np.ndarray) -> dict[str, list[str]]:
        """English words no dictionary sense links to the corpus (and their vectors) -> the corpus words
        nearest them in the encoder's space (one matrix product over the corpus words per question)."""
        vectors = self.index.bridge_vectors
        if not words or vectors is None or not len(vectors):
            return {}
        sims = encoded.astype(np.float32) @ self.bridge_matrix.T
        out = {}
        for word, row in zip(words, sims):
            top = np.argpartition(-row, min(2, len(row) - 1))[:2]
            top = top[np.argsort(-row[top])]
            best = float(row[top[0]])
            if best >= BRIDGE_SIMILARITY:
                out[word] = [self.index.bridge_words[i] for i in top if row[i] >= best - BRIDGE_MARGIN]
        return out

    @staticmethod
    def absolute_years(question: str, year: int | None) -> str:
        """'去年' read as 2024 is searched as '2024年' ('in 2024')."""
        if year is None:
            return question
        return RELATIVE_YEARS.sub(f"{year}年" if language(question) == "zh" else f"in {year}", question)

    def coverage(self, query: Query, tokens: set[str]) -> float:
        """IDF-weighted share of the question's terms found among tokens (0..1)."""
        total = got = 0.0
        for term, alts in query.terms.items():
            idf = max((self.index.lexicon.term_idf(a) for a in alts), default=self.index.lexicon.max_idf)
            total += idf
            if any(a in tokens for a in alts):
                got += idf
        return got / total if total else 0.0

    def term_weights(self, query: Query) -> tuple[list[tuple[list[int], float]], float]:
        """The question's terms as corpus word ids with their weights (as `coverage` weighs them),
        and the total weight, terms the corpus lacks included."""
        vocab, lexicon = self.index.lexicon.vocab, self.index.lexicon
        terms, total = [], 0.0
        for alts in query.terms.values():
            weight = max((lexicon.term_idf(a) for a in alts), default=lexicon.max_idf)
            total += weight
            ids = [vocab[a] for a in alts if a in vocab]
            if ids:
                terms.append((ids, weight))
        return terms, total

    def search(self, query: Query, k: int) -> tuple[list[Hit], dict[int, float]]:
        """The top k chunks, and the score of every chunk considered: dense similarity (chunk or
        best sentence) plus half the IDF-weighted share of the question's terms it contains."""
        index, where = self.index, query.where
        proposed = [index.store.dense(query.vector, CANDIDATES, where)]
        if query.terms:
            lexicon = index.lexicon
            weighted = [(list(a), max(lexicon.term_idf(x) for x in a)) for a in query.terms.values() if a]
            proposed.append(index.store.lexical(weighted, CANDIDATES, where))
        candidates = np.unique(np.concatenate(proposed)).astype(np.int64)
        if where.mask is not None:  # a store's own filter is the same; this keeps it exact
            candidates = candidates[where.mask[candidates]]
        if not len(candidates):
            return [], {}
        vector = query.vector.astype(np.float32)
        dense = np.asarray(index.chunk_vectors[candidates], dtype=np.float32) @ vector
        starts, ends = index.sentence_offsets[candidates], index.sentence_offsets[candidates + 1]
        lengths = (ends - starts).astype(np.int64)
        if lengths.sum():
            offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
            sims = index.sentence_vecs(np.arange(int(lengths.sum())) + offsets) @ vector
            has = lengths > 0
            best = np.full(len(candidates), -1.0, dtype=np.float32)
            best[has] = np.maximum.reduceat(sims, np.concatenate(([0], np.cumsum(lengths)[:-1]))[has])
            dense = np.maximum(dense, best)
        terms, total = self.term_weights(query)
        lexical = index.lexicon.coverage_of(candidates, terms) / total if total else np.zeros(len(candidates))
        fused = dense + LEXICAL_WEIGHT * lexical
        top = top_k(fused, k)
        hits = [Hit(int(candidates[i]), float(fused[i]), float(dense[i]), float(lexical[i])) for i in top]
        return hits, dict(zip(candidates.tolist(), fused.tolist()))
