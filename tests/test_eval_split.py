"""eval/split.py: every question gets a half fixed by the seed; a half already given is kept; a rerun changes nothing.
The records here were written for this test."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("eval_split", Path(__file__).resolve().parents[1] / "eval" / "split.py")
split = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(split)


def _records(n: int) -> list[dict]:
    return [{"id": f"t-{i:03d}", "figure": f"f{i % 5}", "question": "Q?", "lang": "en", "kind": "answerable"}
            for i in range(n)]


def test_halves_are_fixed_by_the_seed_and_kept(tmp_path):
    path = tmp_path / "set.jsonl"
    recs = _records(200)
    recs[0]["split"] = "test"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    dev, test = split.split_file(path, seed=7)
    assert dev + test == 200 and 70 < dev < 130
    first = path.read_text(encoding="utf-8")
    assert json.loads(first.splitlines()[0])["split"] == "test"
    assert split.split_file(path, seed=7) == (dev, test) and path.read_text(encoding="utf-8") == first
    assert split.half("t-001", 7) == split.half("t-001", 7)


def test_by_figure_puts_all_of_a_figures_questions_in_one_half(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _records(50)), encoding="utf-8")
    split.split_file(path, seed=3, by="figure")
    halves: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        halves.setdefault(rec["figure"], set()).add(rec["split"])
    assert all(len(h) == 1 for h in halves.values())
