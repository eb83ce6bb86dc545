"""Building an index: read every report, chunk it, embed what was not embedded before, write the
files and the store into a new directory, and swap it in by rename.

Embedding is the cost (about 250 texts a second on two cores). A text embedded by the index
being replaced is reused, found by a digest of its text, so adding one report to hundreds
embeds that report alone. Texts embedded by a build that did not finish are kept in
`index/.resume.sqlite`, committed batch by batch: a build killed at 60 % starts again from
there and embeds only the remaining 40 %. The file is removed when a build succeeds. A
progress bar shows on a terminal (quiet otherwise) and the summary gives texts a second.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from .chunking import Chunk, search_text, split_sentences, chunk_document
from .commitments import is_plan_section
from .config import Settings
from .corpus import corpus_files, load_document, normalise, strip_marker
from .errors import CorpusError, IndexStoreError
from .index import ACTIVE, CHUNKER_VERSION, FORMAT_VERSION, HALF_FROM, Index, file_hash, load, read_manifest, stale_reason
from .periods import passage_period, section_periods
from .lexical import Lexicon, build_translations, tokenize
from .places import romanise
from .qa.scope import place_names_of
from .store import Passages, writer

log = logging.getLogger(__name__)

BATCH = 256  # texts per call to the encoder
RESUME = ".resume.sqlite"


class Progress:
    """A tqdm bar on a terminal, nothing otherwise; counts texts for the summary either way."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None

    def stage(self, label: str, total: int):
        self.close()
        if self.enabled and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="text" if "embed" in label else "item",
                            file=sys.stderr, dynamic_ncols=True, leave=False)
        return self.advance

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def digest(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class Resume:
    """Vectors embedded by a build that has not finished, by text digest (SQLite, one commit a batch)."""

    def __init__(self, path: Path, model_id: str, dim: int) -> None:
        self.path = path
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE TABLE IF NOT EXISTS about (model TEXT, dim INTEGER)")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB)")
        about = self.conn.execute("SELECT model, dim FROM about").fetchone()
        if about is None:
            self.conn.execute("INSERT INTO about VALUES (?, ?)", (model_id, dim))
        elif tuple(about) != (model_id, dim):  # another model's vectors are of no use
            self.conn.execute("DELETE FROM vectors")
            self.conn.execute("UPDATE about SET model = ?, dim = ?", (model_id, dim))
        self.conn.commit()
        self.dim = dim

    def known(self) -> dict[bytes, np.ndarray]:
        return {k: np.frombuffer(v, dtype=np.float32) for k, v in self.conn.execute("SELECT key, vector FROM vectors")}

    def add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                              [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(keys, vectors)])
        self.conn.commit()

    def finish(self) -> None:
        self.conn.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        self.conn.close()


class Previous:
    """The vectors of the index being replaced, found by text digest (memory-mapped, read on demand)."""

    def __init__(self, index_dir: Path, model_id: str) -> None:
        self.rows: dict[bytes, tuple[int, int]] = {}
        self.matrices: list[np.ndarray] = []
        d = index_dir / ACTIVE
        manifest = read_manifest(index_dir)
        if manifest.get("format_version") != FORMAT_VERSION or manifest.get("model", {}).get("id") != model_id:
            return
        try:
            for keys, vectors in (("chunk_keys", "chunks"), ("sentence_keys", "sentences"), ("word_keys", "words")):
                k = np.load(d / f"{keys}.npy")
                m = np.load(d / f"{vectors}.npy", mmap_mode="r")
                which = len(self.matrices)
                self.matrices.append(m)
                for row, key in enumerate(k):
                    self.rows.setdefault(key.tobytes(), (which, row))
        except (OSError, ValueError):
            self.rows, self.matrices = {}, []

    def get(self, key: bytes) -> np.ndarray | None:
        at = self.rows.get(key)
        return None if at is None else np.asarray(self.matrices[at[0]][at[1]], dtype=np.float32)


def _embed(encoder, texts: list[str], keys: list[bytes], out: np.ndarray, previous: Previous, resume: Resume | None,
           progress: Progress, label: str) -> int:
    """Fill `out` row for row with the texts' vectors; returns how many texts were encoded now."""
    fresh = resume.known() if resume is not None else {}
    todo: dict[bytes, str] = {}
    for i, (key, text) in enumerate(zip(keys, texts)):
        vector = fresh.get(key)
        if vector is None:
            vector = previous.get(key)
        if vector is None:
            todo.setdefault(key, text)
        else:
            out[i] = vector
    advance = progress.stage(label, len(todo))
    pending = list(todo.items())
    for start in range(0, len(pending), BATCH):
        part = pending[start:start + BATCH]
        vectors = encoder.encode([t for _, t in part])
        for (key, _), v in zip(part, vectors):
            fresh[key] = v
        if resume is not None:
            resume.add([k for k, _ in part], vectors)
        advance(len(part))
    for i, key in enumerate(keys):
        if key in todo:
            out[i] = fresh[key]
    return len(todo)


BRIDGE_MAX = 50_000  # corpus words an unknown English word is compared with: the most used


def bridge_words(words: list[str], lexicon: Lexicon) -> list[str]:
    """The Chinese words (two to six characters) an English word no dictionary knows may be matched to
    by meaning; in a large corpus the BRIDGE_MAX most used, so a question compares with a bounded matrix."""
    chinese = [i for i, t in enumerate(words) if 2 <= len(t) <= 6 and all("\u4e00" <= ch <= "\u9fff" for ch in t)]
    if len(chinese) > BRIDGE_MAX:
        df = np.diff(lexicon.words_indptr)[chinese]
        chinese = [chinese[i] for i in np.argsort(-df, kind="stable")[:BRIDGE_MAX]]
    return sorted(words[i] for i in chinese)


def _lists(doc, first_chunk: dict[tuple, int]) -> list[tuple[list[str], list[str], list[int], bool]]:
    """Sections with two parts or more: (heading words, the parts' headings, their first passages,
    whether they are plans for a later year)."""
    out = []
    for sec, path in doc.root.walk():
        ids = [first_chunk.get(path + (item.title,), -1) for item in sec.children]
        if len(sec.children) >= 2 and -1 not in ids:
            labels = [strip_marker(item.title) for item in sec.children]
            out.append((sorted(set(tokenize(strip_marker(sec.title)))), labels, ids, is_plan_section(sec, doc.meta.year)))
    return out


def build(settings: Settings, encoder, progress: Progress | None = None) -> Path:
    """Parse, chunk, embed and write the index atomically; returns its directory."""
    t0 = time.perf_counter()
    progress = progress or Progress()
    files = corpus_files(settings.corpus_dir)
    advance = progress.stage("reading reports", len(files))
    docs = []
    for p in files:
        docs.append(load_document(p))
        advance()
    for doc in docs:
        if not doc.meta.pinyin and doc.meta.short:
            doc.meta = doc.meta.updated({"pinyin": romanise(doc.meta.short)})

    chunks: list[Chunk] = []
    lists: list[tuple[int, list[str], list[str], list[int], bool]] = []
    doc_chunks = [0]
    advance = progress.stage("chunking", len(docs))
    for pos, doc in enumerate(docs):
        own = chunk_document(doc, settings.chunk_size, first_id=len(chunks))
        first: dict[tuple, int] = {}
        sections = section_periods(doc)
        for c in own:
            if c.kind == "metadata":  # who delivered the 2017 report is asked with its year
                c.years = {str(y) for y in (doc.meta.year, doc.meta.reviews, doc.meta.plans) if y}
            else:
                period = passage_period(sections.get(tuple(c.section_path)), c.section_path, normalise(c.text),
                                        doc.meta.reviews, doc.meta.plans, doc.meta.relative_years.get("this"))
                c.years, c.mode, c.span = {str(y) for y in period.years}, period.mode, period.span
            for k in range(1, len(c.section_path) + 1):
                first.setdefault(tuple(c.section_path[:k]), c.chunk_id)
        chunks.extend(own)
        doc_chunks.append(len(chunks))
        lists.extend((pos, *item) for item in _lists(doc, first))
        advance()
    if not chunks:
        raise CorpusError(f"corpus {settings.corpus_dir} produced no passages")

    sentences: list[str] = []
    sentence_offsets = [0]
    vocab: dict[str, int] = {}
    token_ids: list[np.ndarray] = []
    texts = [search_text(c) for c in chunks]
    advance = progress.stage("reading words", len(chunks))
    for c, text in zip(chunks, texts):
        sentences.extend(s.text for s in split_sentences(c))
        sentence_offsets.append(len(sentences))
        token_ids.append(np.array(sorted({vocab.setdefault(t, len(vocab)) for t in tokenize(text)}), dtype=np.int32))
        advance()
    words = sorted(vocab, key=vocab.get)
    lexicon = Lexicon.build(token_ids, words)
    bridge = bridge_words(words, lexicon)

    root = settings.index_dir
    root.mkdir(parents=True, exist_ok=True)
    build_id = f"{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{time.time_ns() % 1_000_000:06d}"
    tmp = root / f".build-{build_id}"
    tmp.mkdir()
    resume = Resume(root / RESUME, encoder.model_id, int(encoder.dim)) if getattr(encoder, "resumable", True) else None
    try:
        dim = int(encoder.dim)
        dtype = np.float16 if len(chunks) >= HALF_FROM else np.float32
        previous = Previous(root, encoder.model_id)
        t_embed = time.perf_counter()
        keys = {name: [digest(t) for t in group] for name, group in
                (("chunk", texts), ("sentence", sentences), ("word", bridge))}
        chunk_vecs = np.lib.format.open_memmap(tmp / "chunks.npy", mode="w+", dtype=dtype, shape=(len(chunks), dim))
        sentence_vecs = np.lib.format.open_memmap(tmp / "sentences.npy", mode="w+", dtype=dtype,
                                                  shape=(len(sentences), dim))
        word_vecs = np.zeros((len(bridge), dim), dtype=np.float32)
        encoded = {"chunks": _embed(encoder, texts, keys["chunk"], chunk_vecs, previous, resume, progress,
                                    "embedding passages"),
                   "sentences": _embed(encoder, sentences, keys["sentence"], sentence_vecs, previous, resume,
                                       progress, "embedding sentences"),
                   "words": _embed(encoder, bridge, keys["word"], word_vecs, previous, resume, progress,
                                   "embedding words")}
        embed_seconds = time.perf_counter() - t_embed
        for name, group in keys.items():
            np.save(tmp / f"{name}_keys.npy", np.frombuffer(b"".join(group), dtype="S20") if group
                    else np.zeros(0, dtype="S20"))
        np.save(tmp / "words.npy", word_vecs)
        chunk_vecs.flush()
        sentence_vecs.flush()

        t_store = time.perf_counter()
        _write_tables(tmp, docs, chunks, lists)
        lexicon.save(tmp)
        np.save(tmp / "chunk_doc.npy", np.repeat(np.arange(len(docs), dtype=np.int32), np.diff(doc_chunks)))
        np.save(tmp / "doc_chunks.npy", np.array(doc_chunks, dtype=np.int64))
        np.save(tmp / "sentence_offsets.npy", np.array(sentence_offsets, dtype=np.int64))
        by_year: dict[str, list[int]] = {}  # "2018": passages speaking of 2018; "2018:review", "2018:plan"
        for c in chunks:
            for y in c.years:
                by_year.setdefault(y, []).append(c.chunk_id)
                if c.mode:
                    by_year.setdefault(f"{y}:{c.mode}", []).append(c.chunk_id)
        np.savez(tmp / "years.npz", **{y: np.array(ids, dtype=np.int64) for y, ids in by_year.items()})
        titles = [set(tokenize(d.title)) for d in docs]
        names = {n for d in docs for group in place_names_of(d.meta) for n in group}
        _write_json(tmp / "lexical.json", {"vocabulary": words, "translations": build_translations(set(vocab)),
                                           "bridge_words": bridge, "spellings": {n: romanise(n) for n in sorted(names)},
                                           "title_terms": sorted(set.intersection(*titles)) if titles else []})
        passages = Passages(vectors=np.load(tmp / "chunks.npy", mmap_mode="r"), texts=texts,
                            docs=np.repeat(np.arange(len(docs)), np.diff(doc_chunks)),
                            years=[tuple(sorted(int(y) for y in c.years)) for c in chunks])
        store = writer(settings.store).write(tmp, passages, build_id, progress.stage("writing the store", len(chunks)))
        store_seconds = time.perf_counter() - t_store
        progress.close()

        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        corpus = {p.name: file_hash(p) for p in files}
        old = read_manifest(root)
        old_corpus, old_added = old.get("corpus", {}), old.get("added", {})
        embedded = sum(encoded.values())
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {"id": encoder.model_id, "dim": dim},
            "corpus": corpus,
            # when each report first entered the index (kept while its file is unchanged)
            "added": {p.stem: old_added.get(p.stem, now) if old_corpus.get(p.name) == corpus[p.name] else now
                      for p in files},
            "chunker": {"version": CHUNKER_VERSION, "chunk_size": settings.chunk_size},
            "store": store,
            "built_at": now,
            "build_id": build_id,
            "counts": {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences),
                       "words": len(bridge)},
            "encoded": encoded,
            "embed_seconds": round(embed_seconds, 3),
            "texts_per_second": round(embedded / embed_seconds, 1) if embedded and embed_seconds > 0 else None,
            "store_seconds": round(store_seconds, 3),
            "build_seconds": round(time.perf_counter() - t0, 3),
        }
        _write_json(tmp / "manifest.json", manifest)  # last: a directory without it is incomplete
        _swap_in(tmp, root / ACTIVE)
    except BaseException:
        if resume is not None:
            resume.close()  # kept: the next build starts from what this one embedded
        raise
    finally:
        progress.close()
        shutil.rmtree(tmp, ignore_errors=True)
    if resume is not None:
        resume.finish()
    if store.get("kind") == "milvus":
        from .store.milvus import drop_other_builds

        drop_other_builds(store["uri"], store["collection"])
    log.info("built index: %d chunks, %d sentences in %.2fs", len(chunks), len(sentences), manifest["build_seconds"])
    return root / ACTIVE


def _write_tables(directory: Path, docs, chunks: list[Chunk], lists) -> None:
    conn = sqlite3.connect(directory / "index.sqlite")
    conn.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE documents (pos INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, title TEXT, path TEXT, text TEXT,
                                meta TEXT, headings TEXT);
        CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc INTEGER, section_path TEXT, start INTEGER, end INTEGER,
                             kind TEXT, text TEXT, metadata TEXT, years TEXT, period TEXT);
        CREATE TABLE lists (id INTEGER PRIMARY KEY, doc INTEGER, title_terms TEXT, labels TEXT, ids TEXT, plan INTEGER);
        CREATE TABLE list_terms (term TEXT, list INTEGER);
    """)
    conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                     ((i, d.doc_id, d.title, d.path, d.text, json.dumps(d.meta.to_dict(), ensure_ascii=False),
                       json.dumps(d.headings)) for i, d in enumerate(docs)))
    position = {d.doc_id: i for i, d in enumerate(docs)}
    conn.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     ((c.chunk_id, position[c.doc_id], json.dumps(c.section_path, ensure_ascii=False), c.start, c.end,
                       c.kind, c.text, json.dumps(c.metadata, ensure_ascii=False) if c.kind == "metadata" else None,
                       " ".join(sorted(c.years)), c.mode + ("*" if c.span else "")) for c in chunks))
    conn.executemany("INSERT INTO lists VALUES (?, ?, ?, ?, ?, ?)",
                     ((i, doc, json.dumps(terms, ensure_ascii=False), json.dumps(labels, ensure_ascii=False),
                       json.dumps(ids), int(plan)) for i, (doc, terms, labels, ids, plan) in enumerate(lists)))
    conn.executemany("INSERT INTO list_terms VALUES (?, ?)",
                     ((t, i) for i, (_, terms, _, _, _) in enumerate(lists) for t in terms))
    conn.execute("CREATE INDEX list_terms_term ON list_terms (term)")
    conn.execute("CREATE INDEX lists_doc ON lists (doc)")
    conn.commit()
    conn.close()
    with open(directory / "index.sqlite", "rb+") as f:
        os.fsync(f.fileno())


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
