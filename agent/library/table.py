"""A table of biographies (TSV or CSV, or none: a bare folder of files): one row per person, read leniently.

A row names the person's file (or its id, the file being ``<id>.txt`` beside the table) and may give the name,
source book, chapter, dynasty and life years. Tables exported from databases often carry unquoted line breaks
inside a field; a physical line with fewer fields than the header continues on the next one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from agent.errors import InputError
from agent.ingest.loaders.text import decode

TABLE_NAMES = ("index.tsv", "index.csv", "figures.tsv", "figures.csv")
SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".xml")
COLUMNS = {  # what a row field means -> the header names that give it (lower case)
    "id": ("id", "cbdb_id", "person_id", "key"),
    "file": ("file", "path", "filename"),
    "name": ("name", "name_list_name", "names", "person"),
    "book": ("book", "source_book"),
    "chapter": ("chapter", "source_chapter", "juan"),
    "dynasty": ("dynasty",),
    "born": ("born", "birth", "birth_year"),
    "died": ("died", "death", "death_year"),
}


@dataclass(frozen=True)
class Row:
    """One person of the table; ``line`` is where the row starts (0 for a file found without a table)."""

    line: int
    key: str
    file: Path
    name: str = ""
    book: str = ""
    chapter: str = ""
    dynasty: str = ""
    born: str = ""
    died: str = ""


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str


def find_table(path: Path) -> Path | None:
    """The table that describes ``path``: the path itself when it is a file, else a known table name inside it."""
    if path.is_file():
        return path
    return next((path / name for name in TABLE_NAMES if (path / name).is_file()), None)


def read_rows(path: Path) -> tuple[list[Row | BadRow], str]:
    """The rows of a folder or table, and the name of the id column (``""`` for a bare folder of files)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", hint="give a folder of biographies or its index.tsv")
    table = find_table(path)
    if table is None:
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                       and not p.name.startswith("."))
        if not files:
            raise InputError(f"{path}: no table ({', '.join(TABLE_NAMES)}) and no source files "
                             f"({', '.join(SOURCE_SUFFIXES)})", hint="give a folder of biographies")
        return [Row(0, p.stem, p, name=p.stem) for p in files], ""
    return _read_table(table)


def _records(text: str, width: int) -> list[tuple[int, list[str]]]:
    """Tab-separated records, a short physical line joined with the lines after it (with a newline inside the
    field it breaks) until the record has ``width`` fields."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if current is None:
            if not line.strip():
                continue
            current, start = line.split("\t"), number
        else:
            more = line.split("\t")
            if len(current) + len(more) - 1 > width:  # the record was short; this line starts the next one
                out.append((start, current))
                current, start = (more, number) if line.strip() else (None, number)
                continue
            current[-1] += "\n" + more[0]
            current += more[1:]
        if current is not None and len(current) >= width:
            out.append((start, current))
            current = None
    if current is not None:
        out.append((start, current))
    return out


def _read_table(table: Path) -> tuple[list[Row | BadRow], str]:
    text = decode(table.read_bytes(), table).replace("\r\n", "\n")
    first = text.split("\n", 1)[0]
    if table.suffix.lower() == ".csv" or ("\t" not in first and "," in first):
        lines = list(csv.reader(io.StringIO(text)))
        header, records = (lines[0] if lines else []), [(n, r) for n, r in enumerate(lines[1:], start=2) if r]
    else:
        header = first.split("\t")
        records = _records(text, len(header))
    names = [h.strip().lower() for h in header]
    where = {key: next((names.index(n) for n in options if n in names), None) for key, options in COLUMNS.items()}
    if where["id"] is None and where["file"] is None:
        raise InputError(f"{table}: line 1: no id or file column (found: {', '.join(header) or 'nothing'})",
                         hint=f"name one column {' or '.join(COLUMNS['id'][:2] + COLUMNS['file'][:1])}")
    id_column = names[where["id"]] if where["id"] is not None else ""
    rows: list[Row | BadRow] = []
    for line, fields in records:
        if len(fields) > len(header):
            rows.append(BadRow(line, f"{table}: line {line}: {len(fields)} fields, the header has {len(header)}"))
            continue

        def get(key: str) -> str:
            i = where[key]
            return fields[i].strip() if i is not None and i < len(fields) else ""

        rows.append(_row(table, line, get))
    return rows, id_column


def _row(table: Path, line: int, get) -> Row | BadRow:
    key, given = get("id"), get("file")
    if not key and not given:
        return BadRow(line, f"{table}: line {line}: no id and no file")
    if given:
        file = (table.parent / given).resolve()
    else:
        candidates = [table.parent / f"{key}{s}" for s in SOURCE_SUFFIXES]
        file = next((p for p in candidates if p.is_file()), candidates[0])
    if not file.is_file():
        return BadRow(line, f"{table}: line {line}: source file not found: {file}")
    return Row(line, key or file.stem, file, name=re.sub(r"\s+", " ", get("name")), book=get("book"),
               chapter=get("chapter"), dynasty=get("dynasty"), born=get("born"), died=get("died"))


__all__ = ["BadRow", "Row", "find_table", "read_rows"]
