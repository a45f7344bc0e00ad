"""The catalogue: every figure's id, names, dynasty, book and life, kept in one cached file so that listing and
finding among thousands of figures reads one file and stats each figure.toml, instead of parsing them all.

An entry is re-read only when its figure.toml changed (size or modification time); the cache is a plain JSON
file under ``$AGENT_HOME/cache``, replaced atomically, and rebuilt when unreadable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from agent.config import Settings
from agent.errors import AgentError, FigureNotFound
from agent.files import write_text_atomic
from agent.ingest.figures import FIGURE_FILE, Figure, figure_dirs, get_figure, load_figure
from agent.text.script import to_simplified

CATALOG_VERSION = 1


@dataclass(frozen=True)
class Entry:
    id: str
    names: tuple[str, ...]  # every name and alias
    display_name: str
    life: str
    dynasty: str
    book: str
    book_year: int | None
    root: str

    @classmethod
    def of(cls, figure: Figure) -> "Entry":
        names = tuple(dict.fromkeys([*figure.names.values(), *figure.aliases]))
        return cls(figure.id, names, figure.display_name, figure.life, figure.dynasty or figure.era, figure.book,
                   figure.book_year, str(figure.root))


def _cache_path(settings: Settings) -> Path:
    return settings.home / "cache" / "catalog.json"


def _stamp(path: Path) -> list[int]:
    st = (path / FIGURE_FILE).stat()
    return [st.st_mtime_ns, st.st_size]


def catalogue(settings: Settings) -> list[Entry]:
    """Every figure, in the order ``agent figures`` lists them; a figure whose figure.toml is broken is left out
    here (``load_agent`` names the problem)."""
    path = _cache_path(settings)
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        rows = cached["figures"] if cached.get("version") == CATALOG_VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        rows = {}
    out: list[Entry] = []
    fresh: dict[str, dict] = {}
    changed = False
    for fid, root in figure_dirs(settings).items():
        try:
            stamp = _stamp(root)
        except OSError:
            continue
        row = rows.get(str(root)) if isinstance(rows, dict) else None
        if isinstance(row, dict) and row.get("stamp") == stamp:
            try:
                entry = Entry(**{**row["entry"], "names": tuple(row["entry"]["names"])})
            except (TypeError, KeyError):
                entry = None
        else:
            entry = None
        if entry is None:
            changed = True
            try:
                entry = Entry.of(load_figure(root))
            except AgentError:
                continue
        fresh[str(root)] = {"stamp": stamp, "entry": asdict(entry)}
        out.append(entry)
    if changed or len(fresh) != len(rows):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, json.dumps({"version": CATALOG_VERSION, "figures": fresh}, ensure_ascii=False))
        except OSError:
            pass  # a read-only home: the listing is still right, only slower next time
    return out


def _fold(text: str) -> str:
    return to_simplified(text).casefold()


def search(settings: Settings, text: str | None = None, *, dynasty: str | None = None,
           book: str | None = None) -> list[Entry]:
    """Figures whose id or a name contains ``text``, of ``dynasty`` and from ``book`` (each a substring, in either
    Chinese script, any case)."""
    def has(value: str, part: str | None) -> bool:
        return part is None or _fold(part) in _fold(value)

    return [e for e in catalogue(settings)
            if (text is None or any(has(v, text) for v in (e.id, *e.names)))
            and has(e.dynasty, dynasty) and has(e.book, book)]


def resolve(settings: Settings, id_or_name: str) -> str:
    """The figure id that ``id_or_name`` means: an id, or a name or alias that exactly one figure has (in
    either Chinese script)."""
    dirs = figure_dirs(settings)
    if id_or_name in dirs:
        return id_or_name
    wanted = _fold(id_or_name.strip())
    matches = [e for e in catalogue(settings) if any(_fold(n) == wanted for n in e.names)]
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        listed = ", ".join(f"{e.id} ({e.display_name}, {e.book or e.dynasty or e.life})" for e in matches[:8])
        raise FigureNotFound(f"{id_or_name!r} names {len(matches)} figures: {listed}", hint="give the figure's id")
    near = [e.id for e in search(settings, id_or_name.strip())][:8] if id_or_name.strip() else []
    if near:
        raise FigureNotFound(f"unknown figure {id_or_name!r}; figures whose names contain it: {', '.join(near)}",
                             hint="run 'agent figures --search NAME'")
    return get_figure(settings, id_or_name).id  # raises, naming the known figures


def resolver(settings: Settings) -> Callable[[str], str]:
    """``resolve`` for many values (a batch file naming thousands of figures): the folders and the catalogue are
    read once; a value that is no id and no name of exactly one figure goes to ``resolve``, which names why."""
    dirs = figure_dirs(settings)
    by_name: dict[str, set[str]] = {}
    for entry in catalogue(settings):
        for name in entry.names:
            by_name.setdefault(_fold(name), set()).add(entry.id)

    def one(id_or_name: str) -> str:
        if id_or_name in dirs:
            return id_or_name
        ids = by_name.get(_fold(id_or_name.strip()), set())
        return next(iter(ids)) if len(ids) == 1 else resolve(settings, id_or_name)

    return one


__all__ = ["Entry", "catalogue", "resolve", "resolver", "search"]
