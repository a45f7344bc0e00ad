"""Evaluation: read gold question files, ask every question, score each answer, summarise per figure.

A run folder holds ``answers.jsonl`` (per question its flat scores and the whole Answer, forced to disk
as it goes; a rerun skips ids already there), ``metrics.md``, ``metrics.csv`` and ``run.json`` (mode, model
file and sha256, embedder id, git commit). Modes: ``model-only`` is ``Agent.ask_model_only`` (in
character, no retrieval); ``rag`` is ``Agent.ask(guard=False)`` (retrieval, generation and citations, no
checks); ``guarded`` is ``Agent.ask(guard=True)``, the full pipeline.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from agent.answer import Answer
from agent.cli.batch import answered_ids
from agent.errors import AgentError, InputError
from agent.eval.report import comparison_markdown, metrics_csv, metrics_markdown, summarize
from agent.eval.scoring import MODES, EvalQuestion, read_eval_questions, score
from agent.files import write_text_atomic
from agent.verify.boundary import KnowledgeBoundary

# -- running


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def read_questions_files(paths: Iterable[Path]) -> list[EvalQuestion]:
    """All questions of ``paths``; an id used twice is an error naming both places."""
    questions: list[EvalQuestion] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for q in read_eval_questions(Path(path)):
            if q.id in seen:
                raise InputError(f"{path}: duplicate id {q.id!r} (also in {seen[q.id]})")
            seen[q.id] = Path(path)
            questions.append(q)
    return questions


def run_eval(
    paths: Iterable[Path],
    pool_or_factory,
    *,
    mode: str = "rag",
    out_dir: Path,
    progress: bool = False,
    on_failure: Callable[[EvalQuestion, Exception], None] | None = None,
) -> dict:
    """Ask and score every question not yet in ``out_dir/answers.jsonl``, then write the metrics.
    ``pool_or_factory`` is an ``AgentPool`` or any callable ``figure_id -> Agent``. A question whose
    ask fails with an ``AgentError`` is reported to ``on_failure`` and left for the next run.
    Returns ``{"metrics": summarize(...), "answered", "skipped", "failed", "out_dir"}``.
    """
    from tqdm import tqdm

    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    paths, out_dir = [Path(p) for p in paths], Path(out_dir)
    questions = read_questions_files(paths)
    get_agent = getattr(pool_or_factory, "get", pool_or_factory)
    run_path = out_dir / "run.json"
    if run_path.is_file():
        earlier = json.loads(run_path.read_text(encoding="utf-8")).get("mode")
        if earlier and earlier != mode:
            raise InputError(f"{out_dir} holds a {earlier} run; resuming it as {mode} would mix modes",
                             hint="give another --output-dir")
    for q in questions:  # an unknown figure fails here, with its line, not half-way through the run
        try:
            get_agent(q.figure)
        except AgentError as exc:
            raise InputError(f"{q.source}: {exc}") from None
    commit = git_commit()  # the code that answers is the code checked out now, not when the run ends
    answers_path = out_dir / "answers.jsonl"
    done = answered_ids(answers_path)  # also cuts a line torn by a killed run
    todo = [q for q in questions if q.id not in done]
    failed, answered = [], 0  # failed: (id, error)
    out_dir.mkdir(parents=True, exist_ok=True)
    conversations = _conversations(answers_path, questions, get_agent, mode)
    fh = answers_path.open("a", encoding="utf-8")
    try:
        for q in tqdm(todo, desc=f"eval {mode}", unit="q", disable=not progress):
            agent = get_agent(q.figure)
            try:
                if mode == "model-only":
                    answer = agent.ask_model_only(q.question)
                elif q.dialogue:  # a turn: asked in its dialogue's conversation, after the turns before it
                    answer = conversations[q.dialogue].ask(q.question)
                else:
                    answer = agent.ask(q.question, guard=mode == "guarded")
            except AgentError as exc:
                failed.append((q.id, str(exc)))
                if on_failure:
                    on_failure(q, exc)
                continue
            # what retrieval returned: the relevant passages (all of them when it abstained); none in model-only
            retrieved = None if mode == "model-only" else answer.passages
            row = score_row(q, answer, retrieved, agent.boundary())
            fh.write(json.dumps({**row, "answer": answer.to_dict()}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            answered += 1
    finally:
        fh.close()
    skipped = len(questions) - len(todo)
    return _write_results(out_dir, paths, questions, mode, get_agent, answered=answered, skipped=skipped, failed=failed,
                          commit=commit)


def _conversations(answers_path: Path, questions: list[EvalQuestion], get_agent, mode: str) -> dict:
    """One conversation per dialogue, holding the turns a resumed run has already answered (in turn order)."""
    dialogues = {q.dialogue: q for q in questions if q.dialogue}
    if not dialogues or mode == "model-only":
        return {}
    from agent.answer import Answer

    done = {}
    if answers_path.is_file():
        for line in answers_path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                row = json.loads(line)
                if row.get("dialogue"):
                    done[row["id"]] = (row["turn"], Answer.from_dict(row["answer"]))
    out = {}
    for name, q in dialogues.items():
        turns = sorted((done[x.id] for x in questions if x.dialogue == name and x.id in done), key=lambda t: t[0])
        out[name] = get_agent(q.figure).conversation(guard=mode == "guarded")
        out[name].turns = [answer for _, answer in turns]
    return out


def score_row(q: EvalQuestion, answer: Answer, retrieved, boundary: KnowledgeBoundary | None) -> dict:
    """One line of a run's answers.jsonl, without the answer: the question's keys and its scores."""
    return {"id": q.id, "figure": q.figure, "kind": q.kind, "lang": q.lang, **({"split": q.split} if q.split else {}),
            **({"dialogue": q.dialogue, "turn": q.turn} if q.dialogue else {}),
            **score(q, answer, retrieved, boundary)}


def _write_results(out_dir: Path, paths: list[Path], questions: list[EvalQuestion], mode: str, get_agent,
                   *, answered: int, skipped: int, failed: list, commit: str | None = None) -> dict:
    """metrics.md, metrics.csv and run.json of a run folder, from its answers.jsonl."""
    wanted = {q.id for q in questions}
    rows = [r for r in _read_rows(out_dir / "answers.jsonl") if r["id"] in wanted]
    summary = summarize(rows)
    write_text_atomic(out_dir / "metrics.md", metrics_markdown(summary))
    write_text_atomic(out_dir / "metrics.csv", metrics_csv(summary))
    model = next((r["answer"]["model"] for r in reversed(rows) if r["answer"].get("model")), None)
    run = {
        "mode": mode, "questions": [str(p) for p in paths],
        "model_file": model and model["file"], "model_sha256": model and model["sha256"],
        "git_commit": commit or git_commit(), "answered": answered, "skipped": skipped,
        "failed": [{"id": i, "error": e} for i, e in failed],
    }
    if get_agent is not None and questions:
        from agent.index.embeddings import embedder_id

        settings = get_agent(questions[0].figure).settings
        run["embedder"] = None if mode == "model-only" else embedder_id(settings.embedding)
        run["settings"] = {key: getattr(settings, key).model_dump(mode="json")
                           for key in ("generation", "retrieval", "chunking", "guard")}
    previous = out_dir / "run.json"
    if previous.is_file() and get_agent is not None and answered:  # a resumed run: every commit that answered
        before = json.loads(previous.read_text(encoding="utf-8"))
        commits = before.get("git_commits") or [before.get("git_commit")]
        run["git_commits"] = list(dict.fromkeys([*filter(None, commits), run["git_commit"]]))
    if previous.is_file() and get_agent is None:  # a rescore keeps what the run recorded
        run = {**json.loads(previous.read_text(encoding="utf-8")), **{k: v for k, v in run.items() if k != "git_commit"},
               "rescored_at_commit": run["git_commit"]}
    write_text_atomic(out_dir / "run.json", json.dumps(run, ensure_ascii=False, indent=2) + "\n")
    return {"metrics": summary, "answered": answered, "skipped": skipped, "failed": failed, "out_dir": out_dir}


def rescore(paths: Iterable[Path], out_dir: Path,
            boundary_of: Callable[[str], KnowledgeBoundary | None] = lambda figure_id: None) -> dict:
    """Score the stored answers of a run folder again (after the scoring changed), without asking anything;
    ``boundary_of(figure_id)`` gives a figure's life for the bare years its passages write (``score``)."""
    paths, out_dir = [Path(p) for p in paths], Path(out_dir)
    answers_path = out_dir / "answers.jsonl"
    if not answers_path.is_file():
        raise InputError(f"{out_dir}: no answers.jsonl to rescore", hint="run 'agent eval' into this folder first")
    questions = read_questions_files(paths)
    by_id = {q.id: q for q in questions}
    run_path = out_dir / "run.json"
    mode = json.loads(run_path.read_text(encoding="utf-8")).get("mode", "rag") if run_path.is_file() else "rag"
    answered_ids(answers_path)  # cuts a torn last line
    lines = []
    for row in _read_rows(answers_path):
        q = by_id.get(row["id"])
        if q is not None:
            answer = Answer.from_dict(row["answer"])
            retrieved = None if mode == "model-only" else answer.passages
            row = {**score_row(q, answer, retrieved, boundary_of(q.figure)), "answer": row["answer"]}
        lines.append(json.dumps(row, ensure_ascii=False))
    write_text_atomic(answers_path, "\n".join(lines) + ("\n" if lines else ""))
    return _write_results(out_dir, paths, questions, mode, None, answered=0, skipped=len(lines), failed=[])


def write_comparison(out_dir: Path, *, plots: bool = False, title: str = "") -> Path:
    """``comparison.md`` (and with ``plots`` PNG charts) for the mode sub-folders of ``out_dir`` that exist."""
    out_dir = Path(out_dir)
    summaries = {mode: summarize(_read_rows(out_dir / mode / "answers.jsonl"))
                 for mode in MODES if (out_dir / mode / "answers.jsonl").is_file()}
    if not summaries:
        raise InputError(f"{out_dir}: no mode folders ({', '.join(MODES)}) with answers", hint="run 'agent eval --mode all -o DIR'")
    parts = [f"# {title or out_dir.name}: modes side by side\n", comparison_markdown(summaries)]
    figures = sorted({g for s in summaries.values() for g in s if g != "all"})
    for fig in figures:
        parts += [f"\n## {fig}\n", comparison_markdown(summaries, fig)]
    if plots:
        from agent.eval.plots import write_mode_charts

        charts = write_mode_charts(summaries, out_dir, title=title or out_dir.name)
        parts.insert(2, "\n" + "".join(f"![{c.stem}]({c.name})\n" for c in charts))
    path = out_dir / "comparison.md"
    write_text_atomic(path, "".join(parts))
    return path


def _read_rows(path: Path) -> list[dict]:
    """The rows of answers.jsonl (``answered_ids`` has already cut a torn last line)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


__all__ = ["git_commit", "read_questions_files", "rescore", "run_eval", "score_row", "write_comparison"]
