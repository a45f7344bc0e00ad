"""Whole-source context: a figure whose sources are short enough is shown to the model whole, in order, as
numbered passages (its chunks without the text each repeats from the one before), instead of the few passages
retrieval ranks first. Retrieval still runs: it scores the passages, decides whether the question is relevant at
all, and marks what lies after the figure's time."""

from __future__ import annotations

from collections.abc import Sequence

from agent.answer import Passage
from agent.index.chunking import Chunk
from agent.text.terms import approx_tokens

WHOLE = "whole"
TOP_K = "top-k"
# Overlap shorter than this is left alone: a chunk that happens to begin with the character the one before ends
# with does not repeat it.
MIN_OVERLAP_CHARS = 4


def without_overlap(previous: str, text: str) -> str:
    """``text`` without its longest opening that ``previous`` ends with (the chunker's overlap)."""
    for size in range(min(len(previous), len(text) - 1), MIN_OVERLAP_CHARS - 1, -1):
        if previous.endswith(text[:size]):
            return text[size:].lstrip()
    return text


def whole_source(chunks: Sequence[Chunk]) -> list[Passage]:
    """Every chunk of a figure, in the order of its sources, each without the overlap with the chunk before it
    in the same document."""
    out: list[Passage] = []
    previous: Chunk | None = None
    for c in chunks:
        text = without_overlap(previous.text, c.text) if previous is not None and previous.doc_id == c.doc_id else c.text
        previous = c
        if text.strip():
            out.append(Passage(id=c.id, text=text, source=c.source_title, locator=c.locator, score=0.0,
                               kind=c.kind, language=c.language))
    return out


def fits_whole(passages: Sequence[Passage], budget: int) -> bool:
    """True when the passages come to at most ``budget`` approximate tokens (a CJK character = 1)."""
    return budget > 0 and sum(approx_tokens(p.text) for p in passages) <= budget


__all__ = ["TOP_K", "WHOLE", "fits_whole", "whole_source", "without_overlap"]
