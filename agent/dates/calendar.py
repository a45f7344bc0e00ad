"""Months, days and ordinals written beside a date: "18 May", "May 18", 十一月二十日, 正月; "the fourth time", 第四."""

from __future__ import annotations

import re

from agent.dates.numerals import EN_ORDINALS, chinese_numeral

EN_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}


_EN_MONTH_RE = re.compile(r"(?:\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?\b(?P<m>" + "|".join(EN_MONTHS)
                          + r")\b(?:\s+(?P<d2>\d{1,2})\b(?!\d))?")


_ZH_MONTH_RE = re.compile(r"(?P<m>[0-9]{1,2}|[正一二三四五六七八九十]{1,3}|[臘腊])月(?:(?P<d>[0-9]{1,2}|初?[一二三四五六七八九十廿卅]{1,3})日)?")


def _zh_value(s: str) -> int | None:
    s = s.removeprefix("初")
    if s in ("正",):
        return 1
    if s in ("臘", "腊"):
        return 12
    try:
        return int(s) if s.isdigit() else chinese_numeral(s)
    except (ValueError, KeyError):
        return None


def month_days(text: str) -> list[tuple[int, int | None]]:
    """Every (month, day or None) written in ``text``: "18 May", "May 18", "November", 十一月二十日, 2月11日."""
    found: list[tuple[int, int | None]] = []
    for m in _EN_MONTH_RE.finditer(text):
        day = m.group("d1") or m.group("d2")
        found.append((EN_MONTHS[m.group("m")], int(day) if day else None))
    for m in _ZH_MONTH_RE.finditer(text):
        month = _zh_value(m.group("m"))
        if month and 1 <= month <= 12:
            found.append((month, _zh_value(m.group("d")) if m.group("d") else None))
    return found


_ORDINAL_WORDS = {w: n for w, n in EN_ORDINALS.items() if n >= 2}


_ORDINAL_RE = re.compile(r"(?i)\b(?:" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + r")\b(?!\s+(?:year|month|day|century))|\b(\d{1,3})(?:st|nd|rd|th)\b(?!\s+(?:year|month|day|century))|"
                         r"第([一二三四五六七八九十百]+|\d+)")


def ordinals(text: str) -> set[int]:
    """The ordinals of ``text`` from the second on ("fourth", "4th", 第四: "consul for the fourth time"), but not
    those of a regnal year, month, day or century ("the second year of Xining")."""
    out = set()
    for m in _ORDINAL_RE.finditer(text):
        if m.group(1) or m.group(2):
            value = int(m.group(1)) if m.group(1) else _zh_value(m.group(2))
            if value and value >= 2:
                out.add(value)
        else:
            out.add(_ORDINAL_WORDS[m.group(0).lower()])
    return out


def same_month_day(stated: str, context: str) -> bool:
    """True unless ``stated`` gives a month (or day) that ``context`` does not give."""
    mine = month_days(stated)
    if not mine:
        return True
    theirs = month_days(context)
    return all(any(m == tm and (d is None or d == td) for tm, td in theirs) for m, d in mine)


__all__ = ["EN_MONTHS", "month_days", "ordinals", "same_month_day"]
