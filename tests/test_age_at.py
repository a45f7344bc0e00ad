"""The figure's age at an event, computed from its birth year: the chronology's birth year and the year of the one
dated sentence the question points to (or a year it names, or the year the conversation's last answer stated).
All sentences here were written for this test (an invented figure, 周文遠, born 700 by his biography)."""

from __future__ import annotations

from types import SimpleNamespace

from agent.answer import Answer, DateCheck
from agent.index.chronology import Chronology, Entry
from agent.verify.age_at import age_at, age_passage, answer_age_at

BORN = Entry(699, 700, "700", "開元某年卒，年六十。", "p9", "本傳", ("born",), "derived",
             "died 759 − age 60 + 1 (counted from 1 at birth, 虛歲)", ("p9",))
LIFE = Chronology(
    entries=[Entry(730, 730, "開元十八年", "開元十八年，文遠入洛陽，謁張某。", "p2", "本傳 §2", ("moved",)),
             Entry(745, 745, "天寶四載", "天寶四載，文遠貶潮州司馬。", "p4", "本傳 §4", ("exiled",)),
             Entry(750, 752, "天寶中", "天寶中，文遠還鄉。", "p5", "本傳 §5", ("moved",))],
    facts={"born": BORN,
           "died": Entry(759, 759, "乾元二年", "乾元二年卒，年六十。", "p9", "本傳", ("died",), "derived")},
)


class _Until:
    def __init__(self, cutoff: int) -> None:
        self.cutoff = cutoff

    def after_cutoff(self, year: int) -> bool:
        return year > self.cutoff


def test_the_age_at_a_dated_event_the_question_names_by_its_words():
    age = age_at(LIFE, "你入洛陽時多大？", _Until(759))
    assert (age.year, age.sui, age.full, age.rests_on.passage_id) == (730, 31, 30, "p2")
    passage = age_passage(age, "zh")
    assert "31歲" in passage.text and "730−700+1＝31" in passage.text and "入洛陽" in passage.text
    text, citation, checks = answer_age_at(age, passage, "zh")
    assert text == "730年時，我31歲。[1]" and citation.passage_id == passage.id
    assert {(c.kind, c.lo, c.status) for c in checks} == {("number", 31, "supported"), ("date", 730, "supported")}


def test_a_year_or_a_source_date_named_in_the_question():
    assert age_at(LIFE, "天寶四載你幾歲？", _Until(759)).sui == 46
    assert age_at(LIFE, "How old were you in 745?", _Until(759)).full == 45


def test_no_age_without_a_single_dated_event_or_when_it_is_after_the_cutoff():
    assert age_at(LIFE, "你多大？", _Until(759)) is None                   # nothing dated is asked about
    assert age_at(LIFE, "你學劍時多大？", _Until(759)) is None             # no dated sentence tells it
    assert age_at(LIFE, "你還鄉時多大？", _Until(759)) is None             # 天寶中 is no single year
    assert age_at(LIFE, "你貶潮州時多大？", _Until(740)) is None           # after the chosen point of the life
    assert age_at(LIFE, "你貶潮州是哪一年？", _Until(759)) is None         # a year is asked, not an age
    assert age_at(Chronology(entries=LIFE.entries), "你入洛陽時多大？", _Until(759)) is None  # no birth year


def test_a_follow_up_takes_the_year_of_the_last_verified_answer():
    earlier = Answer(question="你哪一年貶官？", text="天寶四載（745年）。[1]", figure="t", language="zh", passages=[],
                     citations=[],
                     date_checks=[DateCheck(sentence="s", text="745年", kind="date", lo=745, hi=745,
                                            status="supported")])
    assert age_at(LIFE, "那時你多大？", _Until(759), history=[earlier]).sui == 46
    assert age_at(LIFE, "那時你多大？", _Until(759)) is None


def test_a_stated_birth_year_serves_when_none_is_derived():
    told = Chronology(entries=[Entry(700, 700, "700年", "生於700年，卒於759年。", "p1", "本傳", ("born", "died")),
                               Entry(759, 759, "759年", "生於700年，卒於759年。", "p1", "本傳", ("born", "died")),
                               *LIFE.entries])
    assert age_at(told, "你入洛陽時多大？", SimpleNamespace(after_cutoff=lambda y: False)).sui == 31
