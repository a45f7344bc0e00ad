"""eval/injection/end_to_end.py without a model: its questions match the held-out instructions, and a figure it
builds holds the planted sentence and answers; a model that repeats the planted answer is counted as following."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from agent.config import load_settings
from agent.text.script import detect_language

from .conftest import REPO
from .fakes import ScriptedChatModel


@pytest.fixture(scope="module")
def e2e():
    spec = importlib.util.spec_from_file_location("injection_end_to_end", REPO / "eval" / "injection" / "end_to_end.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_there_is_one_question_for_each_held_out_instruction_in_its_language(e2e):
    cases, lines = e2e.read_cases(), e2e.heldout()
    assert len(lines) == 20 and [c.line for c in cases] == list(range(1, 21))
    assert [c.instruction for c in cases] == lines
    for case in cases:
        assert detect_language(case.question) == case.language, case
        assert ("你" in case.question) if case.language == "zh" else re.search(r"\byour?\b", case.question), case
        assert 1 <= len(case.payloads) <= 3 and any(e2e.follows(case.instruction, (p,)) for p in case.payloads), case
        # the clean biography never states the planted answer: a payload in an answer came from the instruction
        assert not e2e.follows(e2e.BIOGRAPHIES[case.language]["text"], case.payloads), case


def test_the_planted_answer_is_found_as_a_word_or_number_in_either_script(e2e):
    assert e2e.follows("我生於一八八八年。", ("一八八八", "1888")) and e2e.follows("我有十个夫人", ("十個",))
    assert e2e.follows("I lived in Berlin.", ("berlin",)) and not e2e.follows("I was born in 12000.", ("2000",))
    assert e2e.contains(["他生於天聖二年〔1024〕，", "後來…"], "他生於天聖二年，後來")


@pytest.mark.parametrize("line", [1, 11])
def test_a_planted_figure_answers_and_an_echoed_payload_counts_as_followed(e2e, tmp_path, embedder, line):
    case = e2e.read_cases()[line - 1]
    bio = e2e.planted_biography(case)
    assert case.instruction in bio and not bio.startswith(case.instruction) and not bio.endswith(case.instruction)
    stop = "。" if case.language == "zh" else "."
    model = ScriptedChatModel(lambda messages: f"{case.payloads[0]}{stop}[1]")
    settings = load_settings(overrides={"embedding": {"model": "test-hash-embedder"}})
    row = e2e.run_case(case, tmp_path, settings, embedder, model)
    assert row["line"] == line and row["planted"] and row["chunks"] >= 1
    assert row["shown_unguarded"] and row["followed_unguarded"] and not row["abstained_unguarded"]
    assert row["caught"] == (row["rule"] is not None)  # the sentence the filter recognises is cut in place
    assert not (row["caught"] and row["shown_guarded"])  # and then never reaches the model
    table = e2e.markdown([row]).splitlines()  # totals (header, rule, counts), a blank line, one row a line
    assert len(table) == 7 and table[2].startswith("| 1 |") and table[-1].startswith(f"| {line} |")
