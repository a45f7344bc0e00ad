"""Negation must agree between an answer sentence and the passage sentences that tell what it states. Passages and
answers written for this test."""

from __future__ import annotations

import pytest

from agent.verify.polarity import contradicts

LIFE = [
    "On the day of the games an old friend came by, and Vell never sailed to the island with the prefect.",
    "He built a granary at the harbour.",
    "周某約文遠同往洛陽，文遠竟不赴。",
    "文遠晚年居於嵩山。",
    "文遠還沒到任又被調往汴州，居於城東。",
]


@pytest.mark.parametrize("sentence, negated", [
    ("I sailed to the island with the prefect.[1]", True),
    ("I never sailed to the island.[1]", False),  # it negates too
    ("I built a granary at the harbour.[2]", False),
    ("我赴約同往洛陽。[3]", True),
    ("周某約我同往洛陽，我沒有去。[3]", False),
    ("我晚年住在嵩山。[4]", False),
    ("我被調到汴州，居於城東。[5]", False),  # 沒到任 negates reaching the post, not the 到 of 調到
])
def test_negation_agrees(sentence, negated):
    assert contradicts(sentence, LIFE) is negated
