"""A sentence that is only a date is the date of what the question asks about: it needs a passage giving that date
to that matter, not to another. Passages and answers written for this test."""

from __future__ import annotations

from agent.answer import Passage
from agent.verify.citations import SentenceSupport

LIFE = Passage(id="a", text="天寶元年，測詩人南遊會稽。天寶三年，測詩人始入長安，獻賦於朝。", source="t", locator="l",
               score=1.0)


def _dates(verifier, sentence: str, question: str) -> list[str]:
    return [c.status for c in verifier.check([SentenceSupport(sentence, [1], 1.0)], [LIFE], question)
            if c.kind == "date"]


def test_a_bare_date_must_be_the_date_of_what_was_asked(verifier):
    assert _dates(verifier, "天寶三年。[1]", "你哪一年入長安？") == ["supported"]
    assert _dates(verifier, "天寶元年。[1]", "你哪一年入長安？") in (["unsupported"], ["contradicted"])


def test_a_date_with_its_own_words_is_bound_by_them(verifier):
    assert _dates(verifier, "天寶元年，我南遊會稽。[1]", "你哪一年南遊？") == ["supported"]
