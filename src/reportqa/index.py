"""The on-disk index: FAISS over chunk vectors, sentence vectors, BM25 tokens, a manifest.

Layout of `index/` (the directory from Settings.index_dir):

    index/active/manifest.json   format version, model, corpus file hashes, chunker settings
    index/active/documents.json  each report's text and metadata (the section tree is re-parsed)
    index/active/chunks.json     chunks and their sentences' offsets
    index/active/chunks.faiss    inner-product FAISS index over normalised chunk vectors
    index/active/sentences.npy   one normalised vector per sentence, for answer extraction
    index/active/lexical.json    BM25 tokens per chunk and sentence, English->Chinese terms

A build writes a temporary sibling directory and swaps it in with renames, so
a crash mid-build leaves the previous index (or none), never half of one.
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

from .chunking import Chunk, Sentence, chunk_document, split_sentences
from .config import DEFAULT_MODEL, Settings
from .corpus import Document, corpus_files, load_document, parse_document
from .errors import CorpusError, IndexStoreError
from .lexical import BM25, build_translations, tokenize

log = logging.getLogger(__name__)

FORMAT_VERSION = 3
CHUNKER_VERSION = 6  # bump when the parser or chunker changes its output
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
    bm25: BM25 = field(init=False)
    sentence_chunk: np.ndarray = field(init=False)  # chunk id of each sentence

    def __post_init__(self) -> None:
        self.bm25 = BM25(self.chunk_tokens)
        self.sentence_chunk = np.array([s.chunk_id for s in self.sentences], dtype=np.int64)


def search_text(chunk: Chunk) -> str:
    """What is embedded and tokenised for a chunk: its headings, then its text."""
    return " › ".join(chunk.section_path) + "\n" + chunk.text


def expected_model_id(model: str) -> str:
    return model if model == DEFAULT_MODEL else str(Path(model).expanduser().resolve())


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus_files(corpus_dir)}


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


def build(settings: Settings, encoder) -> Path:
    """Parse, chunk, embed and write the index atomically; returns its directory."""
    t0 = time.perf_counter()
    files = corpus_files(settings.corpus_dir)
    docs = [load_document(p) for p in files]
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
    chunk_vecs = encoder.encode([search_text(c) for c in chunks])
    sentence_vecs = encoder.encode([s.text for s in sentences])
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": {"id": encoder.model_id, "dim": int(encoder.dim)},
        "corpus": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
        "chunker": {"version": CHUNKER_VERSION, "chunk_size": settings.chunk_size},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "counts": {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences)},
    }
    faiss_index = faiss.IndexFlatIP(int(encoder.dim))
    faiss_index.add(chunk_vecs)

    root = settings.index_dir
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".build-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir()
    try:
        _write_json(tmp / "documents.json", {d.doc_id: {"path": d.path, "text": d.text} for d in docs})
        _write_json(tmp / "chunks.json", {
            "chunks": [c.to_dict() for c in chunks],
            "sentences": [[s.chunk_id, s.start, s.end, s.text] for s in sentences]})
        faiss.write_index(faiss_index, str(tmp / "chunks.faiss"))
        np.save(tmp / "sentences.npy", sentence_vecs)
        _write_json(tmp / "lexical.json", {"chunk_tokens": chunk_tokens, "sentence_tokens": sentence_tokens,
                                           "translations": build_translations(vocab)})
        manifest["build_seconds"] = round(time.perf_counter() - t0, 3)
        _write_json(tmp / "manifest.json", manifest)  # last: a directory without it is incomplete
        _swap_in(tmp, root / ACTIVE)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("built index: %d chunks, %d sentences in %.2fs", len(chunks), len(sentences), manifest["build_seconds"])
    return root / ACTIVE


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
    except (OSError, ValueError, RuntimeError) as e:
        raise IndexStoreError(f"index at {d} is damaged ({e}); run `reportqa build`") from e
    documents = {doc_id: parse_document(v["text"], doc_id=doc_id, path=v["path"]) for doc_id, v in docs_raw.items()}
    return Index(
        manifest=manifest, documents=documents,
        chunks=[Chunk(**c) for c in raw["chunks"]],
        sentences=[Sentence(*s) for s in raw["sentences"]],
        chunk_vectors=chunk_vectors, sentence_vectors=sentence_vectors,
        chunk_tokens=lexical["chunk_tokens"], sentence_tokens=lexical["sentence_tokens"],
        translations=lexical["translations"])


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
