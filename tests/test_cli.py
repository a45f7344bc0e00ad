"""The CLI and the REPL end to end: real llama.cpp generation on a tiny GGUF, forced by a grammar."""

import json
import os

import pytest
from click.testing import CliRunner

from agent.cli.commands import main

ANSWER = "我於天寶元年即742年到達長安，得見皇帝。[1]"


@pytest.fixture
def home(tiny_model_home):
    return tiny_model_home(ANSWER)


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_figures(home):
    out = run("figures")
    assert out.exit_code == 0 and "test-poet" in out.output and "Test Poet" in out.output


def test_ask_json_end_to_end(home):
    out = run("ask", "test-poet", "你是哪一年来到长安的？", "--json")
    assert out.exit_code == 0, out.output
    ans = json.loads(out.stdout)
    assert "742" in ans["text"] and not ans["abstained"]
    cited = {p["id"]: p for p in ans["passages"]}[ans["citations"][0]["passage_id"]]
    assert "742" in cited["text"]
    assert ans["model"]["file"] == "tiny.gguf" and len(ans["model"]["sha256"]) == 64


def test_ask_plain_prints_sources(home):
    out = run("ask", "test-poet", "你是哪一年来到长安的？")
    assert out.exit_code == 0
    assert "742" in out.output and "Sources:" in out.output and "測試小傳 §2" in out.output


def test_ask_abstains_in_character(home):
    out = run("ask", "test-poet", "你的手机是什么牌子的？", "--json")
    ans = json.loads(out.stdout)
    assert ans["abstained"] is True and ans["abstain_reason"] == "after_my_time"
    assert "身后" in ans["text"]  # in character: phones came after the figure's time


@pytest.mark.parametrize(
    "args,needle",
    [
        (("ask", "nobody", "hi"), "unknown figure 'nobody'; known figures: test-poet"),
        (("ask", "test-poet", "  "), "the question is empty"),
        (("ask", "test-poet", "hi", "--model", "/no/such.gguf"), "model file not found"),
    ],
)
def test_errors_are_one_line(home, args, needle):
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 1
    assert needle in out.output
    assert "Traceback" not in out.output
    assert out.output.strip().count("\n") == 0


def test_corrupt_model_file(home, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    out = CliRunner().invoke(main, ["ask", "test-poet", "你是哪一年来到长安的？", "--model", str(bad)])
    assert out.exit_code == 1 and "cannot load model" in out.output


def test_debug_env_shows_traceback(home, monkeypatch):
    monkeypatch.setenv("AGENT_DEBUG", "1")
    out = CliRunner().invoke(main, ["ask", "nobody", "hi"])
    assert out.exit_code == 1 and out.exception is not None


def test_chat_repl(home):
    text = "/help\n你是哪一年来到长安的？\n/sources\n/bogus\n\n你的手机是什么牌子的？\n/quit\n"
    out = run("chat", "test-poet", input=text)
    assert out.exit_code == 0, out.output
    assert "/sources" in out.output  # help text
    assert "742" in out.output and "測試小傳 §2" in out.output
    assert "unknown command /bogus" in out.output
    assert "身后" in out.output


def test_chat_ends_on_eof_and_survives_a_failed_turn(home, monkeypatch):
    from agent.core import Agent
    from agent.errors import ModelError

    real = Agent.ask
    calls = {"n": 0}

    def flaky(self, question, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ModelError("model crashed")
        return real(self, question, **kw)

    monkeypatch.setattr(Agent, "ask", flaky)
    out = CliRunner().invoke(main, ["chat", "test-poet"], input="你是哪一年来到长安的？\n你是哪一年来到长安的？\n")
    assert out.exit_code == 0
    assert "error: model crashed" in out.output and "742" in out.output


def test_batch_resume_and_bad_lines(home, tmp_path):
    q = tmp_path / "q.jsonl"
    lines = [json.dumps({"id": f"q{i}", "figure": "test-poet", "question": "你是哪一年来到长安的？"}) for i in range(4)]
    lines.insert(2, "{broken")
    lines.append(json.dumps({"id": "q9", "figure": "test-poet"}))
    q.write_text("\n".join(lines) + "\n")
    out_path = tmp_path / "a.jsonl"
    out = CliRunner().invoke(main, ["batch", str(q), "-o", str(out_path)])
    assert out.exit_code == 0, out.output
    assert f"{q}:3: skipped: not valid JSON" in out.output
    assert f"{q}:6: skipped: missing question" in out.output
    rows = [json.loads(line) for line in out_path.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q0", "q1", "q2", "q3"]
    # a killed run leaves a torn last line; the rerun repairs it and answers only what is missing
    data = out_path.read_text().splitlines()
    out_path.write_text("\n".join(data[:2]) + "\n" + data[2][:30])
    out = CliRunner().invoke(main, ["batch", str(q), "-o", str(out_path)])
    assert "2 answered, 2 already answered" in out.output
    ids = [json.loads(line)["id"] for line in out_path.read_text().splitlines()]
    assert sorted(ids) == ["q0", "q1", "q2", "q3"]


def test_batch_csv_in_and_out(home, tmp_path):
    q = tmp_path / "q.csv"
    q.write_text("id,figure,question\na,test-poet,你是哪一年来到长安的？\nb,test-poet,你的手机是什么牌子的？\n", encoding="utf-8")
    out_path = tmp_path / "a.csv"
    out = CliRunner().invoke(main, ["batch", str(q), "-o", str(out_path)])
    assert out.exit_code == 0, out.output
    import csv

    rows = list(csv.DictReader(out_path.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[1]["abstained"] == "True" and "§" in rows[0]["citations"]


def test_batch_csv_without_columns(home, tmp_path):
    q = tmp_path / "q.csv"
    q.write_text("id,question\n1,hi\n")
    out = CliRunner().invoke(main, ["batch", str(q), "-o", str(tmp_path / "a.jsonl")])
    assert out.exit_code == 1 and "lacks column(s) figure" in out.output


def test_index_build_and_status(home):
    out = run("index", "build", "test-poet")
    assert "built" in out.output
    out = run("index", "build", "--all")
    assert "test-poet: up to date" in out.output
    out = run("index", "status")
    assert "ok" in out.output
    out = CliRunner().invoke(main, ["index", "build"])
    assert out.exit_code == 1 and "--all" in out.output


def test_index_build_warm_saves_the_prompt_prefix_that_the_next_process_restores(home):
    out = run("index", "build", "test-poet", "--warm")
    assert out.exit_code == 0 and "test-poet (zh): prompt prefix saved in" in out.output
    assert len(list((home / "cache" / "prefix").glob("*.kv"))) == 2  # one per language the figure speaks
    assert "prompt prefix already saved" in run("index", "build", "test-poet", "--warm").output
    out = run("ask", "test-poet", "你是哪一年来到长安的？", "--json")
    assert out.exit_code == 0 and "742" in json.loads(out.stdout)["text"]
    assert len(list((home / "cache" / "prefix").glob("*.kv"))) == 2  # the same prefix, not a new one


def test_python_m_agent_entry_point():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "agent", "--help"], capture_output=True, text=True, env={**os.environ})
    assert out.returncode == 0 and "ask" in out.stdout and "chat" in out.stdout and "batch" in out.stdout


def test_guard_flags(home):
    out = run("ask", "test-poet", "你的手机是什么牌子的？", "--json", "--no-guard")
    assert json.loads(out.stdout)["abstain_reason"] == "not_in_sources"  # no knowledge boundary without the guard
    out = run("chat", "test-poet", "--as-of", "742", input="/quit\n")
    assert out.exit_code == 0 and "as of 742" in out.output
    out = run("chat", "test-poet", "--no-guard", input="/quit\n")
    assert "guard is off" in out.output


def test_as_of_outside_the_life_is_one_line(home):
    out = CliRunner().invoke(main, ["ask", "test-poet", "你是哪一年来到长安的？", "--as-of", "900"])
    assert out.exit_code == 1 and "--as-of 900 is after Test Poet's death (762)" in out.output
    assert out.output.strip().count("\n") == 0


def test_timeline_prints_the_chronology_with_locators(home):
    out = run("timeline", "test-poet")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    # the team biography's dated sentences, in order of year, each with its locator
    assert any(line.startswith("742") and "[測試小傳 §2]" in line for line in lines), out.output
    assert any(line.startswith("762") and "died" in line for line in lines), out.output
    data = json.loads(run("timeline", "test-poet", "--json").output)
    assert [e["lo"] for e in data["entries"]] == sorted(e["lo"] for e in data["entries"])
