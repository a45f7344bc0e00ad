"""A person named in answer to "who was your X?" must stand beside that relation in a passage. The passages,
questions and answers were written for this test (two invented figures: Marcus Vell, a Roman, and 周文遠, a Tang
official)."""

from __future__ import annotations

import pytest

from agent.verify.relation_answer import asked_relations, named_people, office_for_person, relation_unbound

VELL = ["Marcus Vell", "Vell"]
ZHOU = ["周文遠", "文遠"]
VELL_LIFE = [
    "As a boy Vell was taught rhetoric by Gnipho, a freedman of Gaul. Crassus was consul in that year.",
    "He kept a shop at Ostia in partnership with Decimus Rufo, who later cheated him.",
]
ZHOU_LIFE = [
    "文遠少師事崔某，通《春秋》。",
    "開元中，文遠入韓某幕府，與李某同僚。楊某時為刺史。",
]


def test_which_questions_ask_who_stood_in_a_relation():
    assert asked_relations("Who was your tutor when you were young?") == {"teacher"}
    assert asked_relations("What was the name of your partner at the shop?") == {"partner"}
    assert asked_relations("你在幕府裏的同僚有哪些人？") == {"colleague"}
    assert asked_relations("Where did your teacher live?") == set()  # not a who-question
    assert asked_relations("Who was consul when you were born?") == set()  # no relation asked


def test_people_named_beside_what_the_question_gives():
    assert named_people("I was taught by Gnipho in Rome.[1]", "Who taught you?", VELL) == [("gnipho",), ("rome",)]
    assert named_people("Marcus Vell had no tutor.", "Who was your tutor?", VELL) == []
    assert named_people("我的同僚是李某和楊某。[1]", "你的同僚是誰？", ZHOU) == [("李某",), ("杨某",)]


@pytest.mark.parametrize("question, sentence, ok", [
    ("Who was your tutor?", "My tutor was Gnipho, a freedman.[1]", True),
    ("Who was your tutor?", "I was tutored by Crassus, the consul.[1]", False),  # named, but as consul
    ("Who was your partner at Ostia?", "Decimus Rufo.[2]", True),
    ("Who was your partner at Ostia?", "It was Gnipho.[2]", False),
    ("你的老師是誰？", "我的老師是崔某。[1]", True),
    ("你在幕府的同僚有哪些人？", "我的同僚有楊某。[2]", False),  # he was the prefect, not a colleague
    ("你在幕府的同僚有哪些人？", "我的同僚有李某和楊某。[2]", True),  # one of them stands beside 同僚
    ("Where were you born?", "I was born at Ostia.[1]", True),  # not a who-question
])
def test_a_named_person_needs_the_relation_beside_it(question, sentence, ok):
    names = ZHOU if "文" in question or "你" in question else VELL
    life = ZHOU_LIFE if names is ZHOU else VELL_LIFE
    assert (relation_unbound(question, sentence, life, names) == []) is ok


def test_a_question_for_a_relative_s_name_asks_who():
    assert asked_relations("What was your eldest brother's name?") == {"brother"}


def test_a_given_name_after_an_office_s_name_is_a_person():
    assert named_people("我的前任是長史恒。[1]", "你的前任是誰？", ZHOU) == [("恒",)]
    assert named_people("我的前任是御史中丞。[1]", "你的前任是誰？", ZHOU) == []  # an office, no name
    assert relation_unbound("你的前任是誰？", "我的前任是長史恒。[1]", ZHOU_LIFE, ZHOU) == ["恒"]


def test_asked_who_held_an_office_the_figure_answering_it_held_it_answers_another_question():
    q = "Under which tribune did you march when you were a legate?"
    assert office_for_person(q, "I served as tribune in 40 BC.[1]", VELL) == "tribune"
    assert office_for_person(q, "I marched under the tribune Sextus Aulus.[1]", VELL) == ""  # a person named
    assert office_for_person("Which tribune was your colleague?", "I was tribune with Sextus.", VELL) == ""
    assert office_for_person("你在哪位太守手下做事？", "我任太守。[1]", ZHOU) == "太守"
    assert office_for_person("你在哪位太守手下做事？", "我在太守韓滔手下。[1]", ZHOU) == ""
