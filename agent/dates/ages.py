"""Stated ages (年六十二, 卒年六十餘, 六十二歲, "at the age of 62", "in my 62nd year"): date candidates with
``born``; :func:`agent.dates.extract_numbers` reports them otherwise.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from agent.dates.candidates import Candidate, head_match, make_candidate
from agent.dates.chinese import ZH_NUM, era_number
from agent.dates.numerals import DIGIT_VALUE, EN_WORDNUM, english_number, shift_year

__all__: list[str] = []

_ZH_AGE_RE = re.compile(
    r"(?P<pre>享年|卒年|终年|殁年|没年|死年|时年|行年|年方|年仅|年甫|年才|年已|年逾|年过|春秋|得年|寿|年)\s*"
    r"(?P<num>\d{1,3}(?!\d)|[一二三四五六七八九十百廿卅卌两]+)(?:有(?P<num2>[一二三四五六七八九]))?"
    r"(?P<unit>岁)?(?P<more>余|多|许)?(?P<unit2>岁)?"
)
_ZH_AGE_PLAIN_RE = re.compile(
    rf"(?<![第{ZH_NUM}\d])(?P<num>\d{{1,3}}(?!\d)|[一二三四五六七八九十百廿卅卌两]+)(?P<more>余|多|许)?岁(?!次|在)"
)
_AGE_BAD_BEFORE = set(ZH_NUM + "元正同明去翌次每本该那这此某数几多余历") | set("0123456789")

_EN_AGE_LEAD_RE = re.compile(
    rf"(?i:\b(?:at\s+the\s+age\s+of|at\s+age|aged|age))\s+(?P<num>\d{{1,3}}|{EN_WORDNUM})\b")
_EN_AGE_OLD_RE = re.compile(r"(?i:(?:\s+|-)years?(?:\s+|-)old)\b")
_EN_AGE_OLD_HEAD_RE = re.compile(rf"(?P<num>\b\d{{1,3}}|{EN_WORDNUM})$")
_EN_AGE_ORD_RE = re.compile(
    rf"(?i:\bin\s+(?:my|his|her|their)\s+)(?P<ord>\d{{1,3}}(?:st|nd|rd|th)|{EN_WORDNUM})\s+(?i:year)\b"
    r"(?!\s+(?i:of|as|at|in|on|after|since)\b)|"
    # the older translators' "in the fifty-sixth year of his age" (Suetonius, Divus Julius 88)
    rf"(?i:\bin\s+the\s+)(?P<ord2>\d{{1,3}}(?:st|nd|rd|th)|{EN_WORDNUM})\s+(?i:year\s+of\s+(?:my|his|her|their)\s+age)\b")


class _Age(NamedTuple):
    start: int
    end: int
    lo: int  # youngest and oldest age meant
    hi: int
    sui: bool  # counted in 虛歲 (Chinese, English ordinal) rather than completed years
    approx: bool


def _age_range(n: int, more: bool) -> tuple[int, int]:
    if not more:
        return n, n
    return (n + 1, n + 9) if n % 10 == 0 else (n, n + 1)


def age_mentions(t: str) -> Iterator[_Age]:
    """Stated ages in Chinese (年六十二, 卒年六十餘, 六十二歲) and English ("at the age of 62", "in my 62nd year")."""
    for m in _ZH_AGE_RE.finditer(t):
        pre = m.group("pre")
        if pre == "年" and m.start() > 0 and t[m.start() - 1] in _AGE_BAD_BEFORE:
            continue
        if m.group("unit") and m.group("unit2"):
            continue
        after = t[m.end():m.end() + 1]
        if after and after in "月日年载代号级间前后来":
            continue
        n = era_number(m.group("num"))
        if m.group("num2"):
            n = n + DIGIT_VALUE[m.group("num2")] if n and n % 10 == 0 else None
        if not n or not 1 <= n <= 130:
            continue
        if pre in ("年", "春秋", "寿") and not (m.group("unit") or m.group("unit2")) and n < 10:
            continue
        more = bool(m.group("more")) or pre in ("年逾", "年过")
        lo, hi = _age_range(n, more)
        yield _Age(m.start(), m.end(), lo, hi, True, more)
    for m in _ZH_AGE_PLAIN_RE.finditer(t):
        n = era_number(m.group("num"))
        if not n or not 1 <= n <= 130:
            continue
        more = bool(m.group("more"))
        lo, hi = _age_range(n, more)
        yield _Age(m.start(), m.end(), lo, hi, True, more)
    lower = t.lower() if re.search("[A-Za-z]", t) else ""
    found: list[tuple[int, int, str, bool]] = []
    if "age" in lower:
        found += [(m.start(), m.end(), m.group("num"), False) for m in _EN_AGE_LEAD_RE.finditer(t)]
    if "old" in lower:
        for m in _EN_AGE_OLD_RE.finditer(t):
            head = head_match(_EN_AGE_OLD_HEAD_RE, t, m.start(), 40)
            if head:
                found.append((head.start(), m.end(), head.group("num"), False))
    if "year" in lower:
        found += [(m.start(), m.end(), m.group("ord") or m.group("ord2"), True) for m in _EN_AGE_ORD_RE.finditer(t)]
    for start, end, word, ordinal in found:
        if word[0].isdigit():
            n = int(re.match(r"\d+", word).group(0))
        else:
            parsed = english_number(word)
            if not parsed or parsed[1] != ordinal:
                continue
            n = parsed[0]
        if (2 if ordinal else 1) <= n <= 130:
            yield _Age(start, end, n, n, ordinal, False)


def age_dates(t: str, born: int | None) -> Iterator[Candidate]:
    for a in age_mentions(t):
        if born is None:
            yield make_candidate(a.start, a.end, None, None, "age")
        elif a.sui:
            yield make_candidate(a.start, a.end, shift_year(born, a.lo - 2), shift_year(born, a.hi), "age", a.approx)
        else:
            yield make_candidate(a.start, a.end, shift_year(born, a.lo - 2), shift_year(born, a.hi + 1), "age", a.approx)
