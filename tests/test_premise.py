"""A yes to a yes-or-no question claims what the question says; the passages must state it. Passages and questions
were written for this test (an invented Roman, Marcus Vell, and an invented Tang official, 周文遠)."""

from __future__ import annotations

from agent.verify.premise import agrees, premise_unsupported

VELL = ["Marcus Vell", "Vell"]
ZHOU = ["周文遠", "文遠"]
VELL_LIFE = ["Vell was elected praetor in his fortieth year.", "Gallus, his colleague, commanded the fleet.",
             "Vell never commanded the fleet."]
ZHOU_LIFE = ["州舉茂才，文遠不應。", "開元中，文遠入洛陽，謁張某。"]


def test_a_yes_or_a_restatement_agrees_and_a_no_does_not():
    assert agrees("Were you elected praetor?", "Yes.[1]")
    assert agrees("Did you command the fleet?", "I commanded the fleet.[1]", VELL)
    assert not agrees("Did you command the fleet?", "No, Gallus commanded it.[1]", VELL)
    assert not agrees("Where were you born?", "Yes.")  # not a yes-or-no question


def test_the_premise_needs_a_passage_that_states_it_unnegated():
    assert not premise_unsupported("Were you elected praetor?", "Yes, I was.[1]", VELL_LIFE, VELL)
    told_negated = [VELL_LIFE[0], VELL_LIFE[2]]  # only "Vell never commanded the fleet" tells it
    assert premise_unsupported("Did you command the fleet?", "Yes, I commanded the fleet.[1]", told_negated, VELL)
    assert premise_unsupported("Was Gallus your brother-in-law?", "Yes.[1]", VELL_LIFE, VELL)
    assert not premise_unsupported("Did you command the fleet?", "No.[1]", VELL_LIFE, VELL)


def test_the_premise_in_chinese():
    assert premise_unsupported("州里舉你為茂才，你去應舉了嗎？", "是的，我去應舉了。[1]", ZHOU_LIFE, ZHOU)
    assert not premise_unsupported("你到過洛陽嗎？", "是的，開元中我到了洛陽。[1]", ZHOU_LIFE, ZHOU)
