"""Hybrid retrieval: dense (FAISS) and keyword (bm25s) results fused by reciprocal rank.

The dense search runs twice where the question says "you" or 你: as asked (a figure's own letters answer
"How heavy was your armour?" in the first person) and in the third person (a biography answers "When were Meng
Haoran born?"); each passage keeps its better similarity. Keyword search and relevance use the question
as asked.

Each returned passage also gets a *relevance* in [0, 1] that decides abstention:
how much of the question's content (terms other than stopwords and the figure's
own names; "born" and "birth", 卒 and 去世 count as one word) the passage covers,
blended with dense similarity rescaled between a floor and a ceiling calibrated
for the embedder.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from agent.answer import Passage
from agent.config import RetrievalSettings
from agent.index.embeddings import Embedder
from agent.index.store import FigureIndex, TermWeights
from agent.ingest.figures import Figure
from agent.text.terms import canonical_events, content_terms, fold, is_cjk, keyword_tokens

# Dense cosine similarities of the e5 family sit in a narrow band; these bounds map it to [0, 1].
DENSE_FLOOR = 0.80
DENSE_CEILING = 0.90
COVERAGE_WEIGHT = 0.6


def name_terms(figure: Figure) -> set[str]:
    names = list(figure.names.values()) + list(figure.aliases)
    out: set[str] = set()
    for name in names:
        out.update(keyword_tokens(name))
        out.update(fold(name))
    return out


_YOUR_RE = re.compile(r"\byours?\b", re.IGNORECASE)
_YOU_RE = re.compile(r"\b(?:yourself|you)\b", re.IGNORECASE)
_NI_RE = re.compile(r"[你您](?:們|们)?")


# Asking for an age in words the sources never use for it: they write "in the fifty-sixth year of his age", "at the
# age of forty", "aged eighty-two". "At what age did you pass away?" found none of these passages (Suetonius's
# chapter 88 was not among the twelve best); asked "at what age", it is the first.
_AGE_QUESTION = [
    (re.compile(r"(?i)\bhow\s+old\b"), "at what age"),
    # "How many years did you live?" is the age at death; "How long did you live in Hangzhou?" is not
    (re.compile(r"(?i)\bhow\s+(?:many\s+years|long)\s+did\s+(\w+)\s+live\b"
                r"(?!\s+(?:in|at|on|with|there|here|near|among|under|as|after|before|by|through)\b)"
                r"(?:\s+(?:altogether|in\s+all))?"), r"at what age did \1 die"),
]


def search_query(question: str) -> str:
    """The question as searched: an age asked for as the sources give one ("How old were you?" -> "At what age
    were you?")."""
    for pattern, words in _AGE_QUESTION:
        question = pattern.sub(lambda m: _cased(m.expand(words), m.group(0)[0].isupper()), question)
    return question


def _cased(words: str, first: bool) -> str:
    return words[:1].upper() + words[1:] if first else words


def in_third_person(question: str, figure: Figure) -> str:
    """The question as a search query: "you" and 你 become the figure's name.

    The sources speak of the figure by name, never as "you"; "In which year did your life begin?" finds the passage on
    Meng Haoran's birth only once it reads "When were Meng Haoran born?".
    """
    en, zh = figure.name("en"), figure.name("zh")
    query = _YOUR_RE.sub(f"{en}'s", question)
    query = _YOU_RE.sub(en, query)
    return _NI_RE.sub(zh, query)


def coverage(terms: set[str], chars: set[str], passage_text: str, weights: TermWeights | None = None) -> float:
    """Share of the question's content present in the passage, weighted by rarity when weights are given.

    Chinese is measured by characters (bigrams of unsegmented text are mostly word boundaries,
    which would weigh as rare terms); other languages by stemmed words. With both present, the
    two shares are averaged.
    """
    passage_text = canonical_events(passage_text)
    tokens = set(keyword_tokens(passage_text))
    folded = fold(passage_text)
    tw = weights.term if weights else (lambda _t: 1.0)
    cw = weights.char if weights else (lambda _c: 1.0)
    words = {t for t in terms if not is_cjk(t)}
    parts = []
    if words:
        total = sum(tw(t) for t in words)
        parts.append(sum(tw(t) for t in words if t in tokens) / total if total else 0.0)
    if chars:
        total = sum(cw(c) for c in chars)
        parts.append(sum(cw(c) for c in chars if c in folded) / total if total else 0.0)
    return sum(parts) / len(parts) if parts else 0.0


def rescale_dense(cos: float) -> float:
    return float(min(1.0, max(0.0, (cos - DENSE_FLOOR) / (DENSE_CEILING - DENSE_FLOOR))))


class HybridRetriever:
    def __init__(self, index: FigureIndex, embedder: Embedder, figure: Figure, settings: RetrievalSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.figure = figure
        self.settings = settings
        self._names = name_terms(figure)

    def _dense(self, qvecs: list[np.ndarray], n: int) -> list[int]:
        """Passages by their best similarity to any of the query vectors."""
        best: dict[int, float] = {}
        for qvec in qvecs:
            sims, ids = self.index.dense.search(qvec.reshape(1, -1), min(n, len(self.index)))
            for sim, i in zip(sims[0], ids[0]):
                if i >= 0:
                    best[int(i)] = max(best.get(int(i), -1.0), float(sim))
        return sorted(best, key=lambda i: -best[i])[:n]

    def _keyword(self, question: str, n: int) -> list[int]:
        bm25 = self.index.keyword
        vocab = bm25.vocab_dict
        tokens = [t for t in keyword_tokens(question) if t in vocab]
        if not tokens:
            return []
        scores = np.asarray(bm25.get_scores(tokens))
        order = np.argsort(-scores)[:n]
        return [int(i) for i in order if scores[i] > 0]

    def retrieve(self, question: str, k: int | None = None) -> list[Passage]:
        k = k or self.settings.top_k
        if len(self.index) == 0:
            return []
        question = search_query(question)
        qvec = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        n = self.settings.candidates
        qvecs = [qvec]
        query = in_third_person(question, self.figure)
        if query != question:
            qvecs.append(np.asarray(self.embedder.embed_query(query), dtype=np.float32))
        fused: dict[int, float] = {}
        for ranking in (self._dense(qvecs, n), self._keyword(question, n)):
            for rank, idx in enumerate(ranking):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (self.settings.rrf_k + rank + 1)
        terms, chars = content_terms(canonical_events(question), self._names)
        out = []
        for idx, score in sorted(fused.items(), key=lambda kv: -kv[1])[:k]:
            chunk = self.index.chunks[idx]
            cos = float(np.dot(self.index.dense.reconstruct(idx), qvec))
            relevance = COVERAGE_WEIGHT * coverage(terms, chars, chunk.text, self.index.weights) + (1 - COVERAGE_WEIGHT) * rescale_dense(cos)
            out.append(
                Passage(
                    id=chunk.id,
                    text=chunk.text,
                    source=chunk.source_title,
                    locator=chunk.locator,
                    score=round(score, 6),
                    relevance=round(relevance, 4),
                    kind=chunk.kind,
                    language=chunk.language,
                )
            )
        return out


def make_langchain_retriever(retriever: HybridRetriever, k: int | None = None) -> Any:
    """A LangChain ``BaseRetriever`` over our hybrid retrieval, for use in users' own chains."""
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class FigureRetriever(BaseRetriever):
        """Hybrid dense + keyword retrieval over one historical figure's sources."""

        hybrid: Any
        k: int | None = None

        def _get_relevant_documents(self, query: str, *, run_manager: Any = None) -> list[Document]:
            return [
                Document(
                    page_content=p.text,
                    id=p.id,
                    metadata={
                        "passage_id": p.id,
                        "source": p.source,
                        "locator": p.locator,
                        "score": p.score,
                        "relevance": p.relevance,
                        "kind": p.kind,
                        "language": p.language,
                    },
                )
                for p in self.hybrid.retrieve(query, self.k)
            ]

    return FigureRetriever(hybrid=retriever, k=k)


__all__ = ["HybridRetriever", "content_terms", "coverage", "in_third_person", "make_langchain_retriever", "search_query"]
