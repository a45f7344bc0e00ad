"""A follow-up that points back is checked against what it points to.

Rule: in a conversation, a question that points back to an earlier turn with a demonstrative (那, 這, 当时, "that
battle", "then", "there") is checked by the guard with the topic of the turns it points to added to its own: the
content words of the earlier questions, back to the latest one that does not point back itself, follow it in
brackets. A date or number the passages give for another matter then does not answer it ("那一年是西元幾年？" after a
question about a reform, answered with the year of a birth). What the question asks (a year, a count, a
yes) is read from the question alone: the words added are content words, without question words or numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.verify.claims import question_topic

_POINTS_BACK = re.compile(r"那(?!么|麼|樣|样)|這|这(?!样|樣)|此[时時刻]|当时|當時|其[时時]|"
                          r"(?i:\b(?:then|there)\b|\b(?:that|this|those|these)\s+(?!(?:I|you|he|she|we|they|it)\b)\w+|"
                          r"\b(?:that|it)\s*\?)")


def points_back(question: str) -> bool:
    """True when ``question`` points back to an earlier turn (那是哪一年？, "When was that siege?")."""
    return bool(_POINTS_BACK.search(question))


def guard_question(question: str, earlier: Sequence[str], names: frozenset[str] = frozenset()) -> str:
    """``question`` as the guard checks it after the ``earlier`` questions of its conversation (oldest first): with
    the content words of the turns it points back to in brackets, or unchanged when it does not point back."""
    if not earlier or not points_back(question):
        return question
    words: list[str] = []
    for before in reversed(earlier):
        topic = question_topic(before, names)[0]
        words += sorted(w for w in topic if w not in words)
        if not points_back(before):
            break
    if not words:
        return question
    cjk = bool(re.search(r"[\u4e00-\u9fff]", question))
    return f"{question}（{'、'.join(words)}）" if cjk else f"{question} ({', '.join(words)})"


__all__ = ["guard_question", "points_back"]
