"""Verified streaming: sentences are released while the draft is still being written, each once it has passed the
guard's checks; a failing one holds the rest; the final Answer is the one ``ask`` returns."""

from __future__ import annotations

import re

import pytest

from agent.answer import Done, Held, Revised, Sentence
from agent.core import Agent
from agent.errors import InputError
from agent.ingest.figures import get_figure

from .fakes import ScriptedChatModel

FIRST = "我於天寶元年即742年到達長安，得見皇帝。[2]"
SECOND = "皇帝命我供奉翰林。[2]"
WRONG = "我於750年離開長安。[2]"


class CountingModel(ScriptedChatModel):
    """Counts the characters generated so far, so a test can tell when an event arrived."""

    written = 0

    def generate(self, messages, *, max_tokens=None, on_token=None):
        self.written = 0

        def count(ch):
            self.written += 1
            if on_token:
                on_token(ch)

        return super().generate(messages, max_tokens=max_tokens, on_token=count)


def _events(settings, embedder, replies, question="你是哪年入长安的？", **kw):
    llm = CountingModel(replies)
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    seen = []
    answer = agent.ask(question, on_event=lambda e: seen.append((llm.written, e)), **kw)
    return answer, seen, llm


def test_a_checked_sentence_is_shown_before_the_draft_is_finished(settings, embedder):
    answer, seen, llm = _events(settings, embedder, [FIRST + SECOND])
    kinds = [type(e) for _, e in seen]
    assert kinds == [Sentence, Sentence, Done]
    (written, first), (_, second) = seen[0], seen[1]
    assert written < len(FIRST + SECOND)  # released while the model was still writing the second sentence
    assert first.text.startswith("我于天宝元年") and first.verified and first.citations  # the question's script
    assert first.text + second.text == answer.text and seen[-1][1].answer is answer
    assert not answer.abstained and len(llm.calls) == 1


def test_a_sentence_that_fails_holds_the_rest_and_the_guard_decides(settings, embedder):
    answer, seen, llm = _events(settings, embedder, [FIRST + WRONG + SECOND, FIRST])
    events = [e for _, e in seen]
    assert isinstance(events[0], Sentence) and isinstance(events[1], Held)
    assert "750" in events[1].sentence and events[1].reasons
    assert all(not isinstance(e, Sentence) or "750" not in e.text for e in events)
    assert len(llm.calls) == 2  # the guard asked again
    assert "750" not in answer.text and isinstance(events[-1], Done)
    shown = "".join(e.text for e in events if isinstance(e, Sentence))
    revised = [e for e in events if isinstance(e, Revised)]
    assert (revised and revised[0].text == answer.text) or shown == answer.text


def test_an_answer_the_guard_changes_after_a_sentence_was_shown_comes_as_a_revision(settings, embedder):
    # two sentences pass and are shown; the third fails, and the model, asked again, answers in another order
    answer, seen, llm = _events(settings, embedder, [FIRST + SECOND + WRONG, SECOND + FIRST])
    events = [e for _, e in seen]
    assert [type(e) for e in events] == [Sentence, Sentence, Held, Revised, Done] and len(llm.calls) == 2
    assert events[3].text == answer.text and answer.text.startswith("皇帝命我供奉翰林")


def test_an_abstention_comes_as_unverified_sentences_without_citations(settings, embedder):
    answer, seen, llm = _events(settings, embedder, [], question="你的手机是什么牌子的？")
    events = [e for _, e in seen]
    assert answer.abstained and not llm.calls and isinstance(events[-1], Done)
    sentences = events[:-1]
    assert sentences and all(isinstance(e, Sentence) and not e.verified and not e.citations for e in sentences)
    assert "".join(e.text for e in sentences) == answer.text


def test_with_the_guard_off_complete_sentences_are_released_unchecked(settings, embedder):
    answer, seen, _ = _events(settings, embedder, [FIRST + WRONG], guard=False)
    sentences = [e for _, e in seen if isinstance(e, Sentence)]
    assert [s.verified for s in sentences] == [False, False] and "750" in answer.text


def test_stream_yields_the_events_and_raises_the_errors_of_ask(settings, embedder):
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=ScriptedChatModel([FIRST]))
    events = list(agent.stream("你是哪年入长安的？"))
    assert isinstance(events[-1], Done) and "742" in events[-1].answer.text
    with pytest.raises(InputError):
        list(agent.stream("   "))



def test_closing_the_stream_early_stops_the_answer_and_frees_the_model(settings, embedder):
    llm = ScriptedChatModel([FIRST + SECOND + SECOND + SECOND, FIRST])
    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)
    events = agent.stream("你是哪年入长安的？")
    first = next(events)
    assert isinstance(first, Sentence)
    events.close()  # the consumer is gone: the worker stops at its next token and is waited for
    assert len(llm.calls) == 1
    assert "742" in agent.ask("你是哪年入长安的？").text  # the model is free for the next question


def test_the_repl_prints_sentences_as_they_pass_and_ctrl_c_returns_to_the_prompt(settings, embedder, capsys):
    from agent.cli.repl import show_answer

    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder,
                  llm=ScriptedChatModel([FIRST + SECOND + WRONG, SECOND + FIRST]))
    answer = show_answer(agent, "你是哪年入长安的？")
    out = capsys.readouterr().out
    assert out.index("742") < out.index("(checked against the sources, the answer is:)")
    assert "750" not in out and out.rstrip().endswith(answer.citations[-1].quote + "”")

    def interrupted(question, **kw):
        yield Sentence("我于天宝元年到达长安。")
        raise KeyboardInterrupt

    agent.stream = interrupted
    assert show_answer(agent, "你是哪年入长安的？") is None
    assert capsys.readouterr().out.endswith("我于天宝元年到达长安。\n(stopped)\n")


def chat_in_terminal(steps: list[tuple[bytes, bytes]], timeout: float = 60) -> tuple[str, int]:
    """Run `agent chat test-poet` in a pseudo-terminal (AGENT_HOME set by ``tiny_model_home``, the hashing embedder):
    for each step, send its bytes, then read until its marker shows (wait for the prompt, "> ", before typing, as a
    person does: readline drops what was typed before it took the terminal). Returns the output and the exit
    status (None if it had to be killed)."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time
    from pathlib import Path

    driver = ("from tests.fakes import HashEmbedder\n"
              "import agent.core, agent.index.embeddings\n"
              "agent.core.make_embedder = agent.index.embeddings.make_embedder = lambda *a, **k: HashEmbedder()\n"
              "from agent.cli.commands import main\n"
              "main(['chat', 'test-poet'])\n")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", driver], stdin=follower, stdout=follower, stderr=follower,
                            cwd=Path(__file__).resolve().parents[1], env={**os.environ, "NO_COLOR": "1"},
                            close_fds=True)
    os.close(follower)
    out = b""
    try:
        for send, marker in steps:
            if send:
                os.write(leader, send)
            start = len(out)
            end = time.monotonic() + timeout
            while marker not in out[start:] and time.monotonic() < end:
                if select.select([leader], [], [], 0.5)[0]:
                    try:
                        out += os.read(leader, 4096)
                    except OSError:
                        break
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    return out.decode("utf-8", errors="replace"), proc.returncode


def test_the_repl_streams_the_checked_answer_through_a_terminal(tiny_model_home):
    """`agent chat` in a pseudo-terminal, on the tiny GGUF forced by a grammar to say a checked answer."""
    tiny_model_home(FIRST)
    text, status = chat_in_terminal([(b"", b"> "), ("你是哪年入长安的？\n".encode(), b"\n> "), (b"\x04", b"")])
    assert re.search(r"我于天宝元年即742年到达长安，得见皇帝。\[\d\]\r\n  \[\d\] 測試小傳", text)
    assert "checked against the sources" not in text and status == 0


def test_colour_only_on_a_terminal_and_never_with_no_color(settings, embedder, monkeypatch, capsys):
    import click

    from agent.cli.repl import show_answer

    agent = Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=ScriptedChatModel([FIRST] * 2))
    monkeypatch.setattr(click.utils, "should_strip_ansi", lambda stream=None, color=None: color is False)
    show_answer(agent, "你是哪年入长安的？")  # a terminal: the citation marker in colour
    assert "\x1b[36m[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    show_answer(agent, "你是哪年入长安的？")
    assert "\x1b[" not in capsys.readouterr().out
