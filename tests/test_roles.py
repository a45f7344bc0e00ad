"""An office or a relative the figure claims needs a passage that gives it to the figure: not to someone else, not
denied, offered or only planned, and a relative with the same kin word and rank. All passages and answers here were
written for this test (two invented figures: Marcus Vell, a Roman, and 周文遠, a Tang official)."""

from __future__ import annotations

import pytest

from agent.verify.role_claims import find_claims, premise_claims
from agent.verify.roles import role_failures

VELL = ["Marcus Vell", "Vell"]
ZHOU = ["周文遠", "文遠"]

VELL_LIFE = [
    "In his fortieth year Vell was elected praetor, and the people of the coast towns sent him gifts.",
    "The senate offered him the governorship of Sicilia, which he declined on account of his health.",
    "Gallus was elected consul that year, and Vell went home to his farms.",
    "The censor Gallus struck two knights from the roll.",
    "His youngest son, Lucius, died in the winter of the plague.",
    "Gallus condemned his sons Aulus and Titus for the plot.",
    "His father, Gnaeus, was a senator known for his silence.",
]
ZHOU_LIFE = [
    "刺史韓某欲薦文遠於朝，文遠不赴。",
    "開元中，文遠拜監察御史，遷殿中侍御史。",
    "楊某為益州長史，見而異之。",
    "弟文通，亦有文名。",
    "父某，官至縣令。",
    "在場的只有文遠的妻子和弟弟文達。",
    "其詩云：宰相調鼎鼐，小民望雨晴。",
    "天寶末，朝廷以起居郎的官職徵召文遠，而文遠已病卒。",
    "朝廷以補闕召韓某。",
]


@pytest.mark.parametrize("sentence", [
    "I was elected praetor.[1]",
    "Lucius was my youngest son.[1]",
    "My father was a senator.[1]",
])
def test_an_office_or_relative_the_passage_gives_the_figure_passes(sentence):
    assert role_failures(sentence, None, VELL_LIFE, VELL) == []


@pytest.mark.parametrize("sentence", [
    "I was consul.[1]",  # another man was elected
    "I was censor.[1]",  # the title of the man named beside it
    "I was governor of Sicilia.[1]",  # offered and declined
    "Lucius was my eldest son.[1]",  # the passage says youngest
    "Lucius was my brother.[1]",  # another kin word
    "Aulus was my son.[1]",  # Gallus's son, not the figure's
    "My father was a consul.[1]",  # the passage gives him another office
    "Vell was my brother.[1]",  # the figure's own name
])
def test_an_office_or_relative_the_passage_does_not_give_the_figure_fails(sentence):
    assert role_failures(sentence, None, VELL_LIFE, VELL)


@pytest.mark.parametrize("sentence, ok", [
    ("我做過監察御史。[1]", True),
    ("我当过刺史。[1]", False),  # the commissioner named after the office; he was refused
    ("我當過益州長史。[1]", False),  # another man appointed
    ("文通是我的弟弟。[1]", True),
    ("文通是我的哥哥。[1]", False),  # the passage calls him the younger brother
    ("我哥哥叫周文遠。[1]", False),  # the figure's own name
    ("我父親當過縣令。[1]", True),
    ("我的妻子叫文達。[1]", False),  # the kin word nearest the name makes him a brother
    ("文達是我的弟弟。[1]", True),
    ("我父親當過刺史。[1]", False),
    ("我當過宰相。[1]", False),  # an office in a line of verse: no one is put into it
    ("朝廷想授我起居郎的官職。[1]", True),  # offered: summoned with the office
    ("朝廷授予我起居郎的官職。[1]", False),  # held: he was dead when summoned
    ("朝廷想授我補闕。[1]", False),  # another man summoned with it
])
def test_chinese_offices_and_kin(sentence, ok):
    assert (role_failures(sentence, None, ZHOU_LIFE, ZHOU) == []) is ok


def test_a_yes_claims_what_the_question_puts_to_the_figure():
    assert [c.head for c in premise_claims("Were you praetor?", "Yes.[1]")] == ["praetor"]
    assert premise_claims("Were you praetor?", "No, I was never praetor.") == []
    assert role_failures("Yes.[1]", "Were you ever consul?", VELL_LIFE, VELL)
    assert role_failures("Yes, I held the post.[1]", "Were you praetor?", VELL_LIFE, VELL) == []
    assert role_failures("是的。[1]", "文通是你的哥哥嗎？", ZHOU_LIFE, ZHOU)
    assert role_failures("是的。[1]", "文通是你的弟弟嗎？", ZHOU_LIFE, ZHOU) == []


def test_what_is_not_a_claim_of_office_or_kin():
    assert find_claims("I was happy in the country.") == []
    assert find_claims("我是眉州人。") == []
    assert find_claims("I was never consul.") == []
    assert find_claims("我沒有當過刺史。") == []


def test_the_verifier_fails_an_office_given_to_another(verifier):
    from agent.answer import Passage
    from agent.verify.citations import SentenceSupport

    passage = Passage(id="a", text="刺史韓某欲薦測詩人於朝，測詩人不赴。", source="t", locator="l", score=1.0)
    held = [SentenceSupport("我當過刺史。", [1], 1.0)]
    notes = [c.note for c in verifier.check(held, [passage], "你當過刺史嗎？") if c.kind == "claim"]
    assert notes == ["no passage gives this office or relative to the figure"]


ROMAN_LIFE = ["Vell was elected aedile in his thirtieth year.", "Gallus married Tertia, the daughter of a banker.",
              "He married Prima, a widow of the coast towns."]


@pytest.mark.parametrize("sentence,ok", [
    ("我擔任的第一個官職是營造官。", True),   # an office named in Chinese, found in an English passage by its name
    ("是的，我當過羅馬的獨裁官。", False),
    ("我真的去做了執政官。", False),           # adverbs before the verb still claim the office
    ("I married Prima.", True),
    ("I married Tertia.", False),             # another man's marriage
    ("其實普麗瑪·維利婭是我的母親。", False),  # a long transliterated name is a name; no passage gives it
])
def test_offices_named_in_chinese_marriages_and_long_names(sentence, ok):
    assert (role_failures(sentence, None, ROMAN_LIFE, VELL) == []) is ok


def test_chinese_claims_of_office_and_spouse_are_found():
    assert [c.head for c in find_claims("我後來也做了監察御史的官。")] == ["监察御史"]
    assert find_claims("我為官清廉。") == [] and find_claims("我和同鄉結伴遠遊。") == []
    assert [(c.head, c.name) for c in find_claims("我娶了柳氏為妻。")] == [("spouse", "柳氏")]
    assert role_failures("我娶了柳氏為妻。", None, ["文遠娶柳氏，生二子。"], ZHOU) == []


@pytest.mark.parametrize("sentence,ok", [
    ("I was elected praetor in Sicilia.", False),   # the place of an office is part of the claim
    ("Vell was elected praetor.", True),            # the figure's own name is the figure
    ("Gallus was elected praetor.", True),           # another's office is not the figure's claim here
])
def test_an_office_with_its_place_and_in_the_third_person(sentence, ok):
    assert (role_failures(sentence, None, VELL_LIFE, VELL) == []) is ok


def test_an_office_only_mentioned_in_a_passage_holds_no_one():
    letter = ["I wrote to the tribune about the grain ships.", "Vell, tribune of the people, spoke first."]
    assert role_failures("I was a tribune.", None, letter[:1], VELL) == ["tribune"]
    assert role_failures("I was a tribune.", None, letter[1:], VELL) == []
    assert role_failures("Yes, my father was also named Vell.", None, VELL_LIFE, VELL)


@pytest.mark.parametrize("sentence,ok", [
    ("朝廷授予文遠監察御史。", True),
    ("朝廷授予我益州長史。", False),      # 楊某 held it
    ("那一年我擔任的是殿中侍御史。", True),
    ("那一年我擔任的是刺史。", False),    # 韓某's office
    ("文通是我的親哥哥。", False),        # 弟: a younger brother
])
def test_chinese_offices_given_to_the_figure_and_kin_with_qualifiers(sentence, ok):
    assert (role_failures(sentence, None, ZHOU_LIFE, ZHOU) == []) is ok


@pytest.mark.parametrize("sentence,ok", [
    ("My closest friend was Gallus.", False),   # Gallus is named, but not as his friend
    ("Tertius was my teacher.", True),
    ("Tertius was my rival.", False),
    ("文遠是我的好友。", False),                 # the figure's own name
    ("韓滔是我的老師。", False),
    ("張泌是我的老師。", True),
])
def test_relations_besides_kin_need_the_person_named_beside_the_same_word(sentence, ok):
    lives = [*VELL_LIFE, "His teacher Tertius taught him Greek.", *ZHOU_LIFE, "文遠少從張泌學，以張泌為師。"]
    assert (role_failures(sentence, None, lives, VELL + ZHOU) == []) is ok


def test_a_relative_the_figure_says_it_had_needs_one_of_its_own():
    assert role_failures("Yes, I had a sister.", None, ["His sister Prima kept the farm."], VELL) == []
    assert role_failures("I had a brother.", None, ["Gallus's brother sailed to Crete."], VELL) == ["I had a brother"]
    assert role_failures("I had a brother named Aulus.", None, VELL_LIFE, VELL) == ["I had a brother named Aulus"]
    assert role_failures("我有一個妹妹。", None, ["文遠少孤，與兄文通同居。"], ZHOU) == ["我有一个妹妹"]
    # in a clause spoken in the first person, "her sister" is someone else's
    assert role_failures("I had a sister.", None, ["I wrote to her sister that the farm was sold."], VELL) == \
        ["I had a sister"]
    assert role_failures("I had a sister.", None, ["I wrote to my sister that the farm was sold."], VELL) == []
    for other in ("My respects to your sister.", "I had met the said sister before.", "The lady came back, sister in company."):
        assert role_failures("I had a sister.", None, [other], VELL) == ["I had a sister"], other
    assert role_failures("和我同任御史的同僚是韓滔。", None, ZHOU_LIFE, ZHOU)
