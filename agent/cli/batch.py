"""Batch Q&A: questions in (JSONL or CSV with id, figure, question), one answer per line out.

Answers are appended and flushed one at a time, so a run killed half way loses
nothing; rerunning skips ids already answered (a torn last line is dropped).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from agent.answer import Answer
from agent.errors import InputError

REQUIRED = ("id", "figure", "question")
CSV_FIELDS = ("id", "figure", "question", "text", "abstained", "abstain_reason", "citations", "language", "total_s")


@dataclass
class Question:
    id: str
    figure: str
    question: str
    line: int


@dataclass
class BadLine:
    line: int
    reason: str


def _file_kind(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_question_text(path: Path) -> str:
    """The text of a question file, or a one-line InputError naming it."""
    if not path.is_file():
        raise InputError(f"question file not found: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text", hint="save the question file as UTF-8") from None


def read_questions(path: Path) -> Iterator[Question | BadLine]:
    """Yield questions, and a BadLine (with its line number) for each line that cannot be used."""
    text = read_question_text(path)
    if _file_kind(path) == "csv":
        yield from _read_csv(path, text)
    else:
        yield from _read_jsonl(text)


def _read_jsonl(text: str) -> Iterator[Question | BadLine]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadLine(number, f"not valid JSON ({exc.msg})")
            continue
        yield _record(record, number)


def _read_csv(path: Path, text: str) -> Iterator[Question | BadLine]:
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path}: CSV header lacks column(s) {', '.join(missing)}",
            hint="the first line must name the columns id,figure,question",
        )
    for row in reader:
        yield _record(row, reader.line_num)


def _record(record: object, number: int) -> Question | BadLine:
    if not isinstance(record, dict):
        return BadLine(number, "expected an object with id, figure and question")
    missing = [k for k in REQUIRED if not str(record.get(k) or "").strip()]
    if missing:
        return BadLine(number, f"missing {', '.join(missing)}")
    return Question(str(record["id"]).strip(), str(record["figure"]).strip(), str(record["question"]).strip(), number)


def answered_ids(out: Path) -> set[str]:
    """Ids already in the output; a torn last line (from a killed run) is cut off first."""
    if not out.is_file():
        return set()
    if _file_kind(out) == "csv":
        _repair_tail(out)
        with out.open(encoding="utf-8", newline="") as fh:
            return {row["id"] for row in csv.DictReader(fh) if row.get("id")}
    _repair_tail(out)
    ids = set()
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def _repair_tail(path: Path) -> None:
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with path.open("r+b") as fh:
            fh.truncate(cut)


def _csv_row(qid: str, answer: Answer) -> dict:
    return {
        "id": qid,
        "figure": answer.figure,
        "question": answer.question,
        "text": answer.text,
        "abstained": answer.abstained,
        "abstain_reason": answer.abstain_reason or "",
        "citations": "; ".join(f"{c.marker} {c.locator}" for c in answer.citations),
        "language": answer.language,
        "total_s": answer.timings.total,
    }


class AnswerWriter:
    """Appends one answer at a time and forces it to disk."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.kind = _file_kind(out)
        if out.is_dir():
            raise InputError(f"-o {out} is a folder", hint="name an answers file, e.g. answers.jsonl")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            new = not out.exists() or out.stat().st_size == 0
            self._fh = out.open("a", encoding="utf-8", newline="")
        except OSError as exc:
            raise InputError(f"cannot write the answers file {out}: {exc.strerror}",
                             hint="choose a writable place with -o") from None
        if self.kind == "csv":
            self._csv = csv.DictWriter(self._fh, fieldnames=CSV_FIELDS)
            if new:
                self._csv.writeheader()

    def write(self, qid: str, answer: Answer) -> None:
        if self.kind == "csv":
            self._csv.writerow(_csv_row(qid, answer))
        else:
            self._fh.write(json.dumps({"id": qid, **answer.to_dict()}, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


@dataclass
class BatchReport:
    answered: int = 0
    skipped: int = 0
    bad_lines: list[BadLine] | None = None
    failed: list[tuple[str, str]] | None = None


def run_batch(
    questions: Path,
    out: Path,
    ask: Callable[[str, str], Answer],
    *,
    on_bad_line: Callable[[BadLine], None] | None = None,
    on_failure: Callable[[Question, Exception], None] | None = None,
    progress: bool = False,
) -> BatchReport:
    """Answer every question not yet in ``out``. ``ask(figure, question)`` returns an Answer. The answers file is
    held by this run while it writes."""
    with _writing(out):
        return _run_batch(questions, out, ask, on_bad_line, on_failure, progress)


@contextlib.contextmanager
def _writing(out: Path):
    """Hold the answers file for this run: a second run on the same file stops at once with a message, instead of
    writing every answer a second time."""
    from filelock import FileLock, Timeout

    lock = out.with_name(out.name + ".lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        held = FileLock(str(lock), timeout=0)
        held.acquire()
    except Timeout:
        raise InputError(f"another batch run is writing {out}", hint="wait for it to finish, or choose another -o") from None
    except OSError as exc:
        raise InputError(f"cannot write the answers file {out}: {exc.strerror}",
                         hint="choose a writable place with -o") from None
    try:
        yield
    finally:
        held.release()
        lock.unlink(missing_ok=True)


def _run_batch(questions, out, ask, on_bad_line, on_failure, progress) -> BatchReport:
    from tqdm import tqdm

    from agent.errors import AgentError

    items = list(read_questions(questions))
    done = answered_ids(out)
    report = BatchReport(bad_lines=[], failed=[])
    todo: list[Question] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, BadLine):
            report.bad_lines.append(item)
            if on_bad_line:
                on_bad_line(item)
        elif item.id in done:
            report.skipped += 1
        elif item.id in seen:
            bad = BadLine(item.line, f"duplicate id {item.id!r}")
            report.bad_lines.append(bad)
            if on_bad_line:
                on_bad_line(bad)
        else:
            seen.add(item.id)
            todo.append(item)
    writer = AnswerWriter(out)
    try:
        for item in tqdm(todo, desc="answering", unit="q", disable=not progress):
            try:
                answer = ask(item.figure, item.question)
            except AgentError as exc:
                report.failed.append((item.id, str(exc)))
                if on_failure:
                    on_failure(item, exc)
                continue
            writer.write(item.id, answer)
            report.answered += 1
    finally:
        writer.close()
    return report


__all__ = ["AnswerWriter", "BadLine", "BatchReport", "Question", "answered_ids", "read_questions", "run_batch"]
