"""extract_dates: the candidates of every recogniser, the longest kept, "A 至 B" joined into a range,
returned as :class:`DateMention`.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from agent.dates.ages import age_dates
from agent.dates.candidates import Candidate, make_candidate
from agent.dates.chinese import chinese_years, era_dates, era_phrases, sexagenary_dates
from agent.dates.english import english_centuries, english_years
from agent.dates.eras import fold_era_text

__all__ = ["DateMention", "extract_dates"]


@dataclass(frozen=True)
class DateMention:
    """A date stated in a text: its span and the inclusive range of historical years it names."""

    text: str
    start: int
    end: int
    lo: int
    hi: int
    kind: str  # year, era, sexagenary, age, century, decade, range, circa
    approx: bool = False


_CITATION_RE = re.compile(r"[\[【［]\s*\^?\s*\d+(?:\s*[,，、;–-]\s*\d+)*\s*[\]】］]")


def _select(cands: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, the longest (then the most specific) first, returned in text order."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.rank, c.start)):
        if c.end > c.start and not any(k.start < c.end and c.start < k.end for k in kept):
            kept.append(c)
    return sorted(kept)


_MERGE_RE = re.compile(r"\s*(?:至|到|—|–|-|~|−)\s*")
_MERGEABLE = frozenset({"year", "era", "circa"})


def _merge_ranges(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Join two resolved dates written "A 至 B" (742年至744年, 開元二十年至天寶元年) into one range."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (prev and c.lo is not None and prev.lo is not None and prev.kind in _MERGEABLE and c.kind in _MERGEABLE
                and _MERGE_RE.fullmatch(t, prev.end, c.start) and prev.lo <= c.hi):
            out[-1] = make_candidate(prev.start, c.end, prev.lo, c.hi, "range", prev.approx or c.approx)
        else:
            out.append(c)
    return out


_DIGIT_RE = re.compile(r"\d")
LATIN_RE = re.compile(r"[A-Za-z]")
CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff]")


def _blank_citations(text: str) -> str:
    return _CITATION_RE.sub(lambda m: " " * len(m.group(0)), text)


def prepare_text(text: str) -> str:
    """The text the patterns run on: citation markers blanked, folded; offsets are those of ``text``."""
    return fold_era_text(_blank_citations(text))


def date_candidates(t: str, anchor: tuple[int, int] | None, born: int | None) -> list[Candidate]:
    """Selected date candidates of the prepared text ``t``, unresolved ones included (lo is None)."""
    cands: list[Candidate] = []
    if _DIGIT_RE.search(t):
        cands += english_years(t)
    if LATIN_RE.search(t):
        cands += english_centuries(t)
    if CJK_CHAR_RE.search(t):
        cands += chinese_years(t)
        cands += era_dates(t, anchor)
        cands += era_phrases(t, anchor)
        cands += sexagenary_dates(t, anchor)
    cands += age_dates(t, born)
    return _merge_ranges(t, _select(cands))


def extract_dates(text: str, *, anchor: tuple[int, int] | None = None, born: int | None = None) -> list[DateMention]:
    """The dates stated in ``text`` (Chinese or English), in order, without overlaps.

    ``anchor`` is the year window of the figure (its lifetime): it resolves sexagenary years and picks among
    reign eras of the same name. ``born`` turns stated ages into years. See the module docstring for what is
    recognised and the conventions.
    """
    return [DateMention(text[c.start:c.end], c.start, c.end, c.lo, c.hi, c.kind, c.approx)
            for c in date_candidates(prepare_text(text), anchor, born) if c.lo is not None and c.hi is not None]
