"""Passage stores: the embedded FAISS store (the default) and Milvus, chosen by configuration.

`REPORTQA_STORE` (or `--store`): `faiss`; a path ending in `.db` (Milvus Lite, embedded); or a
Milvus URI (`http://host:19530`, also what `milvus-lite server` listens on). The contract is in
base.py; each store is one module.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .base import Filter, Passages, Store

__all__ = ["Filter", "Passages", "Store", "writer", "open_store", "describe"]


def describe(spec: str) -> str:
    """'faiss' or 'milvus': which kind of store a REPORTQA_STORE value names."""
    spec = (spec or "faiss").strip()
    if spec == "faiss":
        return "faiss"
    if spec.endswith(".db") or spec.startswith(("http://", "https://", "tcp://", "grpc://")):
        return "milvus"
    raise ConfigError(f"REPORTQA_STORE={spec!r}: use 'faiss', a Milvus Lite file ending in .db, "
                      f"or a Milvus URI like http://127.0.0.1:19530")


def writer(spec: str):
    if describe(spec) == "faiss":
        from .faiss import FaissWriter

        return FaissWriter()
    from .milvus import MilvusWriter

    return MilvusWriter(spec)


def open_store(directory: Path, entry: dict, vectors, lexicon, chunk_doc) -> Store:
    """The store an index was built with, as its manifest records it."""
    if entry.get("kind") == "milvus":
        from .milvus import MilvusStore

        return MilvusStore(entry)
    from .faiss import FaissStore

    return FaissStore(directory, entry, vectors, lexicon, chunk_doc)
