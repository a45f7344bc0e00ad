"""Source documents of a figure, with their metadata and sections.

A source file is Markdown or plain text, optionally opening with TOML front
matter between two ``+++`` lines (title, author, date_written, kind, licence,
origin, language, cite_as).  ``## `` headings start sections, which become
locators ("team biography §3").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from agent.errors import CorpusError

KINDS = ("primary", "secondary", "team-written")
TEXT_SUFFIXES = (".md", ".txt", ".markdown")
FRONT_MATTER_KEYS = {"title", "author", "date_written", "kind", "licence", "origin", "language", "cite_as"}


@dataclass(frozen=True)
class Section:
    """A part of a document. ``label`` is a scholar's locator within the work (a chapter number such as
    "81", a heading such as "靜夜思"); without one, the locator is "§number"."""

    number: int
    heading: str
    text: str
    label: str = ""


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: Path
    sha256: str
    title: str
    author: str = ""
    date_written: str = ""
    kind: str = "secondary"
    licence: str = ""
    origin: str = ""
    language: str = "en"
    cite_as: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    url: str = ""
    retrieved: str = ""

    @property
    def citation_name(self) -> str:
        return self.cite_as or self.title

    def locator(self, section: Section) -> str:
        """How a citation names this section: "Suetonius, Divus Julius 81", "全唐詩·靜夜思", "team biography §3"."""
        name = self.citation_name
        if section.label:
            if section.label.isdigit():
                return f"{name} {section.label}"
            sep = "·" if any("\u4e00" <= c <= "\u9fff" for c in name) else ", "
            return f"{name}{sep}{section.label}"
        return f"{name} §{section.number}" if len(self.sections) > 1 else name


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """The TOML front matter between two ``+++`` lines at the top of ``text`` (its keys checked), and the rest."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "+++":
            try:
                meta = tomllib.loads("\n".join(lines[1:end]))
            except tomllib.TOMLDecodeError as exc:
                raise CorpusError(f"{path}: front matter is not valid TOML: {exc}") from None
            unknown = set(meta) - FRONT_MATTER_KEYS
            if unknown:
                raise CorpusError(
                    f"{path}: unknown front-matter keys {sorted(unknown)}",
                    hint=f"allowed: {', '.join(sorted(FRONT_MATTER_KEYS))}",
                )
            return meta, "\n".join(lines[end + 1 :])
    raise CorpusError(f"{path}: front matter opened with +++ is never closed", hint="add a closing +++ line")


class SectionBuilder:
    """Collects text blocks into sections; ``start`` closes the current section and opens the next."""

    def __init__(self, joiner: str = "\n") -> None:
        self.joiner = joiner
        self.sections: list[Section] = []
        self.heading, self.label = "", ""
        self.buf: list[str] = []

    def start(self, heading: str, label: str = "") -> None:
        self.flush()
        self.heading, self.label = heading, label

    def add(self, text: str) -> None:
        self.buf.append(text)

    def flush(self) -> None:
        text = self.joiner.join(self.buf).strip()
        if text:
            self.sections.append(Section(len(self.sections) + 1, self.heading, text, self.label))
        self.buf = []

    def finish(self) -> list[Section]:
        self.flush()
        return self.sections


def source_files(sources_dir: Path) -> list[Path]:
    if not sources_dir.is_dir():
        return []
    return sorted(p for p in sources_dir.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


__all__ = ["Document", "FRONT_MATTER_KEYS", "KINDS", "Section", "SectionBuilder", "source_files", "split_front_matter"]
