"""A figure's prompt prefix, evaluated once and kept: llama.cpp's state after reading the prefix's tokens, held in
memory for the last few prefixes and on disk under ``$AGENT_HOME/cache/prefix`` for later processes.

A saved state is keyed by the exact prefix tokens and by what produced it (the model's sha256, llama.cpp's version,
the context size, the weight layout), so a changed prompt, model or library is a new key, never a stale hit. A
file that cannot be read back (truncated, another format, another token list) is deleted and counts as a miss. The
folder is kept under a size cap by removing the least recently used files; writes are atomic, so a concurrent
reader sees a whole file or none."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAGIC = b"AGENT-KV1\n"
SUFFIX = ".kv"


def prefix_key(tokens: Sequence[int], runtime: str) -> str:
    """The cache key of a prefix: its tokens and the runtime that evaluated them."""
    digest = hashlib.sha256(runtime.encode("utf-8"))
    digest.update(np.asarray(tokens, dtype=np.int32).tobytes())
    return digest.hexdigest()


class PrefixStore:
    """Saved llama.cpp states by prefix: ``memory_items`` kept in memory (least recently used dropped first), and
    files in ``folder`` up to ``max_bytes`` in all (None: no disk)."""

    def __init__(self, folder: Path | None, runtime: str, *, max_bytes: int, memory_items: int) -> None:
        self.folder = folder
        self.runtime = runtime
        self.max_bytes = max_bytes
        self.memory_items = memory_items
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self.hits = {"memory": 0, "disk": 0, "miss": 0}

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}{SUFFIX}"

    def get(self, tokens: Sequence[int]) -> bytes | None:
        """The saved state for exactly these prefix tokens, or None."""
        key = prefix_key(tokens, self.runtime)
        if key in self._memory:
            self._memory.move_to_end(key)
            self.hits["memory"] += 1
            return self._memory[key]
        state = self._read(key, tokens) if self.folder is not None else None
        if state is None:
            self.hits["miss"] += 1
            return None
        self.hits["disk"] += 1
        self._remember(key, state)
        return state

    def put(self, tokens: Sequence[int], state: bytes) -> None:
        key = prefix_key(tokens, self.runtime)
        self._remember(key, state)
        if self.folder is not None and self.max_bytes > 0:
            self._write(key, tokens, state)
            self._evict()

    def _remember(self, key: str, state: bytes) -> None:
        if self.memory_items <= 0:
            return
        self._memory[key] = state
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def _read(self, key: str, tokens: Sequence[int]) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        state = _decode(data, self.runtime, tokens)
        if state is None:  # damaged, or written by something else: rebuilt, never trusted
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return state

    def _write(self, key: str, tokens: Sequence[int], state: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{key[:16]}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_encode(self.runtime, tokens, state))
            os.replace(tmp, self._path(key))
        except OSError:  # a full or read-only disk costs the cache, not the answer
            if "tmp" in locals():
                Path(tmp).unlink(missing_ok=True)

    def _evict(self) -> None:
        files = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                st = path.stat()
            except OSError:
                continue
            files.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def _encode(runtime: str, tokens: Sequence[int], state: bytes) -> bytes:
    ids = np.asarray(tokens, dtype=np.int32).tobytes()
    header = json.dumps({"runtime": runtime, "n_tokens": len(tokens), "state_bytes": len(state),
                         "sha256": hashlib.sha256(state).hexdigest()}).encode("utf-8")
    return b"".join([MAGIC, struct.pack("<I", len(header)), header, ids, state])


def _decode(data: bytes, runtime: str, tokens: Sequence[int]) -> bytes | None:
    """The state in ``data`` if it is a whole file for exactly this runtime and these tokens, else None."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        return None
    at = len(MAGIC)
    (size,) = struct.unpack("<I", data[at:at + 4])
    at += 4
    try:
        header = json.loads(data[at:at + size])
    except ValueError:
        return None
    at += size
    if not isinstance(header, dict) or header.get("runtime") != runtime or header.get("n_tokens") != len(tokens):
        return None
    ids = np.asarray(tokens, dtype=np.int32).tobytes()
    if data[at:at + len(ids)] != ids:
        return None
    state = data[at + len(ids):]
    if len(state) != header.get("state_bytes") or hashlib.sha256(state).hexdigest() != header.get("sha256"):
        return None
    return state


__all__ = ["PrefixStore", "prefix_key"]
