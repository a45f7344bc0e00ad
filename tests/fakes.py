"""Test doubles: a deterministic embedder and a scripted chat model."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from agent.generate.llm import Generation, Message
from agent.generate.modelfile import ModelFile
from agent.text.terms import keyword_tokens


class HashEmbedder:
    """Bag of keyword tokens hashed into a fixed-size, L2-normalised vector."""

    def __init__(self, dim: int = 256, model_id: str = "test-hash-embedder") -> None:
        self._dim = dim
        self._id = model_id
        self.calls = 0

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for tok in keyword_tokens(text) or [text]:
            h = int.from_bytes(hashlib.md5(tok.encode()).digest()[:4], "little")
            v[h % self._dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


class ScriptedChatModel:
    """Returns queued replies (or a function of the messages), streamed a character at a time."""

    def __init__(self, replies: list[str] | Callable[[list[Message]], str] | None = None) -> None:
        self.replies = replies if replies is not None else []
        self.model_file = ModelFile(Path("scripted.gguf"), "0" * 64)
        self.calls: list[list[Message]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.encode("utf-8")) // 3 + 1

    def truncate_to_tokens(self, text: str, max_tokens: int) -> str:
        return text[: max_tokens * 3]

    def generate(self, messages, *, max_tokens=None, on_token=None) -> Generation:
        self.calls.append(messages)
        start = time.perf_counter()
        text = self.replies(messages) if callable(self.replies) else self.replies.pop(0)
        for ch in text:
            if on_token:
                on_token(ch)
        return Generation(text, 10, len(text), 0.001, time.perf_counter() - start)


def hash_home(tmp_path: Path, monkeypatch) -> Path:
    """A new AGENT_HOME for CLI tests: figures under home/figures, indexes under tmp_path/idx, every command
    embedding with the ``HashEmbedder``."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f"corpora_dirs = ['{home / 'figures'}']\nindex_dir = '{tmp_path / 'idx'}'\n[embedding]\nmodel = 'test-hash-embedder'\n"
    )
    monkeypatch.setenv("AGENT_HOME", str(home))
    monkeypatch.setattr("agent.index.embeddings.make_embedder", lambda *a, **k: HashEmbedder())
    monkeypatch.setattr("agent.core.make_embedder", lambda *a, **k: HashEmbedder())
    return home


def invoke(*args):
    """Run the ``agent`` command line in this process (arguments as strings)."""
    from click.testing import CliRunner

    from agent.cli.commands import main

    return CliRunner().invoke(main, [str(a) for a in args])
