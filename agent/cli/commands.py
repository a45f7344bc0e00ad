"""The command line: each command parses its options, calls one library function, prints.

Library errors (``AgentError``) become one-line messages here; set ``AGENT_DEBUG=1``
to see the traceback instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from agent import __version__
from agent.cli import manage
from agent.cli.library import library
from agent.cli.options import guard_options, settings_options
from agent.errors import AgentError, InputError

DEBUG_ENV = "AGENT_DEBUG"


class AgentGroup(click.Group):
    """Turns library errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AgentError as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:  # a file the library did not expect to fail (a read-only AGENT_HOME, a full disk)
            if os.environ.get(DEBUG_ENV):
                raise
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"error: {exc.strerror or exc}{where} (AGENT_DEBUG=1 shows where)", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(130)


def _quiet_libraries() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for name in ("sentence_transformers", "transformers", "httpx", "faiss", "bm25s"):
        logging.getLogger(name).setLevel(logging.ERROR)


@click.group(cls=AgentGroup, context_settings={"max_content_width": 100, "terminal_width": 100})
@click.version_option(__version__, prog_name="agent")
def main() -> None:
    """Talk to historical figures who answer only from their sources, with citations."""
    _quiet_libraries()


@main.command()
@click.option("--search", "text", help="Only figures whose id or a name contains TEXT (either Chinese script).")
@click.option("--dynasty", help="Only figures of this dynasty (宋, Tang, ...).")
@click.option("--book", help="Only figures from this book (宋史, ...).")
@click.option("--status/--no-status", default=None,
              help="Show each index's state (default: yes for up to 200 figures listed).")
@settings_options
def figures(text: str | None, dynasty: str | None, book: str | None, status: bool | None, settings) -> None:
    """List the available figures, or find some."""
    from agent.index.store import index_state
    from agent.ingest.figures import load_figure
    from agent.library.catalog import search

    found = search(settings, text, dynasty=dynasty, book=book)
    status = len(found) <= 200 if status is None else status
    for entry in found:
        where = " ".join(p for p in (entry.dynasty, entry.book) if p)
        line = f"{entry.id:<18} {entry.display_name:<28} {entry.life:<14}" + (f" {where}" if where else "")
        if status:
            line += f" index: {index_state(load_figure(Path(entry.root)), settings)}"
        click.echo(line)
    if text or dynasty or book:
        click.echo(f"{len(found)} figure(s)", err=True)


@main.command()
@click.argument("figure")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the whole Answer as JSON.")
@settings_options
@guard_options
def ask(figure: str, question: str, as_json: bool, settings) -> None:
    """Ask FIGURE one QUESTION."""
    from agent.cli.repl import show_answer
    from agent.core import load_agent

    agent = load_agent(figure, settings, progress=True)
    if as_json:
        click.echo(agent.ask(question).to_json(indent=2))
        return
    show_answer(agent, question, heading="\nSources:")  # each sentence as soon as it has passed the guard


@main.command(short_help="Check a text someone else wrote against FIGURE's sources.")
@click.argument("figure")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the whole check as JSON.")
@click.option("--as-of", "as_of", type=int, metavar="YEAR", help="Judge by the sources as of this year of its life.")
@settings_options
def check(figure: str, file: Path, as_json: bool, as_of: int | None, settings) -> None:
    """Check FILE (a paragraph about FIGURE: a draft, an encyclopedia entry, another model's answer; - reads
    stdin) against FIGURE's sources: every date, number and claim, supported, contradicted or unsupported, with
    the passage that decides it. Nothing is generated."""
    from agent.cli.repl import format_text_check
    from agent.core import load_agent
    from agent.ingest.loaders.text import decode

    try:
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}", hint="name a text file") from None
    report = load_agent(figure, settings, progress=True).check(decode(raw, file), as_of=as_of)
    click.echo(report.to_json(indent=2) if as_json else format_text_check(report))


@main.command(short_help="Print FIGURE's chronology, computed from its sources.")
@click.argument("figure")
@click.option("--json", "as_json", is_flag=True, help="Print the chronology as JSON.")
@settings_options
def timeline(figure: str, as_json: bool, settings) -> None:
    """Print FIGURE's chronology: every dated sentence of its sources with its year (reign eras converted) and
    locator, and the facts derived from them, marked "derived", with how."""
    from agent.cli.repl import format_chronology
    from agent.core import load_agent

    chronology = load_agent(figure, settings, progress=True).chronology()
    click.echo(chronology.to_json() if as_json else format_chronology(chronology))


@main.command(short_help="Talk with FIGURE in a REPL.")
@click.argument("figure")
@settings_options
@guard_options
def chat(figure: str, settings) -> None:
    """Talk with FIGURE in a REPL: a conversation, with line editing and the questions of earlier chats (up arrow);
    /help lists the commands; Ctrl-C stops an answer, Ctrl-D exits."""
    from agent.cli.repl import HISTORY_FILE, line_history, run_repl
    from agent.core import load_agent

    agent = load_agent(figure, settings, progress=True)
    with line_history(settings.home / HISTORY_FILE):
        run_repl(agent)


RAY_BATCH_HELP = ("Answer on a Ray cluster: 'local' (default when given alone) starts one on this machine, or "
                  "give the head's ADDRESS (host:port); this process alone writes the answers. Needs "
                  "pip install -e \".[ray]\".")


@main.command(short_help="Answer a file of questions, or ask a selection of figures; resumable.")
@click.argument("questions", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="Answers file (.jsonl, .csv or .parquet); an existing one is resumed.")
@click.option("--figures", "selection", metavar="SELECTION",
              help="Ask each of these figures instead of reading QUESTIONS: comma-separated filters dynasty=D, "
              "book=B, search=TEXT (in an id or a name), id=GLOB (e.g. cbdb-*), all of which a figure passes; or all.")
@click.option("--question", "asked", multiple=True, metavar="TEXT",
              help="With --figures: the question to ask each figure (repeatable: each figure, each question).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help=RAY_BATCH_HELP)
@click.option("--ray-workers", "ray_workers", type=click.IntRange(min=1), metavar="N",
              help="With --ray: how many workers answer.")
@settings_options
@guard_options
def batch(questions: Path | None, output: Path, selection: str | None, asked: tuple[str, ...],
          ray_address: str | None, ray_workers: int | None, settings) -> None:
    """Answer every question in QUESTIONS (JSONL or CSV with id, figure, question; the figure by id or by name),
    or ask every figure of --figures each --question. Rows are (id, figure, figure_name, question, text,
    abstained, abstain_reason, citations, language, total_s); rerun the same command to go on after an
    interruption."""
    from agent.cli.batch import run_batch, selection_questions
    from agent.library.catalog import catalogue, resolver
    from agent.pool import AgentPool

    if questions is None and selection is None and ray_address and Path(ray_address).is_file():
        questions, ray_address = Path(ray_address), "local"  # "--ray QUESTIONS": the file is no address
    if questions is not None and (selection or asked):
        raise InputError("give a question file or --figures with --question, not both")
    if questions is None and not (selection or asked):
        raise InputError("give a question file, or --figures SELECTION with --question TEXT",
                         hint='e.g. agent batch --figures "dynasty=宋" --question "..." -o answers.jsonl')
    if questions is None and not selection:
        raise InputError("--question needs --figures SELECTION (or all)")
    if questions is None and not any(q.strip() for q in asked):
        raise InputError("--figures needs --question TEXT", hint="give the question to ask each figure")
    if ray_workers is not None and not ray_address:
        raise InputError("--ray-workers needs --ray")
    if questions is not None and questions.resolve() == output.resolve():
        raise InputError("the output file must differ from the question file")
    answer_all = _ray_answers(settings, ray_address, ray_workers) if ray_address else None
    if questions is None:
        from agent.library.selection import select_figures

        items, where = selection_questions([e.id for e in select_figures(settings, selection)], asked), None
    else:
        items, where = questions, questions
    pool = AgentPool(settings, progress=True)

    def line(q) -> str:
        return f"{where}:{q.line}" if where is not None else q.id

    report = run_batch(
        items,
        output,
        pool.ask,
        resolve=resolver(settings) if where is not None else None,
        names={e.id: e.display_name for e in catalogue(settings)},
        answer_all=answer_all,
        on_bad_line=lambda bad: click.echo(f"{where}:{bad.line}: skipped: {bad.reason}", err=True),
        on_failure=lambda q, exc: click.echo(f"{line(q)}: failed: {exc}", err=True),
        progress=True,
    )
    click.echo(
        f"{report.answered} answered, {report.skipped} already answered, "
        f"{len(report.bad_lines or [])} bad lines, {len(report.failed or [])} failed -> {output}"
    )


def _ray_answers(settings, address: str, workers: int | None):
    """The batch's answers computed by Ray workers (``agent.library.cluster``)."""
    try:
        from agent.library.cluster import ray_answers
    except ImportError as exc:
        raise InputError(f"--ray is not available here: {exc}", hint='pip install -e ".[ray]"') from None
    return lambda todo: ray_answers(settings, address, todo, workers=workers)


@main.command("eval", short_help="Score answers to eval question files; resumable.")
@click.argument("questions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["model-only", "rag", "guarded", "all"]), default="guarded", show_default=True,
              help="model-only: no retrieval; rag: retrieval and generation, no checks; guarded: the full pipeline; "
              "all: the three, each in a sub-folder, compared side by side.")
@click.option("-o", "--output-dir", "out_dir", type=click.Path(path_type=Path),
              help="Run folder (default: eval/runs/<mode>-<time>); an existing one is resumed.")
@click.option("--plots", is_flag=True, help="With --mode all: PNG charts of the modes side by side.")
@click.option("--rescore", is_flag=True, help="Score the stored answers in the run folder again; ask nothing.")
@click.option("--corpora", "extra_corpora", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of extra figures (from 'agent evalset build'); their indexes go beside it.")
@settings_options
def eval_(questions: tuple[Path, ...], mode: str, out_dir: Path | None, plots: bool, rescore: bool,
          extra_corpora: Path | None, settings) -> None:
    """Ask and score every question in QUESTIONS (eval JSONL files); write answers and metrics to a run folder."""

    if extra_corpora is not None:
        if not extra_corpora.is_dir():
            raise InputError(f"--corpora {extra_corpora}: no such folder", hint="build one with 'agent evalset build'")
        settings = settings.model_copy(update={"corpora_dirs": [extra_corpora, *settings.corpora_dirs],
                                               "index_dir": extra_corpora.parent / "indexes"})

    from agent.eval.report import metrics_markdown
    from agent.eval.runner import rescore as rescore_run
    from agent.eval.runner import run_eval, write_comparison
    from agent.eval.scoring import MODES
    from agent.ingest.figures import get_figure
    from agent.pool import AgentPool
    from agent.verify.boundary import KnowledgeBoundary

    if rescore and out_dir is None:
        raise InputError("--rescore needs the run folder", hint="give -o DIR")
    out_dir = out_dir or Path("eval", "runs", f"{mode}-{time.strftime('%Y%m%d-%H%M%S')}")
    modes = list(MODES) if mode == "all" else [mode]
    pool = None if rescore else AgentPool(settings, progress=True)
    for m in modes:
        folder = out_dir / m if mode == "all" else out_dir
        if rescore:
            result = rescore_run(questions, folder, lambda fid: KnowledgeBoundary(get_figure(settings, fid)))
        else:
            result = run_eval(questions, pool, mode=m, out_dir=folder, progress=True,
                              on_failure=lambda q, exc: click.echo(f"{q.source}: failed: {exc}", err=True))
        click.echo(f"\n{m}:")
        click.echo(metrics_markdown(result["metrics"]), nl=False)
        click.echo(f"{result['answered']} answered, {result['skipped']} already answered, "
                   f"{len(result['failed'])} failed -> {folder}")
    if mode == "all":
        click.echo(f"comparison -> {write_comparison(out_dir, plots=plots)}")


@main.group(short_help="Build the shared eval sets (TimeQA, 列傳, SimpleQA) as temporary figures.")
def evalset() -> None:
    """Build the shared evaluation sets (TimeQA, 列傳, Chinese SimpleQA) as temporary figures and questions."""


@evalset.command("build")
@click.argument("name", type=click.Choice(["timeqa", "liezhuan", "simpleqa"]))
@click.option("-o", "--output-dir", "out", type=click.Path(path_type=Path), required=True,
              help="Where the figures (corpora/), questions (questions/NAME.jsonl) and notes (NAME.json) go.")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), default=Path("..", "shared"), show_default=True,
              help="The shared data folder.")
@click.option("--limit", type=int, help="timeqa: documents; liezhuan: figures (default 200); simpleqa: questions.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the deterministic selection.")
def evalset_build(name: str, out: Path, shared: Path, limit: int | None, seed: int) -> None:
    """Build evaluation set NAME from the shared data into OUT; then run: agent eval OUT/questions/NAME.jsonl --corpora OUT/corpora"""
    from agent.eval.sets import build_eval_set

    kw = {"timeqa": "limit_docs", "liezhuan": "n_figures", "simpleqa": "limit"}[name]
    es = build_eval_set(name, shared, out, seed=seed, **({kw: limit} if limit is not None else {}))
    click.echo(f"{name}: {len(es.figures)} figures, questions -> {es.questions}")
    click.echo(", ".join(f"{k} {v}" for k, v in es.counts.items()))
    for note in es.notes:
        click.echo(f"- {note}")


main.add_command(manage.figure)
main.add_command(manage.ingest)
main.add_command(manage.index)
main.add_command(library)

__all__ = ["main"]
