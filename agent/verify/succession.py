"""Who came after whom: a question about the successor of a ruler or office-holder, or about the n-th holder of an
office, asks about a time after the figure's when that holder began after the figure's cutoff.

Rule: a question that asks who came after a holder (after, succeeded, successor, 之後, 繼位, 接替) is after the
figure's time when the next holder by order began after the cutoff, or in the cutoff year while the one named still
held the office (the emperor reigning at the figure's death, or the figure itself: "after you"); a question about
the n-th holder is after the figure's time when that holder began after the cutoff. The order comes from
``agent/data/successions.toml`` (US presidents, Roman emperors) and, for Chinese emperors, from sanmiao's ruler
tables, the holder named being the one who reigned within the figure's life. A Chinese ruler named in a question
who, in the dynasties reigning in the figure's life, began to reign only after the cutoff is after its time too.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from agent.dates.eras import era_tables, fold_era_text, ruler_reigns
from agent.dates.numerals import EN_ORDINALS, chinese_numeral
from agent.ingest.figures import Figure
from agent.text.script import CJK_RE
from agent.text.terms import fold, mentions

_TITLE = r"(?:(?:the\s+)?(?:president|emperor|king|consul)\s+)?"
_AFTER_EN = r"(?:after|succeeded|succeeds|succeed|followed|replaced|successors?\s+(?:of|to))\s+" + _TITLE
_AFTER_ZH = r"(?:皇帝|帝)?(?:之后|之後|以后|以後|死后|死後|崩后|崩後|驾崩后|駕崩後|去世后|去世後|后|後)(?![来來])"
_AFTER_YOU = re.compile(r"(?i)\bafter\s+(?:you|your\s+(?:term|time|presidency|reign|death))\b|\bsucceeded\s+you\b|"
                        r"\byour\s+successors?\b|[你您](?:之后|之後|以后|以後|死后|死後)|接替[你您]|[你您]的(?:继任|繼任|后任|後任)")


def _asks_after(question: str, name: str) -> re.Match[str] | None:
    """Where ``question`` asks who came after ``name`` ("after X", "succeeded X", "X's successor", X之後, 接替X)."""
    n = re.escape(name)
    if name.isascii():
        return re.search(rf"(?i)\b{_AFTER_EN}{n}(?![a-z])|(?<![a-z]){n}'s\s+successors?\b", question)
    return re.search(rf"{n}{_AFTER_ZH}|(?:接替|继承|繼承|接任)了?{n}|{n}的(?:继任|繼任|继承人|繼承人|后任|後任|下一任)",
                     question)


_EN_ORDINAL = "|".join(sorted(EN_ORDINALS, key=len, reverse=True))


@dataclass(frozen=True)
class Holder:
    start: int
    names: tuple[str, ...]


@lru_cache(maxsize=1)
def _lists() -> tuple[tuple[tuple[str, ...], tuple[Holder, ...]], ...]:
    data = tomllib.loads(resources.files("agent").joinpath("data/successions.toml").read_text(encoding="utf-8"))
    return tuple((tuple(lst["words"]), tuple(Holder(int(h["start"]), tuple(h["names"])) for h in lst["holders"]))
                 for lst in data["list"])


def _position(question: str, words: tuple[str, ...]) -> tuple[int, str] | None:
    """The n of "the n-th <office>" (17th, seventeenth, 第十七任) in ``question``, with its words, or None."""
    office = "|".join(re.escape(w) for w in words)
    m = re.search(rf"(?i)\b(?:(?P<num>\d{{1,3}})(?:st|nd|rd|th)|(?P<word>{_EN_ORDINAL}))\s+"
                  rf"(?:US\s+|U\.S\.\s+|American\s+)?(?:{office})", question)
    if m:
        return (int(m.group("num")) if m.group("num") else EN_ORDINALS[m.group("word").lower()]), m.group(0)
    m = re.search(rf"第(?P<n>[一二三四五六七八九十百零〇两兩]+|\d{{1,3}})(?:任|位|个|個|代)?"
                  rf"(?:[^\s，。？?]{{0,4}}?)(?:{office})", question)
    if m:
        try:
            return (int(m.group("n")) if m.group("n").isdigit() else chinese_numeral(m.group("n"))), m.group(0)
        except (ValueError, KeyError):
            return None
    return None


def _after(prev_start: int | None, nxt: int, cutoff: int) -> bool:
    return nxt > cutoff or (nxt == cutoff and prev_start is not None and prev_start <= cutoff)


def _list_finding(question: str, figure: Figure, cutoff: int) -> str | None:
    folded = fold(question)
    own = [fold(n) for n in (*figure.names.values(), *figure.aliases)]
    for words, holders in _lists():
        mine = [i for i, h in enumerate(holders) if any(fold(x) in own for x in h.names)]
        position = _position(question, words) if any(mentions(folded, w) for w in words) else None
        if position is not None and 1 <= position[0] <= len(holders):
            start = holders[position[0] - 1].start
            if start > cutoff or (start == cutoff and mine and position[0] - 1 > mine[-1]):
                return position[1]
        named = [(i, m) for i, h in enumerate(holders) for x in h.names if (m := _asks_after(question, x))]
        if you := _AFTER_YOU.search(question):
            named += [(i, you) for i in mine]
        for i, m in named:
            if i + 1 < len(holders) and _after(holders[i].start, holders[i + 1].start, cutoff):
                return m.group(0)
    return None


def _emperor_finding(question: str, cutoff: int, window: tuple[int, int] | None) -> str | None:
    """A Chinese emperor named in ``question`` (reigning within ``window``) whose successor began after the cutoff."""
    if window is None or not CJK_RE.search(question):
        return None
    text = fold_era_text(question)
    tables, reigns = era_tables(), ruler_reigns()
    for tag, people in tables.rulers.items():
        asked = _asks_after(text, tag) if len(tag) >= 2 and tag in text else None
        if asked is None:
            continue
        for pid in people:
            if pid not in reigns:
                continue
            dyn, start, end = reigns[pid]
            if end < window[0] or start > window[1]:
                continue
            later = sorted(s for d, s, _ in reigns.values() if d == dyn and s > start)
            if later and _after(start, later[0], cutoff):
                return question[asked.start():asked.end()]  # the folding keeps every character in its place
    return None


def _later_ruler_finding(question: str, cutoff: int, window: tuple[int, int] | None) -> str | None:
    """A Chinese ruler named in ``question`` who, in every dynasty reigning in the figure's lifetime ``window`` that
    has a ruler of that name, began to reign after the cutoff (高宗 to a Northern Song man who died in 1101)."""
    if window is None or not CJK_RE.search(question):
        return None
    text = fold_era_text(question)
    tables, reigns = era_tables(), ruler_reigns()
    own_dynasties = {d for d, start, end in reigns.values() if start <= window[1] and end >= window[0]}
    for tag, people in tables.rulers.items():
        if len(tag) < 2 or tag not in text:
            continue
        starts = [reigns[p][1] for p in people if p in reigns and reigns[p][0] in own_dynasties]
        if starts and min(starts) > cutoff:
            at = text.find(tag)
            return question[at:at + len(tag)]
    return None


def successor_after(question: str, figure: Figure, cutoff: int, window: tuple[int, int] | None) -> str | None:
    """The words of ``question`` that ask about a succession after ``cutoff`` ("after you", 某宗之後, "the 17th
    president") or name a ruler of the figure's dynasty who reigned only after it; None when it asks about none,
    or the succession came within the figure's time."""
    return (_list_finding(question, figure, cutoff) or _emperor_finding(question, cutoff, window)
            or _later_ruler_finding(question, cutoff, window))


__all__ = ["successor_after"]
