"""The contract every passage store keeps: it proposes candidate passages for a question.

A store holds the passage vectors and the passage text (or its terms) of one built index and
answers two questions, both within a `Filter` (reports, and the years a passage speaks of):
which passages are nearest the question's vector (`dense`), and which share most of its terms
(`lexical`). It proposes; the retriever scores every proposed passage the same way whatever
the store (reportqa.retrieval), so two stores that propose the same passages rank them the
same. Nothing outside store/ imports faiss or pymilvus.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Filter:
    """Which passages may be proposed: those of `docs` (report positions; None: every report) that
    speak of one of `years` (None: any year). `mask` is the same as a boolean array over passages."""

    docs: tuple[int, ...] | None = None
    years: tuple[int, ...] | None = None
    mask: np.ndarray | None = field(default=None, compare=False, hash=False)


@dataclass
class Passages:
    """What a store is built from, passage for passage (ids are positions, 0..n-1)."""

    vectors: np.ndarray  # normalised float32 (n, dim), possibly memory-mapped
    texts: list[str]  # headings and text, as searched
    docs: np.ndarray  # report position of each passage
    years: list[tuple[int, ...]]  # the years each passage speaks of


class Store(Protocol):
    kind: str

    def dense(self, vector: np.ndarray, k: int, where: Filter) -> np.ndarray:
        """Ids of the k passages (or fewer) nearest the normalised vector, best first."""

    def lexical(self, terms: list[tuple[list[str], float]], k: int, where: Filter) -> np.ndarray:
        """Ids of up to k passages holding the most of the terms, each a list of alternatives (any
        one counts) with its weight; only passages holding at least one."""

    def close(self) -> None: ...


class StoreWriter(Protocol):
    def write(self, directory: Path, passages: Passages, build_id: str, progress=None) -> dict:
        """Write the store for one build; returns what the manifest records to open it again."""


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest scores, best first (a partial selection, then a sort of k)."""
    if k <= 0 or not len(scores):
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    return part[np.argsort(-scores[part], kind="stable")]
