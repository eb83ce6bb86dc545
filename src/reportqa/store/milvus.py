"""Milvus, for more than one machine: the same code against Milvus Lite (a local .db file, or
`milvus-lite server` on a port) and a Milvus standalone or cluster (http://host:19530).

One collection per build (`reportqa_<build id>`), named in the manifest, so a new build never
disturbs the one serving; the collection of the build before is dropped once the new index is
in place. Fields: the passage id, its report position and years (scalar filters), its searched
text with Milvus's BM25 function over the jieba analyzer (full text), and its dense vector (IP;
FLAT below EXACT_LIMIT passages, HNSW above). The filter is an expression on those fields.
Only candidates are taken from Milvus; the retriever scores them from the index's own files,
which stay on the machine that answers.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..errors import IndexStoreError
from .base import Filter, Passages

log = logging.getLogger(__name__)

EXACT_LIMIT = 20_000
EF = 256  # HNSW's search breadth
BATCH = 2_000  # rows per insert
MAX_TEXT = 8_000  # characters of a passage's searched text kept for BM25 (VARCHAR is bounded)
ANALYZER = {"tokenizer": "jieba"}


def connect(uri: str):
    """A client for a Milvus Lite file (a path ending in .db) or a server URI (http://host:19530)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as e:  # pragma: no cover - pymilvus is a dependency
        raise IndexStoreError("REPORTQA_STORE names Milvus, but pymilvus is not installed "
                              "(pip install pymilvus milvus-lite)") from e
    try:
        if uri.startswith(("http://", "https://", "tcp://", "grpc://")):
            return MilvusClient(uri=uri)
        Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Milvus Lite serves the file from this process; its server logs calls it does not implement
        # (AllocTimestamp) that the client only tries
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        return MilvusClient(str(Path(uri).expanduser()))
    except Exception as e:  # a wrong address or a locked file: say so, with the setting
        raise IndexStoreError(f"REPORTQA_STORE={uri!r}: cannot connect to Milvus ({type(e).__name__}: {e})") from e


class MilvusWriter:
    def __init__(self, uri: str) -> None:
        self.uri = uri

    def write(self, directory: Path, passages: Passages, build_id: str, progress=None) -> dict:
        from pymilvus import DataType, Function, FunctionType

        client = connect(self.uri)
        name = f"reportqa_{build_id}"
        n, dim = passages.vectors.shape
        if client.has_collection(name):
            client.drop_collection(name)
        schema = client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("doc", DataType.INT32)
        schema.add_field("years", DataType.ARRAY, element_type=DataType.INT32, max_capacity=32)
        schema.add_field("text", DataType.VARCHAR, max_length=3 * MAX_TEXT + 16, enable_analyzer=True,
                         analyzer_params=ANALYZER)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=["sparse"]))
        params = client.prepare_index_params()
        if n <= EXACT_LIMIT:
            params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
        else:
            params.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                             params={"M": 16, "efConstruction": 100})
        params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        client.create_collection(name, schema=schema, index_params=params)
        for start in range(0, n, BATCH):
            stop = min(n, start + BATCH)
            vectors = np.asarray(passages.vectors[start:stop], dtype=np.float32)
            rows = [{"id": i, "doc": int(passages.docs[i]), "years": list(passages.years[i])[:32],
                     "text": passages.texts[i][:MAX_TEXT], "dense": vectors[i - start].tolist()}
                    for i in range(start, stop)]
            client.insert(name, rows)
            if progress:
                progress(stop - start)
        client.flush(name)
        client.close()
        return {"kind": "milvus", "uri": self.uri, "collection": name}


class MilvusStore:
    kind = "milvus"

    def __init__(self, entry: dict) -> None:
        self.uri, self.collection = entry["uri"], entry["collection"]
        self.client = connect(self.uri)
        if not self.client.has_collection(self.collection):
            raise IndexStoreError(f"Milvus at {self.uri} has no collection {self.collection}; "
                                  f"run `reportqa build` with REPORTQA_STORE={self.uri}")
        self.client.load_collection(self.collection)

    def _search(self, data, field: str, metric: str, k: int, where: Filter) -> np.ndarray:
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        params = {"metric_type": metric}
        if metric == "IP":  # HNSW looks at ef candidates: as many as asked for, and no fewer than EF
            params["params"] = {"ef": max(EF, k)}
        result = self.client.search(self.collection, data=[data], anns_field=field, limit=min(k, 16_384),
                                    filter=expression(where), output_fields=["id"], search_params=params)
        return np.array([hit["id"] for hit in result[0]], dtype=np.int64)

    def dense(self, vector: np.ndarray, k: int, where: Filter) -> np.ndarray:
        return self._search(np.asarray(vector, dtype=np.float32).tolist(), "dense", "IP", k, where)

    def lexical(self, terms: list[tuple[list[str], float]], k: int, where: Filter) -> np.ndarray:
        words = list(dict.fromkeys(a for alts, _ in terms for a in alts if a))
        if not words:
            return np.zeros(0, dtype=np.int64)
        return self._search(" ".join(words), "sparse", "BM25", k, where)

    def close(self) -> None:
        self.client.close()


def expression(where: Filter) -> str:
    """The filter as a Milvus boolean expression ("" for none)."""
    parts = []
    if where.docs is not None:
        parts.append(f"doc in [{', '.join(str(int(d)) for d in where.docs)}]")
    if where.years is not None:
        parts.append(f"array_contains_any(years, [{', '.join(str(int(y)) for y in where.years)}])")
    return " and ".join(parts)


def drop_other_builds(uri: str, keep: str) -> None:
    """Drop the collections of earlier builds (reportqa_*) but the one serving."""
    try:
        client = connect(uri)
        for name in client.list_collections():
            if name.startswith("reportqa_") and name != keep:
                client.drop_collection(name)
        client.close()
    except Exception as e:  # cleaning up is best effort: the new index serves either way
        log.warning("could not drop earlier Milvus collections: %s", e)
