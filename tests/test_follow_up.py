"""A follow-up that points back (那是哪一年？) is checked with the topic of the turn it points to: a date the
passages give for another matter does not answer it."""

from __future__ import annotations

from agent.verify.citations import SentenceSupport
from agent.verify.follow_up import guard_question, points_back

from .test_guard import _passage


def test_questions_that_point_back():
    for q in ("那是哪一年？", "當時你在哪裡？", "When was that siege raised?", "And what did you do then?",
              "Who was with you there?"):
        assert points_back(q), q
    for q in ("你是哪一年中進士的？", "那麼你的老師是誰？", "Did you say that I was right?", "When was your first book printed?"):
        assert not points_back(q), q


def test_the_topic_of_the_turns_pointed_to_is_added_in_brackets():
    assert guard_question("你是哪一年中進士的？", ["你奉詔入京做甚麼？"]) == "你是哪一年中進士的？"
    assert guard_question("那是哪一年？", []) == "那是哪一年？"
    checked = guard_question("那是哪一年？", ["你奉詔入京做甚麼？"])
    assert checked.startswith("那是哪一年？（") and "入京" in checked
    # through a follow-up that points back itself, to the question that does not
    assert "入京" in guard_question("那時你多大？", ["你奉詔入京做甚麼？", "那是哪一年？"])


def test_a_date_of_another_matter_does_not_answer_a_follow_up(verifier):
    passages = [_passage("a", "測詩人生於長安元年。"), _passage("b", "天寶元年，測詩人奉詔入京，供奉翰林。")]
    earlier = ["你奉詔入京以後做甚麼？"]
    birth = [SentenceSupport("那是長安元年。", [1], 1.0)]
    checked = guard_question("那是哪一年？", earlier, verifier.names)
    assert any(c.status != "supported" for c in verifier.check(birth, passages, checked))
    called = [SentenceSupport("那是天寶元年。", [2], 1.0)]
    assert all(c.status == "supported" for c in verifier.check(called, passages, checked))


def test_without_the_earlier_topic_the_date_of_another_matter_passes(verifier):
    passages = [_passage("a", "測詩人生於長安元年。"), _passage("b", "天寶元年，測詩人奉詔入京，供奉翰林。")]
    birth = [SentenceSupport("那是長安元年。", [1], 1.0)]
    assert all(c.status == "supported" for c in verifier.check(birth, passages, "那是哪一年？"))
