"""Hybrid retrieval: dense (FAISS) and keyword (bm25s) results fused by reciprocal rank.

Each returned passage also gets a *relevance* in [0, 1] that decides abstention:
how much of the question's content (terms other than stopwords and the figure's
own names) the passage covers, blended with dense similarity rescaled between a
floor and a ceiling calibrated for the embedder.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .answer import Passage
from .config import RetrievalSettings
from .embeddings import Embedder
from .figures import Figure
from .index import FigureIndex
from .textutil import ZH_STOP_CHARS, fold, keyword_tokens

# Dense cosine similarities of the e5 family sit in a narrow band; these bounds map it to [0, 1].
DENSE_FLOOR = 0.80
DENSE_CEILING = 0.90
COVERAGE_WEIGHT = 0.6


def content_terms(text: str, exclude: set[str]) -> tuple[set[str], set[str]]:
    """(word-like terms, single CJK characters) of a question, minus stopwords and excluded name terms."""
    terms = set()
    for tok in keyword_tokens(text, drop_stopwords=True):
        if tok in exclude:
            continue
        if len(tok) == 2 and _is_cjk(tok) and (tok[0] in ZH_STOP_CHARS or tok[1] in ZH_STOP_CHARS):
            continue
        terms.add(tok)
    chars = {c for c in fold(text) if _is_cjk(c) and c not in ZH_STOP_CHARS}
    chars -= {c for name in exclude for c in name}
    return terms, chars


def _is_cjk(s: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in s)


def name_terms(figure: Figure) -> set[str]:
    names = list(figure.names.values()) + list(figure.aliases)
    out: set[str] = set()
    for name in names:
        out.update(keyword_tokens(name))
        out.update(fold(name))
    return out


def coverage(terms: set[str], chars: set[str], passage_text: str) -> float:
    """Share of the question's content terms present in the passage (CJK characters count half)."""
    tokens = set(keyword_tokens(passage_text))
    folded = fold(passage_text)
    parts, weights = [], []
    if terms:
        parts.append(len(terms & tokens) / len(terms))
        weights.append(1.0)
    if chars:
        parts.append(sum(1 for c in chars if c in folded) / len(chars))
        weights.append(1.0)
    if not parts:
        return 0.0
    return sum(p * w for p, w in zip(parts, weights)) / sum(weights)


def rescale_dense(cos: float) -> float:
    return float(min(1.0, max(0.0, (cos - DENSE_FLOOR) / (DENSE_CEILING - DENSE_FLOOR))))


class HybridRetriever:
    def __init__(self, index: FigureIndex, embedder: Embedder, figure: Figure, settings: RetrievalSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.figure = figure
        self.settings = settings
        self._names = name_terms(figure)

    def _dense(self, qvec: np.ndarray, n: int) -> list[int]:
        _, ids = self.index.dense.search(qvec.reshape(1, -1), min(n, len(self.index)))
        return [int(i) for i in ids[0] if i >= 0]

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
        qvec = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        n = self.settings.candidates
        fused: dict[int, float] = {}
        for ranking in (self._dense(qvec, n), self._keyword(question, n)):
            for rank, idx in enumerate(ranking):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (self.settings.rrf_k + rank + 1)
        terms, chars = content_terms(question, self._names)
        out = []
        for idx, score in sorted(fused.items(), key=lambda kv: -kv[1])[:k]:
            chunk = self.index.chunks[idx]
            cos = float(np.dot(self.index.dense.reconstruct(idx), qvec))
            relevance = COVERAGE_WEIGHT * coverage(terms, chars, chunk.text) + (1 - COVERAGE_WEIGHT) * rescale_dense(cos)
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


__all__ = ["HybridRetriever", "content_terms", "coverage", "make_langchain_retriever"]
