"""How old the figure was at an event, computed from its birth year: "你入長安時多大？", "那時你多大？" after an
answer that dated the event, "How old were you in 742?".

Rule: when a question asks the figure's age (how old, 多大, 幾歲) at something other than its death, and the
chronology knows the birth year and the year of what is asked (a year the question names, the one dated sentence of
the sources the question's words point to, else the year the last verified answer of the conversation stated), the
age is the difference, counted from one at birth in Chinese (虛歲: year − born + 1) and in full years in English
(about year − born). The chronology passage says how it was computed and quotes the sentence the year rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.answer import CHRONOLOGY_KIND, Answer, Citation, DateCheck, Passage
from agent.generate import prompts
from agent.index.chronology import Chronology, Entry
from agent.text.script import to_simplified
from agent.text.terms import content_terms
from agent.verify.age_answer import asks_age
from agent.verify.boundary import KnowledgeBoundary
from agent.verify.claims import asked_fact, question_topic

# What an age question says besides the event it dates (你那時多大了？): never the event's words.
_AGE_WORDS_ZH = frozenset("你您我那这這时時候当當年纪紀岁歲多大几幾少了呢吗嗎是的")
_AGE_WORDS_EN = frozenset("how old were was you your at what age when the time then".split())
# The share of the question's words (Chinese pairs of characters) a dated sentence must hold to date what it asks.
EVENT_SHARE = 0.5
_YEAR_RE = re.compile(r"(?<!\d)(\d{3,4})(?:\s*年|(?!\d))")


def _born(chronology: Chronology) -> Entry | None:
    """The birth year: derived from the death and the age at death, or stated by a dated sentence of birth."""
    fact = chronology.facts.get("born")
    if fact is not None and fact.hi is not None:
        return fact
    stated = [e for e in chronology.entries if "born" in e.events and e.how != "derived" and e.lo == e.hi]
    # the earliest year a sentence of birth gives ("born in 701 and died in 762" gives 701 and 762)
    return min(stated, key=lambda e: e.lo) if stated else None


def _event(chronology: Chronology, question: str, born: int, end: int) -> tuple[int, Entry | None] | None:
    """The year the question asks the age at, with the dated entry it rests on: a year it names, else the one dated
    sentence within the life that shares most of the question's words."""
    dated = [e for e in chronology.entries if e.how != "derived" and e.lo is not None and e.lo == e.hi
             and born < e.lo <= end]
    for e in dated:
        if len(e.date) >= 3 and not e.date.isdigit() and e.date in question:
            return e.lo, e  # the question names the source's date (天寶元年)
    for m in _YEAR_RE.finditer(question):
        year = int(m.group(1))
        if born < year <= end:
            return year, next((e for e in dated if e.lo == year), None)
    words = {w for w in question_topic(question)[0]
             if w.lower() not in _AGE_WORDS_EN and not (set(w) & _AGE_WORDS_ZH)}
    if not words:
        return None
    scored = []
    for e in dated:
        share = len(words & content_terms(to_simplified(e.sentence))[0]) / len(words)
        scored.append((share, e))
    best = max((s for s, _ in scored), default=0)
    top = [e for s, e in scored if s == best]
    if best < EVENT_SHARE or len({e.lo for e in top}) != 1:
        return None  # no dated sentence tells it, or several years do
    return top[0].lo, top[0]


def _history_year(history: Sequence[Answer], born: int, end: int) -> int | None:
    """The one year the last verified answer of the conversation stated (那時你多大？ after 742年)."""
    for turn in reversed(history):
        years = {c.lo for c in turn.date_checks if c.kind == "date" and c.status == "supported" and c.lo == c.hi
                 and born < c.lo <= end}
        if years:
            return years.pop() if len(years) == 1 else None
    return None


@dataclass(frozen=True)
class AgeAt:
    """The figure's age in ``year``: ``sui`` counted from one at birth, ``full`` in whole years (about), from the
    birth year ``born``; ``rests_on`` is the dated entry of the event (or the birth's, for a year from the
    conversation)."""

    year: int
    born: int
    rests_on: Entry
    date: str = ""  # the source's date of the event (天寶元年), where it names one

    @property
    def sui(self) -> int:
        return self.year - self.born + 1

    @property
    def full(self) -> int:
        return self.year - self.born


def age_at(chronology: Chronology, question: str, boundary: KnowledgeBoundary,
           history: Sequence[Answer] = ()) -> AgeAt | None:
    """The figure's age at what the question asks about; None when the question asks no such age, or the birth
    year or the event's year is unknown or after the cutoff."""
    if not asks_age(question) or asked_fact(question) is not None:
        return None
    born = _born(chronology)
    if born is None:
        return None
    died = chronology.facts.get("died")
    end = died.hi if died is not None and died.hi is not None else (chronology.latest_year() or born.hi + 100)
    found = _event(chronology, question, born.hi, end)
    if found is None and (year := _history_year(history, born.hi, end)) is not None:
        found = (year, None)
    if found is None or boundary.after_cutoff(found[0]):
        return None
    year, entry = found
    date = entry.date if entry is not None and not entry.date.isdigit() else ""
    return AgeAt(year, born.hi, entry or born, date)  # a derived birth year's hi is the 虛歲 reckoning


def age_passage(age: AgeAt, lang: str) -> Passage:
    """The chronology passage giving ``age``: the age, how it was computed, the sentence the year rests on."""
    texts = prompts.CHRONOLOGY_PASSAGE[lang]
    when = (f"{age.date}（{age.year}年）" if age.date else f"{age.year}年") if lang == "zh" else (
        f"{age.year} ({age.date})" if age.date else str(age.year))
    text = texts["age_at"].format(when=when, year=age.year, born=age.born, age=age.sui, full=age.full)
    text += texts["source"].format(locator=age.rests_on.locator, sentence=age.rests_on.sentence.strip())
    return Passage(id="chronology:age_at", text=text, source="chronology",
                   locator=f"chronology, {age.rests_on.locator}", score=1.0, relevance=1.0, kind=CHRONOLOGY_KIND,
                   language=lang)


def answer_age_at(age: AgeAt, passage: Passage, lang: str) -> tuple[str, Citation, list[DateCheck]]:
    """The figure's plain answer from an age (when its drafts failed the guard), with its citation and checks."""
    value = age.sui if lang == "zh" else age.full
    sentence = prompts.CHRONOLOGY_ANSWER[lang]["age_at"].format(year=age.year, age=value)
    how = f"{age.year} − {age.born}" + (" + 1" if lang == "zh" else "")
    checks = [DateCheck(sentence=sentence, text=str(value), kind="number", lo=value, hi=value, status="supported",
                        where=CHRONOLOGY_KIND, evidence=passage.id, note=how),
              DateCheck(sentence=sentence, text=str(age.year), kind="date", lo=age.year, hi=age.year,
                        status="supported", where=CHRONOLOGY_KIND, evidence=passage.id, note="")]
    citation = Citation("[1]", passage.id, passage.source, passage.locator, age.rests_on.sentence.strip())
    return sentence + "[1]", citation, checks


__all__ = ["AgeAt", "age_at", "age_passage", "answer_age_at"]
