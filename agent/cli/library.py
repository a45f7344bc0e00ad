"""``agent library import``: many figures from a folder or table of biographies in one run."""

from __future__ import annotations

import time
from pathlib import Path

import click

from agent.cli.options import settings_options

RAY_HELP = ("Spread the indexing over a Ray cluster: 'local' (default when given alone) starts one on this "
            "machine, or give the head's ADDRESS (host:port). Needs pip install -e \".[ray]\".")


def ray_option(func):
    """``--ray [ADDRESS]`` and ``--ray-workers N``, given to the command as ``ray_address`` and ``ray_workers``."""
    func = click.option("--ray-workers", "ray_workers", type=click.IntRange(min=1), default=None, metavar="N",
                        help="With --ray: this many workers, the cluster's CPUs shared among them (default: one "
                        "per CPU).")(func)
    return click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None,
                        metavar="[ADDRESS]", help=RAY_HELP)(func)


def compute_for(settings, ray_address: str | None, workers: int | None = None):
    """How groups of index jobs are computed: here with one embedder, or by Ray workers."""
    if workers and not ray_address:
        from agent.errors import InputError

        raise InputError("--ray-workers needs --ray", hint="add --ray (a local cluster) or --ray ADDRESS")
    if ray_address:
        from agent.library.cluster import ray_compute

        return ray_compute(settings, ray_address, workers=workers)
    from agent.index.embeddings import make_embedder
    from agent.library.indexing import local_compute

    return local_compute(settings, make_embedder(settings.embedding, settings.models_dir))


@click.group()
def library() -> None:
    """Many figures at once: import a folder of biographies."""


@library.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--prefix", help="Figure ids are PREFIX-KEY (default: the id column's name, e.g. cbdb from "
              "cbdb_id, else the folder's name).")
@ray_option
@settings_options
def library_import(source: Path, prefix: str | None, ray_address: str | None, ray_workers: int | None,
                   settings) -> None:
    """Import SOURCE, a folder of biographies (with an index.tsv or index.csv naming each file's person, book,
    chapter, dynasty, born, died) or such a table, as figures with their indexes. Run it again to go on after
    an interruption; unchanged figures are skipped."""
    from agent.library.run import import_library

    start = time.monotonic()
    report = import_library(settings, source, compute=compute_for(settings, ray_address, ray_workers),
                            prefix=prefix, progress=True,
                            on_error=lambda message: click.echo(f"error: {message}", err=True))
    elapsed = time.monotonic() - start
    click.echo(f"{len(report.figures)} figures from {source}: {report.written} written, {report.indexed} indexed, "
               f"{len(report.errors)} errors, {elapsed:.0f} s")
    if report.figures:
        click.echo(f"find them: agent figures --search NAME; ask one: agent ask {report.figures[0]} \"...\"")
    if report.errors and not report.figures:
        raise SystemExit(1)


__all__ = ["compute_for", "library", "ray_option"]
