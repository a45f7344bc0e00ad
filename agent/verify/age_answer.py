"""A question that asks how old the figure was is answered by an age, not by a year.

Rule: when the question asks for an age (how old, at what age, 多大, 幾歲, 年紀) and the answer states dates but no
number besides them, its dated sentences fail: "當時我多大是天寶初年（742年）" gives a year where an age was asked.
An age in any form the number reader knows (四十二歲, "41 years old") is a number besides the dates.
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
