"""The command line: each command parses its options, calls one library function, prints.

Library errors (``AgentError``) become one-line messages here; set ``AGENT_DEBUG=1``
to see the traceback instead.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from pathlib import Path

import click

from agent import __version__
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
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(130)


def settings_options(func):
    """--config, --model and --embedder, shared by every command that loads a figure."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML config (default: $AGENT_HOME/config.toml).")
    @click.option("--model", "model", help="Chat model: a GGUF path, 'default' (1.5B) or 'small' (0.5B).")
    @click.option("--embedder", "embedder", help="Embedder: a sentence-transformers name or directory.")
    @functools.wraps(func)
    def wrapper(*args, config_path=None, model=None, embedder=None, **kwargs):
        from agent.config import load_settings

        overrides: dict = {}
        if model:
            overrides.setdefault("generation", {})["model"] = model
        if embedder:
            overrides.setdefault("embedding", {})["model"] = embedder
        return func(*args, settings=load_settings(config_path, overrides), **kwargs)

    return wrapper


def guard_options(func):
    """--no-guard and --as-of, for the commands that answer questions (below @settings_options)."""

    @click.option("--no-guard", "no_guard", is_flag=True,
                  help="Turn the truthfulness guard off (no date checks, no knowledge cutoff), to compare.")
    @click.option("--as-of", "as_of", type=int, metavar="YEAR",
                  help="Talk to the figure as of this year of its life (BC negative); later events are unknown to it.")
    @functools.wraps(func)
    def wrapper(*args, settings, no_guard=False, as_of=None, **kwargs):
        update = {"enabled": not no_guard and settings.guard.enabled}
        if as_of is not None:
            update["as_of"] = as_of
        settings = settings.model_copy(update={"guard": settings.guard.model_copy(update=update)})
        return func(*args, settings=settings, **kwargs)

    return wrapper


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
@settings_options
def figures(settings) -> None:
    """List the available figures."""
    from agent.index.store import index_state
    from agent.ingest.figures import list_figures

    for fig in list_figures(settings):
        state = index_state(fig, settings)
        click.echo(f"{fig.id:<18} {fig.display_name:<28} {fig.life:<14} index: {state}")


@main.command()
@click.argument("figure")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the whole Answer as JSON.")
@settings_options
@guard_options
def ask(figure: str, question: str, as_json: bool, settings) -> None:
    """Ask FIGURE one QUESTION."""
    from agent.cli.repl import format_citations
    from agent.core import load_agent

    agent = load_agent(figure, settings, progress=True)
    answer = agent.ask(question)
    if as_json:
        click.echo(answer.to_json(indent=2))
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nSources:")
        click.echo(format_citations(answer))


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
    """Talk with FIGURE in a REPL (/sources, /help, /quit; Ctrl-D exits)."""
    from agent.cli.repl import run_repl
    from agent.core import load_agent

    agent = load_agent(figure, settings, progress=True)
    run_repl(agent)


@main.command(short_help="Answer a JSONL/CSV file of questions; resumable.")
@click.argument("questions", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True, help="Answers file (.jsonl or .csv); an existing one is resumed.")
@settings_options
@guard_options
def batch(questions: Path, output: Path, settings) -> None:
    """Answer every question in QUESTIONS (JSONL or CSV with id, figure, question)."""
    from agent.cli.batch import run_batch
    from agent.pool import AgentPool

    if questions.resolve() == output.resolve():
        raise InputError("the output file must differ from the question file")
    pool = AgentPool(settings, progress=True)

    report = run_batch(
        questions,
        output,
        pool.ask,
        on_bad_line=lambda bad: click.echo(f"{questions}:{bad.line}: skipped: {bad.reason}", err=True),
        on_failure=lambda q, exc: click.echo(f"{questions}:{q.line}: failed: {exc}", err=True),
        progress=True,
    )
    click.echo(
        f"{report.answered} answered, {report.skipped} already answered, "
        f"{len(report.bad_lines or [])} bad lines, {len(report.failed or [])} failed -> {output}"
    )


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
    import time

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


def source_options(func):
    """How to read and cite the given sources; shared by 'figure add' and 'ingest'."""
    options = [
        click.option("--title", help="Title of the source (default: from the file)."),
        click.option("--cite-as", "cite_as", help='How citations name it, e.g. "Plutarch, Poplicola".'),
        click.option("--kind", type=click.Choice(["primary", "secondary", "team-written"]), default="primary", show_default=True),
        click.option("--section", help="HTML: keep only the part under this heading (one Life out of a book)."),
        click.option("--author", "author_filter", help="Poems JSON: keep only this author's poems."),
        click.option("--by", "written_by", default="", help='Who wrote the source, e.g. "Plutarch" or "歐陽修、宋祁".'),
        click.option("--written", "date_written", default="",
                     help='When it was written: 1060, "c. 121", "3rd century BC". A work written after the '
                          "figure's death is one it has not read."),
        click.option("--language", type=click.Choice(["zh", "en"]), help="Language of the text (default: detected)."),
        click.option("--format", "fmt", type=click.Choice(["text", "html", "tei", "poems-json"]), help="Default: from the suffix."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _source_options(title, cite_as, kind, section, author_filter, written_by, date_written, language, fmt):
    from agent.ingest.loaders import SourceSpec

    given = {"title": title, "cite_as": cite_as, "kind": kind, "section": section, "author_filter": author_filter,
             "language": language, "format": fmt, "author": written_by, "date_written": date_written}
    return SourceSpec(**{k: v for k, v in given.items() if v is not None})


def _build_and_report(figure, settings) -> None:
    from agent.index.embeddings import make_embedder
    from agent.index.store import build_index

    built = build_index(figure, settings, make_embedder(settings.embedding, settings.models_dir), progress=True)
    sources = sorted({c.source_title for c in built.chunks})
    click.echo(f"{figure.id}: {len(built)} passages from {len(sources)} document(s) -> {built.path}")
    click.echo(f"ask it: agent ask {figure.id} \"...\"")


@main.group()
def figure() -> None:
    """Create figures from your own sources."""


@figure.command("add")
@click.argument("figure_id", metavar="ID")
@click.argument("sources", nargs=-1, required=True)
@click.option("--name", "name_en", help="Name in English (or the figure's main name).")
@click.option("--name-zh", "name_zh", help="Name in Chinese.")
@click.option("--born", help='Birth year: 1037, "c. 701", "509 BC".')
@click.option("--died", help="Death year (the default knowledge cutoff).")
@click.option("--era", default="", help="Era or dynasty, e.g. 宋 Song dynasty.")
@click.option("--force", is_flag=True, help="Replace a figure that already exists.")
@source_options
@settings_options
def figure_add(figure_id, sources, name_en, name_zh, born, died, era, force, settings, **source_opts) -> None:
    """Create figure ID from SOURCES (files or http(s) URLs) and build its index."""
    from agent.ingest.admin import add_figure

    names = {k: v for k, v in (("en", name_en), ("zh", name_zh)) if v}
    fig = add_figure(settings, figure_id, names=names, sources=list(sources), options=_source_options(**source_opts),
                     born=born, died=died, era=era, force=force)
    click.echo(f"created {fig.id} ({fig.display_name}) at {fig.root}")
    _build_and_report(fig, settings)


@main.command()
@click.argument("figure_id", metavar="ID")
@click.argument("sources", nargs=-1, required=True)
@source_options
@settings_options
def ingest(figure_id, sources, settings, **source_opts) -> None:
    """Add SOURCES (files or http(s) URLs) to figure ID and rebuild its index."""
    from agent.ingest.admin import ingest as ingest_sources

    fig = ingest_sources(settings, figure_id, list(sources), _source_options(**source_opts))
    _build_and_report(fig, settings)


@main.group()
def index() -> None:
    """Build and inspect figure indexes."""


@index.command("build")
@click.argument("figure", required=False)
@click.option("--all", "all_figures", is_flag=True, help="Build every figure's index.")
@click.option("--force", is_flag=True, help="Rebuild even when the index is up to date.")
@click.option("--warm", is_flag=True, help="Also evaluate and save each figure's fixed prompt prefix (a whole-source "
              "figure's instructions and passages), so that its first question starts at once.")
@settings_options
def index_build(figure: str | None, all_figures: bool, force: bool, warm: bool, settings) -> None:
    """Build FIGURE's index (or --all); up-to-date indexes are reused."""
    from agent.index.embeddings import make_embedder
    from agent.index.store import build_index, index_state
    from agent.ingest.figures import get_figure, list_figures

    if bool(figure) == all_figures:
        raise InputError("name one FIGURE or give --all", hint="see 'agent figures'")
    targets = list_figures(settings) if all_figures else [get_figure(settings, figure)]
    embedder = None
    for fig in targets:
        state = index_state(fig, settings)
        if state == "ok" and not force:
            click.echo(f"{fig.id}: up to date")
            continue
        embedder = embedder or make_embedder(settings.embedding, settings.models_dir)
        built = build_index(fig, settings, embedder, progress=True)
        click.echo(f"{fig.id}: built {len(built)} chunks ({state}) -> {built.path}")
    if warm:
        _warm(targets, settings, embedder)


def _warm(figures, settings, embedder) -> None:
    """Evaluate and save each figure's fixed prompt prefix, one model for all of them."""
    from agent.core import Agent
    from agent.generate.llm import make_chat_model
    from agent.index.embeddings import make_embedder

    if not settings.generation.prefix_cache:
        raise InputError("--warm needs generation.prefix_cache on", hint="set it in the config or drop --warm")
    embedder = embedder or make_embedder(settings.embedding, settings.models_dir)
    llm = make_chat_model(settings)
    for fig in figures:
        start = time.perf_counter()
        done = Agent(fig, settings, embedder=embedder, llm=llm).warm()
        said = {"none": "no fixed passages (its sources are retrieved per question); nothing to keep",
                "restored": "prompt prefix already saved", "warm": "prompt prefix already saved"}
        click.echo(f"{fig.id}: {said.get(done, f'prompt prefix saved in {time.perf_counter() - start:.1f} s')}")


@index.command("status")
@settings_options
def index_status(settings) -> None:
    """Show each figure's index state."""
    from agent.index.store import index_path, index_state
    from agent.ingest.figures import list_figures

    for fig in list_figures(settings):
        click.echo(f"{fig.id:<18} {index_state(fig, settings):<18} {index_path(settings, fig.id)}")


__all__ = ["main"]
