"""A view the figure gives as its own needs a passage that gives it as the figure's, not as someone else's words.
All passages and answers here were written for this test."""

from __future__ import annotations

from agent.verify.stance import reports_another, states_own_view, view_not_own

NAMES = ["Marcus Vell"]

OTHERS_AIMS = ("Then came the governor's proclamation. At one moment urging the glory of the province, the safety of "
               "the harbour and the ruin of the pirates as the ends of the expedition; at another telling us that it "
               "would pay for itself.")
OWN_VIEW = "I have always held that the expedition against the pirates was a waste of the province's money."
THIRD_PERSON_LIFE = "Vell, when the council met, said that the harbour walls should be rebuilt of stone."
PLAIN_STATEMENT = "A standing fleet in time of peace is a burden on the farmers of the province."


def test_a_view_the_passage_gives_as_someone_elses_is_not_the_figures():
    answer = "I thought the expedition was needed for the glory of the province and the safety of the harbour.[1]"
    assert states_own_view(answer)
    assert view_not_own(answer, [OTHERS_AIMS], NAMES)


def test_a_view_the_figure_gives_in_its_own_voice_or_is_said_to_hold_passes():
    assert not view_not_own("I believed the expedition against the pirates was a waste of money.[1]", [OWN_VIEW], NAMES)
    assert not view_not_own("In my view the harbour walls should be rebuilt of stone.[1]", [THIRD_PERSON_LIFE], NAMES)
    assert not view_not_own("He said the walls should be rebuilt of stone.", [THIRD_PERSON_LIFE], NAMES)  # no "I"
    # the figure's own writing states it plainly, with no verb of saying: it is the figure's view
    assert not view_not_own("I felt a standing fleet in peace was a burden on the farmers.[1]", [PLAIN_STATEMENT], NAMES)


def test_what_the_check_leaves_to_the_others():
    # no passage sentence holds the view's words: the content check decides, not this one
    assert not view_not_own("I thought the moon was made of cheese.[1]", [OTHERS_AIMS], NAMES)
    # not a view: facts of the life are checked elsewhere
    assert not view_not_own("I was born in the province.[1]", [OTHERS_AIMS], NAMES)
    # Chinese is not checked: a biography leaves its subjects out
    assert not view_not_own("我认为远征是为了本省的荣耀。[1]", ["總督上言，遠征為本省之榮耀。"], NAMES)


def test_who_says_it():
    assert reports_another("The senator tells us that the tax is just.")
    assert not reports_another("I say that the tax is just.")
    assert not reports_another("Vell claimed the tax was unjust.", NAMES)  # the figure's name, family name alone
    assert not reports_another("The tax is just, and the farmers can pay it.")


def test_the_verifier_fails_a_view_borrowed_from_another(verifier):
    from agent.answer import Passage
    from agent.verify.citations import SentenceSupport

    p = Passage(id="a", text=OTHERS_AIMS, source="t", locator="l", score=1.0)
    own = Passage(id="b", text=OWN_VIEW, source="t", locator="l", score=1.0)
    borrowed = [SentenceSupport("I thought the expedition was needed for the glory of the province.", [1], 1.0)]
    claims = [(c.kind, c.note) for c in verifier.check(borrowed, [p], "What did you think of the expedition?")
              if c.kind == "claim"]
    assert claims == [("claim", "the passage gives this view as someone else's, not the figure's")]
    mine = [SentenceSupport("I believed the expedition against the pirates was a waste of money.", [1], 1.0)]
    assert not [c for c in verifier.check(mine, [own], "What did you think of the expedition?") if c.kind == "claim"]


ZHOU = ["周文遠", "文遠"]


def test_a_chinese_view_given_by_another_named_person_is_not_the_figures():
    others = "韓某言：漕運宜改陸路，以省民力。"
    own = "文遠上疏，言漕運宜改陸路，以省民力。"
    untold = "文遠少好學，通經史。"
    answer = "我認為漕運應該改走陸路，以節省民力。[1]"
    assert view_not_own(answer, [others], ZHOU)
    assert not view_not_own(answer, [own], ZHOU)
    assert not view_not_own(answer, [untold], ZHOU)  # no passage holds the view: the content check decides
    assert not view_not_own("漕運應該改走陸路。[1]", [others], ZHOU)  # not given as the figure's own view
