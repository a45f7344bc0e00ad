"""Years a Chinese biography implies rather than names: a bare regnal year (三年) in the era last named, a relative
year (明年, 是歲) after the last dated sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agent.dates.numerals import number_value


@dataclass(frozen=True)
class ImpliedDate:
    """A year the text implies rather than names: a bare regnal year (三年) in the era last named, or a
    relative year (明年, 是歲) after the last dated sentence. Same fields as agent.dates.DateMention."""

    text: str
    start: int
    end: int
    lo: int
    hi: int
    kind: str  # "regnal" or "relative"
    approx: bool = False
    spelled: str = ""  # the regnal year with its era written out (元豐三年)


_ERA_PARTS = re.compile(r"^(?P<era>.*?)(?P<n>[元正]|[一二三四五六七八九十]+)[年載载]")
_ERA_APPROX = re.compile(r"^(?P<era>.+?)(?:之初|之末|年間|初|中|末|間)$")
_BARE_REGNAL = re.compile(r"(?:^|(?<=[。，；：\n」]))(?P<n>[元一二三四五六七八九十]{1,3})[年載载]")
# Relative years and how far each lies from the last year named.
RELATIVE_YEARS = {"明年": 1, "翌年": 1, "次年": 1, "明歲": 1, "是年": 0, "是歲": 0, "其年": 0}
_RELATIVE_RE = re.compile("|".join(RELATIVE_YEARS))


def _regnal_number(text: str) -> int | None:
    return number_value(text)


def implied_dates(text: str, mentions: list,
                  era_candidates: Callable[[str], tuple] | None = None) -> list[ImpliedDate]:
    """Years the biography implies (see ImpliedDate), resolved against the dates ``extract_dates`` found.

    A bare 三年 at the start of a clause is year 3 of the era last named with a single year, when it is a
    later year within the era's length (era table of agent.dates), else of the latest era named before
    that lasted so long (an approximate date such as 嘉靖初 names its era); 明年/翌年/次年/明歲 is the
    last single year named or implied plus one, 是年/是歲/其年 that year itself."""
    if era_candidates is None:
        from agent.dates.eras import era_candidates
    taken = [(m.start, m.end) for m in mentions]
    hits = [(m.start(), "regnal", m) for m in _BARE_REGNAL.finditer(text)]
    hits += [(m.start(), "relative", m) for m in _RELATIVE_RE.finditer(text)]
    events = sorted([(m.start, "explicit", m) for m in mentions] + hits, key=lambda e: (e[0], e[1] != "explicit"))
    out: list[ImpliedDate] = []
    eras: list[list] = []  # [name, first year, last year, year number last named], most recent last
    last: int | None = None
    for _, what, m in events:
        if what == "explicit":
            if m.lo is not None and m.lo != m.hi and m.kind in ("era", "range"):
                # an approximate era date (嘉靖初): later bare years are of that era, if it is found
                parts = _ERA_APPROX.match(m.text) if m.kind == "era" else None
                found = parts and next((e for e in era_candidates(parts.group("era"))
                                        if e.start <= m.lo and m.hi <= e.end), None)
                eras.append([parts.group("era"), found.start, found.end, 0] if found else ["", 0, -10**6, 0])
            elif m.lo is not None and m.lo == m.hi:
                last = m.lo
                parts = _ERA_PARTS.match(m.text) if m.kind == "era" else None
                n = parts and _regnal_number(parts.group("n"))
                if n:  # the era's last year from the era table; an era not found there implies nothing
                    first = m.lo - n + 1
                    end = next((e.end for e in era_candidates(parts.group("era")) if e.start == first), None)
                    eras.append([parts.group("era"), first, end, n] if end else ["", 0, -10**6, 0])
            continue
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if what == "regnal":
            n = _regnal_number(m.group("n"))
            # the era last named, for a later year that it lasted to; else the latest earlier era it fits
            fits = [e for k, e in enumerate(reversed(eras)) if n and e[1] + n - 1 <= e[2] and (k or n > e[3])]
            if fits:
                era = fits[0]
                year = era[1] + n - 1
                out.append(ImpliedDate(m.group(0), m.start(), m.end(), year, year, "regnal",
                                       spelled=f"{era[0]}{m.group(0)}"))
                eras.remove(era)
                eras.append([era[0], era[1], era[2], n])
                last = year
        elif last is not None:
            year = last + RELATIVE_YEARS[m.group(0)]
            out.append(ImpliedDate(m.group(0), m.start(), m.end(), year, year, "relative"))
            last = year
    return out


__all__ = ["RELATIVE_YEARS", "ImpliedDate", "implied_dates"]
