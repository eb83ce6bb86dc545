"""What the reports promise, and whether the next year's report says it was done.

Extraction: a section whose heading announces plans or fixes (安排/计划/下一步/整改/措施 …, or a
year after the report's own) is a promise; each of its parts is one commitment. Forward-looking
sentences elsewhere (今后/明年/我们将 …) are pledges. A report's year is `doc.meta.year`
(computed in `corpus.DocMeta`, nowhere else).

Follow-up: when a place has reports of consecutive years N and N+1, every plan of year N is
matched against the passages of year N+1's reports (their own plans for N+2 left out: a plan is
not a report of what was done). A passage's score is the encoder's cosine of
the commitment with the passage or its best sentence, plus half the IDF-weighted share of the
commitment's distinctive terms the passage holds, the same fusion the retriever uses for
questions. Passages at or above FOLLOW_UP_THRESHOLD report on the commitment; when none does,
the commitment is "not mentioned" in the later report. Computed once, at start-up.
"""
from __future__ import annotations

import re
import threading
from collections import defaultdict

import numpy as np

from .corpus import YEAR, Document, POINT_LEVEL, normalise, paragraphs, strip_marker
from .lexical import tokenize

# Section titles that announce promises: plans for later, or fixes for problems found.
PLAN_WORDS = re.compile(r"安排|计划|打算|下一步|思路|目标|展望|整改|措施|改进")
FIX_WORDS = re.compile(r"整改|措施|改进")
PLEDGE_SENTENCE = re.compile(r"[^。!?;！？；\n]*(?:今后|明年|下一步|下一阶段|将进一步|我们将)[^。!?;！？；\n]*[。!?;！？；]?")
HEADING_MAX = 30  # a longer "title", or one with a comma, is a sentence of content, not a heading
KINDS = ("plan", "rectification", "pledge")
KIND_NAMES = {"计划": "plan", "整改": "rectification", "表态": "pledge"}
KIND_LABELS = {"plan": "计划 Plan", "rectification": "整改 Rectification", "pledge": "表态 Pledge"}
# Only plans are followed up: a rectification section reports measures already taken in the
# report's own year ("上述问题已基本整改到位", "今年以来,已组织集中培训6次"), and a pledge is one
# general sentence ("今后…我们将…"): neither names something the next report could say was done.
FOLLOWED_UP = ("plan",)
# Measured on the multi set's two pairs, xiaohe 2023 -> 2024 (the seed) and songlin 2023 -> 2024
# (tests/test_commitments.py re-measures it): the best passage of each of the 7 delivered plans
# scores 0.72 (songlin 林区普法 -> 开展主题宣传) to 1.07; the best passage of each of the 3
# plans the seed never mentions (村规民约, 法律明白人, 示范村) scores 0.44 to 0.54. The threshold
# sits in the middle of that gap.
FOLLOW_UP_THRESHOLD = 0.63
LEXICAL_WEIGHT = 0.5
MAX_FOLLOWUPS = 3


# ---------------------------------------------------------------- extraction

def _later_year(title: str, year: int | None) -> bool:
    return year is not None and any(int(y) > year for y in YEAR.findall(title))


def _is_heading(section) -> bool:
    """A numbered heading; not a 一是 point or a numbered sentence ("1. 全年计划实施项目90个,…")."""
    title = section.title
    return section.level < POINT_LEVEL and len(title) <= HEADING_MAX and not re.search(r"[,，;；]", title)


def _promising(section, year: int | None) -> bool:
    return _is_heading(section) and (bool(PLAN_WORDS.search(section.title)) or _later_year(section.title, year))


def is_plan_section(section, year: int | None) -> bool:
    """A heading announcing plans for later (安排/计划/打算 …, or a year after the report's), not fixes."""
    return _promising(section, year) and not FIX_WORDS.search(section.title)


def _closing(doc: Document, paragraph: str) -> bool:
    """'2024年,小河镇将…逐项抓好上述工作的落实': the paragraph closing a list speaks of the whole."""
    names = [n for n in (doc.meta.place, doc.meta.short) if len(n) >= 2]
    return "上述" in paragraph or "以上" in paragraph[:10] or any(n in paragraph for n in names)


def commitments(documents: dict[str, Document]) -> list[dict]:
    """What each report promises: the parts of its plan and rectification sections, plus
    forward-looking sentences elsewhere. Each item: doc, title, place, year, report_kind, kind,
    section, section_path, text, start, end, link."""
    items: list[dict] = []
    for doc in documents.values():
        year = doc.meta.year
        covered: list[tuple[int, int]] = []
        for s, path in doc.root.walk():
            if any(a <= s.start < b for a, b in covered):
                continue
            if not _promising(s, year) or any(_promising(d, year) for d, _ in s.walk()):
                continue  # not a promise, or a narrower section below it is the promise
            covered.append((s.start, s.end))
            kind = "rectification" if FIX_WORDS.search(s.title) else "plan"
            items.extend(_parts(doc, s, path, kind))
        body_end = doc.signature_start if doc.signature_start > 0 else len(doc.text)
        for m in PLEDGE_SENTENCE.finditer(doc.text, doc.header_end, body_end):
            start = m.start()
            sentence = m.group().strip()
            if sentence and not any(a <= start < b for a, b in covered):
                start += len(m.group()) - len(m.group().lstrip())
                items.append(_item(doc, "pledge", _path_at(doc, start), start, start + len(sentence), sentence))
    return items


def _parts(doc: Document, section, path, kind: str) -> list[dict]:
    """One commitment per part of a promise section, or per paragraph when it has no parts. Its
    lead-in ("主要预期目标是：…") is one too unless it only announces the list ("重点做好以下工作："),
    and the paragraph closing the list ("2024年,小河镇将…逐项抓好上述工作") is not the last part's."""
    own_end = section.children[0].start if section.children else section.end
    body_from = section.body_start if section.body_start > section.start else section.start
    lead = [(a, b) for a, b in paragraphs(doc.text, body_from, own_end)
            if not doc.norm[a:b].endswith(":") and b - a >= 20]
    if not section.children:
        return [_item(doc, kind, path, a, b, doc.text[a:b]) for a, b in lead]
    out = [_item(doc, kind, path, lead[0][0], lead[-1][1], doc.text[lead[0][0]:lead[-1][1]])] if lead else []
    for i, part in enumerate(section.children):
        paras = paragraphs(doc.text, part.start, part.end)
        if i == len(section.children) - 1:
            while len(paras) > 1 and _closing(doc, doc.norm[paras[-1][0]:paras[-1][1]]):
                paras.pop()
        if not paras:
            continue
        start, end = paras[0][0], paras[-1][1]
        text_from = part.body_start if start < part.body_start < end else start
        out.append(_item(doc, kind, path + (part.title,), start, end, doc.text[text_from:end].strip()))
    return out


def _path_at(doc: Document, offset: int) -> tuple[str, ...]:
    best: tuple[str, ...] = ()
    for s, path in doc.root.walk():
        if s.start <= offset < s.end:
            best = path
    return best


def _item(doc: Document, kind: str, path, start: int, end: int, text: str) -> dict:
    meta = doc.meta
    return {"doc": doc.doc_id, "title": doc.title, "place": meta.place, "year": meta.year,
            "report_kind": meta.kind, "kind": kind, "section": " › ".join(path), "section_path": list(path),
            "start": start, "end": end, "text": text, "link": f"/report/{doc.doc_id}#{start}-{end}"}


# ---------------------------------------------------------------- follow-up in the next year's report

def follow_up(items: list[dict], index, encoder, threshold: float = FOLLOW_UP_THRESHOLD) -> None:
    """Give every plan of a report of year N whose place has a report of
    year N+1 loaded `followups` (the passages of those reports that report on it, best first) and
    `status` ("reported" or "not_mentioned"); other items are left without either."""
    metas = index.metas
    by_place: dict[tuple[str, int], list[str]] = defaultdict(list)  # (place, the year a report reviews)
    for doc_id, meta in metas.items():
        if meta.place and meta.reviews:
            by_place[(meta.place, meta.reviews)].append(doc_id)
    todo = []
    for it in items:
        meta = metas[it["doc"]]  # a plan for year P is reported on by the report reviewing P (periods.py)
        later = by_place.get((meta.place, meta.plans), []) if meta.place and meta.plans else []
        if it["kind"] in FOLLOWED_UP and later:
            todo.append((it, later))
    if not todo:
        return
    vectors = encoder.encode([_content(it) for it, _ in todo])
    later_docs = sorted({d for _, later in todo for d in later})
    own_plans = defaultdict(list)  # a later report's own plans do not report on anything done
    for it in commitments({d: index.documents[d] for d in later_docs}):
        if it["kind"] == "plan":
            own_plans[it["doc"]].append((it["start"], it["end"]))
    lexicon = index.lexicon
    for (it, later), vector in zip(todo, vectors):
        candidates = [c for d in later for c in index.chunks_in(d) if c.kind == "text"
                      and not any(a <= c.start < b for a, b in own_plans[c.doc_id])]
        if not candidates:
            continue
        ids = np.array([c.chunk_id for c in candidates], dtype=np.int64)
        terms = _terms(it, [index.documents[it["doc"]]] + [index.documents[d] for d in later])
        weights = [([lexicon.vocab[t]], lexicon.term_idf(t)) for t in terms if t in lexicon.vocab]
        total = sum(lexicon.term_idf(t) for t in terms)
        share = lexicon.coverage_of(ids, weights) / total if total else np.zeros(len(ids))
        chunk_cos = np.asarray(index.chunk_vectors[ids], dtype=np.float32) @ vector
        scored = []
        for c, own_cos, own_share in zip(candidates, chunk_cos, share):
            sids = list(index.sentence_range(c.chunk_id))
            sentence_cos = index.sentence_vecs(sids) @ vector if sids else np.zeros(0)
            dense = max([float(own_cos)] + [float(x) for x in sentence_cos])
            score = dense + LEXICAL_WEIGHT * float(own_share)
            if score >= threshold:
                by_weight = {t: lexicon.term_idf(t) for t in terms}
                best = max(zip(sids, sentence_cos), default=None,
                           key=lambda p: p[1] + LEXICAL_WEIGHT * _share(by_weight, set(index.sentence_tokens[p[0]])))
                scored.append((score, c.chunk_id, best[0] if best else None))
        scored.sort(key=lambda x: -x[0])
        it["followups"] = [_followup(index, cid, sid, score) for score, cid, sid in scored[:MAX_FOLLOWUPS]]
        it["status"] = "reported" if it["followups"] else "not_mentioned"
        it["next_reports"] = list(later)
        it["next_year"] = metas[later[0]].year


def _content(item: dict) -> str:
    """The commitment as one text: its heading (without its number) and its body."""
    head = strip_marker(normalise(item["section_path"][-1])) if item["section_path"] else ""
    body = strip_marker(normalise(item["text"]))
    return body if not head or body.startswith(head[:4]) else f"{head}。{body}"


def _terms(item: dict, docs: list[Document]) -> list[str]:
    """The commitment's terms, less those every report of the pair shares as context (the place,
    the title's topic) and years."""
    context = set()
    for doc in docs:
        context |= set(tokenize(doc.title))
        for name in (doc.meta.place, doc.meta.short, *doc.meta.parents):
            context |= set(tokenize(name))
    return [t for t in dict.fromkeys(tokenize(_content(item))) if t not in context and not YEAR.fullmatch(t)]


def _share(weights: dict[str, float], tokens: set[str]) -> float:
    """IDF-weighted share of the commitment's terms found among tokens (0..1)."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def _followup(index, chunk_id: int, sentence_id: int | None, score: float) -> dict:
    c = index.chunks[chunk_id]
    out = {"doc": c.doc_id, "title": c.title, "year": index.metas[c.doc_id].year,
           "section": c.section, "section_path": list(c.section_path), "text": c.text,
           "start": c.start, "end": c.end, "link": f"/report/{c.doc_id}#{c.start}-{c.end}", "score": round(score, 3)}
    if sentence_id is not None:
        s = index.sentences[sentence_id]
        out.update(quote=s.text, quote_start=s.start, quote_end=s.end)
        out["link"] += f",{s.start}-{s.end}"
    return out


# ---------------------------------------------------------------- the book the web app reads

class CommitmentBook:
    """The commitments of the reports asked for, with their follow-ups: computed for a report the
    first time it is asked for, then kept (a knowledge base of thousands computes only what is read)."""

    def __init__(self, index, encoder, threshold: float = FOLLOW_UP_THRESHOLD) -> None:
        self.index, self.encoder, self.threshold = index, encoder, threshold
        self._done: dict[str, list[dict]] = {}
        self._lock = threading.Lock()

    def of(self, doc_ids) -> list[dict]:
        """The items of these reports, in their order."""
        doc_ids = list(doc_ids)
        with self._lock:
            todo = [d for d in doc_ids if d not in self._done]
            if todo:
                items = commitments({d: self.index.documents[d] for d in todo})
                follow_up(items, self.index, self.encoder, self.threshold)
                for d in todo:
                    self._done[d] = [i for i in items if i["doc"] == d]
            return [i for d in doc_ids for i in self._done[d]]

    @property
    def items(self) -> list[dict]:
        """Every report's items (for a small knowledge base; a large one is read place by place)."""
        return self.of(self.index.doc_ids)

    def select(self, doc_ids=None, kind: str | None = None) -> tuple[list[dict], str]:
        """The items of the given reports (None: all) and of a kind: a commitment kind (plan,
        rectification, pledge, or 计划/整改/表态) or a report kind (法治政府建设报告 …).
        Returns the items and, when none match, a message saying why."""
        items = self.of(self.index.doc_ids if doc_ids is None else doc_ids)
        if kind:
            wanted = KIND_NAMES.get(kind.strip(), kind.strip().lower())
            report_kinds = {m.kind for m in self.index.metas.values() if m.kind}
            if wanted not in KINDS and wanted not in report_kinds:
                known = "、".join(list(KINDS) + sorted(report_kinds))
                return [], f"没有“{kind}”这类承诺 · Unknown kind '{kind}'; known kinds: {known}"
            items = [i for i in items if wanted in (i["kind"], i["report_kind"])]
        if not items:
            return [], "所选范围内的报告没有承诺事项 · The chosen reports promise nothing of this kind."
        return items, ""
