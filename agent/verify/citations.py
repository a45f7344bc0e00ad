"""Attach citations by code: each answer sentence is mapped to the passages that support it.

The model's own ``[n]`` markers are kept only when ``n`` names a given passage
that shares content with the sentence; unknown markers are dropped, and a
sentence without a valid marker gets its best-supporting passage when the
support is strong enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.answer import CHRONOLOGY_KIND, Citation, Passage
from agent.dates.numerals import numeral_tokens
from agent.text.sentences import split_sentences
from agent.text.terms import content_terms, fold, is_cjk, keyword_tokens

MARKER_RE = re.compile(r"\s*[\[【［]\s*(\d+(?:\s*[,，、;]\s*\d+)*)\s*[\]】］]")
KEEP_MODEL_MARKER = 0.15
ADD_MARKER = 0.3
# Support needs shared content, not only embedding similarity: a sentence must share at least this
# share of its content terms with a passage for that passage to be cited.
MIN_LEXICAL = 0.2
LEXICAL_WEIGHT = 0.7


@dataclass
class SentenceSupport:
    sentence: str
    passage_numbers: list[int]
    best_support: float


Tokens = tuple[set[str], set[str]]


def passage_tokens(text: str) -> Tokens:
    """A passage's words (with the digits of its numbers written in words: "eighty-two" also counts as "82") and
    its CJK characters."""
    return set(keyword_tokens(text)) | numeral_tokens(text), {c for c in fold(text) if is_cjk(c)}


def lexical_share(sentence: Tokens, passage: Tokens) -> float:
    """Mean of the shares of the sentence's words and of its CJK characters found in the passage."""
    parts = [len(mine & theirs) / len(mine) for mine, theirs in zip(sentence, passage) if mine]
    return sum(parts) / len(parts) if parts else 0.0


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Sentences without markers, each with the marker numbers the model attached to it."""
    out: list[tuple[str, list[int]]] = []
    for raw in split_sentences(text):
        lead = MARKER_RE.match(raw)
        if lead and out:
            out[-1][1].extend(int(n) for n in re.findall(r"\d+", lead.group(1)))
            raw = raw[lead.end() :]
        numbers = [int(n) for m in MARKER_RE.finditer(raw) for n in re.findall(r"\d+", m.group(1))]
        clean = MARKER_RE.sub("", raw).strip()
        if clean:
            out.append((clean, numbers))
        elif out:
            out[-1][1].extend(numbers)
    return out


def best_quote(sentence: str, passage_text: str) -> str:
    """The passage sentence sharing the most content with ``sentence``."""
    stoks = content_terms(sentence)
    best, best_score = passage_text, -1.0
    for cand in split_sentences(passage_text):
        score = lexical_share(stoks, passage_tokens(cand))
        if score > best_score:
            best, best_score = cand, score
    return best


def attach_citations(
    text: str,
    passages: list[Passage],
    *,
    sentence_vectors: np.ndarray | None = None,
    passage_vectors: np.ndarray | None = None,
) -> tuple[str, list[Citation], list[SentenceSupport]]:
    """Return the answer text with checked ``[n]`` markers, the citations, and per-sentence support."""
    from agent.retrieve.hybrid import rescale_dense

    sentences = split_answer(text)
    ptokens = [passage_tokens(p.text) for p in passages]
    if not passages:
        return text, [], [SentenceSupport(sentence, [], 0.0) for sentence, _ in sentences]
    parts: list[str] = []
    citations: dict[int, Citation] = {}
    supports: list[SentenceSupport] = []
    for si, (sentence, model_numbers) in enumerate(sentences):
        stoks = content_terms(sentence)
        scores = []
        for pi in range(len(passages)):
            lexical = lexical_share(stoks, ptokens[pi])
            score = lexical
            if sentence_vectors is not None and passage_vectors is not None:
                cos = float(np.dot(sentence_vectors[si], passage_vectors[pi]))
                score = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * rescale_dense(cos)
            scores.append(score if lexical >= MIN_LEXICAL else 0.0)
        chosen = [n for n in dict.fromkeys(model_numbers) if 1 <= n <= len(passages) and scores[n - 1] >= KEEP_MODEL_MARKER]
        if not chosen and scores:
            best = int(np.argmax(scores))
            if scores[best] >= ADD_MARKER:
                chosen = [best + 1]
        supports.append(SentenceSupport(sentence, chosen, max(scores) if scores else 0.0))
        for n in chosen:
            if n not in citations:
                p = passages[n - 1]
                citations[n] = Citation(f"[{n}]", p.id, p.source, p.locator, best_quote(sentence, p.text))
        parts.append(sentence + "".join(f"[{n}]" for n in chosen))
    joiner = "" if any("\u4e00" <= c <= "\u9fff" for c in text) else " "
    return joiner.join(parts), [citations[n] for n in sorted(citations)], supports


__all__ = ["MARKER_RE", "SentenceSupport", "attach_citations", "best_quote", "cite_answer", "lexical_share", "passage_tokens", "split_answer"]


def cite_answer(text: str, passages: list[Passage], embedder, index) -> tuple:
    """``attach_citations`` with vectors: the answer's sentences embedded by ``embedder``, stored passages' vectors
    from ``index``, and a computed (chronology) passage, which no index holds, embedded now."""
    sentences = [sentence for sentence, _ in split_answer(text)]
    if not sentences:
        return attach_citations(text, passages)
    svecs = embedder.embed_documents(sentences)
    stored = [p for p in passages if p.kind != CHRONOLOGY_KIND]
    vectors = dict(zip((p.id for p in stored), index.vectors([p.id for p in stored]) if stored else []))
    computed = [p for p in passages if p.kind == CHRONOLOGY_KIND]
    if computed:
        vectors.update(zip((p.id for p in computed), embedder.embed_documents([p.text for p in computed])))
    pvecs = np.vstack([vectors[p.id] for p in passages])
    return attach_citations(text, passages, sentence_vectors=svecs, passage_vectors=pvecs)
