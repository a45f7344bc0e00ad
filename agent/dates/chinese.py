"""Chinese years, ranges, centuries and decades (七〇一年, 742年至744年, 八世紀), reign-era dates (天寶三載,
開元中) and sexagenary years (歲次甲申) as date candidates.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent.dates.candidates import (
    Candidate,
    century_span,
    circa_candidate,
    decade_candidate,
    head_match,
    make_candidate,
    year_ok,
)
from agent.dates.eras import Era, choose_era, era_length, era_tables, sexagenary_years
from agent.dates.numerals import POSITIONAL, chinese_numeral, shift_year

__all__: list[str] = []

ZH_NUM = "〇○零一二三四五六七八九十百千万亿两廿卅卌"
_ZH_ERA_NUM = r"(?:元|\d{1,2}|[〇零一二三四五六七八九十廿卅卌]{1,4})"
_ZH_MONTH_DAY = (
    r"(?:闰?(?:正|十[一二]|[一二三四五六七八九十]|1[0-2]|0?[1-9])月"
    r"(?:初?(?:[一二三四五六七八九十廿卅]{1,3}|[0-3]?\d)日|朔|望|晦|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥](?:日|朔)?)?)"
)
_GZ = "[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]"
ZH_CONNECT = r"\s*(?:至|到|—|–|-|~|−)\s*"

_ERA_YEAR_RE = re.compile(rf"(?P<num>{_ZH_ERA_NUM})(?P<suf>年|载)(?P<md>{_ZH_MONTH_DAY})?")
_ERA_TAIL_RE = re.compile(rf",?\s*(?:岁次|岁在|太岁在)?{_GZ}(?:年|岁)?")
_ERA_RANGE_RE = re.compile(rf"{ZH_CONNECT}(?P<num>{_ZH_ERA_NUM})(?P<suf>年|载)(?P<md>{_ZH_MONTH_DAY})?")
_ERA_APPROX_RE = re.compile(r"初年|初|年间|间|中|末年|末")

_ZH_YEAR_RE = re.compile(
    rf"(?<![\d{ZH_NUM}第])(?P<num>\d{{1,4}}|[{ZH_NUM}]+)\s*年(?![代级纪龄])(?P<md>{_ZH_MONTH_DAY})?"
    r"(?P<post>左右|前后|上下)?"
)
_ZH_RANGE_RE = re.compile(
    rf"(?<![\d{ZH_NUM}第])(?P<n1>\d{{1,4}}|[{ZH_NUM}]+)\s*年?{ZH_CONNECT}"
    rf"(?P<pre2>公元前|西元前|公元|西元|前)?\s*(?P<n2>\d{{1,4}}|[{ZH_NUM}]+)\s*年(?![代级纪龄])"
    r"(?P<post>左右|前后)?"
)
_ZH_YEAR_HEAD_RE = re.compile(
    r"(?:(?P<circa>大约|约在|约于|约)\s*)?(?P<pre>公元前|西元前|公元|西元|(?<![之以此其向提目当从早日月年])前)?\s*$"
)
_ZH_CENTURY_RE = re.compile(
    r"(?P<pre>公元前|西元前|前|公元|西元)?\s*(?P<num>\d{1,2}|[一二三四五六七八九十]{1,3})\s*世纪"
    r"(?P<mod>初期|初叶|初|早期|前期|上半叶|上半期|中叶|中期|中|下半叶|下半期|后期|晚期|末期|末叶|末年|末)?"
)
_ZH_DECADE_RE = re.compile(r"(?<![\d〇一二三四五六七八九])(?P<num>\d{2,3}0|[〇一二三四五六七八九]{3}〇)\s*年代"
                           r"(?P<mod>初期|初|中期|中|末期|末|后期)?")
_ZH_SEXAGENARY_RE = re.compile(rf"(?P<gz>{_GZ})(?P<suf>之岁|年|岁)?(?![日月朔])")
_ZH_SEXAGENARY_HEAD_RE = re.compile(r"(?:岁在|岁次|太岁在)$")


# A birth or death right after "N年" makes N a year, however small: "我是12年出生的" is born in the year 12, not
# twelve years of something (a figure asked its birth year answers with an age it read as a year).
# Only where the number is what the birth or death is dated by: "在位12年死" reigned twelve years.
_BIRTH_DEATH = r"(?:出生|去世|逝世|过世|辞世|离世|病逝|生|卒|死)"
_BIRTH_DEATH_AFTER_RE = re.compile(rf"\s*{_BIRTH_DEATH}")
_DATED_BEFORE_RE = re.compile(r"(?:是|[于於在])\s*$")
_BIRTH_DEATH_BEFORE_RE = re.compile(rf"{_BIRTH_DEATH}\s*[于於在]\s*$")


def _birth_death_year(t: str, start: int, end: int) -> bool:
    """True when the number before 年 at ``start``..``end`` dates a birth or a death: 我是12年出生的, 我于12年去世,
    我出生于12年."""
    head = t[max(0, start - 6):start]
    return bool((_DATED_BEFORE_RE.search(head) and _BIRTH_DEATH_AFTER_RE.match(t, end)) or _BIRTH_DEATH_BEFORE_RE.search(head))


def _chinese_year_value(num: str, pre: str | None, month: bool, event: bool = False) -> int | None:
    """The year of a number before 年 when it is a year (see the module docstring), else None; ``event`` when a
    birth or death follows the 年, which makes two Arabic digits a year too."""
    try:
        value = chinese_numeral(num)
    except ValueError:
        return None
    if value == 0:
        return None
    bc = pre in ("公元前", "西元前", "前")
    if num.isdecimal():
        if pre == "前" or pre in ("公元前", "西元前", "公元", "西元") or len(num) >= 3 or month or event:
            if len(num) >= 3 and num[0] == "0":
                return None
            return -value if bc else value
        return None
    if pre == "前":
        return None  # 前 alone marks BC only before Arabic digits
    positional = all(c in POSITIONAL for c in num)
    if positional:
        return (-value if bc else value) if len(num) >= 3 or pre else None
    if pre:
        return -value if bc else value
    return value if value >= 1000 and value % 100 else None


def chinese_years(t: str) -> Iterator[Candidate]:
    for m in _ZH_YEAR_RE.finditer(t):
        head = head_match(_ZH_YEAR_HEAD_RE, t, m.start(), 8)
        pre, circa = (head.group("pre"), head.group("circa")) if head else (None, None)
        event = not m.group("md") and m.group("num").isdecimal() and _birth_death_year(t, m.start(), m.end())
        value = _chinese_year_value(m.group("num"), pre, bool(m.group("md")), event)
        if value is None or not year_ok(value):
            continue
        start = head.start("pre") if pre else m.start()
        if circa or m.group("post"):
            yield circa_candidate(head.start() if circa else start, m.end(), value, value)
        else:
            yield make_candidate(start, m.end(), value, value, "year")
    for m in _ZH_RANGE_RE.finditer(t):
        cand = _chinese_range(m, head_match(_ZH_YEAR_HEAD_RE, t, m.start(), 8))
        if cand:
            yield cand
    if "世纪" in t:
        for m in _ZH_CENTURY_RE.finditer(t):
            try:
                c = chinese_numeral(m.group("num"))
            except ValueError:
                continue
            if not 1 <= c <= 30:
                continue
            lo, hi = century_span(c, m.group("pre") in ("公元前", "西元前", "前"), m.group("mod"))
            yield make_candidate(m.start(), m.end(), lo, hi, "century", bool(m.group("mod")))
    if "年代" in t:
        for m in _ZH_DECADE_RE.finditer(t):
            yield decade_candidate(m.start(), m.end(), chinese_numeral(m.group("num")), m.group("mod") or "")


def _chinese_range(m: re.Match[str], head: re.Match[str] | None) -> Candidate | None:
    """742年至744年, 742至744年, 公元前431年至前404年 (see the module docstring for the BC rule)."""
    pre1, circa = (head.group("pre"), head.group("circa")) if head else (None, None)
    pre2 = m.group("pre2")
    v2 = _chinese_year_value(m.group("n2"), pre2 or (pre1 if pre1 in ("公元", "西元") else None), False)
    if v2 is None:
        return None
    n1 = m.group("n1")
    try:
        a1, a2 = chinese_numeral(n1), abs(v2)
    except ValueError:
        return None
    bc1 = pre1 in ("公元前", "西元前", "前")
    if a1 == 0 or (pre1 == "前" and not n1.isdecimal()):
        return None
    v1 = -a1 if bc1 else a1
    if not pre2 and bc1:
        v2 = -a2 if a2 < a1 else a2
    if not (v1 <= v2 and year_ok(v1)):
        return None
    start = head.start("pre") if pre1 else m.start()
    if circa or m.group("post"):
        return circa_candidate(head.start() if circa else start, m.end(), v1, v2, "range")
    return make_candidate(start, m.end(), v1, v2, "range")


def _era_prefix(t: str, pos: int, cands: tuple[Era, ...]) -> tuple[int, tuple[Era, ...]]:
    """Extend an era match leftwards over an emperor and/or dynasty prefix (唐玄宗) that fits the candidates."""
    tables = era_tables()
    start = pos
    for k in range(min(tables.longest_ruler, pos), 1, -1):
        persons = tables.rulers.get(t[pos - k:pos])
        if persons:
            start = pos - k
            narrowed = tuple(e for e in cands if persons & set(e.ruler_ids))
            cands = narrowed or cands
            break
    for k in range(min(tables.longest_dynasty, start), 0, -1):
        windows = tables.dynasties.get(t[start - k:start])
        if windows:
            narrowed = tuple(e for e in cands if any(e.start <= b and a <= e.end for a, b in windows))
            if narrowed:
                return start - k, narrowed
            break
    return start, cands


def _era_lookup(t: str, pos: int) -> tuple[int, tuple[Era, ...]] | None:
    """The longest era name ending at ``pos`` (its start and candidates), None when there is none."""
    tables = era_tables()
    for k in range(min(tables.longest_era, pos), 1, -1):
        cands = tables.eras.get(t[pos - k:pos])
        if cands:
            return pos - k, cands
    return None


def era_number(num: str) -> int | None:
    try:
        return chinese_numeral(num)
    except ValueError:
        return None


def era_dates(t: str, near: tuple[int, int] | None) -> Iterator[Candidate]:
    """Numbered reign-era years (天寶三載), with prefix, month/day, ganzhi tail and 至 ranges in the era."""
    for m in _ERA_YEAR_RE.finditer(t):
        found = _era_lookup(t, m.start())
        n = era_number(m.group("num"))
        if not found or not n:
            continue
        era_start, cands = found
        start, cands = _era_prefix(t, era_start, cands)
        end = m.end()
        tail = _ERA_TAIL_RE.match(t, end)
        if tail:
            end = tail.end()
        fitting = [(e, shift_year(e.start, n - 1), shift_year(e.start, n - 1)) for e in cands if n <= era_length(e)]
        chosen = choose_era(fitting, near)
        rng = _ERA_RANGE_RE.match(t, end)
        if rng and chosen:
            n2 = era_number(rng.group("num"))
            era = chosen[0]
            if n2 and n < n2 <= era_length(era):
                yield make_candidate(start, rng.end(), chosen[1], shift_year(era.start, n2 - 1), "range")
                continue
        if chosen:
            yield make_candidate(start, end, chosen[1], chosen[2], "era")
        else:
            yield make_candidate(start, end, None, None, "era")


def era_phrases(t: str, near: tuple[int, int] | None) -> Iterator[Candidate]:
    """神龍初 (first three years), 天寶末 (last three), 開元中 / 開元間 / 開元年間 (the whole era); all approx."""
    for m in _ERA_APPROX_RE.finditer(t):
        found = _era_lookup(t, m.start())
        if not found:
            continue
        era_start, cands = found
        start, cands = _era_prefix(t, era_start, cands)
        spans = []
        mod = m.group(0)
        for e in cands:
            last = era_length(e) - 1
            if mod in ("初", "初年"):
                lo, hi = e.start, shift_year(e.start, min(2, last))
            elif mod in ("末", "末年"):
                lo, hi = shift_year(e.end, -min(2, last)), e.end
            else:
                lo, hi = e.start, e.end
            spans.append((e, lo, hi))
        chosen = choose_era(spans, near)
        yield make_candidate(start, m.end(), chosen[1] if chosen else None, chosen[2] if chosen else None, "era", True)


def sexagenary_dates(t: str, anchor: tuple[int, int] | None) -> Iterator[Candidate]:
    for m in _ZH_SEXAGENARY_RE.finditer(t):
        head = head_match(_ZH_SEXAGENARY_HEAD_RE, t, m.start(), 3)
        if not (head or m.group("suf")):
            continue
        try:
            years = sexagenary_years(m.group("gz"), anchor) if anchor else []
        except ValueError:
            continue
        start = head.start() if head else m.start()
        if len(years) == 1:
            yield make_candidate(start, m.end(), years[0], years[0], "sexagenary")
        else:
            yield make_candidate(start, m.end(), None, None, "sexagenary")
