"""Content support: invented facts without numbers, answers that do not answer, months and days, bare figures.

The verifier cases run on hand-made passages; the pipeline cases on the scripted model and on the real
llama.cpp path with a grammar that forces the tiny model's answer.
"""

from __future__ import annotations

import pytest

from agent.core import Agent, load_agent
from agent.dates import extract_dates
from agent.dates.calendar import month_days, same_month_day
from agent.generate.prompts import HEDGE, HEDGE_CLAIM
from agent.ingest.figures import get_figure
from agent.text.terms import canonical_events
from agent.verify.citations import SentenceSupport
from agent.verify.claims import ContentSupport, asks_for_date, kin_terms, new_content, states_quantity, yes_no
from agent.verify.hedge import hedge

from .fakes import ScriptedChatModel
from .test_guard import _passage


def _claims(checks):
    return [(c.kind, c.note) for c in checks if c.kind == "claim"]


# -- what a question asks and what an answer adds


@pytest.mark.parametrize("question", ["What year were you born in?", "When did you reach Chang'an?",
                                      "How many poems did you write?", "How old were you then?", "你出生在哪一年？",
                                      "你過世時幾歲？", "你留下的文集有几卷？", "你何時到長安？", "他有多少兵？"])
def test_questions_that_ask_for_a_date_or_number(question):
    assert asks_for_date(question)


@pytest.mark.parametrize("question", ["Who was your mother?", "What did you say when you crossed the river?",
                                      "你母親叫什麼名字？", "你幾乎被殺是怎麼回事？", "Where were you born?"])
def test_questions_that_do_not(question):
    assert not asks_for_date(question)


@pytest.mark.parametrize("text, expected", [
    ("I was consul for the fourth time.", True), ("我遇刺時身中二十三刀。", True), ("in the Shenlong era", True),
    ("在九月望日落成。", True), ("I have no children.", False), ("I was elected with lavish bribery.", False),
])
def test_states_quantity_is_loose(text, expected):
    assert states_quantity(text) is expected


@pytest.mark.parametrize("question, several", [
    ("What did you say when you crossed the Rubicon, and in what year was it?", True),
    ("你有幾個兒子？他們叫甚麼名字？", True),
    ("你的生日在哪一天？那天你做了些什麼？", False),  # the second part hangs on the first one's answer
    ("On what day were you born, and what did you do on that day each year?", False),
    ("When did you die?", False),
])
def test_questions_in_several_parts(question, several):
    from agent.verify.claims import asks_several

    assert asks_several(question) is several


def test_yes_no_questions():
    assert yes_no("Did you enjoy it?") and yes_no("你去過長安嗎？") and yes_no("你是不是蜀人？")
    assert not yes_no("Who was your mother?") and not yes_no("你父親是誰？")


def test_kin_terms_widen_parents_and_children():
    assert kin_terms("Who were your parents?") >= {"father", "mother"}
    assert kin_terms("你的父親叫什麼？") == {"父"} and kin_terms("孔子曰") == set()


def test_new_content_leaves_out_the_question_names_numbers_and_the_sources():
    names = frozenset({"测诗", "诗人"})
    words, chars = new_content("根據史料，我的父親叫任城尉。", "你父親的名字是什麼？", names, [])
    assert {"任城", "城尉"} <= words and "史料" not in words and "父" not in chars and "史" not in chars
    sentence = "I was consul in 742 with Marcus."
    words, _ = new_content(sentence, "Who was consul with you?", frozenset(), [(sentence.index("742"), sentence.index("742") + 3)])
    assert words == {"marcu"}


# -- the content check


def test_invented_name_is_unsupported_and_a_copied_one_is_not():
    support = ContentSupport(frozenset({"测诗人"}))
    passages = [_passage("a", "測詩人少好學。父為任城尉，因家焉。")]
    assert support.check("你的父親是誰？", "我的父親是任城尉。", [], passages) is None
    finding = support.check("你的父親是誰？", "我的父親叫馬庫斯。", [], passages)
    assert finding and finding.reason == "unsupported" and "马库" in finding.terms


def test_a_relative_must_be_named_beside_the_kinship_word():
    support = ContentSupport(frozenset())
    passages = [_passage("a", "他的姐姐叫瓦勒莉婭。她在城中很受敬重。後來他娶了一個不知名的女子為妻。這事史書只提一句。")]
    assert support.check("你的姐姐叫什麼名字？", "我的姐姐叫瓦勒莉婭。", [], passages) is None
    assert support.check("你妻子的名字是什麼？", "我的妻子叫瓦勒莉婭。", [], passages) is not None


def test_a_sentence_that_no_passage_can_judge_is_left_alone():
    support = ContentSupport(frozenset())
    english = [_passage("a", "He was born in Shu and read the classics.", "en")]
    assert support.best_share(new_content("我平日愛吃蔬菜。", "你平日愛吃什麼菜？", frozenset(), []), english) is None
    assert support.check("你平日愛吃什麼菜？", "我平日愛吃蔬菜。", [], english) is None


def test_a_sentence_in_another_script_than_the_passages_is_judged_by_the_reference_passages():
    english = [_passage("a", "Plutarch names none of his forebears except Valerius, who made peace with the Sabines.", "en")]
    bio = [_passage("bio-zh:1", "他的先人瓦勒里烏斯曾促成羅馬人與薩賓人和解；史料沒有記下他父親的名字。"),
           _passage("bio-en:1", "His father is not named.", "en")]
    support = ContentSupport(frozenset(), reference=bio)
    finding = support.check("你父親的名字是什麼？", "我的父親叫馬庫斯·米努基烏斯。", [], english)
    assert finding and finding.reason == "unsupported" and "马库" in finding.terms
    assert support.check("你的先人是誰？", "我的先人瓦勒里烏斯促成了羅馬人與薩賓人的和解。", [], english) is None
    assert ContentSupport(frozenset()).check("你父親的名字是什麼？", "我的父親叫馬庫斯·米努基烏斯。", [], english) is None


def test_the_agent_judges_cross_script_sentences_by_its_own_biographies(settings, embedder):
    from agent.core import Agent
    from agent.ingest.figures import get_figure

    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder)
    verifier = agent._verifier(agent.boundary())
    english = [_passage("bio-en:2", "Early in the Tianbao era he reached Chang'an, where the emperor received him.", "en")]
    checks = verifier.check([SentenceSupport("我在長安娶了宰相的孫女。", [1], 1.0)], english, "你在長安做了什麼？")
    assert _claims(checks) == [("claim", "no passage says this")]
    assert _claims(verifier.check([SentenceSupport("我入長安，得見皇帝。", [1], 1.0)], english, "你在長安做了什麼？")) == []


def test_timeline_events_support_content():
    support = ContentSupport(frozenset(), ["The family moves to Mianzhou."])
    assert support.check("Where did your family move?", "We moved to Mianzhou.", [], []) is None


def test_verifier_flags_invented_content_only_with_the_question(verifier):
    p = _passage("a", "測詩人少好學，十歲能誦詩書。")
    s = [SentenceSupport("我最喜歡吃蔬菜和羊肉。", [1], 1.0)]
    assert verifier.check(s, [p]) == []
    [check] = verifier.check(s, [p], "你平日愛吃什麼菜？")
    assert (check.kind, check.status, check.note) == ("claim", "unsupported", "no passage says this")


def test_a_date_question_answered_without_a_date_fails_every_sentence(verifier):
    p = _passage("a", "測詩人以賄選為大祭司，出門時對母親說不成則不歸。")
    s = [SentenceSupport("我以賄選為大祭司。", [1], 1.0), SentenceSupport("出門時我對母親說不成則不歸。", [1], 1.0)]
    assert _claims(verifier.check(s, [p], "你是哪一年當上大祭司的？")) == [
        ("claim", "the question asks for a date or a number; the answer gives none")] * 2
    assert _claims(verifier.check(s, [p], "你是怎樣當上大祭司的？")) == []


def test_an_answer_that_only_repeats_the_question_fails(verifier):
    p = _passage("a", "測詩人少好學，十歲能誦詩書。")
    s = [SentenceSupport("我的父母叫測詩人。", [1], 1.0)]
    assert _claims(verifier.check(s, [p], "你的父母是誰？")) == [("claim", "the answer only repeats the question")]
    assert _claims(verifier.check([SentenceSupport("是的。", [], 0.0)], [p], "你讀過詩書嗎？")) == []


def test_a_date_does_not_answer_where(verifier):
    p = _passage("a", "測詩人生於七〇一年，生於碎葉城。")
    checks = verifier.check([SentenceSupport("我是在七〇一年出生的。", [1], 1.0)], [p], "你在哪一座城市出生？")
    assert any(c.note == "the answer only repeats the question" for c in checks)
    placed = verifier.check([SentenceSupport("我生於碎葉城。", [1], 1.0)], [p], "你在哪一座城市出生？")
    assert not [c for c in placed if c.status != "supported"]
    assert not [c for c in verifier.check([SentenceSupport("我是在七〇一年出生的。", [1], 1.0)], [p], "你出生在哪一年？")
                if c.status != "supported"]


def test_a_sentence_with_a_bound_date_is_not_checked_again(verifier):
    p = _passage("a", "天寶元年，測詩人至長安。")
    checks = verifier.check([SentenceSupport("我於天寶元年到達長安。", [1], 1.0)], [p], "你何時到長安？")
    assert [(c.kind, c.status) for c in checks] == [("date", "supported")]


# -- months, days and bare figures


def test_month_days_in_both_languages():
    assert month_days("on 18 May 1843") == [(5, 18)] and month_days("November 4, 1842") == [(11, 4)]
    assert month_days("1861年2月11日，十一月二十日，正月") == [(2, 11), (11, 20), (1, None)]
    assert month_days("he may come") == []


def test_the_month_and_day_must_match_the_passage(verifier):
    assert not same_month_day("18 May 1843", "they married on November 4, 1842")
    assert same_month_day("1861年2月11日", "1861年2月11日，他離開春田") and same_month_day("1843", "anything")
    p = _passage("a", "Test Poet married Lady Xu on November 4, 743.", "en")
    wrong = verifier.check([SentenceSupport("I married Lady Xu on 18 May 743.", [1], 1.0)], [p])
    right = verifier.check([SentenceSupport("I married Lady Xu on November 4, 743.", [1], 1.0)], [p])
    assert wrong[0].status != "supported" and right[0].status == "supported"


def test_the_month_of_the_next_date_in_a_range_is_not_the_first_dates(verifier):
    """"from March 742 to May 744": the passage sentence dating the start gives March, and need not give May
    (a TimeQA answer lost "October 1943" to the "June" of "to June 1945" read as its day and month)."""
    p = _passage("a", "In March 742 Test Poet entered the Hanlin Academy. He left the Hanlin Academy in May 744.", "en")
    start, end = verifier.check([SentenceSupport("I served in the Hanlin Academy from March 742 to May 744.", [1], 1.0)], [p])
    [wrong] = verifier.check([SentenceSupport("I entered the Hanlin Academy in June 742.", [1], 1.0)], [p])
    assert (start.status, end.status, wrong.status) == ("supported", "supported", "contradicted")


def test_a_bare_figure_must_stand_in_a_passage_sentence_about_the_same_thing(verifier):
    p = _passage("a", "In his letter of 1851 Test Poet wrote about the harvest. He drank wine with 360 guests.", "en")
    [bad] = verifier.check([SentenceSupport("I handled 1851 cases.", [1], 1.0)], [p])
    [good] = verifier.check([SentenceSupport("I drank wine with 360 guests.", [1], 1.0)], [p])
    assert (bad.kind, bad.status) == ("number", "unsupported") and good.status == "supported"


def test_a_number_word_stands_as_the_same_word_in_a_passage_about_the_same_thing(verifier):
    p = _passage("a", "Test Poet drank with He Zhizhang and others; they were called the Eight Immortals of the Wine Cup. "
                      "He wrote letters home.", "en")
    [good] = verifier.check([SentenceSupport("We were the Eight Immortals of the Wine Cup, eight poets.", [1], 1.0)], [p])
    [bad] = verifier.check([SentenceSupport("I had eight sons by my first wife.", [1], 1.0)], [p])
    assert good.status == "supported" and bad.status == "unsupported"


def test_an_ordinal_in_digits_matches_one_in_chinese_numerals(verifier):
    p = _passage("a", "史家說他死於第五十六年。")
    [check] = verifier.check([SentenceSupport("我死於我的第56年。", [1], 1.0)], [p])
    assert check.status == "supported"
    [other] = verifier.check([SentenceSupport("我死時有56個兒子。", [1], 1.0)], [p])
    assert other.status == "unsupported"


def test_a_silence_qualified_by_a_bare_year_in_the_figure_s_life_does_not_apply(verifier):
    from agent.ingest.timeline import TimelineEvent
    from agent.verify.verifier import Verifier

    born = Verifier(verifier.boundary, [TimelineEvent(701, "701", False, {"en": "The poet is born."})])
    qualified = _passage("a", "Neither history states the year of the poet's birth; a database gives 701.", "en")
    checks = born.check([SentenceSupport("I was born in 701.", [1], 1.0)], [qualified], "What year were you born in?")
    assert [(c.status, c.where) for c in checks] == [("supported", "timeline")]
    bare = _passage("b", "Neither history states the year of the poet's birth.", "en")
    checks = born.check([SentenceSupport("I was born in 701.", [1], 1.0)], [bare], "What year were you born in?")
    assert checks[0].status == "unsupported" and "do not give" in checks[0].note


def test_a_long_answer_sentence_binds_its_date_by_what_it_says_around_it(verifier):
    """The passage's context around a date is a few words; a long answer sentence copying the passage's whole
    sentence shares too little of itself with them, so what the answer says around its own date binds it."""
    p = _passage("a", "Nothing is dated before. In 743 (the second year of Tianbao, 天寶二年) Test Poet was received in "
                      "the Golden Bell Hall in the robes of the seventh rank, was granted a silver fish and a red robe, "
                      "and became a drafter of edicts in the Hanlin Academy.", "en")
    long = ("In the second year of Tianbao, 天寶二年, I was received in the Golden Bell Hall in the robes of the seventh "
            "rank, was at once granted the silver fish and red robe, and became a drafter of edicts in the Hanlin Academy.")
    checks = verifier.check([SentenceSupport(long, [1], 1.0)], [p])
    [check] = [c for c in checks if c.kind == "date"]
    assert (check.text, check.status) == ("天寶二年", "supported")  # "seventh" stands in the passage's sentence
    assert [(c.text, c.status) for c in checks if c.kind == "number"] == [("the seventh rank", "supported")]
    other = ("In the second year of Tianbao, 天寶二年, I fell ill on the road to the south, and my brother sent me "
             "medicine, money and letters from the family estate in the hills.")
    [check] = [c for c in verifier.check([SentenceSupport(other, [1], 1.0)], [p]) if c.kind == "date"]
    assert check.status != "supported"


def test_a_passage_sentence_with_one_date_is_about_that_date_as_a_whole(verifier):
    """What a sentence says far before its only date is still what the date dates; in a sentence with two dates,
    each keeps the words near it."""
    p = _passage("a", "A grant gave Test Poet the southern province with its hills and rivers, and when his office "
                      "ended in the capital he set out for that province, in the year 760.", "en")
    sentence = SentenceSupport("I left for the southern province in 760.", [1], 1.0)
    [check] = verifier.check([sentence], [p], "In what year did you leave for the southern province?")
    assert check.status == "supported"
    grant = SentenceSupport("I was granted hills and rivers in 760.", [1], 1.0)
    assert verifier.check([grant], [p])[0].status == "supported"
    two = _passage("b", "A grant gave Test Poet the southern province with its hills and rivers, and in 755 his "
                        "brother fell ill on the long road, and he set out for that province, in the year 760.", "en")
    assert verifier.check([grant], [two])[0].status != "supported"


def test_a_birth_or_death_question_is_not_answered_by_the_date_of_something_else(verifier):
    """你在哪一年去世？ answered by "清寧三年，出為武定軍節度使": a date the passage holds, of another event."""
    p = _passage("a", "天寶元年，測詩人入長安。寶應元年，卒。")
    question = "你在哪一年去世？"
    checks = verifier.check([SentenceSupport("天寶元年，我入長安。", [1], 1.0)], [p], question)
    assert [c.status for c in checks if c.kind == "date"] == ["supported"]
    assert ("claim", "the question asks when the figure was born or died; the answer dates something else") in _claims(checks)
    assert _claims(verifier.check([SentenceSupport("我卒於寶應元年。", [1], 1.0)], [p], question)) == []
    en = _passage("b", "Test Poet went to the capital in 742 and died in 762.", "en")
    assert _claims(verifier.check([SentenceSupport("I passed away in 762.", [1], 1.0)], [en], "When did you die?")) == []
    assert _claims(verifier.check([SentenceSupport("I went to the capital in 742.", [1], 1.0)], [en], "When did you die?"))


def test_a_death_date_is_a_date_the_passage_gives_for_the_death(verifier):
    """"我去世於光化中，加茂貞尚書令" copies a passage sentence dating an office and calls it the death: the answer
    speaks of dying, the passage's date does not (a 列傳 leak). The passage's death sentence, or the sentence
    after the date ("是歲卒"), dates the death."""
    p = _passage("a", "開元中，加測詩人尚書令。寶應元年，卒。")
    question = "你在哪一年去世？"
    other = ("claim", "the question asks when the figure was born or died; the answer dates something else")
    copied = verifier.check([SentenceSupport("我去世於開元中，加尚書令。", [1], 1.0)], [p], question)
    assert [c.status for c in copied if c.kind == "date"] == ["supported"] and other in _claims(copied)
    assert _claims(verifier.check([SentenceSupport("我卒於寶應元年。", [1], 1.0)], [p], question)) == []
    next_sentence = _passage("b", "寶應元年，拜測詩人太師。是歲卒。")
    assert other not in _claims(verifier.check([SentenceSupport("我寶應元年去世。", [1], 1.0)], [next_sentence], question))
    en = _passage("c", "In 742 Test Poet was made a minister of the court. In 762 he died at the capital.", "en")
    assert other in _claims(verifier.check([SentenceSupport("I died in 742 as a minister of the court.", [1], 1.0)],
                                           [en], "When did you die?"))


def test_a_year_question_is_not_answered_by_the_date_of_another_matter(verifier):
    """你和王維是哪一年初次見面的？ answered by a pasted "開元十六年，游京師" (true, of another matter) fails; the
    same date said of the meeting, or a bare year, does not."""
    p = _passage("a", "開元十六年，測詩人游京師，與王維相見。")
    question = "你和王維是哪一年初次見面的？"
    other = "the question asks when something happened; the answer dates another matter"
    checks = verifier.check([SentenceSupport("開元十六年，我游京師。", [1], 1.0)], [p], question)
    assert [c.status for c in checks if c.kind == "date"] == ["supported"] and ("claim", other) in _claims(checks)
    assert _claims(verifier.check([SentenceSupport("開元十六年，我與王維相見。", [1], 1.0)], [p], question)) == []
    bare = verifier.check([SentenceSupport("開元十六年。", [1], 1.0)], [p], question)
    assert ("claim", other) not in _claims(bare)
    en = _passage("b", "In 728 Test Poet travelled to the capital, where he first met Wang Wei.", "en")
    ask = "When did you first meet Wang Wei?"
    travelled = SentenceSupport("In 728 I travelled to the capital.", [1], 1.0)
    assert ("claim", other) in _claims(verifier.check([travelled], [en], ask))
    assert _claims(verifier.check([SentenceSupport("I first met Wang Wei in 728.", [1], 1.0)], [en], ask)) == []
    several = "When did you travel to the capital, and whom did you meet there?"  # may be answered in part
    assert ("claim", other) not in _claims(verifier.check([travelled], [en], several))


@pytest.mark.parametrize(("text", "expected"), [
    ("尝于太学赋诗，一座嗟伏，无敢抗。", False), ("I was one of the poets at court.", False),
    ("年四十，乃游京师。", True), ("天宝初年，我入长安。", True), ("In the spring I set out.", True),
    ("I was aged forty.", True), ("In the reign of Xuanzong.", True), ("In my fortieth year.", True),
    ("三十歲那年我到了京師。", True), ("742.", True), ("At forty I went up to the capital.", True),
    ("At the age of twenty-five I passed.", True), ("At court I met him.", False), ("I was set at liberty.", False),
])
def test_states_time_is_a_time_not_any_numeral(text, expected):
    from agent.verify.claims import states_time
    assert states_time(text) is expected


def test_a_year_question_is_not_answered_by_a_bare_numeral(verifier):
    """What is left of 你和王维是哪一年初次见面的？ after its dated sentence failed: "一座嗟伏" gives no time."""
    p = _passage("a", "測詩人嘗於太學賦詩，一座嗟伏。")
    checks = verifier.check([SentenceSupport("我嘗於太學賦詩，一座嗟伏。", [1], 1.0)], [p], "你和王維是哪一年初次見面的？")
    assert ("claim", "the question asks for a date or a number; the answer gives none") in _claims(checks)
    # asked how many, a numeral is a count
    many = verifier.check([SentenceSupport("我嘗於太學賦詩，一座嗟伏。", [1], 1.0)], [p], "有多少人聽你賦詩？")
    assert ("claim", "the question asks for a date or a number; the answer gives none") not in _claims(many)


@pytest.mark.parametrize("question, events", [
    ("你在哪一年去世？", {"death"}), ("When was it that you were born?", {"birth"}), ("你哪年出生的？", {"birth"}),
    ("In which year did you die?", {"death"}), ("How old were you at your death?", set()),  # an age answers it
    ("When did you become consul?", set()), ("Where were you born?", set()),
])
def test_questions_asking_when_the_figure_was_born_or_died(question, events):
    from agent.verify.claims import asked_life_event
    assert asked_life_event(question) == events


def test_leaving_and_setting_out_name_the_same_event(verifier):
    """The answer's "left Rome" is the passage's "set out for his province": content the passage holds."""
    p = _passage("a", "When his office ended Test Poet set out from the capital for his province in Shu.", "en")
    checks = verifier.check([SentenceSupport("I left the capital for my province in Shu.", [1], 1.0)], [p],
                            "Where did you go when your office ended?")
    assert _claims(checks) == []
    assert canonical_events("he left a son") == "he left a son"


def test_a_consular_year_is_a_date_not_the_event_it_dates(tmp_path):
    """"In the consular year of Marcus Lepidus" dates an event; sharing it binds no other event to the year."""
    from agent.ingest.figures import load_figure
    from agent.ingest.timeline import TimelineEvent
    from agent.verify.boundary import KnowledgeBoundary
    from agent.verify.support import claim_terms
    from agent.verify.verifier import Verifier

    words, _ = claim_terms("I was consul for the first time in the consular year of Marcus Lepidus, 78 BC.", [])
    assert "lepidu" not in words and "consul" in words
    (tmp_path / "figure.toml").write_text('id = "test-roman"\nborn = "100 BC"\ndied = "44 BC"\n'
                                          '[names]\nen = "Test Roman"\n', encoding="utf-8")
    fig = load_figure(tmp_path)
    returned = TimelineEvent(-78, "78 BC", False, {"en": "Returns to Rome on news of the dictator's death, in the "
                                                          "consular year of Marcus Lepidus."})
    verifier = Verifier(KnowledgeBoundary(fig), [returned])
    [check] = verifier.check([SentenceSupport("I was consul for the first time in the consular year of Marcus "
                                              "Lepidus, 78 BC.", [], 0.0)], [])
    assert check.status == "unsupported"
    [check] = verifier.check([SentenceSupport("I returned to Rome on news of the dictator's death, in 78 BC.", [], 0.0)], [])
    assert (check.status, check.where) == ("supported", "timeline")


def test_an_age_is_matched_as_an_age(verifier):
    p = _passage("a", "測詩人從小務農，一直做到二十二歲。")
    [check] = verifier.check([SentenceSupport("我小時候幹農活，一直幹到二十二歲。", [1], 1.0)], [p])
    assert check.status == "supported"


@pytest.mark.parametrize("text, year", [("I was consul in the year 40.", 40), ("the election of 1868", 1868),
                                        ("in the year 82 he retired", 82)])
def test_english_years_without_a_marker(text, year):
    assert [d.lo for d in extract_dates(text)] == [year]


@pytest.mark.parametrize("text", ["a force of 1500 men", "one of 40 ships", "he was 40"])
def test_english_counts_are_not_years(text):
    assert extract_dates(text) == []


def test_hedge_uses_the_content_hedge_for_content_failures(verifier):
    p = _passage("a", "測詩人少好學，十歲能誦詩書。")
    supports = [SentenceSupport("我十歲能誦詩書。", [1], 1.0), SentenceSupport("我最喜歡吃蔬菜和羊肉。", [1], 1.0)]
    checks = verifier.check(supports, [p], "你小時候讀書嗎？最喜歡吃什麼？")
    text, citations, _ = hedge(supports, checks, [p], HEDGE["zh"], claim_hedge_text=HEDGE_CLAIM["zh"])
    assert text.endswith(HEDGE_CLAIM["zh"]) and "蔬菜" not in text and len(citations) == 1


# -- the pipeline


def test_invented_relative_gets_one_regeneration_then_a_hedge(settings, embedder):
    draft = "我幼年在蜀中讀書。[1]我的父親叫馬庫斯。[1]"
    llm = ScriptedChatModel([draft, draft])
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    ans = agent.ask("你幼年在哪裡讀書？")
    assert len(llm.calls) == 2 and "我的父親叫馬庫斯。" in llm.calls[1][-1].content
    assert "蜀中" in ans.text and HEDGE_CLAIM["zh"] in ans.text and "馬庫斯" not in ans.text and not ans.abstained
    assert [c.action for c in ans.date_checks if c.kind == "claim"] == ["regenerated", "hedged"]


def test_tiny_gguf_invented_fact_is_removed(tiny_model_home):
    tiny_model_home("我幼年在蜀中讀書，最喜歡吃蔬菜和羊肉。[4]")  # the test poet's sources are shown whole: [4] is bio-zh:1
    agent = load_agent("test-poet")
    ans = agent.ask("你幼年在哪裡讀書？")
    assert ans.context == "whole" and ans.passages[3].id == "bio-zh:1"
    assert ans.abstained and ans.abstain_reason == "not_in_sources" and "蔬菜" not in ans.text
    assert any(c.kind == "claim" and c.status == "unsupported" for c in ans.date_checks)
    assert "蔬菜" in agent.ask("你幼年在哪裡讀書？", guard=False).text


def test_a_sentence_that_echoes_the_instructions_answers_nothing(verifier):
    from agent.verify.echo import echoes_instructions

    p = _passage("a", "某甲，字子乙，明州人。少好學，登進士第。")
    [check] = verifier.check([SentenceSupport("史料中寫明的事：我是某甲。", [1], 1.0)], [p], question="你的家鄉在何處？")
    assert (check.kind, check.status, check.note) == ("claim", "unsupported",
                                                      "the sentence speaks of the passages, not of the figure's life")
    assert echoes_instructions("Using only years and numbers the passages state, I came home.")
    for honest in ("我是明州人。", "史料沒有寫明我的生年。", "The records do not give it.", "I never guessed."):
        assert not echoes_instructions(honest), honest


def test_a_question_asking_how_old_is_not_answered_by_a_year(verifier):
    from agent.verify.age_answer import asks_age

    assert asks_age("那时你多大？") and asks_age("How old were you then?") and asks_age("你當時幾歲？")
    assert not asks_age("你的房子有多大的院子？") and not asks_age("你是哪一年来的？")
    p = _passage("a", "測詩人天寶元年入京，時年四十二。")
    q = "那时你多大？"
    year = [SentenceSupport("当时我多大是天宝元年。", [1], 1.0)]
    assert ("claim", "the question asks how old; the answer gives a year, not an age") in _claims(verifier.check(year, [p], q))
    age = [SentenceSupport("天宝元年我四十二岁。", [1], 1.0)]
    assert "the question asks how old; the answer gives a year, not an age" not in [n for _, n in _claims(verifier.check(age, [p], q))]


def test_a_question_asking_how_long_is_not_answered_by_ages(verifier):
    from agent.verify.age_answer import asks_duration

    assert asks_duration("你在湖州做了幾年官？") and asks_duration("How many years did you spend in the north?")
    assert asks_duration("你在山中住了多久？") and not asks_duration("那时你多大？")
    assert not asks_duration("你是哪一年来的？") and not asks_duration("你有幾個兒子？")
    p = _passage("a", "測詩人居山中十二年，年四十始出，卒，享年五十二。")
    q = "你在山中住了多少年？"
    note = "the question asks how long; the answer gives an age, not a span of time"
    ages = [SentenceSupport("我年四十，享年五十二歲。", [1], 1.0)]
    assert ("claim", note) in _claims(verifier.check(ages, [p], q))
    span = [SentenceSupport("我在山中住了十二年。", [1], 1.0)]
    assert note not in [n for _, n in _claims(verifier.check(span, [p], q))]


def test_a_sentence_repeating_the_question_to_the_figure_speaks_as_the_asker():
    from agent.verify.echo import echoes_instructions

    question = "你離開洪州刺史任上以後，誰來接你的班？"
    assert echoes_instructions("史料說，你離開洪州刺史任上以後，有人被任命。", question)
    assert not echoes_instructions("我離開洪州刺史任上以後，由韓某接任。", question)  # the figure's own words
    assert not echoes_instructions("你所問之事，我所見的史料中並無記載。", question)  # 你 not from the question


def test_a_first_person_sentence_naming_the_figure_as_another_speaks_as_its_narrator(verifier):
    from agent.verify.echo import self_as_other

    zh = ["測詩人", "Test Poet"]
    assert self_as_other("我以左拾遺的官職徵召測詩人，可是他已經去世。", zh)
    for own in ("我測詩人生於長安元年。", "我，測詩人，不敢妄言。", "我是測詩人。", "天寶元年，我入長安。", "測詩人入長安。"):
        assert not self_as_other(own, zh), own
    en = ["Marcus Vell", "Vell"]
    assert self_as_other("I wrote to Vell about the bill.", en)
    for own in ("I, Marcus Vell, was born at Rome.", "I am Marcus Vell.", "My name is Marcus Vell, and I was born at Rome.",
                "In the Vell-Aulus trial I spoke first.", "Mrs. Vell and I rode to the forum.", "Vell was born at Rome."):
        assert not self_as_other(own, en), own
    p = _passage("a", "天寶元年，以左拾遺徵召測詩人，時已卒。")
    [check] = [c for c in verifier.check([SentenceSupport("我以左拾遺徵召測詩人。", [1], 1.0)], [p], question="你做過什麼官？")
               if c.kind == "claim"]
    assert check.note == "the sentence speaks of the passages, not of the figure's life"


def test_a_byname_a_book_or_a_name_given_at_birth_is_not_the_figure_as_another():
    from agent.verify.echo import self_as_other

    assert not self_as_other("賀知章稱我為「測仙人」。[1]", ["測詩人", "測仙人"])
    assert not self_as_other("I was born Marcus Vell.[1]", ["Marcus Vell", "Vell"])
    assert not self_as_other("I was born at Rome, as the life says (Vell 4).[2]", ["Marcus Vell", "Vell"])
    # each sentence by itself, though the model glued them: the first person is in one, the name in another
    assert not self_as_other("I sat the examination in 60 BC.[1]Aulus was pleased by Vell's essay.[1]", ["Vell"])
    assert self_as_other("Aulus was pleased by Vell's essay, and I thanked him.", ["Vell"])
