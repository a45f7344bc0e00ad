"""A second, simpler date reader for the evaluation, independent of the guard's (``agent.dates``): the evaluation
must not count the guard's unsupported dates with the guard's own eyes.

It reads only two kinds of date: Arabic years (with 年, BC/AD, 公元前; or a bare number of three or four digits from
100 to 2100, not part of a larger figure) and reign-era years (an era name followed by 元年 or a numeral and 年),
which sanmiao's own interpreter (``sanmiao.cjk_date_interpreter``) converts, every candidate reign kept. A stated
date is supported when a passage the answer cites, read the same way, gives a year among its candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_ARABIC = re.compile(
    r"(?P<bc>公元前|西元前|紀元前|纪元前)?(?<![\d,.])(?P<ad>(?:AD|A\.D\.)\s*)?(?P<y>\d{1,4})(?![\d%]|,\d{3}|\.\d)"
    r"(?:\s*(?P<suf>年|BC\b|B\.C\.|BCE\b|AD\b|A\.D\.|CE\b))?")
_ERA = re.compile(r"[\u4e00-\u9fff]{2}(?:元|[〇○零一二三四五六七八九十廿卅]{1,4})年")
_YEAR_IN_OUTPUT = re.compile(r"（(-?\d{1,4})）\s*$")


@lru_cache(maxsize=4096)
def _era_years(phrase: str, tpq: int, taq: int) -> frozenset[int]:
    """sanmiao's candidate years for one era phrase (天寶元年: 742), within [tpq, taq]; empty when it knows none."""
    import sanmiao  # loaded only when an era date is read

    try:
        out = sanmiao.cjk_date_interpreter(phrase, tpq=tpq, taq=taq)
    except Exception:  # sanmiao's parser raises on phrases it cannot tag: that phrase is no date to it
        return frozenset()
    years = set()
    for line in out.splitlines():
        m = _YEAR_IN_OUTPUT.search(line.strip())
        if m:
            years.add(int(m.group(1)))
    return frozenset(years)


def read_years(text: str, window: tuple[int, int] | None = None) -> list[tuple[str, frozenset[int]]]:
    """The dates of ``text`` this reader knows: (the words, the candidate years), BC negative."""
    text = re.sub(r"\[\d+\]", " ", text)
    lo, hi = (window[0] - 100, window[1] + 100) if window else (-1000, 2100)
    found = []
    for m in _ERA.finditer(text):
        years = _era_years(m.group(0), lo, hi)
        if years:
            found.append((m.group(0), years))
    taken = [m.span() for m in _ERA.finditer(text)]
    for m in _ARABIC.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        value, suf = int(m.group("y")), m.group("suf") or ""
        bc = bool(m.group("bc")) or suf.startswith("B")
        if not (suf or bc or m.group("ad")) and not (100 <= value <= 2100 and len(m.group("y")) >= 3):
            continue
        if suf == "年" and len(m.group("y")) <= 2 and not m.group("bc"):
            continue  # 二十年, "3年" are durations more often than years
        found.append((m.group(0).strip(), frozenset({-value if bc else value})))
    return found


def unsupported_dates(answer: str, cited: Iterable[str], window: tuple[int, int] | None = None) -> list[str]:
    """The dates of ``answer`` whose candidate years no ``cited`` passage gives, by this reader."""
    stated = read_years(answer, window)
    if not stated:
        return []
    given = {y for text in cited for _, years in read_years(text, window) for y in years}
    return [words for words, years in stated if not years & given]


__all__ = ["read_years", "unsupported_dates"]
