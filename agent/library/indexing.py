"""Indexing many figures: jobs computed in groups (locally, or by Ray workers) and written by one process.

A job carries everything a worker needs, the figure and its loaded sources, so a worker on another machine
needs no access to the figure's files; what comes back (``BuiltIndex``) is written here, atomically, one
figure at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from agent.config import Settings
from agent.errors import AgentError
from agent.index.chunking import chunk_documents
from agent.index.embeddings import Embedder
from agent.index.store import (
    REBUILT_STATES,
    BuiltIndex,
    compute_index,
    index_lock,
    index_path,
    index_state,
    previous_vectors,
    write_index,
)
from agent.ingest.corpus import figure_documents, sources_state
from agent.ingest.documents import Document
from agent.ingest.figures import Figure


@dataclass
class IndexJob:
    figure: Figure
    docs: list[Document]
    sources: dict[str, str]
    known: dict[str, np.ndarray]


@dataclass
class Failed:
    figure_id: str
    message: str


def make_job(figure: Figure, settings: Settings, embedder_id: str) -> IndexJob:
    """Load a figure's sources for indexing (the vectors its current index holds are reused)."""
    known = previous_vectors(index_path(settings, figure.id), _IdOnly(embedder_id))
    return IndexJob(figure, figure_documents(figure), sources_state(figure), known)


class _IdOnly:
    """An embedder that is only its id: what ``previous_vectors`` needs to check an index's vectors."""

    def __init__(self, embedder_id: str) -> None:
        self.id = embedder_id


def compute_group(jobs: list[IndexJob], settings: Settings, embedder: Embedder) -> list[BuiltIndex | Failed]:
    """Index a group of figures: the passages of all of them that need vectors are embedded in one call, in
    order of length, then each figure's index is assembled from them. A figure that fails is reported, the
    others go on."""
    texts: list[str] = []
    for job in jobs:
        try:
            texts += [c.text for c in chunk_documents(job.docs, settings.chunking) if c.text not in job.known]
        except (AgentError, ValueError):
            continue  # compute_index below meets the same error and reports it
    shared: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(texts))
    if unique:
        shared = dict(zip(unique, _embed_sorted(embedder, unique, settings.embedding.batch_size)))
    out: list[BuiltIndex | Failed] = []
    for job in jobs:
        try:
            out.append(compute_index(job.figure, job.docs, job.sources, settings, embedder,
                                     known={**shared, **job.known}))
        except (AgentError, ValueError, OSError) as exc:
            out.append(Failed(job.figure.id, str(exc)))
    return out


def _embed_sorted(embedder: Embedder, texts: list[str], batch: int) -> np.ndarray:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = embedder.embed_documents([texts[i] for i in order])
    out = np.zeros_like(vectors)
    out[order] = vectors
    return out


def needs_index(figure: Figure, settings: Settings) -> bool:
    return index_state(figure, settings) in REBUILT_STATES


def write_built(settings: Settings, built: BuiltIndex) -> None:
    """Write one computed index, under the figure's index lock (a concurrent build waits)."""
    from agent.files import locked

    with locked(index_lock(settings, built.figure_id), f"building the index of {built.figure_id}"):
        write_index(settings, built)


def local_compute(settings: Settings, embedder: Embedder) -> Callable[[Iterable[list[IndexJob]]],
                                                                        Iterator[list[BuiltIndex | Failed]]]:
    """Compute groups one after another in this process."""
    def run(groups: Iterable[list[IndexJob]]) -> Iterator[list[BuiltIndex | Failed]]:
        for group in groups:
            yield compute_group(group, settings, embedder)

    return run


__all__ = ["Failed", "IndexJob", "compute_group", "local_compute", "make_job", "needs_index", "write_built"]
