"""The built index on disk, loaded: reports and passages in SQLite, vectors and word matrices
memory-mapped, and the passage store that proposes candidates.

Layout of `index/active/` (written by `building.build`, swapped in by rename):

    manifest.json        format version, model and dimension, corpus file hashes, chunker settings,
                         the store and how to open it, counts, build time
    index.sqlite         reports (text, metadata, format headings), passages, sections with parts
    chunks.npy           one normalised vector per passage (float16 from HALF_FROM passages)
    sentences.npy        one per sentence, passage by passage; sentence_offsets.npy: a passage's first
    chunk_doc.npy        the report of each passage; doc_chunks.npy: a report's first passage
    chunk_keys.npy, sentence_keys.npy, word_keys.npy   a digest of each embedded text, for reuse
    terms_*.npy, words_*.npy, idf.npy   the word matrix (lexical.Lexicon)
    words.npy            one vector per Chinese corpus word, for English words no dictionary knows
    lexical.json         the vocabulary, English->Chinese terms, title words, the words of words.npy
    years.npz            the passages that speak of each year ("2018"), and of it reviewing or planning it
                         ("2018:review", "2018:plan"; periods.Period)
    passages.faiss       the FAISS store's index (the Milvus store keeps its collection in Milvus)

Nothing of the passages is read into the heap at load: only the reports' metadata (for scoping),
the vocabulary and the English terms. Passages, sentences and reports are read on demand and
kept in small caches; a question touches a few hundred passages at most.
"""
from __future__ import annotations

import hashlib
import json
import logging
import mmap
import sqlite3
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import Chunk, Sentence, split_sentences
from .config import DEFAULT_MODEL, Settings
from .corpus import YEAR, DocMeta, Document, corpus_files, parse_document, sidecar_of
from .errors import IndexStoreError
from .lexical import Lexicon, tokenize
from .store import Filter, describe, open_store

log = logging.getLogger(__name__)

FORMAT_VERSION = 8
CHUNKER_VERSION = 26  # bump when the parser or chunker changes its output
ACTIVE = "active"
HALF_FROM = 200_000  # passages from which vectors are stored as float16 (half the disk and memory)
FAISS_FILE = "passages.faiss"
# The files `load` reads (and names when one is damaged); the *_keys.npy digests serve only the next build.
FILES = ("manifest.json", "lexical.json", "chunk_doc.npy", "doc_chunks.npy", "sentence_offsets.npy", "chunks.npy",
         "sentences.npy", "words.npy", "years.npz") + tuple(f"{n}.npy" for n in Lexicon.FILES) + ("index.sqlite", FAISS_FILE)


class _LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make(key)
        with self.lock:
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


class _Rows(Sequence):
    """A read-only sequence whose items are made on demand (a passage, a sentence, its tokens)."""

    def __init__(self, length: int, item) -> None:
        self.length, self.item = length, item

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.item(j) for j in range(*i.indices(self.length))]
        if i < 0:
            i += self.length
        if not 0 <= i < self.length:
            raise IndexError(i)
        return self.item(int(i))


class _Documents(Mapping):
    """Report id -> Document, parsed from its stored text when first asked for."""

    def __init__(self, index: "Index") -> None:
        self.index = index

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self.index.metas:
            raise KeyError(doc_id)
        return self.index._document(doc_id)

    def __iter__(self):
        return iter(self.index.doc_ids)

    def __len__(self) -> int:
        return len(self.index.doc_ids)


@dataclass
class Index:
    directory: Path
    manifest: dict
    doc_ids: list[str]  # in build order; a report's position is its place here
    metas: dict[str, DocMeta]
    titles: dict[str, str]
    chunk_doc: np.ndarray  # position of each passage's report
    doc_chunks: np.ndarray  # first passage of each report, and the passage count at the end
    sentence_offsets: np.ndarray  # first sentence of each passage, and the sentence count at the end
    chunk_vectors: np.ndarray  # memory-mapped
    sentence_vectors: np.ndarray  # memory-mapped
    lexicon: Lexicon
    translations: dict[str, list[str]]
    title_terms: set[str]  # words every report's title uses: context, not evidence
    spellings: dict[str, str] = field(default_factory=dict)  # each place name's pinyin (小河 -> xiaohe)
    bridge_words: list[str] = field(default_factory=list)
    bridge_vectors: np.ndarray | None = None
    years: dict[str, np.ndarray] = field(default_factory=dict)  # "2018", "2018:review" -> passages speaking of it
    store: object = None

    def __post_init__(self) -> None:
        self.position = {d: i for i, d in enumerate(self.doc_ids)}
        self._coverage = None
        self._local = threading.local()
        self._chunks, self._docs, self._tokens = _LRU(8192), _LRU(64), _LRU(20_000)
        self._sentences = _LRU(8192)
        self.documents: Mapping[str, Document] = _Documents(self)
        self.chunks: Sequence[Chunk] = _Rows(len(self.chunk_doc), self.chunk)
        self.sentences: Sequence[Sentence] = _Rows(int(self.sentence_offsets[-1]), self.sentence)
        self.sentence_tokens: Sequence[list[str]] = _Rows(len(self.sentences), self.tokens_of_sentence)
        self.chunk_years: Sequence[set[str]] = _Rows(len(self.chunk_doc), lambda i: self.chunk(i).years)

    # --- storage ---------------------------------------------------------------------------------

    def db(self) -> sqlite3.Connection:
        """This thread's read-only connection (the file never changes once built)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            path = (self.directory / "index.sqlite").resolve()
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def chunk(self, i: int) -> Chunk:
        return self._chunks.get(i, self._read_chunk)

    COLUMNS = "id, doc, section_path, start, end, kind, text, metadata, years, period"

    def _read_chunk(self, i: int) -> Chunk:
        return self._make_chunk(self.db().execute(f"SELECT {self.COLUMNS} FROM chunks WHERE id = ?", (i,)).fetchone())

    def _make_chunk(self, row) -> Chunk:
        i, doc, path, start, end, kind, text, metadata, years, period = row
        doc_id = self.doc_ids[doc]
        return Chunk(i, doc_id, self.titles[doc_id], json.loads(path), text, start, end,
                     json.loads(metadata) if metadata else {}, kind, set(years.split()) if years else set(),
                     period.rstrip("*"), period.endswith("*"))

    def chunks_in(self, doc_id: str) -> list[Chunk]:
        """A report's passages, in order (one query)."""
        p = self.position[doc_id]
        rows = self.db().execute(f"SELECT {self.COLUMNS} FROM chunks WHERE id >= ? AND id < ? ORDER BY id",
                                 (int(self.doc_chunks[p]), int(self.doc_chunks[p + 1]))).fetchall()
        return [self._make_chunk(r) for r in rows]

    def sentence_range(self, chunk_id: int) -> range:
        return range(int(self.sentence_offsets[chunk_id]), int(self.sentence_offsets[chunk_id + 1]))

    def sentences_of(self, chunk_id: int) -> list[Sentence]:
        """A passage's sentences, split again from its text as they were at build time."""
        return self._sentences.get(chunk_id, lambda c: split_sentences(self.chunk(c)))

    def sentence(self, i: int) -> Sentence:
        chunk_id = int(np.searchsorted(self.sentence_offsets, i, side="right") - 1)
        return self.sentences_of(chunk_id)[i - int(self.sentence_offsets[chunk_id])]

    def tokens_of_sentence(self, i: int) -> list[str]:
        return self._tokens.get(i, lambda j: tokenize(self.sentence(j).text))

    def sentence_vecs(self, ids) -> np.ndarray:
        return np.asarray(self.sentence_vectors[np.asarray(ids, dtype=np.int64)], dtype=np.float32)

    def _document(self, doc_id: str) -> Document:
        def read(d: str) -> Document:
            path, text, headings = self.db().execute(
                "SELECT path, text, headings FROM documents WHERE pos = ?", (self.position[d],)).fetchone()
            doc = parse_document(text, doc_id=d, path=path, headings={int(k): v for k, v in json.loads(headings).items()})
            doc.meta = self.metas[d]
            return doc
        return self._docs.get(doc_id, read)

    # --- what the rest asks of it ----------------------------------------------------------------

    def reports(self) -> list[dict]:
        """Every report with its metadata and size: what `reportqa list` and /api/reports show."""
        counts = np.diff(self.doc_chunks)
        added = self.manifest.get("added", {})
        return [{"doc": d, "title": self.titles[d], **self.metas[d].to_dict(), "passages": int(counts[i]),
                 "added": added.get(d, "")} for i, d in enumerate(self.doc_ids)]

    def year_mask(self, years, mode: str = "") -> np.ndarray:
        """True for the passages that speak of any of the years (reviewing or planning it, when `mode`
        is "review" or "plan")."""
        mask = np.zeros(len(self.chunk_doc), dtype=bool)
        for y in years:
            ids = self.years.get(f"{y}:{mode}" if mode else str(y))
            if ids is not None:
                mask[ids] = True
        return mask

    def coverage(self) -> dict[str, dict[int, set[str]]]:
        """Each report's years, with the modes its passages speak of them in ("" for a mention):
        what scoping a question by its year looks at (computed once, from years.npz)."""
        if self._coverage is None:
            out: dict[str, dict[int, set[str]]] = {d: {} for d in self.doc_ids}
            for key, ids in self.years.items():
                year, _, mode = key.partition(":")
                for pos in np.unique(self.chunk_doc[np.asarray(ids, dtype=np.int64)]):
                    out[self.doc_ids[int(pos)]].setdefault(int(year), set()).add(mode)
            self._coverage = out
        return self._coverage

    def naming(self, doc_ids, names: list[str]) -> np.ndarray:
        """True for the passages of the given reports that name one of `names` (a county in its city's
        bulletin)."""
        mask = np.zeros(len(self.chunk_doc), dtype=bool)
        for d in doc_ids:
            for c in self.chunks_in(d):
                if any(n in c.text for n in names):
                    mask[c.chunk_id] = True
        return mask

    def chunk_mask(self, doc_ids) -> np.ndarray:
        """True for the passages of the given reports (each report's passages are contiguous)."""
        mask = np.zeros(len(self.chunk_doc), dtype=bool)
        for d in doc_ids:
            p = self.position[d]
            mask[self.doc_chunks[p]:self.doc_chunks[p + 1]] = True
        return mask

    def metadata_chunk(self, doc_id: str) -> int:
        """The passage holding a report's header and signature: its first."""
        return int(self.doc_chunks[self.position[doc_id]])

    def named_lists(self, terms: set[str]) -> list[tuple[str, set[str], list[str], list[int]]]:
        """Sections with parts whose heading shares a word with `terms`: (report, heading words,
        the parts' headings, the parts' first passages)."""
        if not terms:
            return []
        terms = list(terms)
        rows = self.db().execute(
            "SELECT DISTINCT l.doc, l.title_terms, l.labels, l.ids FROM list_terms t JOIN lists l ON l.id = t.list "
            f"WHERE t.term IN ({','.join('?' * len(terms))}) ORDER BY l.id", terms).fetchall()
        return [(self.doc_ids[d], set(json.loads(tt)), json.loads(labels), json.loads(ids))
                for d, tt, labels, ids in rows]

    def plans(self, doc_id: str) -> list[tuple[list[str], list[int]]]:
        """A report's sections of plans for a later year: (the parts' headings, their first passages)."""
        rows = self.db().execute("SELECT labels, ids FROM lists WHERE doc = ? AND plan = 1 ORDER BY id",
                                 (self.position[doc_id],)).fetchall()
        return [(json.loads(labels), json.loads(ids)) for labels, ids in rows]

    def filter(self, mask: np.ndarray | None, doc_ids=None, years=None) -> Filter:
        docs = tuple(sorted(self.position[d] for d in doc_ids)) if doc_ids is not None else None
        return Filter(docs=docs, years=tuple(sorted(int(y) for y in years)) if years else None, mask=mask)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _random_access(array: np.ndarray) -> None:
    """Tell the kernel a question reads scattered rows: without it each row read pulls in its
    neighbours too (read-ahead), and a million passages' sentence vectors fill the memory."""
    mapped = getattr(array, "_mmap", None)
    if mapped is not None and hasattr(mapped, "madvise"):
        mapped.madvise(mmap.MADV_RANDOM)


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


def read_manifest(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / ACTIVE / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
    store = manifest.get("store", {})
    wanted = describe(settings.store)
    if store.get("kind") != wanted or (wanted == "milvus" and store.get("uri") != settings.store):
        return f"store changed from {store.get('uri') or store.get('kind')} to {settings.store}"
    old, new = manifest.get("corpus", {}), corpus_fingerprint(settings.corpus_dir)
    if old != new:
        changes = ([f"added {n}" for n in new.keys() - old.keys()] + [f"removed {n}" for n in old.keys() - new.keys()]
                   + [f"changed {n}" for n in new.keys() & old.keys() if new[n] != old[n]])
        return "corpus " + ", ".join(sorted(changes))
    return None


def load(index_dir: Path) -> Index:
    """Open a built index; a missing, truncated or damaged file raises IndexStoreError naming it and the fix."""
    d = index_dir / ACTIVE
    current = d / "manifest.json"

    def damaged(e: Exception) -> IndexStoreError:
        detail = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        what = "is missing" if isinstance(e, FileNotFoundError) else f"is damaged or truncated ({detail})"
        return IndexStoreError(f"index file {current} {what}; run `reportqa build` to write a complete index")

    try:
        manifest = json.loads(current.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(f"index at {d} has format {manifest.get('format_version')}, not "
                                  f"{FORMAT_VERSION}; run `reportqa build`")
        counts = manifest["counts"]
        current = d / "lexical.json"
        lexical = json.loads(current.read_text(encoding="utf-8"))
        arrays = {}
        expected = {"chunk_doc": counts["chunks"], "doc_chunks": counts["documents"] + 1,
                    "sentence_offsets": counts["chunks"] + 1, "chunks": counts["chunks"],
                    "sentences": counts["sentences"], "words": counts.get("words", len(lexical["bridge_words"]))}
        for name, rows in expected.items():
            current = d / f"{name}.npy"
            arrays[name] = np.load(current, mmap_mode="r")
            if name in ("chunks", "sentences"):
                _random_access(arrays[name])
            if len(arrays[name]) != rows:
                raise ValueError(f"{len(arrays[name])} rows, the manifest says {rows}")
        current = d / "years.npz"
        with np.load(current) as z:
            years = {k: z[k] for k in z.files}
        for name in Lexicon.FILES:
            current = d / f"{name}.npy"
            np.load(current, mmap_mode="r")
        lexicon = Lexicon.load(d, lexical["vocabulary"])
        if lexicon.n != counts["chunks"]:
            raise ValueError("the word matrix has another number of passages than the manifest")
        current = d / "index.sqlite"
        conn = sqlite3.connect(f"file:{current.resolve()}?mode=ro&immutable=1", uri=True)
        try:
            rows = conn.execute("SELECT doc_id, title, meta FROM documents ORDER BY pos").fetchall()
            conn.execute("SELECT count(*) FROM chunks").fetchone()
            conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
        if len(rows) != counts["documents"]:
            raise ValueError("another number of reports than the manifest")
        index = Index(directory=d, manifest=manifest, doc_ids=[r[0] for r in rows],
                      metas={r[0]: DocMeta().updated(json.loads(r[2])) for r in rows},
                      titles={r[0]: r[1] for r in rows},
                      chunk_doc=np.asarray(arrays["chunk_doc"]), doc_chunks=np.asarray(arrays["doc_chunks"]),
                      sentence_offsets=np.asarray(arrays["sentence_offsets"]),
                      chunk_vectors=arrays["chunks"], sentence_vectors=arrays["sentences"], lexicon=lexicon,
                      translations=lexical["translations"], title_terms=set(lexical["title_terms"]),
                      spellings=lexical["spellings"],
                      bridge_words=lexical["bridge_words"],
                      bridge_vectors=arrays["words"], years=years)
        current = d / (FAISS_FILE if manifest["store"].get("kind") == "faiss" else "manifest.json")
        index.store = open_store(d, manifest["store"], arrays["chunks"], lexicon, index.chunk_doc)
    except IndexStoreError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError, sqlite3.Error, EOFError, zipfile.BadZipFile) as e:
        raise damaged(e) from e
    return index
