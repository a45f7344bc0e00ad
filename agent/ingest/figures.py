"""Figures: one folder per figure with ``figure.toml`` and a ``sources/`` folder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.errors import CorpusError, FigureNotFound
from agent.files import read_toml, recover_swaps

FIGURE_FILE = "figure.toml"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_YEAR_RE = re.compile(r"^\s*(?P<circa>c\.|ca\.|circa|~)?\s*(?P<year>-?\d{1,4})\s*(?P<era>BCE|BC|CE|AD)?\s*(?P<q>\?)?\s*$", re.I)


@dataclass(frozen=True)
class LifeYear:
    """A birth or death year with its uncertainty; ``year`` is None when unknown. BC years are negative."""

    year: int | None
    approx: bool = False
    text: str = ""

    @classmethod
    def parse(cls, value: Any, where: str) -> "LifeYear":
        if value is None:
            return cls(None, False, "")
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value, False, str(value))
        if isinstance(value, str):
            if value.strip() in {"", "?", "unknown"}:
                return cls(None, False, value.strip())
            m = _YEAR_RE.match(value)
            if m:
                year = int(m.group("year"))
                if (m.group("era") or "").upper() in {"BC", "BCE"}:
                    year = -year
                return cls(year, bool(m.group("circa") or m.group("q")), value.strip())
        raise CorpusError(f"{where}: cannot read year {value!r}", hint="write e.g. 762, \"c. 701\", \"509 BC\" or \"?\"")


@dataclass(frozen=True)
class Figure:
    id: str
    root: Path
    names: dict[str, str]
    aliases: tuple[str, ...]
    born: LifeYear
    died: LifeYear
    cutoff: int | None
    era: str
    languages: tuple[str, ...]
    default_language: str
    voice: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    later_names: tuple[str, ...] = ()  # people, events, things after the figure's time (the knowledge boundary)
    dynasty: str = ""  # what a library figure records of its source: the dynasty, the book, its date, the chapter
    book: str = ""
    book_year: int | None = None
    chapter: str = ""

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get(self.default_language) or next(iter(self.names.values()))

    def voice_for(self, language: str) -> str:
        return self.voice.get(language) or self.voice.get("en") or ""

    @property
    def display_name(self) -> str:
        parts = [self.names.get(lang) for lang in ("en", "zh") if self.names.get(lang)]
        return " / ".join(dict.fromkeys(parts)) or self.id

    @property
    def life(self) -> str:
        born = self.born.text or "?"
        died = self.died.text or "?"
        return f"{born}–{died}"


def _str_dict(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise CorpusError(f"{where}: expected a table of strings per language")
    return dict(value)


def load_figure(root: Path) -> Figure:
    path = root / FIGURE_FILE
    if not path.is_file():
        raise CorpusError(f"{root}: no {FIGURE_FILE}", hint="each figure folder needs a figure.toml")
    data = read_toml(path)
    fid = data.get("id", root.name)
    if not isinstance(fid, str) or not ID_RE.match(fid):
        raise CorpusError(f"{path}: id {fid!r} must be lower-case letters, digits and hyphens")
    names_raw = data.get("names")
    if not isinstance(names_raw, dict):
        raise CorpusError(f"{path}: missing [names] table", hint='add e.g. [names] en = "Li Bai"')
    aliases = names_raw.get("aliases", [])
    names = {k: v for k, v in names_raw.items() if k != "aliases"}
    if not names or not all(isinstance(v, str) for v in names.values()):
        raise CorpusError(f"{path}: [names] needs at least one name per language, e.g. en = \"Li Bai\"")
    born = LifeYear.parse(data.get("born"), f"{path}: born")
    died = LifeYear.parse(data.get("died"), f"{path}: died")
    cutoff = data.get("cutoff", died.year)
    if cutoff is not None and not isinstance(cutoff, int):
        raise CorpusError(f"{path}: cutoff must be a year (integer)")
    later = data.get("later_names", [])
    if not isinstance(later, list) or not all(isinstance(n, str) and n.strip() for n in later):
        raise CorpusError(f"{path}: later_names must be a list of names, e.g. [\"蘇軾\", \"Augustus\"]")
    book_year = data.get("book_year")
    if book_year is not None and (not isinstance(book_year, int) or isinstance(book_year, bool)):
        raise CorpusError(f"{path}: book_year must be a year (integer)")
    languages = tuple(data.get("languages") or names.keys())
    default_language = data.get("default_language", languages[0])
    return Figure(
        id=fid,
        root=root,
        names=names,
        aliases=tuple(aliases),
        born=born,
        died=died,
        cutoff=cutoff,
        era=str(data.get("era", "")),
        languages=languages,
        default_language=default_language,
        voice=_str_dict(data.get("voice"), f"{path}: [voice]"),
        description=_str_dict(data.get("description"), f"{path}: [description]"),
        later_names=tuple(n.strip() for n in later),
        dynasty=str(data.get("dynasty", "")),
        book=str(data.get("book", "")),
        book_year=book_year,
        chapter=str(data.get("chapter", "")),
    )


def figure_dirs(settings: Settings) -> dict[str, Path]:
    """Figure id -> folder; earlier corpora folders win over later ones."""
    found: dict[str, Path] = {}
    for base in settings.corpora_dirs:
        if not base.is_dir():
            continue
        recover_swaps(base)
        for sub in sorted(base.iterdir()):
            if sub.name.startswith("."):  # a change in progress, or left by a killed one
                continue
            if (sub / FIGURE_FILE).is_file() and sub.name not in found:
                found[sub.name] = sub
    return found


def list_figures(settings: Settings) -> list[Figure]:
    return [load_figure(path) for path in figure_dirs(settings).values()]


def get_figure(settings: Settings, figure_id: str) -> Figure:
    dirs = figure_dirs(settings)
    if figure_id not in dirs:
        ids = sorted(dirs)
        known = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "") if ids else "none"
        raise FigureNotFound(f"unknown figure {figure_id!r}; known figures: {known}", hint="run 'agent figures'")
    return load_figure(dirs[figure_id])


__all__ = ["Figure", "LifeYear", "get_figure", "list_figures", "load_figure"]
