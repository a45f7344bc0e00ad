"""The commands that manage figures and their indexes: ``figure add``, ``ingest``, ``index build|status``."""

from __future__ import annotations

import time

import click

from agent.cli.library import compute_for, ray_option
from agent.cli.options import settings_options
from agent.errors import AgentError, InputError


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


@click.group()
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


@click.command()
@click.argument("figure_id", metavar="ID")
@click.argument("sources", nargs=-1, required=True)
@source_options
@settings_options
def ingest(figure_id, sources, settings, **source_opts) -> None:
    """Add SOURCES (files or http(s) URLs) to figure ID and rebuild its index."""
    from agent.ingest.admin import ingest as ingest_sources

    fig = ingest_sources(settings, figure_id, list(sources), _source_options(**source_opts))
    _build_and_report(fig, settings)


@click.group()
def index() -> None:
    """Build and inspect figure indexes."""


@index.command("build")
@click.argument("figure", required=False)
@click.option("--all", "all_figures", is_flag=True, help="Build every figure's index.")
@click.option("--force", is_flag=True, help="Rebuild even when the index is up to date.")
@click.option("--warm", is_flag=True, help="Also evaluate and save each figure's fixed prompt prefix (a whole-source "
              "figure's instructions and passages), so that its first question starts at once.")
@ray_option
@settings_options
def index_build(figure: str | None, all_figures: bool, force: bool, warm: bool, ray_address: str | None,
                ray_workers: int | None, settings) -> None:
    """Build FIGURE's index (or --all, their passages embedded in groups); up-to-date indexes are reused."""
    from agent.index.embeddings import make_embedder
    from agent.index.store import build_index, index_loads, index_state
    from agent.ingest.figures import get_figure, list_figures

    if bool(figure) == all_figures:
        raise InputError("name one FIGURE or give --all", hint="see 'agent figures'")
    targets = list_figures(settings) if all_figures else [get_figure(settings, figure)]
    todo = []
    for fig in targets:
        state = index_state(fig, settings)
        if state == "ok" and not force:
            if index_loads(fig, settings):
                click.echo(f"{fig.id}: up to date")
                continue
            state = "damaged"  # its manifest is whole but an array file is not: build it again
        todo.append((fig, state))
    embedder = None
    if todo and not all_figures and not ray_address:  # one figure: with its progress bar of passages
        fig, state = todo[0]
        embedder = make_embedder(settings.embedding, settings.models_dir)
        built = build_index(fig, settings, embedder, progress=True)
        click.echo(f"{fig.id}: built {len(built)} chunks ({state}) -> {built.path}")
    elif todo:
        _build_grouped(todo, settings, compute_for(settings, ray_address, ray_workers))
    if warm:
        _warm(targets, settings, embedder)


def _build_grouped(todo, settings, compute) -> None:
    """Index the figures in groups (their passages embedded together), here or by Ray workers; this process
    writes each index. A figure that fails is named and the others go on; the command then exits with 1."""
    from tqdm import tqdm

    from agent.index.embeddings import embedder_id
    from agent.index.store import index_path
    from agent.library.importer import GROUP_FIGURES, groups
    from agent.library.indexing import Failed, make_job, write_built

    states = {fig.id: state for fig, state in todo}
    failed = 0
    eid = embedder_id(settings.embedding)

    def jobs():
        nonlocal failed
        for fig, _ in todo:
            try:
                yield make_job(fig, settings, eid)
            except (AgentError, OSError, ValueError) as exc:
                failed += 1
                click.echo(f"error: {fig.id}: {exc}", err=True)

    with tqdm(total=len(todo), desc="indexing", unit="figure", leave=False, disable=None) as bar:  # a terminal only
        for results in compute(groups(jobs(), GROUP_FIGURES)):
            for built in results:
                bar.update(1)
                if isinstance(built, Failed):
                    failed += 1
                    click.echo(f"error: {built.figure_id}: {built.message}", err=True)
                    continue
                write_built(settings, built)
                click.echo(f"{built.figure_id}: built {len(built.chunks)} chunks ({states[built.figure_id]}) -> "
                           f"{index_path(settings, built.figure_id)}")
    if failed:
        raise SystemExit(1)


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
        agent = Agent(fig, settings, embedder=embedder, llm=llm)
        for lang in fig.languages or (fig.default_language,):  # a question in each language has its own prefix
            start = time.perf_counter()
            done = agent.warm(lang)
            said = {"none": "no fixed passages (its sources are retrieved per question); nothing to keep",
                    "restored": "prompt prefix already saved", "warm": "prompt prefix already saved"}
            took = f"prompt prefix saved in {time.perf_counter() - start:.1f} s"
            click.echo(f"{fig.id} ({lang}): {said.get(done, took)}")
            if done == "none":
                break


@index.command("status")
@settings_options
def index_status(settings) -> None:
    """Show each figure's index state."""
    from agent.index.store import index_path, index_state
    from agent.ingest.figures import list_figures

    for fig in list_figures(settings):
        click.echo(f"{fig.id:<18} {index_state(fig, settings):<18} {index_path(settings, fig.id)}")


__all__ = ["figure", "index", "ingest"]
