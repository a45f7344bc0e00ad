"""Date candidates: the record every recogniser yields (a span and a year range, or None when unresolved)
and the helpers the English and Chinese recognisers share.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from agent.dates.numerals import shift_year

__all__ = ["CIRCA"]

CIRCA = 2  # years added on each side of a circa date


# -- candidates


class Candidate(NamedTuple):
    start: int
    end: int
    lo: int | None  # None: recognised as date syntax but not resolved (it still hides its span)
    hi: int | None
    kind: str
    approx: bool = False
    rank: int = 5  # lower wins between equally long candidates


_KIND_RANK = {"range": 0, "era": 1, "age": 2, "year": 3, "circa": 3, "century": 4, "decade": 4, "sexagenary": 4}


def make_candidate(start: int, end: int, lo: int | None, hi: int | None, kind: str, approx: bool = False) -> Candidate:
    return Candidate(start, end, lo, hi, kind, approx, _KIND_RANK.get(kind, 5))


def circa_candidate(start: int, end: int, lo: int, hi: int, kind: str = "circa") -> Candidate:
    return make_candidate(start, end, shift_year(lo, -CIRCA), shift_year(hi, CIRCA), kind, True)


def head_match(pattern: re.Pattern[str], t: str, end: int, width: int = 16) -> re.Match[str] | None:
    """The longest match of ``pattern`` (anchored with ``$``) ending at ``end``, within ``width`` characters."""
    return pattern.search(t, max(0, end - width), end)


def is_bc(mark: str | None) -> bool:
    return bool(mark) and mark.startswith("B")


def year_ok(value: int) -> bool:
    return value != 0 and -9999 <= value <= 2100


_PART_SPANS = {  # (first, last) year of a 100-year century, counted from its start
    "early": (0, 39), "beginning": (0, 39), "start": (0, 39), "mid": (30, 69), "middle": (30, 69),
    "late": (60, 99), "end": (60, 99), "close": (60, 99), "first half": (0, 49), "second half": (50, 99),
    "latter half": (50, 99),
    "初期": (0, 39), "初叶": (0, 39), "初": (0, 39), "早期": (0, 39), "前期": (0, 39), "上半叶": (0, 49),
    "上半期": (0, 49), "中叶": (30, 69), "中期": (30, 69), "中": (30, 69), "下半叶": (50, 99), "下半期": (50, 99),
    "后期": (60, 99), "晚期": (60, 99), "末期": (60, 99), "末叶": (60, 99), "末年": (60, 99), "末": (60, 99),
}
_DECADE_PARTS = {"early": (0, 3), "初期": (0, 3), "初": (0, 3), "mid": (3, 6), "中期": (3, 6), "中": (3, 6),
                 "late": (6, 9), "末期": (6, 9), "末": (6, 9), "后期": (6, 9)}


def century_span(c: int, bc: bool, part: str | None) -> tuple[int, int]:
    first = -(c * 100) if bc else (c - 1) * 100 + 1
    if not part:
        return first, shift_year(first, 99)
    a, b = _PART_SPANS[re.sub(r"\s+", " ", part.lower())]
    return shift_year(first, a), shift_year(first, b)


def decade_candidate(start: int, end: int, first: int, part: str) -> Candidate:
    """"the 1850s" = 1850-1859; a round hundred names its century ("the 1800s", 1800年代 = 1800-1899)."""
    if first % 100 == 0:
        a, b = _PART_SPANS[part] if part else (0, 99)
        return make_candidate(start, end, first + a, first + b, "century", bool(part))
    a, b = _DECADE_PARTS[part] if part else (0, 9)
    return make_candidate(start, end, first + a, first + b, "decade", bool(part))
