"""The knowledge boundary: what a figure cannot know, because it came after its cutoff or before its birth.

The cutoff is the figure's death year (or ``cutoff`` in figure.toml), or the ``as_of`` year a user picks
to talk to the figure at a point of its life. Three things are checked, all by code:

* a question about what came later: it states a date after the cutoff, names a person, event or thing
  whose year lies after it (``agent/data/later.toml`` for the world, ``later_names`` in figure.toml for
  the figure, and whoever the figure's own notes say acted after its death: "Poplicola was already dead
  when Coriolanus threatened Rome"), asks what the figure made of a written work about it that its own
  sources.toml dates after the cutoff ("Did you enjoy the life of you that Tacitus wrote?"), or asks
  outright about the time after the figure's death;
* a question about a succession after the cutoff: who came after a holder of an office (or the n-th holder) where
  that holder began after it (``agent/verify/succession.py``);
* a question about a time before the figure was born (``not_present`` unless the sources speak of it);
* passages that describe events after the cutoff: a passage's dates are the dates it states, or, when
  it states none, the earliest date of the nearest dated passage before it in the same document (the
  sources are mostly chronological). In a passage that states dates, a bare number within the figure's
  lifetime counts as a year too ("701 for his birth and 762 for his death"): a note on the sources is not
  dated by the one late year it writes in a date phrase. A passage dated after the cutoff is not given
  to the model.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from agent.dates import DateMention, extract_dates
from agent.ingest.figures import Figure
from agent.ingest.loaders import SourceSpec
from agent.text.terms import fold, mentions
from agent.verify.succession import successor_after

AFTER_MY_TIME = "after_my_time"
NOT_PRESENT = "not_present"

# Questions that ask outright about the time after the figure's death.
_AFTER_DEATH_RE = re.compile(
    r"after (?:your|his|her) death|after you died|since you died|since your death|posthumous|after your passing|"
    r"(?:once|when|after|as soon as) you (?:were|had) (?:dead|died|gone|been killed)|(?:once|after) you were killed|"
    r"[你您汝](?:死|去世|逝世|過世|过世|亡故|卒)了?(?:之|以)?[後后]|身後|身后",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LaterItem:
    year: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """Why a question falls outside the figure's knowledge; ``evidence`` is the span that shows it."""

    reason: str
    evidence: str
    year: int | None = None


@lru_cache(maxsize=1)
def world_items() -> tuple[LaterItem, ...]:
    data = tomllib.loads(resources.files("agent").joinpath("data/later.toml").read_text(encoding="utf-8"))
    return tuple(LaterItem(int(item["year"]), tuple(item["names"])) for item in data["item"])


# "…that Poplicola was already dead when Coriolanus threatened Rome": the name that follows is of a later time.
_DEAD_WHEN_RE = re.compile(r"\b(?:was|had\s+been)\s+(?:already\s+|long\s+)?dead\s+(?:when|by\s+the\s+time|before)\s+"
                           r"(?:the\s+)?(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)")


def _own_names(figure: Figure) -> set[str]:
    return {fold(n) for n in (*figure.names.values(), *figure.aliases)}


def names_after_death(figure: Figure, texts: list[str]) -> tuple[str, ...]:
    """The names ``texts`` place after the figure's death: the subject of "<figure> was already dead when <name>
    ..." (the figure named, or "he"/"she", just before)."""
    own = _own_names(figure)
    found: list[str] = []
    for text in texts:
        for m in _DEAD_WHEN_RE.finditer(text):
            before = fold(text[max(0, m.start() - 60):m.start()]).rstrip()
            if not (any(before.endswith(n) for n in own) or re.search(r"\b(?:he|she)$", before)):
                continue
            if fold(m.group("name")) not in own:
                found.append(m.group("name"))
    return tuple(dict.fromkeys(found))


# A source's date_written where the date extractor finds no date: its first bare number ("1060", "c. 98, under
# Trajan; translation 1868"), not an ordinal ("2nd ed.").
_WRITTEN_YEAR_RE = re.compile(r"(?<![\d.])\d{1,4}(?![\d.]|st\b|nd\b|rd\b|th\b)")
# How an author field names people: "Cornelius Tacitus; translated by …", "歐陽修、宋祁 等", "Suetonius (C. Suetonius …)".
_AUTHOR_SPLIT_RE = re.compile(r"[;,、，；]|\band\b|\(.*?\)|（.*?）")
_AUTHOR_ROLE_RE = re.compile(r"(?i)^(?:(?:translated|transl\.|tr\.|compiled|edited|ed\.|essays)\s*(?:by)?\s*)+|\s*等$")
# A question about reading or judging a written work (with one of the work's names): not "according to Tacitus".
_READS_WORK_RE = re.compile(r"(?i)\b(?:read|reading|enjoy(?:ed)?|think\s+of|opinion\s+of|satisfied\s+with)\b|"
                            r"讀過|读过|讀了|读了|看過|看过|覺得|觉得|評價|评价|怎麼看|怎么看|滿意|满意|喜歡|喜欢")
_WRITTEN_WORK_RE = re.compile(r"(?i)\b(?:wrote|written|writes?|life|lives|biography|account|history|book)\b|"
                              r"寫|写|傳|传|書|书|史|集")


def _written_year(date_written: str) -> int | None:
    """The first year of ``date_written``: "c. 121" is 121, "3rd century BC" -300, "1705–1706" 1705."""
    dates = extract_dates(date_written)
    if dates:
        first = min(dates, key=lambda d: d.start)
        return (first.lo + first.hi) // 2 if first.kind == "circa" else first.lo
    m = _WRITTEN_YEAR_RE.search(date_written)
    return int(m.group(0)) if m else None


def later_works(figure: Figure, specs: list[SourceSpec]) -> tuple[LaterItem, ...]:
    """The figure's dated sources (by the first year of their ``date_written``), each named by the parts of its
    citation and its authors, less the figure's own names: those written after the cutoff it cannot have read."""
    own = _own_names(figure)
    works = []
    for spec in specs:
        year = _written_year(spec.date_written)
        if year is None:
            continue
        parts = re.split(r"[·,:：]", spec.cite_as or spec.title or "")
        parts += [_AUTHOR_ROLE_RE.sub("", p.strip()) for p in _AUTHOR_SPLIT_RE.split(spec.author) if p]
        names = [n for n in dict.fromkeys(p.strip() for p in parts)
                 if len(n) >= (4 if n.isascii() else 2) and fold(n) not in own]
        if names:
            works.append(LaterItem(year, tuple(names)))
    return tuple(works)


_BARE_NUMBER_RE = re.compile(r"(?<![\d.,:/-])\d{3,4}(?![\d.,:/]\d)")


class KnowledgeBoundary:
    """What ``figure`` can know when its knowledge ends in ``cutoff`` (death by default)."""

    def __init__(self, figure: Figure, as_of: int | None = None, items: tuple[LaterItem, ...] | None = None,
                 later_names: tuple[str, ...] = (), works: tuple[LaterItem, ...] = ()) -> None:
        """``later_names``: names after the figure's time beyond figure.toml's (``names_after_death``);
        ``works``: written works about the figure and their years (``later_works``)."""
        self.figure = figure
        self.later_names = (*figure.later_names, *later_names)
        self.works = works
        self.born = figure.born.year
        self.cutoff = as_of if as_of is not None else figure.cutoff
        self.as_of = as_of
        self.items = world_items() if items is None else items
        end = figure.died.year if figure.died.year is not None else self.cutoff
        start = self.born if self.born is not None else (end - 90 if end is not None else None)
        self.anchor = (start, end) if start is not None and end is not None else None

    def dates(self, text: str) -> list[DateMention]:
        return extract_dates(text, anchor=self.anchor, born=self.born)

    def after_cutoff(self, year: int) -> bool:
        return self.cutoff is not None and year > self.cutoff

    def check_question(self, question: str) -> Finding | None:
        """``after_my_time`` when the question is about what came later; ``not_present`` when it asks about
        a time before the figure's birth (the caller keeps that only when no passage speaks of the time)."""
        folded = fold(question)
        m = _AFTER_DEATH_RE.search(question)
        if m and self.as_of is None:
            return Finding(AFTER_MY_TIME, m.group(0))
        for name in self.later_names:
            if mentions(folded, name):
                return Finding(AFTER_MY_TIME, name)
        if self.cutoff is not None and (heir := successor_after(question, self.figure, self.cutoff, self.anchor)):
            return Finding(AFTER_MY_TIME, heir)
        if self.cutoff is not None:
            reads_work = _READS_WORK_RE.search(question) and _WRITTEN_WORK_RE.search(question)
            for item in (*(self.works if reads_work else ()), *self.items):
                if item.year > self.cutoff:
                    for name in item.names:
                        if mentions(folded, name):
                            return Finding(AFTER_MY_TIME, name, item.year)
        dates = self.dates(question)
        for d in dates:
            if self.after_cutoff(d.lo):
                return Finding(AFTER_MY_TIME, d.text, d.lo)
        if self.born is not None:
            for d in dates:
                if d.hi < self.born and d.kind not in ("century",):
                    return Finding(NOT_PRESENT, d.text, d.hi)
        return None

    def lifetime_numbers(self, text: str) -> list[int]:
        """The bare numbers of ``text`` that fall within the figure's life, which may be years ("the China
        Biographical Database gives 701"); AD lives only: a bare "44" is no year of Caesar's."""
        born, end = self.born, self.figure.died.year or self.cutoff
        if born is None or end is None or born < 100:
            return []
        return [n for n in (int(m.group(0)) for m in _BARE_NUMBER_RE.finditer(text)) if born <= n <= end]

    def could_be_year(self, value: int) -> bool:
        """True for a number within a century of the figure's life (any number from 1000 to 2100 when the life
        is unknown): in a passage it may be a year rather than a count ("a letter dated 1851")."""
        if self.anchor is None:
            return 1000 <= value <= 2100
        start, end = self.anchor
        return start - 100 <= value <= end + 100

    def speaks_of(self, texts: list[str], year: int) -> bool:
        """True when one of ``texts`` states a date whose range includes ``year``."""
        return any(d.lo <= year <= d.hi for text in texts for d in self.dates(text))


class PassageDates:
    """The dates each chunk of an index describes, computed on demand and cached per chunk."""

    LOOKBACK = 8  # how many chunks back an undated chunk looks for a dated one in its document

    def __init__(self, boundary: KnowledgeBoundary, chunks: list) -> None:
        self.boundary = boundary
        self.chunks = chunks
        self._pos = {c.id: i for i, c in enumerate(chunks)}
        self._own: dict[int, tuple[int, int] | None] = {}

    def _stated(self, i: int) -> tuple[int, int] | None:
        if i not in self._own:
            text = self.chunks[i].text
            years = [y for d in self.boundary.dates(text) if d.kind not in ("age",) for y in (d.lo, d.hi)]
            if years:  # bare numbers widen a dated passage's span; they never date a passage on their own
                years += self.boundary.lifetime_numbers(text)
            self._own[i] = (min(years), max(years)) if years else None
        return self._own[i]

    def span(self, chunk_id: str) -> tuple[int, int] | None:
        """(earliest, latest) year the chunk describes, or the carried-forward earliest year; None if unknown."""
        i = self._pos.get(chunk_id)
        if i is None:
            return None
        own = self._stated(i)
        if own is not None:
            return own
        doc = self.chunks[i].doc_id
        for j in range(i - 1, max(-1, i - 1 - self.LOOKBACK), -1):
            if self.chunks[j].doc_id != doc:
                break
            prev = self._stated(j)
            if prev is not None:
                return (prev[0], prev[0])
        return None

    def after_cutoff(self, chunk_id: str) -> bool:
        span = self.span(chunk_id)
        return span is not None and self.boundary.after_cutoff(span[0])


__all__ = ["AFTER_MY_TIME", "NOT_PRESENT", "Finding", "KnowledgeBoundary", "LaterItem", "PassageDates", "world_items"]
