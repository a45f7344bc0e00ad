import json

import pytest

from agent.answer import Answer
from agent.core import Agent
from agent.errors import InputError
from agent.generate.prompts import CANNOT_ANSWER, SYSTEM, USER, check_template
from agent.ingest.figures import get_figure

from .fakes import ScriptedChatModel


def _agent(settings, embedder, llm):
    return Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)


def test_answer_with_citations(settings, embedder):
    llm = ScriptedChatModel(["我於天寶元年即742年到達長安，得見皇帝。[1]"])
    tokens = []
    ans = _agent(settings, embedder, llm).ask("你是哪一年来到长安的？", on_token=tokens.append)
    assert not ans.abstained and ans.abstain_reason is None
    assert ans.language == "zh"
    assert "742" in ans.text and ans.citations
    cited = {p.id: p for p in ans.passages}[ans.citations[0].passage_id]
    assert "742" in cited.text
    assert ans.citations[0].locator.startswith("測試小傳 §")
    assert "".join(tokens).startswith("我于天宝元年")  # streamed in the script of the question
    assert ans.model.sha256 == "0" * 64 and ans.timings.total >= ans.timings.retrieval
    assert ans.date_checks and all(c.status == "supported" for c in ans.date_checks)


def test_prompt_is_in_character_and_in_question_language(settings, embedder):
    llm = ScriptedChatModel(["I reached Chang'an early in the Tianbao era, whose first year is 742. [1]"])
    ans = _agent(settings, embedder, llm).ask("When did you reach Chang'an?")
    system, user = llm.calls[0]
    assert "Test Poet" in system.content and "first person" in system.content
    assert "[1] (" in user.content and "Question: When did you reach Chang'an?" in user.content
    assert ans.language == "en" and ans.citations


def test_simplified_question_gets_simplified_answer(settings, embedder):
    llm = ScriptedChatModel(["我於天寶元年到達長安。[1]"])
    ans = _agent(settings, embedder, llm).ask("你是哪一年来到长安的？")
    assert "天宝" in ans.text and "长安" in ans.text


def test_irrelevant_question_abstains_without_calling_the_model(settings, embedder):
    llm = ScriptedChatModel([])
    agent = _agent(settings, embedder, llm)
    ans = agent.ask("你的手机是什么牌子的？", guard=False)
    assert ans.abstained and ans.abstain_reason == "not_in_sources"
    guarded = agent.ask("你的手机是什么牌子的？")  # the guard knows phones came long after 762
    assert guarded.abstained and guarded.abstain_reason == "after_my_time" and "手机" in guarded.text
    assert "測詩人" in ans.text or "测诗人" in ans.text
    assert llm.calls == [] and ans.citations == []


def test_abstentions_are_written_in_the_script_of_the_question(settings, embedder):
    from agent.text.script import is_simplified, to_simplified, to_traditional

    agent = _agent(settings, embedder, ScriptedChatModel([]))
    for question in ("你的电子邮箱是什么？", "你的電子郵箱是甚麼？", "你最爱喝什么茶？", "你最愛喝甚麼茶？"):
        ans = agent.ask(question)
        assert ans.abstained, question
        if is_simplified(question):
            assert ans.text == to_simplified(ans.text) and ans.text != to_traditional(ans.text), ans.text
        else:
            assert ans.text == to_traditional(ans.text) and ans.text != to_simplified(ans.text), ans.text


def test_a_work_about_the_figure_dated_after_its_death_is_after_its_time(settings, embedder):
    """sources.toml dates each source: a later history of the figure is one the figure cannot have read."""
    root = get_figure(settings, "test-poet").root
    (root / "later-history.txt").write_text("測詩人，蜀人也。天寶初，入長安。\n", encoding="utf-8")
    (root / "sources.toml").write_text(
        '[[source]]\npath = "later-history.txt"\nformat = "text"\ntitle = "測史·文苑傳"\ncite_as = "測史·文苑傳"\n'
        'author = "後人甲、後人乙 等"\ndate_written = "1060"\nkind = "primary"\nlanguage = "zh"\n', encoding="utf-8")
    llm = ScriptedChatModel(["我於天寶元年即742年到達長安，得見皇帝。[1]"])
    agent = _agent(settings, embedder, llm)
    refused = agent.ask("你讀過《測史》替你寫的傳嗎？覺得怎樣？")
    assert refused.abstained and refused.abstain_reason == "after_my_time" and llm.calls == []
    # what the later work says is what the figure answers from
    assert agent.ask("照《測史》的說法，你的籍貫在哪裡？").abstain_reason != "after_my_time"


def test_model_saying_it_cannot_answer_is_an_abstention(settings, embedder):
    llm = ScriptedChatModel([CANNOT_ANSWER["zh"]])
    ans = _agent(settings, embedder, llm).ask("你在長安住在哪條街？")
    assert ans.abstained and ans.abstain_reason == "not_in_sources"


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions(settings, embedder, question):
    with pytest.raises(InputError):
        _agent(settings, embedder, ScriptedChatModel([])).ask(question)


def test_answer_json_round_trip(settings, embedder):
    ans = _agent(settings, embedder, ScriptedChatModel(["我生於701年。[1]"])).ask("你生于哪一年？")
    data = json.loads(ans.to_json())
    assert set(data) == {
        "figure", "question", "text", "language", "citations", "passages", "abstained",
        "abstain_reason", "date_checks", "model", "timings", "context",
    }
    assert set(data["citations"][0]) == {"marker", "passage_id", "source_title", "locator", "quote"}
    assert set(data["timings"]) == {"retrieval", "first_token", "total", "generation", "tokens"}
    assert Answer.from_dict(data) == ans


def test_prompt_templates_have_their_placeholders():
    for lang in ("zh", "en"):
        check_template("SYSTEM", SYSTEM[lang])
        check_template("USER", USER[lang])
    with pytest.raises(Exception, match="placeholders"):
        check_template("USER", "{question}")


def test_load_agent_public_api(settings, embedder):
    from agent import load_agent

    agent = load_agent("test-poet", settings, embedder=embedder, llm=ScriptedChatModel(["我生於701年。[1]"]))
    assert agent.retrieve("701")[0].text
    assert agent.ask("你生于哪一年？").citations


def test_unsupported_draft_becomes_an_abstention(settings, embedder):
    llm = ScriptedChatModel(["我最喜歡吃火鍋，也愛踢足球。"])
    ans = _agent(settings, embedder, llm).ask("你在长安见到皇帝时做了什么？")
    assert llm.calls, "the question is relevant, so the model is asked"
    assert ans.abstained and ans.abstain_reason == "not_in_sources" and ans.citations == []
