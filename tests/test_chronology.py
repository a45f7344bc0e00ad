"""The chronology computed by code, on biographies written for these tests (no source is quoted)."""

from __future__ import annotations

from agent.config import ChunkingSettings
from agent.index.chronology import Chronology, build_chronology, events_in
from agent.index.chunking import chunk_documents
from agent.ingest.corpus import team_documents
from agent.ingest.figures import load_figure

# A Song official invented for the tests: an opening with his courtesy name and native place, reign-era dates,
# a bare regnal year in the era last named, a relative year, a father's death before his own, and an age at
# death under an undated 卒 right after a dated sentence.
BIO_ZH = """+++
title = "測官傳"
kind = "primary"
language = "zh"
cite_as = "測史·測官傳"
+++
## 1
王測，字子試，越州山陰人。天聖八年，舉進士。明年，父卒。景祐元年，授秘書省校書郎。三年，知湖州。
慶曆二年，貶筠州。皇祐元年，召還，作《試論》十篇。嘉祐五年冬，病。卒，年五十八。
"""

BIO_EN = """+++
title = "A consul invented for the tests"
kind = "primary"
language = "en"
+++
## 1
Marcus Testus was a native of Arpinum. In 63 BC he was elected consul. In 58 BC he was exiled.
He died in 43 BC at the age of sixty-three.
"""


def _figure(tmp_path, fid, toml, bio):
    root = tmp_path / fid
    (root / "sources").mkdir(parents=True)
    (root / "figure.toml").write_text(toml, encoding="utf-8")
    (root / "sources" / "bio.md").write_text(bio, encoding="utf-8")
    fig = load_figure(root)
    docs = team_documents(fig.sources_dir)
    return fig, build_chronology(fig, docs, chunk_documents(docs, ChunkingSettings()))


def test_reign_eras_regnal_and_relative_years_are_dated_in_order(tmp_path):
    _, chrono = _figure(tmp_path, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    dated = [(e.date, e.lo, e.how) for e in chrono.entries]
    assert ("天聖八年", 1030, "stated") in dated
    assert ("明年", 1031, "relative") in dated           # the year after 天聖八年
    assert ("景祐三年", 1036, "regnal") in dated          # 三年 in the era last named (景祐元年 = 1034)
    assert ("嘉祐五年", 1060, "stated") in dated
    assert [e.lo for e in chrono.entries] == sorted(e.lo for e in chrono.entries)
    events = {e.date: e.events for e in chrono.entries}
    assert "exam" in events["天聖八年"] and "appointed" in events["景祐元年"] and "exiled" in events["慶曆二年"]
    assert "wrote" in events["皇祐元年"]


def test_death_age_and_birth_are_derived_from_the_sentences_they_rest_on(tmp_path):
    _, chrono = _figure(tmp_path, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    died, age, born = chrono.facts["died"], chrono.facts["age_at_death"], chrono.facts["born"]
    # the father's death (明年，父卒) comes first; the figure's own is the last: 卒 right after 嘉祐五年
    assert (died.lo, died.hi) == (1060, 1060) and died.sentence.startswith("卒") and "嘉祐五年" in died.derivation
    assert age.lo == 58
    assert (born.lo, born.hi) == (1002, 1003) and "虛歲" in born.derivation and born.rests_on
    assert chrono.facts["courtesy_name"].date == "子試"
    assert chrono.facts["native_place"].date == "越州山陰"
    assert all(f.passage_id.startswith("bio:") for f in chrono.facts.values())


def test_an_english_life_gives_its_native_place_death_and_age(tmp_path):
    _, chrono = _figure(tmp_path, "testus", 'id = "testus"\n[names]\nen = "Marcus Testus"\n', BIO_EN)
    assert [(e.lo, e.events) for e in chrono.entries][:1] == [(-63, ("appointed",))]
    assert chrono.facts["died"].lo == -43 and chrono.facts["age_at_death"].lo == 63
    assert (chrono.facts["born"].lo, chrono.facts["born"].hi) == (-107, -106)
    assert chrono.facts["native_place"].date == "Arpinum"


def test_a_chronology_survives_its_json(tmp_path):
    _, chrono = _figure(tmp_path, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    again = Chronology.from_json(chrono.to_json())
    assert again.entries == chrono.entries and again.facts == chrono.facts
    assert again.latest_year() == 1060


def test_event_words_in_both_languages():
    assert events_in("嘉祐二年，舉進士第", "zh") == ("exam",)
    assert "died" in events_in("He died at Springfield.", "en")
    assert events_in("書生讀書", "zh") == ()  # 生 in 書生 is no birth


def test_a_figure_without_a_death_year_ends_where_its_chronology_does(tmp_path, embedder):
    """figure.toml without died or cutoff: the chronology's death year bounds what the figure knows."""
    from agent.config import load_settings
    from agent.core import Agent

    from .fakes import ScriptedChatModel

    corpora = tmp_path / "corpora"
    fig, _ = _figure(corpora, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    settings = load_settings(overrides={"corpora_dirs": [str(corpora)], "index_dir": str(tmp_path / "indexes"),
                                        "embedding": {"model": "test-hash-embedder"}})
    llm = ScriptedChatModel([])
    agent = Agent(fig, settings, embedder=embedder, llm=llm)
    assert fig.cutoff is None and agent.boundary().cutoff == 1060
    for question in ("你怎麼看鴉片戰爭？", "一〇八五年你在哪裡？"):
        ans = agent.ask(question)
        assert ans.abstained and ans.abstain_reason == "after_my_time", (question, ans.text)
    assert llm.calls == []


def _agent(tmp_path, embedder, replies):
    from agent.config import load_settings
    from agent.core import Agent

    from .fakes import ScriptedChatModel

    corpora = tmp_path / "corpora"
    fig, _ = _figure(corpora, "wang-ce", 'id = "wang-ce"\nera = "宋"\n[names]\nzh = "王測"\n', BIO_ZH)
    settings = load_settings(overrides={"corpora_dirs": [str(corpora)], "index_dir": str(tmp_path / "indexes"),
                                        "embedding": {"model": "test-hash-embedder"}})
    llm = ScriptedChatModel(replies)
    return Agent(fig, settings, embedder=embedder, llm=llm), llm


def test_a_fact_the_drafts_get_wrong_is_answered_from_the_chronology(tmp_path, embedder):
    """The model cannot date 卒 after an undated sentence; the chronology can, and says how."""
    agent, llm = _agent(tmp_path, embedder, ["我卒於一〇六五年。[1]", "我卒於一〇六五年。[1]"])
    ans = agent.ask("你死於哪一年？")
    assert len(llm.calls) == 2  # the draft and the request to answer again
    assert not ans.abstained and ans.text.startswith("我卒於嘉祐五年，即1060年。"), ans.text
    [citation] = ans.citations
    cited = {p.id: p for p in ans.passages}[citation.passage_id]
    assert cited.kind == "chronology" and "1060" in cited.text and "卒，年五十八" in cited.text
    checks = [c for c in ans.date_checks if c.where == "chronology"]
    assert checks and checks[0].status == "supported" and "嘉祐五年" in checks[0].note
    assert any(c.text == "一〇六五年" and c.status != "supported" for c in ans.date_checks)  # the drafts' year


def test_a_birth_year_no_passage_gives_is_reckoned_from_the_death_and_the_age(tmp_path, embedder):
    agent, _ = _agent(tmp_path, embedder, ["我生於一〇一〇年。[1]"] * 2)
    ans = agent.ask("你生於哪一年？")
    assert not ans.abstained and "1003" in ans.text, ans.text
    cited = {p.id: p for p in ans.passages}[ans.citations[0].passage_id]
    assert "1060" in cited.text and "五十八" in cited.text and "虛歲" in cited.text
    assert [c.note for c in ans.date_checks if c.where == "chronology"][0].startswith("died 1060 − age 58 + 1")


def test_the_chronology_answers_only_the_figures_own_facts(tmp_path, embedder):
    agent, _ = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載，我不敢妄言。"] * 4)
    assert agent.ask("你老家在哪里？").text.startswith("我是越州山阴人")  # simplified, as the question
    assert agent.ask("你的字叫什麼？").text.startswith("我字子試")
    father = agent.ask("你父親是哪一年去世的？")
    assert father.abstained and not any(p.kind == "chronology" for p in father.passages)


def test_at_an_earlier_point_of_its_life_the_figure_does_not_know_its_death(tmp_path, embedder):
    agent, _ = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載，我不敢妄言。"] * 2)
    assert not agent.ask("你死於哪一年？").abstained
    assert agent.ask("你死於哪一年？", as_of=1050).abstained


# Deaths of others told in a Song biography invented for the tests: a general's in battle, a colleague's, the
# word used for soldiers and for "in the end"; none is the figure's.
BIO_OTHERS = """+++
title = "測將傳"
kind = "primary"
language = "zh"
cite_as = "測史·測將傳"
+++
## 1
李試，字子將，洪州豐城人。熙寧三年，從軍西征，部將張甲戰死城下。明年，同僚趙乙死，試哭之。
元豐二年，試率士卒千人守城，卒不得援。
"""


def test_a_death_told_of_someone_else_gives_the_figure_no_death_year(tmp_path):
    _, chronology = _figure(tmp_path, "li-shi", 'id = "li-shi"\nera = "宋"\n[names]\nzh = "李試"\n', BIO_OTHERS)
    assert "died" not in chronology.facts and "born" not in chronology.facts
    own = BIO_OTHERS.replace("卒不得援。", "卒不得援。元豐五年，試以疾卒，年六十。")
    _, chronology = _figure(tmp_path / "own", "li-shi", 'id = "li-shi"\nera = "宋"\n[names]\nzh = "李試"\n', own)
    assert chronology.facts["died"].lo == 1082 and chronology.facts["age_at_death"].lo == 60


def test_a_question_about_the_figures_own_birth_is_never_after_its_time(tmp_path, embedder):
    """Only a passage dated after the death speaks of a birth (a grandson's): asked its own birth year, the
    figure says its sources are silent, not that the question is about times after it."""
    from agent.config import load_settings
    from agent.core import Agent

    from .fakes import ScriptedChatModel

    bio = BIO_OTHERS + "\n## 2\n元祐二年，其孫生，一家皆喜。\n"
    corpora = tmp_path / "corpora"
    fig, _ = _figure(corpora, "li-shi", 'id = "li-shi"\nera = "宋"\ndied = 1080\n[names]\nzh = "李試"\n', bio)
    settings = load_settings(overrides={"corpora_dirs": [str(corpora)], "index_dir": str(tmp_path / "indexes"),
                                        "embedding": {"model": "test-hash-embedder"}})
    agent = Agent(fig, settings, embedder=embedder, llm=ScriptedChatModel([]))
    assert agent.ask("元祐二年發生了什麼？").abstain_reason == "after_my_time"
    assert agent.ask("你出生在哪一年？").abstain_reason == "not_in_sources"


def test_an_age_at_an_event_is_computed_from_the_birth_year(tmp_path, embedder):
    """Born 1003 by the 虛歲 reckoning (卒 1060, 年五十八); 貶筠州 in 慶曆二年 (1042): 40 by the same count."""
    agent, llm = _agent(tmp_path, embedder, ["此事我所見的史料中沒有記載，我不敢妄言。"] * 2)
    ans = agent.ask("你貶筠州時多大？")
    assert not ans.abstained and ans.text.startswith("1042年時，我40歲。"), ans.text
    cited = {p.id: p for p in ans.passages}[ans.citations[0].passage_id]
    assert cited.id == "chronology:age_at" and "1042−1003+1＝40" in cited.text and "貶筠州" in cited.text
    assert any(p.id == "chronology:age_at" for p in ans.passages)
    assert any("40歲" in m.content for m in llm.calls[0])  # the model was shown the computed age


def test_the_model_may_state_the_computed_age_and_the_guard_passes_it(tmp_path, embedder):
    agent, llm = _agent(tmp_path, embedder, ["慶曆二年貶筠州時，我四十歲。"] * 2)
    ans = agent.ask("你貶筠州時多大？")
    assert not ans.abstained and len(llm.calls) == 1 and "四十歲" in ans.text, (ans.text, ans.date_checks)
    assert any(c.kind == "number" and c.lo == 40 and c.status == "supported" for c in ans.date_checks)


def test_a_death_dated_only_by_its_western_year_is_said_once():
    from types import SimpleNamespace

    from agent.index.chronology import Entry
    from agent.verify.chronology import answer_from_chronology

    died = Entry(1873, 1873, "1873", "He died in 1873.", "p1", "Life §1", ("died",), "derived", "the year given")
    chrono = Chronology(facts={"died": died})
    boundary = SimpleNamespace(after_cutoff=lambda year: False)
    assert answer_from_chronology(chrono, "When did you die?", "en", boundary)[0] == "I died in 1873.[1]"
    assert answer_from_chronology(chrono, "你哪一年去世？", "zh", boundary)[0] == "我卒於1873年。[1]"
