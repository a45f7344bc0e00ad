"""Reign eras from sanmiao's tables (:func:`era_candidates`, :func:`era_year`) and the sexagenary cycle
(:func:`sexagenary_years`).

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from agent.dates.numerals import from_astro, shift_year, to_astro
from agent.text.script import to_simplified

__all__ = ["Era", "era_candidates", "era_year", "ruler_reigns", "sexagenary_years"]


@dataclass(frozen=True)
class Era:
    """One reign era: historical first and last year, dynasty name and the ids used to resolve prefixes."""

    name: str
    start: int
    end: int
    dynasty: str
    tier: int = 3  # 1 Tang / Wu Zhou / Song, 2 other standard dynasties, 3 the rest
    era_id: int = 0
    dyn_ids: tuple[int, ...] = ()
    ruler_ids: tuple[int, ...] = ()


# -- sanmiao tables

_TIER1 = frozenset({97, 99, 119, 132})  # 唐, 武周, 宋, 北宋
_TIER2 = frozenset({41, 42, 43, 44, 46, 47, 48, 51, 52, 53, 83, 84, 85, 88, 96, 103, 105, 109, 113, 116, 117,
                    124, 125, 127})
# Corrections to sanmiao's last years: 神龍 is listed to 711 (continued use), Zhongzong changed to 景龍 in 707.
_END_FIXES = {("神龍", 705): 707, ("至治", 1321): 1323}
# Dynasty windows sanmiao lacks or files under another dynasty (its 南宋 tag points at 劉宋).
_DYNASTY_FIXES = {"宋": ((420, 479), (960, 1279)), "北宋": ((960, 1127),), "南宋": ((1127, 1279),)}
_CHINA_STREAMS = ("1", "2", "3")
_FOLD_EXTRA = (
    "載歲間紀葉後萬億兩約於時終壽個餘來許幾閏歷曆號級當從這該為對與數計將過僅纔歿沒齡冊員戶騎畝頃縣條項張種場"
    "國門陽陰曆實龍寶豐應開貞觀興慶聖廣"
)
_FOLD_WIDE = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"} | {
    ord("（"): "(", ord("）"): ")", ord("－"): "-", ord("～"): "~", ord("〜"): "~", ord("，"): ","}


class _Tables(NamedTuple):
    eras: dict[str, tuple[Era, ...]]  # folded era name -> candidates, by start year
    dynasties: dict[str, tuple[tuple[int, int], ...]]  # folded dynasty tag -> year windows
    rulers: dict[str, frozenset[int]]  # folded ruler tag -> person ids
    fold: dict[int, str | int]  # str.translate table: traditional -> simplified, full width -> ASCII
    longest_era: int
    longest_dynasty: int
    longest_ruler: int


def _read_csv(name: str) -> list[dict[str, str]]:
    with (files("sanmiao") / "data" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _year(value: str) -> int | None:
    return from_astro(int(float(value))) if value else None


def _group_eras(rows: list[dict[str, str]], dyn_names: dict[int, str]) -> list[Era]:
    """One Era per (name, first year), lasting as long as any row counts it (a state that kept an era after
    the court that proclaimed it: 長興 ran to its fourth year, 933, though one row ends it in 932); overlapping
    rows of one dynasty keep the main-table row (lowest id)."""
    groups: dict[int, list[dict[str, str]]] = {}
    for r in rows:
        groups.setdefault(int(float(r["era_start_year"])), []).append(r)
    eras = []
    for start_astro, rs in groups.items():
        main = min(rs, key=lambda r: int(r["era_id"]))
        start = from_astro(start_astro)
        ends = []
        for r in rs:
            end_value, length = float(r["era_end_year"] or "nan"), float(r["max_year"] or "nan")
            if not end_value >= start_astro:
                end_value = start_astro + (length - 1 if length >= 1 else 0)
            ends.append(end_value)
        end_value = max(ends)
        end = _END_FIXES.get((main["era_name"], start), from_astro(int(end_value)))
        dyn_ids = tuple(sorted({int(r["dyn_id"]) for r in rs}))
        tier = min(1 if d in _TIER1 else 2 if d in _TIER2 else 3 for d in dyn_ids)
        eras.append(Era(main["era_name"], start, end, dyn_names.get(int(main["dyn_id"]), ""), tier,
                        int(main["era_id"]), dyn_ids,
                        tuple(sorted({int(float(r["ruler_id"])) for r in rs if r["ruler_id"]}))))
    kept = []
    for e in eras:
        shadowed = any(o is not e and set(o.dyn_ids) & set(e.dyn_ids) and o.era_id < e.era_id
                       and o.start <= e.end and e.start <= o.end for o in eras)
        if not shadowed:
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


@lru_cache(maxsize=1)
def era_tables() -> _Tables:
    """sanmiao's era, dynasty and ruler tables, compacted once per process (about 50 ms)."""
    dyn_rows = _read_csv("dynasty_table_dump.csv")
    dyn_names = {int(r["dyn_id"]): r["dyn_name"] for r in dyn_rows}
    dyn_years = {int(r["dyn_id"]): (_year(r["dyn_start_year"]), _year(r["dyn_end_year"])) for r in dyn_rows
                 if r["cal_stream"] and r["dyn_start_year"] and r["dyn_end_year"]}
    era_rows = [r for r in _read_csv("era_table.csv") if r["era_name"] and r["cal_stream"][:1] in _CHINA_STREAMS]
    dyn_tags = _read_csv("dynasty_tags.csv")
    ruler_tags = _read_csv("ruler_tags.csv")

    chars = set(_FOLD_EXTRA)
    for r in era_rows:
        chars.update(r["era_name"])
    for r in dyn_tags:
        chars.update(r["string"])
    for r in ruler_tags:
        chars.update(r["string"])
    fold: dict[int, str | int] = dict(_FOLD_WIDE)
    for c in chars:
        simple = to_simplified(c)
        if len(simple) == 1 and simple != c:
            fold[ord(c)] = simple

    def folded(s: str) -> str:
        return s.translate(fold)

    by_name: dict[str, list[dict[str, str]]] = {}
    for r in era_rows:
        by_name.setdefault(folded(r["era_name"]), []).append(r)
    eras = {name: tuple(_group_eras(rows, dyn_names)) for name, rows in by_name.items()}

    dynasties: dict[str, list[tuple[int, int]]] = {}
    for r in dyn_tags:
        window = dyn_years.get(int(r["dyn_id"]))
        if window:
            dynasties.setdefault(folded(r["string"]), []).append(window)
    for name, windows in _DYNASTY_FIXES.items():
        dynasties[folded(name)] = list(windows)
    rulers: dict[str, set[int]] = {}
    for r in ruler_tags:
        if len(r["string"]) >= 2:
            rulers.setdefault(folded(r["string"]), set()).add(int(r["person_id"]))
    return _Tables(
        eras, {k: tuple(v) for k, v in dynasties.items()}, {k: frozenset(v) for k, v in rulers.items()}, fold,
        max(map(len, eras)), max(map(len, dynasties)), max(map(len, rulers)),
    )


@lru_cache(maxsize=1)
def ruler_reigns() -> dict[int, tuple[int, int, int]]:
    """sanmiao's rulers: person id (as in ``era_tables().rulers``) → (dynasty id, first year, last year)."""
    return {int(r["person_id"]): (int(r["dyn_id"]), _year(r["emp_start_year"]), _year(r["emp_end_year"]))
            for r in _read_csv("ruler_table.csv") if r["emp_start_year"] and r["emp_end_year"]}


def fold_era_text(text: str) -> str:
    """Traditional -> simplified for the characters dates use, full-width digits -> ASCII; same length."""
    return text.translate(era_tables().fold)


def era_candidates(era: str) -> tuple[Era, ...]:
    """Every Chinese reign era named ``era`` (traditional or simplified), oldest first; () when unknown."""
    return era_tables().eras.get(fold_era_text(era.strip()), ())


def era_length(era: Era) -> int:
    """How many numbered years the era has (元年 included)."""
    return to_astro(era.end) - to_astro(era.start) + 1


def _distance(lo: int, hi: int, near: tuple[int, int]) -> int:
    return max(0, near[0] - hi, lo - near[1])


def choose_era(cands: Iterable[tuple[Era, int, int]], near: tuple[int, int] | None) -> tuple[Era, int, int] | None:
    """The (era, lo, hi) that the ambiguity policy picks (see the module docstring); None when still tied."""
    pool = list(cands)
    if near is not None and len(pool) > 1:
        best = min(_distance(lo, hi, near) for _, lo, hi in pool)
        pool = [c for c in pool if _distance(c[1], c[2], near) == best]
    if len(pool) > 1:
        tier = min(e.tier for e, _, _ in pool)
        pool = [c for c in pool if c[0].tier == tier]
    return pool[0] if len(pool) == 1 else None


def era_year(era: str, n: int, *, near: tuple[int, int] | None = None) -> int:
    """The historical year of year ``n`` of reign era ``era``: era_year("天寶", 1) == 742.

    ``near`` (a year window, e.g. the figure's lifetime) picks among eras of the same name. Raises KeyError for
    an unknown era, ValueError for ``n`` < 1, a year the era never reached, or an ambiguity ``near`` does not
    settle.
    """
    cands = era_candidates(era)
    if not cands:
        raise KeyError(f"unknown reign era: {era!r}")
    if n < 1:
        raise ValueError(f"era years start at 1 (元年), got {n}")
    fitting = [(e, shift_year(e.start, n - 1), shift_year(e.start, n - 1)) for e in cands if n <= era_length(e)]
    if not fitting:
        longest = max(era_length(e) for e in cands)
        raise ValueError(f"{era} lasted at most {longest} years, not {n}")
    chosen = choose_era(fitting, near)
    if chosen is None:
        shown = ", ".join(f"{y} ({e.dynasty})" for e, y, _ in fitting)
        raise ValueError(f"{era}{n} is ambiguous: {shown}; pass near=(first, last) to choose")
    return chosen[1]


# -- sexagenary cycle

_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _cycle_index(gz: str) -> int:
    gz = gz.strip()
    if len(gz) != 2 or gz[0] not in _STEMS or gz[1] not in _BRANCHES:
        raise ValueError(f"not a sexagenary term: {gz!r}")
    stem, branch = _STEMS.index(gz[0]), _BRANCHES.index(gz[1])
    if stem % 2 != branch % 2:
        raise ValueError(f"not a sexagenary term (stem and branch differ in parity): {gz!r}")
    return next(k for k in range(60) if k % 10 == stem and k % 12 == branch)


def sexagenary_years(gz: str, near: tuple[int, int]) -> list[int]:
    """The years named ``gz`` (甲申) in the window ``near`` (inclusive, historical years), oldest first.

    When none falls inside, the closest year outside the window is returned (both when equally close); the
    window is never widened further. 甲子 years are AD 4, 64, ...; 甲申 near (701, 762) -> [744].
    """
    k = _cycle_index(gz)
    lo, hi = to_astro(min(near)), to_astro(max(near))
    first = lo + (k - (lo - 4)) % 60
    inside = [from_astro(a) for a in range(first, hi + 1, 60)]
    if inside:
        return inside
    before, after = first - 60, first
    d_before, d_after = lo - before, after - hi
    return [from_astro(a) for a, d in ((before, d_before), (after, d_after)) if d == min(d_before, d_after)]
