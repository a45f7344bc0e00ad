"""A deed the figure claims as its own is not supported by a passage giving it to another named person. Passages and
answers written for this test (an invented Roman, Marcus Vell)."""

from __future__ import annotations

import pytest

from agent.verify.actor import deed_of_another, deeds

NAMES = ["Marcus Vell", "Vell"]
LIFE = [
    "When the harbour burned, Gallus rebuilt the harbour walls of stone at his own cost.",
    "Vell founded a school for the sons of sailors in the lower town.",
    "In the spring he drained the marsh below the temple.",
    "Gallus, whom Vell had defended in court, later freed the prisoners of the pirate war.",
]


@pytest.mark.parametrize("sentence, another", [
    ("I rebuilt the harbour walls of stone.[1]", True),  # Gallus did
    ("I freed the prisoners of the pirate war.[4]", True),  # Gallus did
    ("I founded a school for the sons of sailors.[2]", False),
    ("I drained the marsh below the temple.[3]", False),  # "he" is the figure
    ("I crossed the mountains in winter.[1]", False),  # no passage tells it: the content check decides
    ("I thought the harbour walls were too low.[1]", False),  # a view, not a deed
    ("我重修了港口的城牆。[1]", False),  # Chinese is not checked
])
def test_who_did_it(sentence, another):
    assert deed_of_another(sentence, LIFE, NAMES) is another


def test_what_counts_as_a_deed():
    assert deeds("Then I finally sailed home.") == [("sailed", " home")]
    assert deeds("I was consul.") == [] and deeds("I had no sons.") == []
