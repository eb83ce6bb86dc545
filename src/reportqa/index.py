"""The on-disk index: FAISS over chunk vectors, sentence vectors, BM25 tokens, a manifest.

Layout of `index/` (the directory from Settings.index_dir):

    index/active/manifest.json   format version, model, corpus file hashes, chunker settings
    index/active/documents.json  each report's text, DocMeta and format headings (the tree is re-parsed)
    index/active/chunks.json     chunks and their sentences' offsets
    index/active/chunks.faiss    inner-product FAISS index over normalised chunk vectors
    index/active/sentences.npy   one normalised vector per sentence, for answer extraction
    index/active/lexical.json    BM25 tokens per chunk and sentence, English->Chinese terms
    index/active/words.npy       one vector per Chinese corpus word, for English words no dictionary knows

A build writes a temporary sibling directory and swaps it in with renames, so
a crash mid-build leaves the previous index (or none), never half of one. A
build embeds only texts the previous index has not embedded with the same
model: adding one report to hundreds encodes that report alone.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from .chunking import Chunk, Sentence, chunk_document, search_text, split_sentences
from .config import DEFAULT_MODEL, Settings
from .corpus import YEAR, DocMeta, Document, corpus_files, load_document, parse_document, sidecar_of
from .errors import CorpusError, IndexStoreError
from .lexical import BM25, build_translations, pinyin, tokenize

log = logging.getLogger(__name__)

FORMAT_VERSION = 5
CHUNKER_VERSION = 9  # bump when the parser or chunker changes its output
ACTIVE = "active"


@dataclass
class Index:
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_vectors: faiss.Index
    sentence_vectors: np.ndarray
    chunk_tokens: list[list[str]]
    sentence_tokens: list[list[str]]
    translations: dict[str, list[str]]
    bridge_words: list[str] = field(default_factory=list)  # Chinese corpus words, for English look-ups
    bridge_vectors: np.ndarray | None = None  # their normalised vectors, row for row
    bm25: BM25 = field(init=False)
    sentence_chunk: np.ndarray = field(init=False)  # chunk id of each sentence
    chunk_doc: np.ndarray = field(init=False)  # position in `doc_ids` of each chunk's report
    doc_ids: list[str] = field(init=False)
    chunk_years: list[set[str]] = field(init=False)  # the years each chunk speaks of

    def __post_init__(self) -> None:
        self.bm25 = BM25(self.chunk_tokens)
        self.sentence_chunk = np.array([s.chunk_id for s in self.sentences], dtype=np.int64)
        self.doc_ids = list(self.documents)
        position = {d: i for i, d in enumerate(self.doc_ids)}
        self.chunk_doc = np.array([position[c.doc_id] for c in self.chunks], dtype=np.int32)
        self.chunk_years = [speaks_of(c, self.documents[c.doc_id].meta.year) for c in self.chunks]
        self._position = position
        self._year_masks: dict[str, np.ndarray] = {}
        for i, years in enumerate(self.chunk_years):
            for y in years:
                self._year_masks.setdefault(y, np.zeros(len(self.chunks), dtype=bool))[i] = True

    def reports(self) -> list[dict]:
        """Every report with its metadata and size: what `reportqa list` and /api/reports show."""
        counts = np.bincount(self.chunk_doc, minlength=len(self.doc_ids))
        added = self.manifest.get("added", {})
        return [{"doc": d, "title": doc.title, **doc.meta.to_dict(), "passages": int(counts[i]),
                 "added": added.get(d, "")} for i, (d, doc) in enumerate(self.documents.items())]

    def year_mask(self, years) -> np.ndarray:
        """True for the chunks that speak of any of the years."""
        mask = np.zeros(len(self.chunks), dtype=bool)
        for y in years:
            if str(y) in self._year_masks:
                mask |= self._year_masks[str(y)]
        return mask

    def chunk_mask(self, doc_ids) -> np.ndarray:
        """True for the chunks of the given reports."""
        wanted = np.zeros(len(self.doc_ids), dtype=bool)
        wanted[[self._position[d] for d in doc_ids]] = True
        return wanted[self.chunk_doc]


def speaks_of(chunk: Chunk, report_year: int | None) -> set[str]:
    """The years a passage speaks of: those in its text and headings, and its report's year unless
    its headings name another ("四、2025年工作安排" speaks of 2025, not of the 2024 it is filed under)."""
    years = set(YEAR.findall(f"{chunk.section} {chunk.text}"))
    if report_year and not set(YEAR.findall(chunk.section)) - {str(report_year)}:
        years.add(str(report_year))
    return years


def expected_model_id(model: str) -> str:
    return model if model == DEFAULT_MODEL else str(Path(model).expanduser().resolve())


def file_hash(path: Path) -> str:
    """A report file's hash, with its sidecar's: editing either changes the report."""
    h = hashlib.sha256(path.read_bytes())
    side = sidecar_of(path)
    if side.is_file():
        h.update(b"\0meta\0" + side.read_bytes())
    return h.hexdigest()


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    return {p.name: file_hash(p) for p in corpus_files(corpus_dir)}


def stale_reason(settings: Settings) -> str | None:
    """Why the index on disk cannot serve these settings, or None when it can."""
    path = settings.index_dir / ACTIVE / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no index at {settings.index_dir}"
    except (OSError, ValueError):
        return f"unreadable manifest {path}"
    if manifest.get("format_version") != FORMAT_VERSION:
        return f"index format {manifest.get('format_version')} is not {FORMAT_VERSION}"
    model = expected_model_id(settings.model)
    if manifest.get("model", {}).get("id") != model:
        return f"model changed from {manifest.get('model', {}).get('id')} to {model}"
    chunker = {"version": CHUNKER_VERSION, "chunk_size": settings.chunk_size}
    if manifest.get("chunker") != chunker:
        return f"chunker settings changed from {manifest.get('chunker')} to {chunker}"
    old, new = manifest.get("corpus", {}), corpus_fingerprint(settings.corpus_dir)
    if old != new:
        changes = ([f"added {n}" for n in new.keys() - old.keys()] + [f"removed {n}" for n in old.keys() - new.keys()]
                   + [f"changed {n}" for n in new.keys() & old.keys() if new[n] != old[n]])
        return "corpus " + ", ".join(sorted(changes))
    return None


def bridge_vocabulary(vocab: set[str]) -> list[str]:
    """The Chinese words an English word may be matched to by meaning: two to six characters."""
    return sorted(t for t in vocab if 2 <= len(t) <= 6 and all("\u4e00" <= c <= "\u9fff" for c in t))


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _previous_vectors(settings: Settings, model_id: str) -> dict[str, np.ndarray]:
    """Vectors of every text the current index embedded with this model, by text hash."""
    d = settings.index_dir / ACTIVE
    try:
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("model", {}).get("id") != model_id or manifest.get("format_version") != FORMAT_VERSION:
            return {}
        raw = json.loads((d / "chunks.json").read_text(encoding="utf-8"))
        flat = faiss.read_index(str(d / "chunks.faiss"))
        chunk_vecs = flat.reconstruct_n(0, flat.ntotal)
        sentence_vecs = np.load(d / "sentences.npy")
    except (OSError, ValueError, RuntimeError, KeyError):
        return {}
    out = {_text_key(search_text(Chunk(**c))): v for c, v in zip(raw["chunks"], chunk_vecs)}
    out.update({_text_key(s[3]): v for s, v in zip(raw["sentences"], sentence_vecs)})
    return out


def _encode(encoder, texts: list[str], known: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
    """Vectors for texts, encoding only those not known; returns them and how many were encoded."""
    keys = [_text_key(t) for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in known))
    if todo:
        first = {k: t for k, t in zip(keys, texts)}
        for k, v in zip(todo, encoder.encode([first[k] for k in todo])):
            known[k] = v
    dim = int(encoder.dim)
    vecs = np.array([known[k] for k in keys], dtype=np.float32).reshape(len(texts), dim)
    return vecs, len(todo)


def build(settings: Settings, encoder) -> Path:
    """Parse, chunk, embed and write the index atomically; returns its directory."""
    t0 = time.perf_counter()
    files = corpus_files(settings.corpus_dir)
    docs = [load_document(p) for p in files]
    for doc in docs:
        if not doc.meta.pinyin and doc.meta.short:
            doc.meta = doc.meta.updated({"pinyin": pinyin(doc.meta.short)})
    previous = _previous_manifest(settings)
    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(chunk_document(doc, settings.chunk_size, first_id=len(chunks)))
    norms = {d.doc_id: d.norm for d in docs}
    sentences = [s for c in chunks for s in split_sentences(c, norms[c.doc_id])]
    if not chunks:
        raise CorpusError(f"corpus {settings.corpus_dir} produced no passages")
    chunk_tokens = [tokenize(search_text(c)) for c in chunks]
    sentence_tokens = [tokenize(s.text) for s in sentences]
    vocab = {t for toks in chunk_tokens for t in toks}
    known = _previous_vectors(settings, encoder.model_id)
    bridge = bridge_vocabulary(vocab)
    bridge_vecs, _ = _encode(encoder, bridge, known)
    chunk_vecs, new_chunks = _encode(encoder, [search_text(c) for c in chunks], known)
    sentence_vecs, new_sentences = _encode(encoder, [s.text for s in sentences], known)
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    corpus = {p.name: file_hash(p) for p in files}
    old_corpus, old_added = previous.get("corpus", {}), previous.get("added", {})
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": {"id": encoder.model_id, "dim": int(encoder.dim)},
        "corpus": corpus,
        # when each report first entered the index (kept while its file is unchanged)
        "added": {p.stem: old_added.get(p.stem, now) if old_corpus.get(p.name) == corpus[p.name] else now
                  for p in files},
        "chunker": {"version": CHUNKER_VERSION, "chunk_size": settings.chunk_size},
        "built_at": now,
        "counts": {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences)},
        "encoded": {"chunks": new_chunks, "sentences": new_sentences},
    }
    faiss_index = faiss.IndexFlatIP(int(encoder.dim))
    faiss_index.add(chunk_vecs)

    root = settings.index_dir
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".build-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir()
    try:
        _write_json(tmp / "documents.json", {d.doc_id: {"path": d.path, "text": d.text, "meta": d.meta.to_dict(),
                                                        "headings": d.headings} for d in docs})
        _write_json(tmp / "chunks.json", {
            "chunks": [c.to_dict() for c in chunks],
            "sentences": [[s.chunk_id, s.start, s.end, s.text] for s in sentences]})
        faiss.write_index(faiss_index, str(tmp / "chunks.faiss"))
        np.save(tmp / "sentences.npy", sentence_vecs)
        _write_json(tmp / "lexical.json", {"chunk_tokens": chunk_tokens, "sentence_tokens": sentence_tokens,
                                           "translations": build_translations(vocab), "bridge_words": bridge})
        np.save(tmp / "words.npy", bridge_vecs)
        manifest["build_seconds"] = round(time.perf_counter() - t0, 3)
        _write_json(tmp / "manifest.json", manifest)  # last: a directory without it is incomplete
        _swap_in(tmp, root / ACTIVE)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("built index: %d chunks, %d sentences in %.2fs", len(chunks), len(sentences), manifest["build_seconds"])
    return root / ACTIVE


def _previous_manifest(settings: Settings) -> dict:
    try:
        return json.loads((settings.index_dir / ACTIVE / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace target with tmp by renames; the old index is removed only once the new one is in place."""
    old = target.with_name(f".old-{os.getpid()}-{time.time_ns()}")
    if target.exists():
        os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def load(index_dir: Path) -> Index:
    """Read a built index; a damaged one raises IndexStoreError."""
    d = index_dir / ACTIVE
    try:
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        docs_raw = json.loads((d / "documents.json").read_text(encoding="utf-8"))
        raw = json.loads((d / "chunks.json").read_text(encoding="utf-8"))
        lexical = json.loads((d / "lexical.json").read_text(encoding="utf-8"))
        chunk_vectors = faiss.read_index(str(d / "chunks.faiss"))
        sentence_vectors = np.load(d / "sentences.npy")
        bridge_vectors = np.load(d / "words.npy")
    except (OSError, ValueError, RuntimeError) as e:
        raise IndexStoreError(f"index at {d} is damaged ({e}); run `reportqa build`") from e
    documents = {}
    for doc_id, v in docs_raw.items():
        doc = parse_document(v["text"], doc_id=doc_id, path=v["path"],
                             headings={int(k): n for k, n in v.get("headings", {}).items()})
        doc.meta = DocMeta().updated(v.get("meta", {}))
        documents[doc_id] = doc
    return Index(
        manifest=manifest, documents=documents,
        chunks=[Chunk(**c) for c in raw["chunks"]],
        sentences=[Sentence(*s) for s in raw["sentences"]],
        chunk_vectors=chunk_vectors, sentence_vectors=sentence_vectors,
        chunk_tokens=lexical["chunk_tokens"], sentence_tokens=lexical["sentence_tokens"],
        translations=lexical["translations"], bridge_words=lexical["bridge_words"], bridge_vectors=bridge_vectors)


def ensure(settings: Settings, encoder_factory) -> Index:
    """Load the index, rebuilding it first when it is missing or stale (and saying why)."""
    reason = stale_reason(settings)
    if reason:
        log.warning("rebuilding index: %s", reason)
        build(settings, encoder_factory())
    try:
        return load(settings.index_dir)
    except IndexStoreError as e:
        log.warning("rebuilding index: %s", e)
        build(settings, encoder_factory())
        return load(settings.index_dir)
