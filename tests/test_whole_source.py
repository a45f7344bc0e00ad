"""Whole-source context, bracketed Western years and the chronology passage, on a biography written for the
tests (tests/test_chronology.py's 王測)."""

from __future__ import annotations

from agent.config import load_settings
from agent.core import Agent
from agent.dates import extract_dates
from agent.generate.context import with_western_years
from agent.retrieve.whole import without_overlap

from .fakes import ScriptedChatModel
from .test_chronology import BIO_ZH, _figure

QUESTION_MARK = "問題："


def _agent(tmp_path, embedder, replies, **retrieval):
    corpora = tmp_path / "corpora"
    fig, _ = _figure(corpora, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    settings = load_settings(overrides={"corpora_dirs": [str(corpora)], "index_dir": str(tmp_path / "indexes"),
                                        "embedding": {"model": "test-hash-embedder"}, "retrieval": retrieval})
    llm = ScriptedChatModel(replies)
    return Agent(fig, settings, embedder=embedder, llm=llm), llm


def test_the_overlap_a_chunk_repeats_is_cut():
    assert without_overlap("甲乙丙丁。戊己庚辛。", "戊己庚辛。壬癸子丑。") == "壬癸子丑。"
    assert without_overlap("The first. The second one.", "The second one. The third.") == "The third."
    assert without_overlap("甲乙丙丁。", "。戊己") == "。戊己"  # one shared character is no overlap
    assert without_overlap("甲乙", "丙丁") == "丙丁"


def test_a_small_figure_is_shown_whole_in_order_with_one_prefix_for_every_question(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"] * 4)
    first, second = agent.ask("你知湖州時做了什麼？"), agent.ask("你貶筠州時做了什麼？")
    assert first.context == second.context == "whole"
    whole = agent.whole_source()
    assert [p.id for p in whole] == [c.id for c in agent.index.chunks]
    prefixes = [call[-1].content.split(QUESTION_MARK)[0] for call in llm.calls]
    assert prefixes[0] == prefixes[1] and llm.calls[0][0].content == llm.calls[1][0].content
    assert all(p.text[:8] in prefixes[0] for p in whole)


def test_the_fixed_prefix_is_marked_and_the_same_in_either_script_and_with_a_chronology_passage(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"] * 3)
    for question in ("你知湖州時做了什麼？", "你的家乡是哪里？", "你享年几岁？"):  # traditional, simplified, a fact asked
        agent.ask(question)
    systems = {call[0].content for call in llm.calls}
    assert len(systems) == 1 and "繁體" in systems.pop()  # the sources' script; the answer is converted by code
    assert all(call[0].fixed == len(call[0].content) for call in llm.calls)
    fixed = {call[-1].content[:call[-1].fixed] for call in llm.calls}
    assert len(fixed) == 1
    prefix = fixed.pop()
    assert all(p.text[:8] in prefix for p in agent.whole_source())
    assert "chronology" not in prefix and QUESTION_MARK not in prefix
    assert any("chronology" in call[-1].content for call in llm.calls)


def test_a_top_k_figure_keeps_only_its_system_prompt_fixed(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"], whole_source_tokens=20)
    agent.ask("你知湖州時做了什麼？")
    system, user = llm.calls[0]
    assert system.fixed == len(system.content) and user.content[:user.fixed] == "史料：\n"
    assert agent.warm() == "none"


def test_a_figure_over_the_budget_is_shown_its_top_passages(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"], whole_source_tokens=20)
    assert agent.whole_source() is None and agent.ask("你知湖州時做了什麼？").context == "top-k"


def test_era_dates_shown_to_the_model_carry_their_western_year(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"])
    agent.ask("你知湖州時做了什麼？")
    shown = llm.calls[0][-1].content
    assert "天聖八年〔1030〕" in shown and "嘉祐五年〔1060〕" in shown and "景祐元年〔1034〕" in shown
    text = "開元末，入京。建安十三年，戰於赤壁。"
    marked = with_western_years(text, extract_dates(text))
    assert marked.startswith("開元末，") and "建安十三年〔208〕" in marked  # a span of years gets no bracket
    text = "天寶元年（742年），入京。"
    assert with_western_years(text, extract_dates(text)) == text  # the year is given already


def test_a_year_copied_with_its_bracket_passes_the_guard(tmp_path, embedder):
    agent, _ = _agent(tmp_path, embedder, ["我於天聖八年〔1030〕舉進士。[1]"])
    ans = agent.ask("你哪一年舉進士？")
    assert not ans.abstained and "1030" in ans.text and ans.citations, ans.text
    assert ans.date_checks and all(c.status == "supported" for c in ans.date_checks if c.kind == "date")


def test_the_fact_asked_for_is_given_as_a_numbered_chronology_passage(tmp_path, embedder):
    probe, _ = _agent(tmp_path / "probe", embedder, [])
    n = len(probe.whole_source()) + 1
    agent, llm = _agent(tmp_path, embedder, [f"我生於一〇〇三年。[{n}]"])
    ans = agent.ask("你生於哪一年？")
    shown = llm.calls[0][-1].content
    assert f"[{n}] (chronology" in shown and "1003" in shown and "〔1060〕（1060年）" not in shown
    assert len(llm.calls) == 1 and not ans.abstained and "一〇〇三" in ans.text, ans.text
    cited = {p.id: p for p in ans.passages}[ans.citations[0].passage_id]
    assert cited.kind == "chronology" and "五十八" in cited.text
    dates = [c for c in ans.date_checks if c.kind == "date"]
    assert dates and all(c.status == "supported" and c.where == "chronology" for c in dates), dates


def test_the_chronology_passage_is_shown_even_when_the_sources_fill_the_window(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"] * 2)
    agent.settings.generation.n_ctx = 700
    agent.ask("你生於哪一年？")
    assert "(chronology" in llm.calls[0][-1].content


def test_a_question_about_offices_is_given_the_dated_appointments():
    from agent.verify.claims import asked_fact

    for question in ("你做过什么官？", "你当过哪些官？", "你担任过什么官职？", "What offices did you hold?"):
        assert asked_fact(question) == "offices", question
    for question in ("你父親做過什麼官？", "你哪一年做官？", "你老家在哪裡？"):
        assert asked_fact(question) != "offices", question


def test_a_fact_of_the_life_is_recognised_whatever_form_its_english_words_take():
    from agent.verify.claims import asked_fact

    # the question's words are stemmed (home -> hom, place -> plac): the fact words must be compared stemmed too
    for question in ("Which was your home town?", "What is your native place?", "Where do you come from?"):
        assert asked_fact(question) == "native_place", question
    assert asked_fact("How old were you at your death?") == "age_at_death"
    for question in ("Where was your brother's home town?", "What was the native place of your teacher?"):
        assert asked_fact(question) is None, question


def test_the_offices_passage_lists_appointments_up_to_the_cutoff(tmp_path, embedder):
    probe, _ = _agent(tmp_path / "probe", embedder, [])
    n = len(probe.whole_source()) + 1
    agent, llm = _agent(tmp_path, embedder, [f"我曾授秘書省校書郎，後知湖州。[{n}]"] * 2)
    ans = agent.ask("你做过什么官？")
    shown = llm.calls[0][-1].content
    assert f"[{n}] (chronology" in shown and "景祐元年（1034年）" in shown and "知湖州" in shown
    assert not ans.abstained and ans.citations, ans.text
    agent.ask("你做过什么官？", as_of=1035)
    earlier = llm.calls[1][-1].content.split(f"[{n}] (chronology")[1]
    assert "1034" in earlier and "湖州" not in earlier  # 三年 (1036) is after the point asked about


def test_an_answer_that_loops_is_cut_where_it_starts_repeating():
    from agent.verify.trim import cut_repetition

    looped = "我做過甲官、乙官、丙官、丁官、乙官、丙官、丁官、乙官、丙官[2]"
    assert cut_repetition(looped) == "我做過甲官、乙官、丙官、丁官。[2]"
    assert cut_repetition("我字子試，越州山陰人。[1]") == "我字子試，越州山陰人。[1]"
    assert cut_repetition("I held A, B, C, then A again.") == "I held A, B, C, then A again."


def test_death_year_and_age_asked_together_get_the_death_passage_with_the_age(tmp_path, embedder):
    from agent.verify.claims import asked_fact

    assert asked_fact("你哪一年去世，享年多少？") == "died" and asked_fact("你去世時多大？") == "age_at_death"
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載。"] * 4)
    ans = agent.ask("你哪一年去世，享年多少？")
    assert "1060" in ans.text and "58" in ans.text and not ans.abstained, ans.text
    assert {c.where for c in ans.date_checks if c.status == "supported"} == {"chronology"}


def test_a_chronology_passage_states_its_years_where_the_date_reader_reads_them(tmp_path, embedder):
    """The scorer and the guard read a passage's years with agent.dates: "Year of birth: 1003." reads as nothing."""
    from agent.verify.chronology import fact_passage

    agent, _ = _agent(tmp_path, embedder, [])
    chronology = agent.chronology()
    for lang in ("zh", "en"):
        for name, year in (("born", 1003), ("died", 1060)):
            passage = fact_passage(chronology, name, lang)
            assert year in [d.lo for d in extract_dates(passage.text)], passage.text
