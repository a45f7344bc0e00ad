"""Batch Q&A: questions in (JSONL or CSV with id, figure, question; or each figure of a selection asked the same
questions), one answer per line out (JSONL or CSV; Parquet through a JSONL sidecar, ``agent.cli.parquet``).

Answers are appended and flushed one at a time, so a run killed half way loses
nothing; rerunning skips ids already answered (a torn last line is dropped).
A question's figure may be an id or a name that one figure has.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from agent.answer import Answer
from agent.errors import AgentError, InputError

REQUIRED = ("id", "figure", "question")
CSV_FIELDS = ("id", "figure", "figure_name", "question", "text", "abstained", "abstain_reason", "citations",
              "language", "total_s")


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


def output_kind(path: Path) -> str:
    """jsonl, csv or parquet, by the answers file's suffix (anything else is JSONL)."""
    return "parquet" if path.suffix.lower() == ".parquet" else _file_kind(path)


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


def selection_questions(figure_ids: Iterable[str], questions: Iterable[str]) -> list[Question]:
    """Each figure asked each question, with ids that are the same on every run (so a rerun resumes)."""
    from agent.library.selection import selection_id

    asked = list(dict.fromkeys(q.strip() for q in questions if q.strip()))
    return [Question(selection_id(fid, q), fid, q, 0) for fid in figure_ids for q in asked]


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


def _csv_row(qid: str, answer: Answer, figure_name: str) -> dict:
    return {
        "id": qid,
        "figure": answer.figure,
        "figure_name": figure_name,
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
            # an answers file begun by an earlier version keeps its columns
            fields = CSV_FIELDS if new else (_csv_header(out) or CSV_FIELDS)
            self._csv = csv.DictWriter(self._fh, fieldnames=fields, extrasaction="ignore")
            if new:
                self._csv.writeheader()

    def write(self, qid: str, answer: Answer, figure_name: str = "") -> None:
        if self.kind == "csv":
            self._csv.writerow(_csv_row(qid, answer, figure_name))
        else:
            row = {"id": qid, "figure_name": figure_name, **answer.to_dict()}
            self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh), [])


@dataclass
class BatchReport:
    answered: int = 0
    skipped: int = 0
    bad_lines: list[BadLine] | None = None
    failed: list[tuple[str, str]] | None = None


Ask = Callable[[str, str], Answer]
# Answers for many questions at once (a Ray cluster): each question with its Answer, or a one-line error message.
AnswerAll = Callable[[list[Question]], Iterable[tuple[Question, "Answer | str"]]]


def run_batch(
    questions: Path | Iterable[Question | BadLine],
    out: Path,
    ask: Ask | None = None,
    *,
    resolve: Callable[[str], str] | None = None,
    names: Mapping[str, str] | None = None,
    answer_all: AnswerAll | None = None,
    on_bad_line: Callable[[BadLine], None] | None = None,
    on_failure: Callable[[Question, Exception], None] | None = None,
    progress: bool = False,
) -> BatchReport:
    """Answer every question (a question file, or Questions) not yet in ``out`` (.jsonl, .csv or .parquet).

    ``ask(figure, question)`` returns an Answer; ``answer_all(questions)``, when given, answers them all instead.
    ``resolve`` turns a question's figure (an id or a name) into an id, once per distinct value; one it cannot
    resolve fails that question alone. ``names`` gives each figure id's name for the rows. The answers file is
    held by this run while it writes."""
    if ask is None and answer_all is None:
        raise ValueError("run_batch needs ask or answer_all")
    if output_kind(out) == "parquet":
        from agent.cli.parquet import require_pyarrow

        require_pyarrow()
        if out.is_dir():
            raise InputError(f"-o {out} is a folder", hint="name an answers file, e.g. answers.parquet")
    with _writing(out):
        return _run_batch(questions, out, ask, resolve, names or {}, answer_all, on_bad_line, on_failure, progress)


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


def _run_batch(questions, out, ask, resolve, names, answer_all, on_bad_line, on_failure, progress) -> BatchReport:
    from tqdm import tqdm

    parquet = output_kind(out) == "parquet"
    target = out
    done: set[str] = set()
    if parquet:
        from agent.cli.parquet import parquet_ids, sidecar

        target = sidecar(out)
        done = parquet_ids(out)
    done |= answered_ids(target)
    report = BatchReport(bad_lines=[], failed=[])

    def bad(line: BadLine) -> None:
        report.bad_lines.append(line)
        if on_bad_line:
            on_bad_line(line)

    def failed(item: Question, exc: Exception) -> None:
        report.failed.append((item.id, str(exc)))
        if on_failure:
            on_failure(item, exc)

    items = list(read_questions(questions) if isinstance(questions, Path) else questions)
    figure_of = _cached(resolve) if resolve else None
    todo: list[Question] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, BadLine):
            bad(item)
        elif item.id in done:
            report.skipped += 1
        elif item.id in seen:
            bad(BadLine(item.line, f"duplicate id {item.id!r}"))
        else:
            seen.add(item.id)
            figure = figure_of(item.figure) if figure_of else item.figure
            if isinstance(figure, AgentError):
                failed(item, figure)
            else:
                todo.append(dataclasses.replace(item, figure=figure))
    writer = AnswerWriter(target)
    try:
        results = (answer_all(todo) if answer_all else _ask_each(todo, ask)) if todo else ()
        written: set[str] = set()
        for item, result in tqdm(results, total=len(todo), desc="answering", unit="q", disable=not progress):
            if item.id in written:  # a cluster that ran a question twice: the first answer stays
                continue
            if isinstance(result, Answer):
                written.add(item.id)
                writer.write(item.id, result, names.get(result.figure, ""))
                report.answered += 1
            else:
                failed(item, result if isinstance(result, Exception) else AgentError(str(result)))
    finally:
        writer.close()
    if parquet:
        from agent.cli.parquet import finish_parquet

        finish_parquet(out, target)
    return report


def _cached(resolve: Callable[[str], str]) -> Callable[[str], "str | AgentError"]:
    """``resolve`` asked once per distinct value; a value it refuses gives the error (for each line naming it)."""
    known: dict[str, str | AgentError] = {}

    def figure_of(value: str) -> str | AgentError:
        if value not in known:
            try:
                known[value] = resolve(value)
            except AgentError as exc:
                known[value] = exc
        return known[value]

    return figure_of


def _ask_each(todo: list[Question], ask: Ask) -> Iterator[tuple[Question, "Answer | AgentError"]]:
    for item in todo:
        try:
            yield item, ask(item.figure, item.question)
        except AgentError as exc:
            yield item, exc


__all__ = ["AnswerAll", "AnswerWriter", "BadLine", "BatchReport", "Question", "answered_ids", "output_kind",
           "read_questions", "run_batch", "selection_questions"]
