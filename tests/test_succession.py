"""A question about who came after a holder of an office, or about the n-th holder, is after the figure's time when
that holder began after its cutoff. Questions written for this test."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agent.verify.succession import successor_after


def _figure(**names):
    return SimpleNamespace(names=names, aliases=())


OFFICIAL = _figure(en="Test Official")  # not a holder of any listed office


@pytest.mark.parametrize("question, after", [
    ("Who was the fourteenth president?", True),  # began 1853
    ("Who was the 12th US president?", False),  # began 1849, before the cutoff
    ("Who came after Polk as president?", False),  # his successor began 1849
    ("Who succeeded Zachary Taylor?", True),  # his successor began in the cutoff year, while he held the office
    ("What did you think of Zachary Taylor?", False),  # no succession asked
])
def test_an_ordered_office(question, after):
    assert bool(successor_after(question, OFFICIAL, 1850, (1790, 1850))) is after


def test_after_the_figure_itself():
    holder = _figure(en="James K. Polk")
    assert successor_after("And who held the presidency after you?", holder, 1849, (1795, 1849))
    assert not successor_after("Who was president before you?", holder, 1849, (1795, 1849))


@pytest.mark.parametrize("question, after", [
    ("仁宗以後誰當了皇帝？", True),  # the emperor reigning at the cutoff; his successor came after it
    ("真宗之後是誰即位？", False),  # his successor reigned within the figure's life
    ("仁宗喜歡你的文章嗎？", False),  # no succession asked
])
def test_chinese_emperors_by_sanmiao_order(question, after):
    scholar = _figure(zh="測學者")
    assert bool(successor_after(question, scholar, 1060, (1000, 1060))) is after


def test_the_boundary_answers_a_later_succession_as_after_my_time(settings):
    from agent.ingest.figures import get_figure
    from agent.verify.boundary import AFTER_MY_TIME, KnowledgeBoundary

    boundary = KnowledgeBoundary(get_figure(settings, "test-poet"))  # died 762
    assert boundary.check_question("肅宗以後誰當了皇帝？").reason == AFTER_MY_TIME
    assert boundary.check_question("睿宗以後誰當了皇帝？") is None


@pytest.mark.parametrize("question, after", [
    ("高宗待你的子孫如何？", True),  # 宋高宗 began in 1127; the other 高宗 reigned in other dynasties
    ("仁宗待你如何？", False),  # reigned within the life
    ("你記得太宗嗎？", False),  # reigned before it
])
def test_a_ruler_of_the_figures_dynasty_who_reigned_only_after_its_death(question, after):
    scholar = _figure(zh="測學者")
    assert bool(successor_after(question, scholar, 1100, (1037, 1100))) is after
