"""Per-figure index: chunk store + FAISS dense index + bm25s keyword index + manifest.

An index is a folder ``<index_dir>/<figure-id>/`` written atomically (built in a
temporary sibling, then swapped in).  Its manifest records everything that
decides its content, so a stale or mismatched index is detected, never used.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agent import __version__
from agent.config import EmbeddingSettings, Settings
from agent.errors import IndexError_
from agent.files import locked, recover_swaps, swap_dir
from agent.index.chronology import CHRONOLOGY_VERSION, Chronology, build_chronology
from agent.index.chunking import CHUNKER, Chunk, chunk_documents
from agent.index.embeddings import Embedder, embedder_id
from agent.ingest.corpus import figure_documents, sources_state
from agent.ingest.documents import Document
from agent.ingest.figures import FIGURE_FILE, Figure
from agent.text.terms import fold, is_cjk, keyword_tokens

FORMAT_VERSION = 5  # 5: the chronology (chronology.json) is stored with the index
KEYWORD_TOKENIZER = "cjk-bigram+latin-stem-v2"
MANIFEST = "manifest.json"


class TermWeights:
    """Inverse document frequencies of keyword terms and CJK characters over a figure's chunks,
    counted once at build time and stored with the index.

    Retrieval weights coverage by them, so a passage that shares only common words with the
    question (多少, 一, number) covers little of it, and a term the corpus never uses (手机) weighs most.
    """

    def __init__(self, n: int, terms: dict[str, int], chars: dict[str, int]) -> None:
        self.n, self.terms, self.chars = n, terms, chars

    @classmethod
    def count(cls, texts: list[str], tokens: list[list[str]]) -> "TermWeights":
        terms: dict[str, int] = {}
        chars: dict[str, int] = {}
        for text, toks in zip(texts, tokens):
            for tok in set(toks):
                terms[tok] = terms.get(tok, 0) + 1
            for ch in {c for c in fold(text) if is_cjk(c)}:
                chars[ch] = chars.get(ch, 0) + 1
        return cls(len(texts), terms, chars)

    def to_json(self) -> str:
        return json.dumps({"n": self.n, "terms": self.terms, "chars": self.chars}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "TermWeights":
        data = json.loads(text)
        return cls(data["n"], data["terms"], data["chars"])

    def idf(self, df: int) -> float:
        """Unseen counts as seen once, so one unknown word cannot outweigh the rest of a question."""
        return math.log((self.n + 1) / (max(df, 1) + 0.5))

    def term(self, tok: str) -> float:
        return self.idf(self.terms.get(tok, 0))

    def char(self, ch: str) -> float:
        return self.idf(self.chars.get(ch, 0))


@dataclass
class FigureIndex:
    figure_id: str
    path: Path
    manifest: dict
    chunks: list[Chunk]
    dense: object  # faiss.Index
    keyword: object  # bm25s.BM25
    weights: TermWeights
    chronology: Chronology
    _positions: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.chunks)

    def vectors(self, chunk_ids: list[str]) -> np.ndarray:
        """The stored embeddings of these chunks, one row each, in order."""
        if self._positions is None:
            self._positions = {c.id: i for i, c in enumerate(self.chunks)}
        return np.vstack([self.dense.reconstruct(self._positions[cid]) for cid in chunk_ids])


def expected_settings(settings: Settings) -> dict:
    """The part of the manifest that depends on configuration alone."""
    return {
        "embedder": embedder_id(settings.embedding),
        "chunking": {
            "chunk_size": settings.chunking.chunk_size,
            "chunk_overlap": settings.chunking.chunk_overlap,
        },
    }


def expected_build() -> dict:
    """The part of the manifest fixed by this version of the code; a change means a plain rebuild."""
    return {"format_version": FORMAT_VERSION, "keyword_tokenizer": KEYWORD_TOKENIZER, "chunker": CHUNKER,
            "chronology": CHRONOLOGY_VERSION}


def index_path(settings: Settings, figure_id: str) -> Path:
    return settings.index_dir / figure_id


# The states an index is built again in without being asked: nothing there, sources changed, a damaged manifest.
REBUILT_STATES = ("missing", "stale", "damaged")


def rebuild_command(figure_id: str, settings: Settings | None = None) -> str:
    """The command that rebuilds the index with these settings: an embedder other than the default is named, or
    the command would rebuild (or keep) the index for the configured one."""
    embedder = settings.embedding.model if settings is not None else None
    default = EmbeddingSettings().model
    return f"agent index build {figure_id}" + (f" --embedder {embedder}" if embedder and embedder != default else "")


def read_manifest(path: Path) -> dict | None:
    """The manifest, or None when there is none or it is not a JSON object (a damaged index)."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def index_state(figure: Figure, settings: Settings) -> str:
    """'missing', 'damaged' (a manifest that cannot be read), 'settings-mismatch' (other embedder or chunking),
    'stale' (sources or format changed) or 'ok'."""
    path = index_path(settings, figure.id)
    recover_swaps(path.parent)  # an index swap, and a change of the figure's sources, that a kill cut short
    recover_swaps(figure.root)
    manifest = read_manifest(path)
    if manifest is None:
        return "damaged" if (path / MANIFEST).exists() else "missing"
    if _settings_differ(manifest, settings):
        return "settings-mismatch"
    recorded = {k: v for k, v in (manifest.get("sources") or {}).items() if k != FIGURE_FILE}  # older manifests hashed it
    if recorded != sources_state(figure) or any(manifest.get(k) != v for k, v in expected_build().items()):
        return "stale"
    return "ok"


def _settings_differ(manifest: dict, settings: Settings) -> bool:
    """The embedder or the chunk size and overlap differ (what else a manifest records of chunking is the
    splitter's version, in ``expected_build``)."""
    expected = expected_settings(settings)
    chunking = manifest.get("chunking") if isinstance(manifest.get("chunking"), dict) else {}
    return manifest.get("embedder") != expected["embedder"] or any(
        chunking.get(k) != v for k, v in expected["chunking"].items())


def mismatch_reason(figure: Figure, settings: Settings) -> str:
    manifest = read_manifest(index_path(settings, figure.id)) or {}
    expected = expected_settings(settings)
    for key, value in expected.items():
        if manifest.get(key) != value:
            return f"its {key} is {manifest.get(key)!r}, the configuration says {value!r}"
    return "its sources or the index format changed since it was built"


@dataclass
class BuiltIndex:
    """What indexing computes for one figure before anything is written: its chunks, their vectors, its
    chronology and the manifest. Plain data, so a worker on another machine can compute it and the one process
    that writes indexes (see ``write_index``) can store it."""

    figure_id: str
    chunks: list[Chunk]
    vectors: np.ndarray
    chronology: Chronology
    manifest: dict


def build_index(figure: Figure, settings: Settings, embedder: Embedder, *, progress: bool = False) -> FigureIndex:
    """Chunk, embed and index a figure's sources, then swap the new index into place."""
    known = previous_vectors(index_path(settings, figure.id), embedder)
    built = compute_index(figure, figure_documents(figure), sources_state(figure), settings, embedder, known=known,
                          progress=progress)
    return write_index(settings, built)


def compute_index(figure: Figure, docs: list[Document], sources: dict[str, str], settings: Settings,
                  embedder: Embedder, *, known: dict[str, np.ndarray] | None = None,
                  progress: bool = False) -> BuiltIndex:
    """Chunk and embed ``docs`` (the figure's loaded sources) and read their chronology; ``known`` holds vectors
    already computed, by chunk text, which are reused. Writes nothing."""
    if embedder.id != embedder_id(settings.embedding):
        raise IndexError_(f"embedder {embedder.id!r} does not match the configured {embedder_id(settings.embedding)!r}")
    chunks = chunk_documents(docs, settings.chunking)
    texts = [c.text for c in chunks]
    if not texts:
        raise IndexError_("nothing to index: the sources produced no passages")
    known = dict(known or {})
    unique = list(dict.fromkeys(texts))
    new = [t for t in unique if t not in known]
    if new:
        fresh = _embed_with_progress(embedder, new, settings.embedding.batch_size, progress, figure.id)
        known.update(zip(new, fresh))
    vectors = np.ascontiguousarray(np.vstack([known[t] for t in texts]), dtype=np.float32)
    manifest = {
        **expected_build(),
        **expected_settings(settings),
        "figure_id": figure.id,
        "embedder_dim": int(vectors.shape[1]),
        "sources": sources,
        "n_chunks": len(chunks),
        "package_version": __version__,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return BuiltIndex(figure.id, chunks, vectors, build_chronology(figure, docs, chunks), manifest)


def _keyword(texts: list[str]):
    """The keyword index and term weights of the passages ``texts``."""
    import bm25s

    keyword = bm25s.BM25()
    tokens = [keyword_tokens(t) for t in texts]
    keyword.index([toks or ["\u0000"] for toks in tokens], show_progress=False)
    return keyword, TermWeights.count(texts, tokens)


def write_index(settings: Settings, built: BuiltIndex) -> FigureIndex:
    """Build the keyword and dense indexes of ``built`` and swap them into place at once. A small figure's
    keyword index is not stored (``ingest.keyword_store_min_chunks``): loading rebuilds it."""
    import faiss

    chunks, vectors = built.chunks, built.vectors
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    keyword, weights = _keyword([c.text for c in chunks])
    store_keyword = len(chunks) >= settings.ingest.keyword_store_min_chunks
    manifest = {**built.manifest, "keyword_stored": store_keyword}
    final = index_path(settings, built.figure_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        if store_keyword:
            keyword.save(str(tmp / "bm25"))
            (tmp / "weights.json").write_text(weights.to_json(), encoding="utf-8")
        (tmp / "chronology.json").write_text(built.chronology.to_json(), encoding="utf-8")
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        swap_dir(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return FigureIndex(built.figure_id, final, manifest, chunks, dense, keyword, weights, built.chronology)


def previous_vectors(path: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """The embeddings the figure's current index holds, by chunk text, when it was built with this embedder: a
    rebuild embeds only the chunks whose text is new. Anything unreadable gives none (a plain rebuild)."""
    import faiss

    manifest = read_manifest(path)
    if not manifest or manifest.get("embedder") != embedder.id:
        return {}
    try:
        with (path / "chunks.jsonl").open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
        dense = faiss.read_index(str(path / "dense.faiss"))
        if dense.ntotal != len(texts):
            return {}
        stored = dense.reconstruct_n(0, dense.ntotal)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError):
        return {}
    return dict(zip(texts, stored))


def _embed_with_progress(embedder: Embedder, texts: list[str], batch: int, progress: bool, label: str) -> np.ndarray:
    """Embed in order of length (less padding per batch), then restore the original order."""
    from tqdm import tqdm

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    group = max(batch, 8 * batch)
    out: np.ndarray | None = None
    with tqdm(total=len(texts), desc=f"indexing {label}", unit="chunk", disable=not progress, leave=False) as bar:
        for start in range(0, len(order), group):
            ids = order[start : start + group]
            vectors = embedder.embed_documents([texts[i] for i in ids])
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[ids] = vectors
            bar.update(len(ids))
    if out is None:
        raise IndexError_("nothing to index: the sources produced no passages")
    return np.ascontiguousarray(out)


def load_index(figure: Figure, settings: Settings) -> FigureIndex:
    """Load a figure's index; refuse one that is missing or was built with other settings."""
    import bm25s
    import faiss

    path = index_path(settings, figure.id)
    state = index_state(figure, settings)
    cmd = rebuild_command(figure.id, settings)
    if state == "missing":
        raise IndexError_(f"no index for {figure.id} at {path}", hint=f"run: {cmd}")
    if state == "damaged":
        raise IndexError_(f"the index at {path} is damaged (its manifest cannot be read)", hint=f"run: {cmd}")
    if state != "ok":
        raise IndexError_(f"the index at {path} does not match: {mismatch_reason(figure, settings)}", hint=f"run: {cmd}")
    manifest = read_manifest(path) or {}
    try:
        with (path / "chunks.jsonl").open(encoding="utf-8") as fh:
            chunks = [Chunk(**json.loads(line)) for line in fh if line.strip()]
        dense = faiss.read_index(str(path / "dense.faiss"))
        if manifest.get("keyword_stored", True):
            keyword = bm25s.BM25.load(str(path / "bm25"))
            weights = TermWeights.from_json((path / "weights.json").read_text(encoding="utf-8"))
        else:
            keyword, weights = _keyword([c.text for c in chunks])
        chronology = Chronology.from_json((path / "chronology.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexError_(f"the index at {path} is damaged ({exc})", hint=f"run: {cmd}") from None
    if len(chunks) != dense.ntotal or len(chunks) != manifest.get("n_chunks"):
        raise IndexError_(f"the index at {path} is inconsistent", hint=f"run: {cmd}")
    return FigureIndex(figure.id, path, manifest, chunks, dense, keyword, weights, chronology)


def ensure_index(figure: Figure, settings: Settings, embedder: Embedder, *, progress: bool = False) -> FigureIndex:
    """Load the index, building it first when missing or when its sources changed.

    An index built with another embedder or chunking is refused, with the command that rebuilds it.
    """
    state = index_state(figure, settings)
    if state in REBUILT_STATES:
        # Another process building the same index holds the lock; this one waits, then finds it built.
        with locked(index_lock(settings, figure.id), f"building the index of {figure.id}"):
            if index_state(figure, settings) in REBUILT_STATES:
                return build_index(figure, settings, embedder, progress=progress)
    return load_index(figure, settings)


def index_loads(figure: Figure, settings: Settings) -> bool:
    """An index that says it is up to date also loads whole (its arrays are not truncated or missing)."""
    try:
        load_index(figure, settings)
    except IndexError_:
        return False
    return True


def index_lock(settings: Settings, figure_id: str) -> Path:
    """The lock file that one figure's index builds take (beside the index folder)."""
    return index_path(settings, figure_id).with_name(f".{figure_id}.lock")


__all__ = ["BuiltIndex", "FigureIndex", "TermWeights", "build_index", "compute_index", "write_index", "ensure_index", "index_state", "load_index", "rebuild_command"]
