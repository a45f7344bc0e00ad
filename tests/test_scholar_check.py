"""A scholar's check of someone else's text: each date, number and claim against the figure's sources."""

from __future__ import annotations

import json

import pytest

from agent.core import Agent
from agent.errors import InputError
from agent.ingest.figures import get_figure

from .fakes import ScriptedChatModel

TEXT = "測詩人生於七〇一年。天寶元年，測詩人入長安，得見皇帝。測詩人卒於七五〇年。天寶九年，測詩人流放夜郎。"


def _agent(settings, embedder):
    return Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=ScriptedChatModel([]))


def test_two_right_dates_pass_and_a_wrong_one_is_marked_with_its_passage(settings, embedder):
    report = _agent(settings, embedder).check(TEXT)
    by_year = {c.lo: c for c in report.checks if c.kind == "date"}
    assert by_year[701].status == "supported" and by_year[742].status == "supported"
    wrong = by_year[750]
    assert wrong.status == "contradicted" and wrong.evidence
    assert report.passages and "[" in report.text  # the text comes back cited by code
    assert json.loads(report.to_json())["figure"] == "test-poet"


def test_a_date_after_the_death_is_decided_by_the_passage_that_dates_the_death(settings, embedder):
    agent = _agent(settings, embedder)
    (check,) = [c for c in agent.check("測詩人於七八〇年遊蜀。").checks if c.kind == "date"]
    died = [e for e in agent.chronology().entries if "died" in e.events]
    assert check.status == "contradicted" and check.evidence == died[0].passage_id


def test_a_claim_no_passage_holds_is_unsupported(settings, embedder):
    report = _agent(settings, embedder).check("測詩人曾任宰相，治理天下。")
    assert any(c.kind == "claim" and c.status == "unsupported" for c in report.checks)


@pytest.mark.parametrize("text", ["", "   ", "字" * 7000])
def test_empty_or_too_long_text_is_a_clear_error(settings, embedder, text):
    with pytest.raises(InputError):
        _agent(settings, embedder).check(text)


def test_agent_check_prints_each_finding_with_the_passage_that_decides_it(tiny_model_home, tmp_path):
    from click.testing import CliRunner

    from agent.cli.commands import main

    tiny_model_home("unused")
    draft = tmp_path / "draft.txt"
    draft.write_text(TEXT, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", "test-poet", str(draft)])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert any(line.startswith("supported") and "七〇一年" in line for line in lines)
    assert any(line.startswith("contradicted") and "七五〇年" in line and "測試小傳" in line for line in lines)
    report = json.loads(CliRunner().invoke(main, ["check", "test-poet", str(draft), "--json"]).stdout)
    assert report["figure"] == "test-poet" and report["checks"]
    missing = CliRunner().invoke(main, ["check", "test-poet", str(tmp_path / "none.txt")])
    assert missing.exit_code != 0 and "none.txt" in missing.output and "Traceback" not in missing.output
