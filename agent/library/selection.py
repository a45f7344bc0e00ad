"""A selection of figures from the catalogue, written on the command line: ``dynasty=宋,book=宋史``, ``id=cbdb-*``,
``search=李`` (comma-separated ``key=value`` filters, all of which a figure must pass), or ``all``."""

from __future__ import annotations

import fnmatch
import hashlib

from agent.config import Settings
from agent.errors import InputError
from agent.library.catalog import Entry, catalogue, search

KEYS = ("dynasty", "book", "search", "id")
_HINT = "write comma-separated key=value filters with keys dynasty, book, search, id (a glob such as cbdb-*), or all"


def parse_selection(spec: str) -> dict[str, str]:
    """``"dynasty=宋,id=cbdb-*"`` -> ``{"dynasty": "宋", "id": "cbdb-*"}``; ``"all"`` -> ``{}``."""
    spec = spec.strip()
    if spec.lower() == "all":
        return {}
    filters: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            raise InputError(f"--figures: {part.strip()!r} is not key=value", hint=_HINT)
        if key not in KEYS:
            raise InputError(f"--figures: unknown key {key!r} in {part.strip()!r}", hint=_HINT)
        if not value:
            raise InputError(f"--figures: {key}= has no value", hint=_HINT)
        if key in filters:
            raise InputError(f"--figures: {key}= is given twice", hint="give each key once; the filters combine with AND")
        filters[key] = value
    if not filters:
        raise InputError("--figures is empty", hint=_HINT)
    return filters


def select_figures(settings: Settings, spec: str) -> list[Entry]:
    """The catalogue's figures that ``spec`` selects, in catalogue order; none is a one-line InputError."""
    filters = parse_selection(spec)
    if filters.keys() & {"search", "dynasty", "book"}:
        found = search(settings, filters.get("search"), dynasty=filters.get("dynasty"), book=filters.get("book"))
    else:
        found = catalogue(settings)
    if "id" in filters:
        pattern = filters["id"].lower()
        found = [e for e in found if fnmatch.fnmatchcase(e.id, pattern)]
    if not found:
        raise InputError(f"--figures {spec!r} selects no figure",
                         hint="see what there is with 'agent figures --search TEXT --dynasty D --book B'")
    return found


def selection_id(figure_id: str, question: str) -> str:
    """The row id of one question put to one figure: the same on every run, so a rerun resumes."""
    return f"{figure_id}:{hashlib.sha1(question.strip().encode('utf-8')).hexdigest()[:8]}"


__all__ = ["KEYS", "parse_selection", "select_figures", "selection_id"]
