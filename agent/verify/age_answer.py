"""A question that asks how old the figure was is answered by an age, not by a year; one that asks how long is
answered by a span of time, not by ages.

Rules: when the question asks for an age (how old, at what age, 多大, 幾歲, 年紀) and the answer states dates but no
number besides them, its dated sentences fail: "當時我多大是天寶初年（742年）" gives a year where an age was asked.
An age in any form the number reader knows (四十二歲, "41 years old") is a number besides the dates. When the
question asks how long (多少年, 幾年, 多久, "how many years", "how long") and not how old, and every number the
answer states besides dates is an age (年四十, 享年五十二歲, "aged 56"), its sentences with ages fail: an age is
not how long something lasted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from agent.dates import extract_numbers

_ASKS_AGE_RE = re.compile(r"(?i)\bhow\s+old\b|\b(?:at\s+)?what\s+age\b|多大(?=[？?。，,]|了|年[紀纪]|$)|"
                          r"[幾几多少]+[歲岁]|年[紀纪]")


def asks_age(question: str) -> bool:
    """True when the question asks how old the figure was (那时你多大？, At what age did you ...)."""
    return bool(_ASKS_AGE_RE.search(question))


_ASKS_DURATION_RE = re.compile(r"(?i)\bhow\s+(?:many|much)\s+(?:years|months|days|time)\b|\bhow\s+long\b|"
                               r"[多幾几]少?(?:個|个)?(?:年|月|天|日子|時間|时间|時候|时候|久)(?![號号紀纪])|多長|多长")


def asks_duration(question: str) -> bool:
    """True when the question asks how long something lasted and not how old the figure was (你在那裡住了多少年？)."""
    return bool(_ASKS_DURATION_RE.search(question)) and not asks_age(question)


def age_for_duration(question: str, sentences: Iterable[str]) -> list[str]:
    """The sentences with ages of an answer whose every number besides dates is an age, to a question asking how
    long; empty otherwise."""
    if not asks_duration(question):
        return []
    numbers = {sentence: extract_numbers(sentence) for sentence in sentences}
    units = [n.unit for found in numbers.values() for n in found]
    if not units or any(unit != "歲" for unit in units):
        return []
    return [sentence for sentence, found in numbers.items() if found]


def wrong_number_kind(question: str, sentences: list[str], dates_of: Callable[[str], list]) -> tuple[list[str], str, str]:
    """The answer's sentences that give the wrong kind of number for the question, the reason and its note: a year
    for an age ('no_age'), ages for a span of time ('no_duration'); no sentences when neither."""
    if aged := year_for_age(question, sentences, dates_of):
        return aged, "no_age", ""
    return (age_for_duration(question, sentences), "no_duration",
            "the question asks how long; the answer gives an age, not a span of time")


def year_for_age(question: str, sentences: Iterable[str], dates_of: Callable[[str], list]) -> list[str]:
    """The dated sentences of an answer that gives dates and no other number to a question asking for an age;
    empty when the question asks for no age or the answer states one."""
    if not asks_age(question):
        return []
    dated = []
    for sentence in sentences:
        dates = dates_of(sentence)
        spans = [(d.start, d.end) for d in dates]
        if any(getattr(d, "kind", "") == "age" for d in dates) or any(
                not any(a < n.end and n.start < b for a, b in spans) for n in extract_numbers(sentence)):
            return []
        if spans:
            dated.append(sentence)
    return dated


__all__ = ["asks_age", "year_for_age"]
