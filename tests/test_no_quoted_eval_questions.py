"""The evaluation questions measure; they never tune: no test and no agent module quotes one word for word.

The questions are every ``question`` of eval/questions/**/*.jsonl and eval/probes/**/*.jsonl, the 列傳 builder's
question constants, and the shared sets in ../shared/eval (left out when that folder is absent). A question counts
as quoted with or without its final question mark, in either Chinese script and in any letter case. The 列傳
builder itself (its constants define the set) and this file are not scanned.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from agent.text.script import to_simplified

from .conftest import REPO, SHARED

LIEZHUAN = REPO / "agent" / "eval" / "sets" / "liezhuan.py"
NOT_SCANNED = {LIEZHUAN.resolve(), Path(__file__).resolve()}
MIN_CHARS = 4  # a shorter question ("Why?") is no quotation
_FINAL_MARK = re.compile(r"\s*[？?]+\s*$")


def _fold(text: str) -> str:
    return to_simplified(text).casefold()


def eval_questions(shared: Path = SHARED) -> dict[str, str]:
    """Every evaluation question -> where it is asked."""
    found: dict[str, str] = {}

    def add(question, where: str) -> None:
        if isinstance(question, str) and question.strip():
            found.setdefault(question.strip(), where)

    for folder in ("eval/questions", "eval/probes"):
        for path in sorted((REPO / folder).rglob("*.jsonl")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip():
                    add(json.loads(line).get("question"), f"{path.relative_to(REPO)}:{n}")
    from agent.eval.sets.liezhuan import ENGLISH_QUESTIONS, LIEZHUAN_QUESTIONS

    for question in (*LIEZHUAN_QUESTIONS.values(), *ENGLISH_QUESTIONS.values()):
        add(question, str(LIEZHUAN.relative_to(REPO)))
    for path in sorted((shared / "eval").glob("*.json")) if (shared / "eval").is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            add(item.get("question"), path.name)  # Chinese SimpleQA
            for pair in item.get("questions") or []:  # TimeQA: [question, spans]
                add(pair[0] if isinstance(pair, list) and pair else pair, path.name)
    return found


def _needles(questions: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Folded question, with and without its final question mark -> (the question, where it is asked)."""
    needles: dict[str, tuple[str, str]] = {}
    for question, where in questions.items():
        bare = _FINAL_MARK.sub("", question)
        if len(bare) < MIN_CHARS:
            continue
        for form in (question, bare):
            needles.setdefault(_fold(form).strip(), (question, where))
    return needles


def quotations(paths: list[Path], questions: dict[str, str]) -> list[str]:
    """``file:line: question (where it is asked)`` for each question quoted in one of ``paths``."""
    needles = _needles(questions)
    k = min(map(len, needles))
    by_start: dict[str, list[str]] = {}
    for needle in needles:
        by_start.setdefault(needle[:k], []).append(needle)
    out = []
    for path in paths:
        text = _fold(path.read_text(encoding="utf-8"))  # t2s and casefold keep the lines
        name = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        for i in range(len(text) - k + 1):
            for needle in by_start.get(text[i:i + k], ()):
                if text.startswith(needle, i):
                    question, where = needles[needle]
                    out.append(f"{name}:{text.count(chr(10), 0, i) + 1}: {question} (asked in {where})")
    return sorted(set(out))


def _scanned() -> list[Path]:
    paths = [*(REPO / "tests").rglob("*.py"), *(REPO / "agent").rglob("*.py")]
    return sorted(p for p in paths if p.resolve() not in NOT_SCANNED)


def test_no_test_or_agent_module_quotes_an_evaluation_question():
    questions = eval_questions()
    assert len(questions) > 100  # the repository's own sets, at the least
    hits = quotations(_scanned(), questions)
    assert not hits, "evaluation questions quoted word for word (write a sentence of your own):\n" + "\n".join(hits)


def test_the_scan_finds_a_quotation_in_either_script_without_its_question_mark(tmp_path):
    questions = {"你何時到過洛陽？": "a.jsonl:1", "When did you sail home?": "b.jsonl:1", "Why?": "c.jsonl:1"}
    planted = tmp_path / "planted.py"
    planted.write_text('ok = "Why? Because."\nq = "我想知道你何时到过洛阳"\n\n# And when did you sail home, then?\n',
                       encoding="utf-8")
    assert [h.split(": ", 1)[0].rsplit(":", 1)[1] for h in quotations([planted], questions)] == ["2", "4"]
