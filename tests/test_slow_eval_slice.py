"""The CI slice of the evaluation harness: a few real questions, the real models, all three modes (about a minute)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from agent.cli.commands import main
from agent.eval.scoring import read_eval_questions

from .conftest import REPO

pytestmark = pytest.mark.slow

SLICE = ("li-bai-001", "li-bai-020", "li-bai-025")  # answerable (742), unanswerable, after-death


def test_eval_slice_all_modes(tmp_path):
    questions = [q for q in read_eval_questions(REPO / "eval" / "questions" / "li-bai.jsonl") if q.id in SLICE]
    assert {q.kind for q in questions} == {"answerable", "unanswerable", "after_death"}, [q.kind for q in questions]
    source = (REPO / "eval" / "questions" / "li-bai.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(line for line in source if json.loads(line)["id"] in SLICE) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["eval", str(path), "--mode", "all", "--plots", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {m: {json.loads(x)["id"]: json.loads(x) for x in (out / m / "answers.jsonl").read_text().splitlines()}
            for m in ("model-only", "rag", "guarded")}
    failed = {m: json.loads((out / m / "run.json").read_text())["failed"] for m in rows}
    assert all(q in rows[m] for q in SLICE for m in rows), (failed, result.output[-2000:])
    assert rows["guarded"]["li-bai-001"]["answer_correct"] is True
    assert rows["guarded"]["li-bai-025"]["abstained"] is True
    assert not rows["guarded"]["li-bai-001"]["unsupported_years"]
    run = json.loads((out / "guarded" / "run.json").read_text())
    assert run["model_sha256"].startswith("cc324af0") and run["settings"]["generation"]["temperature"] == 0.0
    assert (out / "comparison.md").is_file() and (out / "overall.png").is_file()
