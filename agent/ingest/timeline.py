"""A figure's dated events (``timeline.toml``): the guard's last place to look for a date's support."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from agent.errors import CorpusError
from agent.files import read_toml
from agent.ingest.figures import Figure

TIMELINE_FILE = "timeline.toml"


@dataclass(frozen=True)
class TimelineEvent:
    """One event. ``year`` is None when no source dates it; BC years are negative."""

    year: int | None
    year_text: str = ""
    approx: bool = False
    text: dict[str, str] = field(default_factory=dict)
    refs: tuple[str, ...] = ()

    def describe(self, lang: str) -> str:
        return self.text.get(lang) or next(iter(self.text.values()), "")

    @property
    def all_text(self) -> str:
        return " ".join(self.text.values())


def load_timeline(figure: Figure) -> list[TimelineEvent]:
    """The figure's events in file order; a missing file is an empty timeline."""
    path = figure.root / TIMELINE_FILE
    if not path.is_file():
        return []
    return list(_load(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _load(path: Path, _mtime: int) -> tuple[TimelineEvent, ...]:
    data = read_toml(path)
    events = []
    for i, raw in enumerate(data.get("event", []), start=1):
        if not isinstance(raw, dict):
            raise CorpusError(f"{path}: event {i} is not a table")
        year = raw.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise CorpusError(f"{path}: event {i}: year {year!r} must be an integer (BC negative) or left out")
        text = {lang: raw[lang] for lang in ("zh", "en") if isinstance(raw.get(lang), str)}
        if not text:
            raise CorpusError(f"{path}: event {i} has neither zh nor en text")
        refs = raw.get("refs", [])
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise CorpusError(f"{path}: event {i}: refs must be a list of strings")
        events.append(TimelineEvent(year, str(raw.get("year_text", "")), bool(raw.get("approx", False)), text, tuple(refs)))
    return tuple(events)


__all__ = ["TIMELINE_FILE", "TimelineEvent", "load_timeline"]
