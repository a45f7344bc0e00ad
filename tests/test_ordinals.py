"""Ordinal claims are checked against a passage sentence that ranks the same thing (sentences written for the test)."""

from agent.answer import Passage
from agent.verify.ordinals import find_ordinals, ordinal_check, ordinal_supported


def _one(text):
    (found,) = find_ordinals(text)
    return found


def test_ordinals_that_rank_a_thing_are_found_in_both_languages():
    assert (_one("I was the 7th mayor of the town.").value, _one("I was the 7th mayor of the town.").head) == (7, "mayor")
    assert _one("She was their ninth daughter.").head == "daughter"
    assert (_one("我是家中第四子。").value, _one("我是家中第四子。").head) == (4, "子")
    assert _one("我是家中第四个儿子。").head == "子"  # 第四个儿子 ranks what 第四子 ranks
    assert _one("他是某王九世孫。").value == 9
    assert _one("我是第六位县令。").head == "县"


def test_ordinals_of_dates_and_counts_of_times_are_not_this_checks_matter():
    for text in ("On the 9th day of May we left.", "In the third year of the reign he fell ill.", "乾德第四年春",
                 "I was chosen for the second time.", "He spoke first.", "the nineteenth century"):
        assert find_ordinals(text) == [], text


def test_support_needs_the_same_ordinal_of_the_same_thing():
    claim = _one("I was the 7th mayor of the town.")
    assert ordinal_supported(claim, "The council met. He became the seventh mayor in a wet spring.")
    assert not ordinal_supported(claim, "He was the sixth mayor. The 7th of June was wet.")
    assert not ordinal_supported(claim, "He was the seventh clerk of the mill.")
    assert ordinal_supported(_one("我是第四子。"), "某某，字某，其父第四子也。")
    assert not ordinal_supported(_one("我是第四子。"), "某某第四女，嫁于某。")


def test_an_unsupported_ordinal_is_an_unsupported_number_check():
    passages = [Passage(id="p1", text="He was the sixth mayor of the town.", source="t", locator="l", score=1.0)]
    check = ordinal_check("I was the 7th mayor.", _one("I was the 7th mayor."), [0], [], passages,
                          [p.text for p in passages])
    assert check.kind == "number" and check.status == "unsupported" and "mayor" in check.note
    ok = ordinal_check("I was the sixth mayor.", _one("I was the sixth mayor."), [0], [], passages,
                       [p.text for p in passages])
    assert ok.status == "supported" and ok.evidence == "p1"


def test_an_ordinal_that_ends_its_sentence_needs_the_same_number_in_a_passage():
    assert _one("Of the brothers I was the 3rd.").head == ""
    assert _one("我在兄弟中排第3個。").head == ""
    assert ordinal_supported(_one("Of the brothers I was the 3rd."), "He was the third child of a miller.")
    assert not ordinal_supported(_one("我在兄弟中排第3個。"), "He was the second child of a miller.")
    assert find_ordinals("第二，我去了北方。") == [] and find_ordinals("On the 4th, we sailed.") == []


def test_the_first_holder_of_an_office_is_an_ordinal():
    assert [(o.value, o.head) for o in find_ordinals("I was the first governor of the island.")] == [(1, "governor")]
    assert find_ordinals("It was my first poem.") == []
    assert not ordinal_supported(_one("I was the first governor of the island."),
                                 "The first of the island's governors was a man from the north.")
    assert [o.value for o in find_ordinals("我是本州第一任刺史。")] == [1]
    # the first time one did a thing is the earliest time, not a rank: 第一次 is left to the date checks
    assert find_ordinals("我第一次出任刺史是在那年春天。") == []
    assert [o.value for o in find_ordinals("我第二次出任刺史。")] == [2]


def test_an_answer_about_another_one_than_the_question_asks_of():
    from agent.verify.ordinals import other_ordinal

    assert other_ordinal("Who sat with you in the senate the fourth time you were elected?",
                         "I was elected a second time with Gaius Niger.") == "2"
    assert other_ordinal("你第三次出任刺史是在哪裡？", "我第二次出任刺史是在洪州。") == "2"
    assert other_ordinal("你第三次出任刺史是在哪裡？", "我第三次出任刺史是在洪州，第二次在江州。") is None
    assert other_ordinal("Where was your third son born?", "He was born at Ostia.") is None  # no ordinal given
    assert other_ordinal("When were you first elected?", "My second term began in 500.") is None  # first: earliest
