"""``agent library import``: a folder or table of biographies becomes figures, indexed, in one run.

One process, the embedder loaded once, figures indexed in groups (their passages embedded together, shortest
first, so little is padding). Each figure's folder and index are swapped into place whole, so a killed run
leaves every figure either done or untouched, and the same command again goes on where it stopped: a figure
whose source is unchanged is not written again, an index that is up to date is not rebuilt. A bad row or file
is reported in one line and the run goes on.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from agent.config import Settings
from agent.dates.dynasties import DYNASTY_EN, dynasty_of_text
from agent.errors import AgentError, InputError
from agent.files import read_toml, swap_dir, toml_text, write_text_atomic
from agent.generate.prompts import DEFAULT_VOICE
from agent.index.chronology import courtesy_aliases
from agent.ingest.figures import FIGURE_FILE, Figure, LifeYear, figure_dirs, load_figure
from agent.library.books import book_facts, book_name
from agent.library.table import BadRow, Row, read_rows
from agent.text.script import detect_language

FILES_DIR = "files"
IMPORT_TABLE = "import"  # figure.toml's table of what the import read: the row's key and the source's hash
GROUP_FIGURES = 16  # figures whose passages are embedded together
_OPENING_NAME = re.compile(r"^(?:(?:從子|从子|子|弟|兄|孫|孙|姪|侄)(?=[\u4e00-\u9fff]{2,3}[，,。；\s字]))?"
                           r"([\u4e00-\u9fff]{1,4}?)(?:[，,。；\s]|字)")


@dataclass
class Planned:
    """A row turned into a figure folder (written or found up to date)."""

    row: Row
    figure: Figure
    written: bool


@dataclass
class ImportReport:
    figures: list[str] = field(default_factory=list)  # every figure the source describes, in order
    written: int = 0  # figure folders created or replaced
    indexed: int = 0  # indexes built
    errors: list[str] = field(default_factory=list)  # one line per bad row, file or figure


def opening_name(text: str) -> str:
    """The name a biography opens with (張浚，字德遠 → 張浚; a relative's appended life, 子友仁字元暉 → 友仁)."""
    m = _OPENING_NAME.match(text.lstrip())
    return m.group(1) if m else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def id_prefix(source: Path, id_column: str) -> str:
    """Ids are ``PREFIX-KEY``; the prefix is the id column's name without ``_id`` (cbdb_id → cbdb), else the
    folder's name."""
    if id_column.endswith("_id") and _slug(id_column[:-3]):
        return _slug(id_column[:-3])
    folder = source if source.is_dir() else source.parent
    return _slug(folder.name)[:24].strip("-") or "fig"


def figure_id(prefix: str, key: str) -> str:
    slug = _slug(key)[:40].strip("-") or hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{prefix}-{slug}"


def _figure_data(fid: str, row: Row, text: str, digest: str) -> dict:
    language = detect_language(text[:2000])
    name = row.name or opening_name(text) or row.key
    aliases = [a for a in courtesy_aliases(name, text) if a != name] if language == "zh" else []
    book = book_name(row.book)
    dynasty, compilers, year = book_facts(book)
    dynasty = row.dynasty or dynasty or (dynasty_of_text(text) if language == "zh" else "")
    data: dict = {"id": fid}
    for key, value in (("born", row.born), ("died", row.died)):
        if value:
            LifeYear.parse(int(value) if value.lstrip("-").isdigit() else value, f"line {row.line}: {key}")
            data[key] = int(value) if value.lstrip("-").isdigit() else value
    era = f"{dynasty} {DYNASTY_EN[dynasty]} dynasty" if dynasty in DYNASTY_EN else dynasty
    data.update({"era": era, "dynasty": dynasty, "book": book, "book_year": year, "chapter": row.chapter,
                 "languages": [language], "default_language": language,
                 "names": {language: name, **({"aliases": aliases} if aliases else {})},
                 "voice": {language: DEFAULT_VOICE[language]},
                 IMPORT_TABLE: {"key": row.key, "source": row.file.name, "sha256": digest,
                                "life_from": "table" if row.born or row.died else ""}})
    source = {"path": f"{FILES_DIR}/{row.file.name}", "format": "html" if row.file.suffix in (".html", ".htm") else
              "tei" if row.file.suffix == ".xml" else "text",
              "title": f"{book}·{name}傳" if book and language == "zh" else (f"{book}: {name}" if book else name),
              "kind": "primary", "language": language,
              **({"author": compilers} if compilers else {}), **({"date_written": str(year)} if year else {})}
    source["cite_as"] = source["title"]
    return {"figure": data, "source": source}


def _up_to_date(root: Path, digest: str) -> bool:
    try:
        return read_toml(root / FIGURE_FILE).get(IMPORT_TABLE, {}).get("sha256") == digest
    except (AgentError, OSError, AttributeError):
        return False


def plan_figure(settings: Settings, fid: str, row: Row, existing: Path | None) -> Planned:
    """The figure folder for ``row``: left as it is when it holds the same source, else written whole."""
    raw = row.file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    target = settings.user_figures_dir / fid
    if existing is not None and existing.resolve() != target.resolve():
        raise InputError(f"line {row.line}: figure {fid!r} already exists at {existing}, outside "
                         f"{settings.user_figures_dir}", hint="give --prefix to import under other ids")
    if existing is not None and _up_to_date(existing, digest):
        return Planned(row, load_figure(existing), False)
    from agent.ingest.loaders.text import decode

    text = decode(raw, row.file)
    if not text.strip():
        raise InputError(f"{row.file}: empty source file")
    parts = _figure_data(fid, row, text, digest)
    stage = settings.user_figures_dir / f".{fid}.tmp-{_pid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        (stage / FILES_DIR).mkdir(parents=True)
        shutil.copyfile(row.file, stage / FILES_DIR / row.file.name)
        (stage / FIGURE_FILE).write_text(toml_text(parts["figure"]), encoding="utf-8")
        (stage / "sources.toml").write_text(toml_text({"source": [parts["source"]]}), encoding="utf-8")
        load_figure(stage)
        swap_dir(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return Planned(row, load_figure(target), True)


def _pid() -> int:
    import os

    return os.getpid()


def record_life(figure: Figure, born: int | None, died: int | None) -> Figure:
    """Write the life window the figure's chronology found into its figure.toml (never over years the table
    gave); the death year also becomes its knowledge cutoff."""
    path = figure.root / FIGURE_FILE
    data = read_toml(path)
    if data.get(IMPORT_TABLE, {}).get("life_from") == "table" or (born is None and died is None):
        return figure
    changed = False
    for key, year in (("born", born), ("died", died)):
        if year is not None and data.get(key) != year:
            data[key], changed = year, True
    if not changed:
        return figure
    data.setdefault(IMPORT_TABLE, {})["life_from"] = "chronology"
    write_text_atomic(path, toml_text(data))
    return load_figure(figure.root)


def plan(settings: Settings, source: Path, *, prefix: str | None = None,
         on_error: Callable[[str], None] = lambda _: None) -> Iterator[Planned]:
    """Each good row of ``source`` as a figure folder, in order; bad rows and files go to ``on_error``."""
    rows, id_column = read_rows(source)
    prefix = _slug(prefix) if prefix else id_prefix(Path(source), id_column)
    if not prefix:
        raise InputError(f"--prefix {prefix!r} has no letters or digits", hint="give e.g. --prefix song")
    existing = figure_dirs(settings)
    settings.user_figures_dir.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    for row in rows:
        if isinstance(row, BadRow):
            on_error(row.message)
            continue
        fid = figure_id(prefix, row.key)
        if fid in seen:
            on_error(f"{source}: line {row.line}: id {row.key!r} repeats line {seen[fid]}; skipped")
            continue
        seen[fid] = row.line
        try:
            yield plan_figure(settings, fid, row, existing.get(fid))
        except (AgentError, OSError, UnicodeError, ValueError) as exc:
            on_error(f"{row.file}: {exc}" if str(row.file) not in str(exc) else str(exc))


def groups(items: Iterable[Planned], size: int = GROUP_FIGURES) -> Iterator[list[Planned]]:
    batch: list[Planned] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["ImportReport", "Planned", "figure_id", "groups", "id_prefix", "opening_name", "plan", "plan_figure",
           "record_life"]
