"""The one sentence splitter: Chinese and English, closing quotes and citation markers kept with their sentence,
abbreviations and initials never taken for a sentence's end."""

from __future__ import annotations

import re
from functools import lru_cache

# Paragraphs: runs of text between blank lines.
_PARAGRAPH_RE = re.compile(r"(?:(?!\n[ \t]*\n).)+", re.S)
# A sentence ends at its closing punctuation, with any closing quotes and citation markers after it ("Zhang Xu.[1] The
# records…" is two sentences).
_SENTENCE_RE = re.compile(r"[^。！？；!?]*?(?:[。！？；]+[」』”’）)]*|[.!?]+[\"'”’)\]]*(?:\[\d+(?:[,，]\s*\d+)*\])*(?=\s|$)|$)", re.S)


# A full stop that ends an abbreviation, an initial or a leading numeral ends no sentence: "St. Louis",
# "Ulysses S. Grant", "c. 98", "e.g. the", "1. FC Köln" (a German club's ordinal before its capitals).
_ABBREVIATION_END_RE = re.compile(
    r"(?:(?<![\w.])(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Gen|Col|Capt|Lt|Maj|Gov|Sen|Rep|Rev|Hon|Jr|Sr|Prof|vs|cf|ca|c|viz|"
    r"Vol|vol|No|no|pp|p|ch|chap)\.|(?<![\w.])(?:e\.g|i\.e)\.|(?<![\w.])[A-HJ-Z]\.)$"
)
_LEADING_NUMERAL_RE = re.compile(r"(?:^|\s)\d{1,2}\.$")
_ACRONYM_START_RE = re.compile(r"[A-Z]{2,}\b")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of Chinese or English ``text``, closing punctuation, quotes and citation
    markers included, surrounding whitespace excluded. A stop after an abbreviation or an initial ("St. Louis",
    "S. Grant") or after a short numeral before a name in capitals ("1. FC Köln") does not end the sentence; a
    line break does not either (hard-wrapped text), but a blank line (a new paragraph) does."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=512)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for para in _PARAGRAPH_RE.finditer(text):
        out += _spans(text, para.start(), para.end())
    return tuple(out)


def _spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start: int | None = None  # where the sentence being joined began
    for match in _SENTENCE_RE.finditer(text, lo, hi):
        if not match.group(0).strip():
            continue
        if start is None:
            start = match.start()
        sentence = text[start:match.end()].strip()
        following = match.end() + len(text[match.end():hi]) - len(text[match.end():hi].lstrip())
        if _ABBREVIATION_END_RE.search(sentence) or (
                _LEADING_NUMERAL_RE.search(sentence) and _ACRONYM_START_RE.match(text, following, hi)):
            continue
        out.append(_strip(text, start, match.end()))
        start = None
    if start is not None and text[start:hi].strip():
        out.append(_strip(text, start, hi))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`), stripped."""
    return [text[a:b] for a, b in sentence_spans(text)]


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence of ``text`` that holds ``text[start:end]`` (from the first sentence it touches to
    the last); at the end of a sentence, the next one. Whitespace between sentences belongs to the next."""
    spans = sentence_spans(text)
    if not spans:
        return 0, len(text)
    first = next((i for i, (a, b) in enumerate(spans) if start < b or (start == b and i + 1 == len(spans))), len(spans) - 1)
    last = next((i for i, (a, b) in enumerate(spans) if end <= b), len(spans) - 1)
    last = max(first, last)
    return spans[first][0], spans[last][1]


__all__ = ["sentence_span", "sentence_spans", "split_sentences"]
