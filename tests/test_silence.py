"""Silence in the sources: passages that say what they do not record, and answers that only say so.

Also the rules that came with it: a day question needs a day, a relative is not named with the figure's own
name, and the guard hedges whichever of its two drafts keeps more.
"""

from __future__ import annotations

import re

import pytest

from agent.core import Agent
from agent.generate.prompts import HEDGE_CLAIM
from agent.ingest.figures import get_figure
from agent.verify.citations import SentenceSupport
from agent.verify.claims import asks_for_day
from agent.verify.silence import matching, question_kinds, says_silent, silence_items

from .fakes import ScriptedChatModel
from .test_guard import _passage

NAMES = frozenset({"poet", "測詩人", "测诗人"})


def _years(text: str) -> bool:
    return bool(re.search(r"\d{3,4}", text))


def _items(text: str):
    return silence_items("p", text, NAMES, _years)


# -- reading silence in a passage


def test_an_english_list_after_the_verb_gives_one_item_per_clause():
    items = _items("The sources do not give the date of his marriage, the day of either election, the name of "
                   "the child buried at Springfield, or the day of his death.")
    assert [i.kind for i in items] == ["day", "day", "name", "day"]
    assert items[0].topic == ({"marry"}, set()) and "springfield" in items[2].topic[0]


def test_a_kind_word_carries_to_the_clauses_it_governs():
    en = _items("Tacitus does not give the year of his quaestorship, tribunate or consulship.")
    assert {i.kind for i in en} == {"year"} and any("consulship" in i.topic[0] for i in en)
    zh = _items("兩部唐史都沒有寫出他流放夜郎或遇赦的年份。")
    assert [i.kind for i in zh] == ["year", "year"]


def test_a_clause_without_a_topic_takes_the_one_before():
    [*_, last] = _items("到了晚年，他去世時八十二歲，但本傳沒有寫出那是哪一年。")
    assert last.kind == "year" and "死" in last.topic[1]


def test_an_english_silence_after_its_topic_takes_the_clause_before_and_the_years_before_do_not_qualify_it():
    [item] = _items("The emperor reigned from 1067 to 1085, so the questioning took place within those years, but the "
                    "biography does not say in which year.")
    assert item.kind == "year" and item.topic == ({"question"}, set()) and not item.sentence_has_year
    [qualified] = _items("Neither history states the year of the poet's birth; the database gives 701.")
    assert qualified.sentence_has_year
    assert matching([item], "When did the emperor question you about the medicine?", NAMES) == [item]


def test_one_book_silent_is_not_the_sources_silent():
    assert _items("《舊唐書》完全沒有提到尋陽下獄的事。") == []
    assert _items("The Old Book of Tang gives no date for the exile.") == []


def test_an_explanation_after_the_colon_is_not_an_item():
    items = _items("普魯塔克完全沒有寫出任何年份：他記下測詩人四次擔任執政官。")
    assert not any("执政" in "".join(i.topic[0]) for i in items)


def test_ordinary_sentences_are_not_silence():
    assert _items("He was exiled to Yelang, pardoned on the way, and died in 762.") == []


# -- which questions an item answers


@pytest.mark.parametrize("question, kinds", [
    ("On what day did you marry?", {"day"}), ("你哪一年出生？", {"year"}), ("你祖父叫什麼名字？", {"name"}),
    ("Where were you buried?", {"place"}), ("How many sons did you have?", {"count"}), ("Why were you exiled?", {"cause"}),
    ("What disease did you die of?", {"cause"}), ("你是得什麼病死的？", {"cause"}), ("What did you write?", {"other"}),
])
def test_question_kinds(question, kinds):
    assert question_kinds(question) == kinds


def test_an_item_applies_to_a_question_of_its_kind_about_its_topic():
    items = _items("The papers do not give the date of his wedding.")
    assert matching(items, "On what day did you marry?", NAMES)
    assert not matching(items, "Whom did you marry?", NAMES)  # a name, not a day
    assert not matching(items, "On what day did you die?", NAMES)  # another topic


def test_a_cause_the_sources_do_not_give_is_not_a_year():
    items = _items("After the victory the poet held a triumph and died soon after; the history gives neither the year "
                   "nor the cause of his death, nor his age.")
    assert [(i.kind, i.text) for i in items if "cause" in i.text] == [("cause", "the cause of his death")]
    assert matching(items, "What was the cause of your death?", NAMES)
    assert not matching(items, "Why did you leave the capital?", NAMES)  # another topic


def test_a_year_item_in_a_sentence_that_gives_the_year_forbids_nothing():
    items = _items("Neither history states the year of his birth; the database gives 701.")
    assert items and not matching(items, "When was it that you were born?", NAMES)


def test_a_year_given_in_the_next_sentence_qualifies_the_silence():
    items = _items("兩部唐史都沒有寫他的生年；資料庫記他生於701年。")
    assert items and not matching(items, "你哪一年出生？", NAMES)


def test_irregular_past_forms_match_the_question():
    items = _items("Neither history gives the year he went to the capital.")
    assert matching(items, "In what year did you go to the capital?", NAMES)


# -- the verifier


def test_a_date_bound_next_to_a_silence_fails(verifier):
    p = _passage("a", "The papers do not give the date of his wedding. On 18 May 740 he wrote that he and his wife "
                      "were boarding at a tavern, married by then.", "en")
    s = SentenceSupport("I married on 18 May 740.", [1], 1.0)
    assert verifier.check([s], [p])[0].status == "supported"  # without the question, the date binds
    [check, *_] = verifier.check([s], [p], "On what day did you marry?")
    assert check.status == "unsupported" and "wedding" in check.note


def test_a_silence_in_a_note_applies_though_retrieval_missed_it(verifier):
    from agent.verify.verifier import Verifier
    note = _passage("bio:3", "Tacitus does not give the year of his consulship.", "en")
    other = _passage("a", "By the list of consuls, the poet was born in 740.", "en")
    s = SentenceSupport("I was consul in the year 740.", [1], 1.0)
    assert verifier.check([s], [other], "In what year were you made consul?")[0].status == "supported"
    noted = Verifier(verifier.boundary, verifier.timeline, notes=[note])
    [check, *_] = noted.check([s], [other], "In what year were you made consul?")
    assert check.status == "unsupported" and check.evidence == "bio:3"


def test_the_agent_reads_its_notes_of_silence_from_its_own_writing(settings, embedder, corpora):
    bio = corpora / "test-poet" / "sources" / "bio-zh.md"
    bio.write_text(bio.read_text(encoding="utf-8") + "\n本傳沒有寫出他母親的名字。\n", encoding="utf-8")
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=ScriptedChatModel([]))
    notes = agent.silence_notes()
    assert [n.kind for n in notes] == ["team-written"] and "沒有寫出他母親" in notes[0].text


def test_a_name_the_sources_do_not_give_fails(verifier):
    p = _passage("a", "本傳沒有記載他母親的名字。測詩人幼年在蜀中讀書，母親呂氏教他。")
    checks = verifier.check([SentenceSupport("我的母親叫呂氏。", [1], 1.0)], [p], "你母親的名字是什麼？")
    assert any(c.kind == "claim" and "母親" in c.note for c in checks)


def test_a_relative_named_with_the_figures_own_name_fails(verifier):
    p = _passage("a", "測詩人生於七〇一年，父母在蜀中。")
    checks = verifier.check([SentenceSupport("我的父母叫測詩人。", [1], 1.0)], [p], "你父母的名字是什麼？")
    assert [c.note for c in checks if c.kind == "claim"] == ["the name given for a relative is the figure's own"]


def test_a_relative_named_by_his_office_fails(verifier):
    """舊唐書 gives Li Bai's father only as 任城尉; "我的父亲叫任城尉" answers a name question with a post."""
    p = _passage("a", "測詩人的父親為任城尉，因家焉。")
    checks = verifier.check([SentenceSupport("我的父亲叫任城尉。", [1], 1.0)], [p], "你父亲的名字是什么？")
    assert [c.note for c in checks if c.kind == "claim"] == ["the name given for a relative is an office, not a name"]
    named = _passage("b", "測詩人的父親名叫李客，為任城尉。")
    assert not [c for c in verifier.check([SentenceSupport("我的父亲叫李客。", [1], 1.0)], [named], "你父亲的名字是什么？")
                if c.status != "supported"]
    assert not [c for c in verifier.check([SentenceSupport("我的父亲是任城尉。", [1], 1.0)], [p], "你父亲做什么官？")
                if c.status != "supported"]


def test_a_day_question_answered_with_a_year_fails(verifier):
    p = _passage("a", "測詩人生於七〇一年。")
    assert asks_for_day("On what day and month were you born?") and not asks_for_day("When was it that you were born?")
    checks = verifier.check([SentenceSupport("我生於701年。", [1], 1.0)], [p], "你是哪一天出生的？")
    assert any(c.note == "the question asks for a day; the answer gives none" for c in checks)
    assert not [c for c in verifier.check([SentenceSupport("我生於701年。", [1], 1.0)], [p], "你哪一年出生？")
                if c.status != "supported"]


@pytest.mark.parametrize("sentence, silent", [
    ("史料中未載。", True), ("The records do not say.", True), ("The papers do not give the date of my wedding.", True),
    ("我出生在西元1067年。", False), ("我活到六十二歲，史書未載卒年。", False), ("I was born in Shu.", False),
])
def test_says_silent(sentence, silent):
    assert says_silent(sentence) is silent


# -- the pipeline


def test_an_answer_that_only_says_the_sources_are_silent_is_an_abstention(settings, embedder):
    llm = ScriptedChatModel(["史料中未載。[1]", "史料中未載。[1]"])
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    ans = agent.ask("你幼年在哪裡讀書？")
    assert ans.abstained and ans.abstain_reason == "not_in_sources" and len(llm.calls) == 1  # not asked again


def test_the_guard_hedges_the_draft_that_keeps_more(settings, embedder):
    first = "我幼年在蜀中讀書。[1]我的父親叫馬庫斯。[1]"
    second = "我的父親叫馬庫斯，母親叫瓦勒莉婭。[1]"
    llm = ScriptedChatModel([first, second])
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    ans = agent.ask("你幼年在哪裡讀書？")
    assert len(llm.calls) == 2 and "蜀中" in ans.text and HEDGE_CLAIM["zh"] in ans.text and not ans.abstained
    assert "瓦勒莉婭" not in ans.text and "馬庫斯" not in ans.text


def test_a_second_draft_that_only_says_the_sources_are_silent_is_an_abstention(settings, embedder):
    llm = ScriptedChatModel(["我幼年在蜀中讀書，最喜歡吃蔬菜和羊肉。[1]", "史料中未載。[1]"])
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    ans = agent.ask("你幼年在哪裡讀書？")
    assert len(llm.calls) == 2 and ans.abstained and ans.abstain_reason == "not_in_sources"


def test_a_day_the_sources_do_not_give_fails_in_any_form(verifier):
    note = _passage("n", "The biography gives no year, month or day for his birth; a database gives 701.", "en")
    answer = [SentenceSupport("I was born on the 10th day of the first month, which is January.", [1], 1.0)]
    checks = verifier.check(answer, [note], "What was the day and month of your birth?")
    assert any(c.status == "unsupported" and "do not give" in c.note for c in checks)


@pytest.mark.parametrize(("text", "question", "found"), [
    ("這些史料沒有告訴我們的事包括：他出生的年份、父母的名字、兒子的名字。", "你父親的名字是什麼？", "父母的名字"),
    ("這些史料沒有告訴我們的事包括：他出生的年份、父母的名字、兒子的名字。", "你有幾個兒子？他們叫什麼名字？", "兒子的名字。"),
    ("史料沒有記下他的生日，也沒有記下出生地。", "你在哪一座城市出生？", "也沒有記下出生地。"),
    ("史料沒有記下他的生日，也沒有記下出生地。", "你的生日是哪一天？", "史料沒有記下他的生日"),
    ("Suetonius gives neither his birthday nor his birthplace.", "Where were you born?", "his birthplace."),
])
def test_silences_in_lists_of_kin_and_of_birth(text, question, found):
    items = silence_items("p", text, frozenset({"suetoniu"}), lambda _t: False)
    assert found in [i.text for i in matching(items, question, frozenset({"suetoniu"}))]


def test_parents_unrecorded_do_not_silence_a_question_about_the_wife():
    items = silence_items("p", "這些史料沒有告訴我們的事包括：父母的名字。", frozenset(), lambda _t: False)
    assert matching(items, "你妻子的名字是什麼？", frozenset()) == []
