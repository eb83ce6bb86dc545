"""The embedded store, for one machine: FAISS for the passage vectors, the index's own word
matrix for the terms.

The FAISS index type is chosen by size: exact inner product (IndexFlatIP) up to EXACT_LIMIT
passages, above it an inverted file of float16 codes (IndexIVFScalarQuantizer, nlist about
4·√n, an eighth of the lists searched), which `benchmarks/scale.py` measures for recall against exact
search. Both are memory-mapped on load (faiss.IO_FLAG_MMAP), not read into the heap. A filter
that leaves few passages is searched exactly over those passages' vectors; a wider one through
FAISS with an id selector.
"""
from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from .base import Filter, Passages, top_k

FILE = "passages.faiss"  # index.FAISS_FILE
EXACT_LIMIT = 20_000  # passages: exact search below, IVF above (see benchmarks/scale.py)
# Inverted lists searched per question: an eighth of them. Measured at 100k passages (1,265 lists,
# benchmarks/scale.py's vectors): 48 lists gave recall@10 0.865, 96 0.929, 160 0.967, 256 0.988.
NPROBE_SHARE = 1 / 8
TRAIN_SAMPLE = 100_000  # vectors the IVF quantizer is trained on
FEW = 20_000  # a filter leaving at most this many passages is searched exactly, over their vectors


class FaissWriter:
    def write(self, directory: Path, passages: Passages, build_id: str, progress=None) -> dict:
        vectors = passages.vectors
        n, dim = vectors.shape
        if n <= EXACT_LIMIT:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        else:
            nlist = int(4 * math.sqrt(n))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                                  faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(0).choice(n, size=min(n, TRAIN_SAMPLE), replace=False)
            index.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
            kind = f"ivf{nlist},fp16"
        step = 50_000
        for start in range(0, n, step):
            index.add(np.ascontiguousarray(vectors[start:start + step], dtype=np.float32))
            if progress:
                progress(min(step, n - start))
        faiss.write_index(index, str(directory / FILE))
        return {"kind": "faiss", "index": kind}


class FaissStore:
    kind = "faiss"

    def __init__(self, directory: Path, entry: dict, vectors: np.ndarray, lexicon, chunk_doc: np.ndarray) -> None:
        self.index = faiss.read_index(str(directory / FILE), faiss.IO_FLAG_MMAP)
        self.nprobe = 1
        if isinstance(self.index, faiss.IndexIVF):
            self.nprobe = self.index.nprobe = max(1, round(self.index.nlist * NPROBE_SHARE))
        self.vectors = vectors  # the same vectors, memory-mapped, for exact search in a filter
        self.lexicon = lexicon
        self.chunk_doc = chunk_doc
        self.n = self.index.ntotal

    def dense(self, vector: np.ndarray, k: int, where: Filter) -> np.ndarray:
        k = min(k, self.n)
        if where.mask is None:
            _, ids = self.index.search(vector[None, :].astype(np.float32), k)
            return ids[0][ids[0] >= 0]
        allowed = np.flatnonzero(where.mask)
        if len(allowed) <= FEW or isinstance(self.index, faiss.IndexFlat):
            sims = np.asarray(self.vectors[allowed], dtype=np.float32) @ vector
            return allowed[top_k(sims, k)]
        bits = np.packbits(where.mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(self.n, faiss.swig_ptr(bits))
        params = faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
        _, ids = self.index.search(vector[None, :].astype(np.float32), k, params=params)
        return ids[0][ids[0] >= 0]

    def lexical(self, terms: list[tuple[list[str], float]], k: int, where: Filter) -> np.ndarray:
        vocab = self.lexicon.vocab
        ids = [([vocab[a] for a in alts if a in vocab], w) for alts, w in terms]
        ids = [(i, w) for i, w in ids if i]
        if not ids:
            return np.zeros(0, dtype=np.int64)
        score = self.lexicon.coverage_all(ids)
        if where.mask is not None:
            score = np.where(where.mask, score, 0)
        held = np.flatnonzero(score > 0)
        return held[top_k(score[held], min(k, len(held)))]

    def close(self) -> None:
        self.index = None
