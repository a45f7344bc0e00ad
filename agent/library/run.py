"""The driver of a library import: plan the figure folders, index what needs it (here or on a Ray cluster),
write every index from this one process, and record each figure's life window from its chronology."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from agent.config import Settings
from agent.errors import AgentError
from agent.files import read_toml
from agent.index.embeddings import embedder_id
from agent.index.store import BuiltIndex, index_path
from agent.ingest.figures import Figure, load_figure
from agent.library.importer import GROUP_FIGURES, IMPORT_TABLE, ImportReport, groups, plan, record_life
from agent.library.indexing import Failed, IndexJob, make_job, needs_index, write_built

ComputeGroups = Callable[[Iterable[list[IndexJob]]], Iterator[list[BuiltIndex | Failed]]]


def import_library(settings: Settings, source: Path, *, compute: ComputeGroups, prefix: str | None = None,
                   progress: bool = False, on_error: Callable[[str], None] = lambda _: None,
                   group_size: int = GROUP_FIGURES) -> ImportReport:
    """Import ``source`` (a folder of biographies, with or without a table, or the table itself) as figures;
    ``compute`` turns groups of index jobs into built indexes (see ``agent.library.indexing.local_compute``)."""
    from tqdm import tqdm

    report = ImportReport()

    def error(message: str) -> None:
        report.errors.append(message)
        on_error(message)

    planned = []
    with tqdm(desc="figures", unit="figure", disable=not progress, leave=False) as bar:
        for item in plan(settings, source, prefix=prefix, on_error=error):
            planned.append(item)
            report.written += item.written
            bar.update(1)
    report.figures = [p.figure.id for p in planned]
    todo = [p.figure for p in planned if needs_index(p.figure, settings)]
    eid = embedder_id(settings.embedding)

    def jobs() -> Iterator[IndexJob]:
        for figure in todo:
            try:
                yield make_job(figure, settings, eid)
            except (AgentError, OSError, ValueError) as exc:
                error(f"{figure.id}: {exc}")

    by_id = {p.figure.id: p.figure for p in planned}
    with tqdm(total=len(todo), desc="indexing", unit="figure", disable=not progress) as bar:
        for results in compute(groups(jobs(), group_size)):
            for built in results:
                bar.update(1)
                if isinstance(built, Failed):
                    error(f"{built.figure_id}: {built.message}")
                    continue
                write_built(settings, built)
                report.indexed += 1
                by_id[built.figure_id] = _record(by_id[built.figure_id], built.chronology.facts)
    for fid, figure in by_id.items():  # figures indexed by an earlier, interrupted run
        if not _life_recorded(figure):
            by_id[fid] = _record(figure, _stored_facts(settings, fid))
    return report


def _life_recorded(figure: Figure) -> bool:
    try:
        return bool(read_toml(figure.root / "figure.toml").get(IMPORT_TABLE, {}).get("life_from"))
    except (AgentError, OSError):
        return True


def _stored_facts(settings: Settings, figure_id: str) -> dict:
    try:
        data = json.loads((index_path(settings, figure_id) / "chronology.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.get("facts", {}).items() if isinstance(v, dict)}


def _year(fact) -> int | None:
    lo, hi = (fact.lo, fact.hi) if hasattr(fact, "lo") else ((fact or {}).get("lo"), (fact or {}).get("hi"))
    return lo if lo is not None and lo == hi else None


def _record(figure: Figure, facts: dict) -> Figure:
    """The born and died years the chronology states or derives exactly, into figure.toml."""
    try:
        return record_life(figure, _year(facts.get("born")), _year(facts.get("died")))
    except (AgentError, OSError):
        return load_figure(figure.root)


__all__ = ["import_library"]
