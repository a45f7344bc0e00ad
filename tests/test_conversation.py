"""A conversation remembers: a follow-up is read with the question before it, the model sees the earlier turns
after the passages, the guard checks each answer against passages as for a single question; saved and loaded as
JSON; the REPL's commands."""

from __future__ import annotations

import pytest

from agent.core import Agent
from agent.errors import InputError
from agent.ingest.figures import get_figure

from .fakes import ScriptedChatModel

FIRST = "我於天寶元年即742年到達長安，得見皇帝。[2]"
FOLLOW = "皇帝命我供奉翰林。[2]"


def _agent(settings, embedder, replies):
    llm = ScriptedChatModel(replies)
    return Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm), llm


def test_a_follow_up_is_asked_with_the_earlier_turn_after_the_passages(settings, embedder):
    agent, llm = _agent(settings, embedder, [FIRST, FOLLOW])
    conv = agent.conversation()
    conv.ask("你是哪年入长安的？")
    second = conv.ask("到了那里以后，皇帝让你做什么？")
    user = llm.calls[1][-1].content
    assert user.index("史料") < user.index("先前的對話") < user.index("你是哪年入长安的？") < user.index("問題：到了那里")
    assert "742年到达长安" in user and "[" not in user.split("先前的對話")[1]  # the answer, without markers
    assert "供奉翰林" in second.text and not second.abstained and len(conv.turns) == 2
    assert "先前的對話" not in llm.calls[0][-1].content  # the first question has no history


def test_a_follow_up_finds_the_passage_its_earlier_question_was_about(settings, embedder):
    agent, _ = _agent(settings, embedder, [FIRST])
    alone = agent._retrieve("那时候你多大？")
    conv_agent, _ = _agent(settings, embedder, [FIRST])
    conv = conv_agent.conversation()
    conv.ask("你是哪年入长安的？")
    followed = conv_agent._retrieve("那时候你多大？", conv.turns)

    def relevance(passages):
        return max([p.relevance for p in passages if p.id == "bio-zh:2"] or [0.0])

    assert relevance(alone) < settings.retrieval.min_relevance <= relevance(followed)


def test_a_date_said_before_is_checked_again_against_the_passages(settings, embedder):
    # the model repeats a wrong year from its "memory" of the conversation: the guard does not accept it
    agent, llm = _agent(settings, embedder, [FIRST, "我750年離開長安。[2]", "我750年離開長安。[2]"])
    conv = agent.conversation()
    conv.ask("你是哪年入长安的？")
    second = conv.ask("你哪一年离开长安？")
    assert "750" not in second.text


def test_a_conversation_saves_loads_and_clears(settings, embedder, tmp_path):
    agent, _ = _agent(settings, embedder, [FIRST])
    conv = agent.conversation(as_of=750)
    conv.ask("你是哪年入长安的？")
    conv.save(tmp_path / "c.json")
    back = type(conv).load(tmp_path / "c.json", agent)
    assert back.as_of == 750 and [t.text for t in back.turns] == [t.text for t in conv.turns]
    back.clear()
    assert back.turns == [] and conv.turns
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="bad.json"):
        type(conv).load(tmp_path / "bad.json", agent)


def test_the_repl_commands(settings, embedder, tmp_path, capsys):
    from agent.cli.repl import run_repl

    agent, llm = _agent(settings, embedder, [FIRST, FOLLOW])
    lines = iter(["你是哪年入长安的？", "/sources", "/as-of 745", "/guard off", "/guard on", "/timeline",
                  f"/save {tmp_path / 'talk.md'}", "/clear", "皇帝命你供奉什么？", "/as-of x", "/nope",
                  "/figure nobody", "/figure test-poet", "/quit"])
    run_repl(agent, read=lambda prompt: next(lines))
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    assert "742" in out and "測試小傳 §2" in out and "(as of 745" in out and "guard is off" in out
    assert "(saved 1 turns" in out and "(the conversation is forgotten)" in out
    assert "usage: /as-of YEAR" in out and "unknown command /nope" in out
    assert "error: unknown figure 'nobody'" in err  # a failed command prints one line and the chat goes on
    assert "(now talking with Test Poet" in out
    saved = (tmp_path / "talk.md").read_text(encoding="utf-8")
    assert saved.startswith("# A conversation with") and "**Q:** 你是哪年入长安的？" in saved and "測試小傳" in saved
    assert "先前的對話" not in llm.calls[1][-1].content  # /clear forgot the first turn


def test_the_up_arrow_recalls_a_question_of_an_earlier_chat(tiny_model_home):
    from .test_streaming import FIRST as CHECKED
    from .test_streaming import chat_in_terminal

    home = tiny_model_home(CHECKED)
    first, status = chat_in_terminal([(b"", b"> "), ("你是哪年入长安的？\n".encode(), b"\n> "), (b"\x04", b"")])
    assert status == 0 and "你是哪年入长安的？" in (home / "chat_history").read_text(encoding="utf-8")
    # a new chat: the up arrow brings the question back, Enter asks it
    again, status = chat_in_terminal([(b"", b"> "), (b"\x1b[A", "入长安的".encode()), (b"\n", b"\n> "), (b"\x04", b"")])
    assert status == 0 and again.count("742年到达长安") == 1 and "你是哪年入长安的？" in again


# -- dialogues in agent eval


def _dialogue_file(tmp_path):
    import json

    rows = [
        {"id": "d1-t1", "figure": "test-poet", "dialogue": "d1", "turn": 1, "question": "你是哪年入长安的？", "lang": "zh",
         "kind": "answerable", "answers": ["742"], "years": [742]},
        {"id": "d1-t2", "figure": "test-poet", "dialogue": "d1", "turn": 2, "question": "到了那里以后，皇帝让你做什么？",
         "lang": "zh", "kind": "answerable", "answers": ["翰林"]},
        {"id": "q1", "figure": "test-poet", "question": "你是哪年入长安的？", "lang": "zh", "kind": "answerable",
         "answers": ["742"]},
    ]
    path = tmp_path / "dialogues.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_asks_a_dialogues_turns_in_one_conversation_and_reports_follow_ups(settings, embedder, tmp_path):
    from agent.eval.runner import run_eval

    agent, llm = _agent(settings, embedder, [FIRST, FOLLOW, FIRST])
    result = run_eval([_dialogue_file(tmp_path)], lambda figure: agent, mode="guarded", out_dir=tmp_path / "out")
    assert "先前的對話" in llm.calls[1][-1].content and "先前的對話" not in llm.calls[2][-1].content
    metrics = result["metrics"]
    assert metrics["turn:follow-up"]["accuracy"] == 1.0 and metrics["turn:first"]["accuracy"] == 1.0


def test_a_resumed_eval_asks_a_follow_up_after_the_turns_already_answered(settings, embedder, tmp_path):
    import json

    from agent.eval.runner import run_eval

    path = _dialogue_file(tmp_path)
    first_only = tmp_path / "first.jsonl"
    first_only.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    agent, _ = _agent(settings, embedder, [FIRST])
    run_eval([first_only], lambda figure: agent, mode="guarded", out_dir=tmp_path / "out")  # then the run stops
    resumed, llm = _agent(settings, embedder, [FOLLOW, FIRST])
    run_eval([path], lambda figure: resumed, mode="guarded", out_dir=tmp_path / "out")
    assert "742年到达长安" in llm.calls[0][-1].content.split("先前的對話")[1]  # turn 1, loaded from the answers
    rows = [json.loads(line) for line in (tmp_path / "out" / "answers.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["d1-t1", "d1-t2", "q1"] and rows[1]["turn"] == 2


@pytest.mark.parametrize("bad", [{"dialogue": "d1"}, {"turn": 2}, {"dialogue": "d1", "turn": 0}])
def test_a_turn_without_its_dialogue_or_number_is_a_clear_error(tmp_path, bad):
    import json

    from agent.eval.scoring import read_eval_questions

    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "x", "figure": "f", "question": "q", "lang": "zh", "kind": "answerable", **bad})
                    + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="q.jsonl:1: a dialogue turn needs"):
        read_eval_questions(path)


def test_a_pasted_block_of_lines_is_one_question(tiny_model_home):
    from .test_streaming import FIRST as CHECKED
    from .test_streaming import chat_in_terminal

    tiny_model_home(CHECKED)
    pasted = "我读到这样一段话，想问问你。\n你是哪年入长安的？\n".encode()
    out, status = chat_in_terminal([(b"", b"> "), (pasted, b"\n> "), (b"\x04", b"")])
    assert status == 0 and out.count("> ") == 2, out  # one answer, then the prompt once more
    typed, status = chat_in_terminal([(b"", b"> "), ("你是哪年入长安的？\n".encode(), b"\n> "),
                                      ("你是哪年入长安的？\n".encode(), b"\n> "), (b"\x04", b"")])
    assert status == 0 and typed.count("> ") == 3 and typed.count("742年到达长安") == 2, typed


def test_a_question_the_same_in_both_scripts_is_answered_in_the_conversations_script(settings, embedder):
    from agent.text.script import script_sample

    assert script_sample("那是哪一年？", ["你是哪年入长安的？"]) == "你是哪年入长安的？"
    assert script_sample("那是哪一年？", ["你是哪年入長安的？"]) == "你是哪年入長安的？"
    assert script_sample("那是哪一年？") == "那是哪一年？" and script_sample("后来呢？", ["長安"]) == "后来呢？"
    agent, _ = _agent(settings, embedder, [FIRST, FIRST])
    conv = agent.conversation()
    conv.ask("你是哪年入长安的？")
    second = conv.ask("那是哪一年？")
    assert "到达长安" in second.text and "到達" not in second.text, second.text
