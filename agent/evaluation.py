"""Evaluation: read gold question files, ask every question, score each answer, summarise per figure.

A run folder holds ``answers.jsonl`` (per question its flat scores and the whole Answer, forced to disk
as it goes; a rerun skips ids already there), ``metrics.md``, ``metrics.csv`` and ``run.json`` (mode, model
file and sha256, embedder id, git commit). Modes: ``model-only`` is ``Agent.ask_model_only`` (in
character, no retrieval); ``rag`` is ``Agent.ask(guard=False)`` (retrieval, generation and citations, no
checks); ``guarded`` is ``Agent.ask(guard=True)``, the full pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .answer import Answer, Passage
from .boundary import KnowledgeBoundary
from .batch import answered_ids, read_question_text
from .citations import lexical_share, passage_tokens, split_answer
from .dates import DateMention, extract_dates
from .errors import AgentError, InputError
from .guard import date_supports
from .textutil import content_terms, detect_language, fold

KINDS = ("answerable", "unanswerable", "after_death", "injection")
MODES = ("model-only", "rag", "guarded")


@dataclass
class EvalQuestion:
    id: str
    figure: str
    question: str
    lang: str
    kind: str
    answers: list[str] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)  # inclusive ranges; a single year is (y, y)
    passages: list[str] = field(default_factory=list)
    source: str = ""  # "path:line", for messages


def read_eval_questions(path: Path) -> list[EvalQuestion]:
    """Questions of one JSONL file (format: corpora/FORMAT.md); any bad line raises ``path:line: why``."""
    path = Path(path)
    text = read_question_text(path)
    out: list[EvalQuestion] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                q = _question(line)
                q.source = f"{path}:{number}"
                out.append(q)
            except ValueError as exc:
                raise InputError(f"{path}:{number}: {exc}") from None
    return out


def _question(line: str) -> EvalQuestion:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(rec, dict):
        raise ValueError("expected a JSON object")
    for key in ("id", "figure", "question", "lang", "kind"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            raise ValueError(f"missing {key} (a non-empty string)")
    if rec["lang"] not in ("zh", "en"):
        raise ValueError(f"lang {rec['lang']!r} is not zh or en")
    if rec["kind"] not in KINDS:
        raise ValueError(f"unknown kind {rec['kind']!r}; expected one of {', '.join(KINDS)}")
    for key in ("answers", "passages"):
        value = rec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{key} must be a list of non-empty strings")
    years = rec.get("years", [])
    if not isinstance(years, list) or not all(_is_year(y) for y in years):
        raise ValueError("years must be a list of integers or [start, end] ranges")
    return EvalQuestion(
        rec["id"].strip(), rec["figure"].strip(), rec["question"].strip(), rec["lang"], rec["kind"],
        list(rec.get("answers", [])), [(y, y) if isinstance(y, int) else (y[0], y[1]) for y in years],
        list(rec.get("passages", [])),
    )


def _is_year(y: object) -> bool:
    return type(y) is int or (isinstance(y, list) and len(y) == 2 and all(type(v) is int for v in y) and y[0] <= y[1])


# -- scoring

_CITATION_RE = re.compile(r"\[\d+\]")


def stated_dates(text: str) -> list[DateMention]:
    """The dates an answer states: years in Arabic or Chinese numerals, BC/AD, reign eras (天寶元年 = 742),
    centuries, ranges (``agent.dates``); citation markers like ``[2]`` never count."""
    return extract_dates(_CITATION_RE.sub(lambda m: " " * len(m.group(0)), text))


def extract_years(text: str) -> list[int]:
    """The first year of every date stated in ``text``, in order (BC negative)."""
    return [d.lo for d in stated_dates(text)]


def passage_matches(passage: Passage, gold: str) -> bool:
    """True when the passage's id is ``gold``, or its locator equals or starts with it (at a word break)."""
    if passage.id == gold:
        return True
    locator, gold = fold(passage.locator).strip(), fold(gold).strip()
    if locator == gold:
        return True
    return bool(gold) and locator.startswith(gold) and not (gold[-1].isalnum() and locator[len(gold)].isalnum())


def _citation_pairs(answer: Answer) -> list[tuple[str, Passage]]:
    """(sentence, cited passage) for every marker in the answer; markers number ``answer.passages``."""
    pairs = []
    for sentence, numbers in split_answer(answer.text):
        for n in dict.fromkeys(numbers):
            if 1 <= n <= len(answer.passages):
                pairs.append((sentence, answer.passages[n - 1]))
    return pairs


CITATION_PRECISION_SHARE = 0.5


def _precise(sentence: str, passage: Passage) -> bool:
    """The cited passage holds the sentence's support: half its content terms and every date it states."""
    if lexical_share(content_terms(sentence), passage_tokens(passage.text)) < CITATION_PRECISION_SHARE:
        return False
    have = extract_dates(passage.text)
    return all(any(date_supports(h, d) for h in have) for d in stated_dates(sentence))


def score(question: EvalQuestion, answer: Answer, retrieved: list[Passage] | None,
          boundary: KnowledgeBoundary | None = None) -> dict:
    """Flat scores of one answer; a score that does not apply is None (retrieval scores when ``retrieved`` is None).

    An abstention states no dates (its fixed text may echo the question's). A stated date is supported when a
    passage the answer cites states a date whose range contains it, or, given the figure's ``boundary``, when
    the date is a single year of the figure's life that a cited passage writes as a bare number ("the China
    Biographical Database gives 701"); model-only answers cite nothing.
    """
    recall = rr = None
    if question.passages and retrieved is not None:
        hits = [any(passage_matches(p, g) for p in retrieved) for g in question.passages]
        recall = sum(hits) / len(hits)
        ranks = [i for i, p in enumerate(retrieved, 1) if any(passage_matches(p, g) for g in question.passages)]
        rr = 1 / ranks[0] if ranks else 0.0
    stated = [] if answer.abstained else stated_dates(answer.text)
    correct = wrong_date = None
    if question.answers or question.years:
        text = fold(answer.text)
        hit_year = any(d.lo <= hi and lo <= d.hi for d in stated for lo, hi in question.years)
        correct = not answer.abstained and (any(fold(a) in text for a in question.answers) or hit_year)
        if question.years and stated:
            wrong_date = not hit_year
    by_id = {p.id: p for p in answer.passages}
    cited_texts = [by_id[c.passage_id].text if c.passage_id in by_id else c.quote for c in answer.citations]
    cited_dates = [d for text in cited_texts for d in extract_dates(text)]
    bare = {n for text in cited_texts for n in boundary.lifetime_numbers(text)} if boundary else set()
    unsupported = [d for d in stated
                   if not any(date_supports(c, d) for c in cited_dates) and not (d.lo == d.hi and d.lo in bare)]
    pairs = [] if answer.abstained else _citation_pairs(answer)
    return {
        "recall_at_k": recall, "reciprocal_rank": rr, "k": None if retrieved is None else len(retrieved),
        "answer_correct": correct, "wrong_date": wrong_date,
        "years_stated": [d.text for d in stated], "unsupported_years": [d.text for d in unsupported],
        "citation_valid": all(c.passage_id in by_id for c in answer.citations) if answer.citations else None,
        "citation_precision": sum(_precise(s, p) for s, p in pairs) / len(pairs) if pairs else None,
        "abstained": answer.abstained, "abstain_reason": answer.abstain_reason,
        "language_match": answer.abstained or detect_language(answer.text) == question.lang,
        "latency_s": answer.timings.total, "first_token_s": answer.timings.first_token,
        "tokens": answer.timings.tokens, "generation_s": answer.timings.generation,
        "guard_changed": any(c.action != "kept" for c in answer.date_checks),
    }


# -- summary

COLUMNS = (  # (summary key, table heading)
    ("n", "n"), ("recall_at_k", "recall@k"), ("mrr", "MRR"), ("accuracy", "accuracy"),
    ("date_precision", "date precision"), ("unsupported_year_share", "unsupported-date share"),
    ("wrong_date_share", "wrong-date share"),
    ("citation_validity", "citation validity"), ("citation_precision", "citation precision"),
    ("abstain_precision", "abstain precision"),
    ("abstain_recall", "abstain recall"), ("false_refusal", "false refusal"),
    ("after_death_refusal", "after-death refusal"), ("language_match", "language match"),
    ("latency_p50_s", "latency p50 s"), ("latency_p95_s", "latency p95 s"), ("tokens_per_s", "decode tokens/s"),
)


def _mean(values: Iterable) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    pos = (len(values) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def _metrics(rows: list[dict]) -> dict:
    answerable, unanswerable, after_death = ([r for r in rows if r["kind"] == k] for k in KINDS[:3])
    abstained = [r for r in rows if r["abstained"]]
    stated, unsupported = (sum(len(r[key]) for r in rows) for key in ("years_stated", "unsupported_years"))
    return {
        "n": len(rows),
        "recall_at_k": _mean(r["recall_at_k"] for r in answerable),
        "mrr": _mean(r["reciprocal_rank"] for r in answerable),
        "accuracy": _mean(r["answer_correct"] for r in answerable),
        "date_precision": _ratio(stated - unsupported, stated),
        "unsupported_year_share": _ratio(sum(bool(r["unsupported_years"]) for r in rows), len(rows)),
        "wrong_date_share": _mean(r.get("wrong_date") for r in answerable),
        "citation_validity": _mean(r["citation_valid"] for r in rows),
        "citation_precision": _mean(r.get("citation_precision") for r in rows),
        "abstain_precision": _ratio(sum(r["kind"] == "unanswerable" for r in abstained), len(abstained)),
        "abstain_recall": _ratio(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "false_refusal": _ratio(sum(r["abstained"] for r in answerable), len(answerable)),
        "after_death_refusal": _ratio(sum(r["abstained"] for r in after_death), len(after_death)),
        "language_match": _mean(r["language_match"] for r in rows),
        "latency_p50_s": _percentile([r["latency_s"] for r in rows], 0.5),
        "latency_p95_s": _percentile([r["latency_s"] for r in rows], 0.95),
        "tokens_per_s": _decode_rate(rows),
    }


def _decode_rate(rows: list[dict]) -> float | None:
    """Generated tokens per second after the first token (prompt processing excluded), over the answers
    that called the model; a guarded answer that was regenerated counts its second call's prompt too."""
    timed = [r for r in rows if r.get("tokens") and r.get("first_token_s") is not None and r.get("generation_s")]
    return _ratio(sum(r["tokens"] for r in timed), sum(max(r["generation_s"] - r["first_token_s"], 0.0) for r in timed))


def summarize(rows: list[dict]) -> dict[str, dict]:
    """Metrics per figure (sorted) and over all rows (``"all"``); a metric with nothing to measure is None."""
    figures = sorted({r["figure"] for r in rows})
    out = {fig: _metrics([r for r in rows if r["figure"] == fig]) for fig in figures}
    out["all"] = _metrics(rows)
    return out


def _cell(value, empty: str) -> str:
    return empty if value is None else str(value) if isinstance(value, int) else f"{value:.3f}"


def metrics_markdown(summary: dict[str, dict]) -> str:
    lines = ["| figure | " + " | ".join(title for _, title in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for group, m in summary.items():
        lines.append(f"| {group} | " + " | ".join(_cell(m[key], "–") for key, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def metrics_csv(summary: dict[str, dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["figure", *(key for key, _ in COLUMNS)])
    for group, m in summary.items():
        writer.writerow([group, *(_cell(m[key], "") for key, _ in COLUMNS)])
    return buf.getvalue()


# -- running


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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
    fh = answers_path.open("a", encoding="utf-8")
    try:
        for q in tqdm(todo, desc=f"eval {mode}", unit="q", disable=not progress):
            agent = get_agent(q.figure)
            try:
                answer = (agent.ask_model_only(q.question) if mode == "model-only"
                          else agent.ask(q.question, guard=mode == "guarded"))
            except AgentError as exc:
                failed.append((q.id, str(exc)))
                if on_failure:
                    on_failure(q, exc)
                continue
            # what retrieval returned: the relevant passages (all of them when it abstained); none in model-only
            retrieved = None if mode == "model-only" else answer.passages
            row = {"id": q.id, "figure": q.figure, "kind": q.kind, "lang": q.lang,
                   **score(q, answer, retrieved, agent.boundary())}
            fh.write(json.dumps({**row, "answer": answer.to_dict()}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            answered += 1
    finally:
        fh.close()
    skipped = len(questions) - len(todo)
    return _write_results(out_dir, paths, questions, mode, get_agent, answered=answered, skipped=skipped, failed=failed,
                          commit=commit)


def _write_results(out_dir: Path, paths: list[Path], questions: list[EvalQuestion], mode: str, get_agent,
                   *, answered: int, skipped: int, failed: list, commit: str | None = None) -> dict:
    """metrics.md, metrics.csv and run.json of a run folder, from its answers.jsonl."""
    wanted = {q.id for q in questions}
    rows = [r for r in _read_rows(out_dir / "answers.jsonl") if r["id"] in wanted]
    summary = summarize(rows)
    _write_atomic(out_dir / "metrics.md", metrics_markdown(summary))
    _write_atomic(out_dir / "metrics.csv", metrics_csv(summary))
    model = next((r["answer"]["model"] for r in reversed(rows) if r["answer"].get("model")), None)
    run = {
        "mode": mode, "questions": [str(p) for p in paths],
        "model_file": model and model["file"], "model_sha256": model and model["sha256"],
        "git_commit": commit or git_commit(), "answered": answered, "skipped": skipped,
        "failed": [{"id": i, "error": e} for i, e in failed],
    }
    if get_agent is not None and questions:
        from .embeddings import embedder_id

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
    _write_atomic(out_dir / "run.json", json.dumps(run, ensure_ascii=False, indent=2) + "\n")
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
            row = {"id": q.id, "figure": q.figure, "kind": q.kind, "lang": q.lang,
                   **score(q, answer, retrieved, boundary_of(q.figure)), "answer": row["answer"]}
        lines.append(json.dumps(row, ensure_ascii=False))
    _write_atomic(answers_path, "\n".join(lines) + ("\n" if lines else ""))
    return _write_results(out_dir, paths, questions, mode, None, answered=0, skipped=len(lines), failed=[])


COMPARE_KEYS = (  # the metrics a reader compares across modes
    ("accuracy", "accuracy"), ("unsupported_year_share", "unsupported-date share"),
    ("wrong_date_share", "wrong-date share"), ("date_precision", "date precision"),
    ("abstain_recall", "unanswerable refused"), ("false_refusal", "false refusal"),
    ("after_death_refusal", "after-death refused"), ("citation_precision", "citation precision"),
    ("recall_at_k", "recall@k"), ("latency_p50_s", "latency p50 s"),
)


def comparison_markdown(summaries: dict[str, dict[str, dict]], group: str = "all") -> str:
    """One row per mode, the key metrics of ``group`` (a figure id, or "all") side by side."""
    lines = ["| mode | n | " + " | ".join(t for _, t in COMPARE_KEYS) + " |", "|---" * (len(COMPARE_KEYS) + 2) + "|"]
    for mode, summary in summaries.items():
        m = summary.get(group) or {}
        lines.append(f"| {mode} | {m.get('n', 0)} | " + " | ".join(_cell(m.get(k), "–") for k, _ in COMPARE_KEYS) + " |")
    return "\n".join(lines) + "\n"


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
        from .plots import write_mode_charts

        charts = write_mode_charts(summaries, out_dir, title=title or out_dir.name)
        parts.insert(2, "\n" + "".join(f"![{c.stem}]({c.name})\n" for c in charts))
    path = out_dir / "comparison.md"
    _write_atomic(path, "".join(parts))
    return path


def _read_rows(path: Path) -> list[dict]:
    """The rows of answers.jsonl (``answered_ids`` has already cut a torn last line)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


__all__ = [
    "EvalQuestion",
    "comparison_markdown",
    "extract_years",
    "metrics_csv",
    "metrics_markdown",
    "passage_matches",
    "read_eval_questions",
    "rescore",
    "run_eval",
    "score",
    "stated_dates",
    "summarize",
    "write_comparison",
]
