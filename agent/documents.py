"""Source documents of a figure, with their metadata and sections.

A source file is Markdown or plain text, optionally opening with TOML front
matter between two ``+++`` lines (title, author, date_written, kind, licence,
origin, language, cite_as).  ``## `` headings start sections, which become
locators ("team biography §3").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError
from .textutil import detect_language

KINDS = ("primary", "secondary", "team-written")
TEXT_SUFFIXES = (".md", ".txt", ".markdown")
_HEADING_RE = re.compile(r"^(#{1,3})\s+(.*?)\s*$")
_FRONT_KEYS = {"title", "author", "date_written", "kind", "licence", "origin", "language", "cite_as"}


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


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "+++":
            try:
                meta = tomllib.loads("\n".join(lines[1:end]))
            except tomllib.TOMLDecodeError as exc:
                raise CorpusError(f"{path}: front matter is not valid TOML: {exc}") from None
            unknown = set(meta) - _FRONT_KEYS
            if unknown:
                raise CorpusError(
                    f"{path}: unknown front-matter keys {sorted(unknown)}",
                    hint=f"allowed: {', '.join(sorted(_FRONT_KEYS))}",
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


def _sections(body: str) -> tuple[Section, ...]:
    builder = SectionBuilder()
    for line in body.split("\n"):
        m = _HEADING_RE.match(line)
        if m:
            builder.start(re.sub(r"^\d+[.、]\s*", "", m.group(2)))
        else:
            builder.add(line)
    return tuple(builder.finish())


def load_text_document(path: Path) -> Document:
    raw = path.read_bytes()
    if not raw.strip():
        raise CorpusError(f"{path}: file is empty", hint="remove it or add text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from None
    text = text.replace("\r\n", "\n")
    meta, body = _split_front_matter(text, path)
    kind = meta.get("kind", "secondary")
    if kind not in KINDS:
        raise CorpusError(f"{path}: kind {kind!r} is not one of {', '.join(KINDS)}")
    sections = _sections(body)
    if not sections:
        raise CorpusError(f"{path}: no text after the front matter")
    return Document(
        doc_id=path.stem,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=str(meta.get("title", path.stem)),
        author=str(meta.get("author", "")),
        date_written=str(meta.get("date_written", "")),
        kind=kind,
        licence=str(meta.get("licence", "")),
        origin=str(meta.get("origin", "")),
        language=str(meta.get("language") or detect_language(body)),
        cite_as=str(meta.get("cite_as", "")),
        sections=sections,
    )


def source_files(sources_dir: Path) -> list[Path]:
    if not sources_dir.is_dir():
        return []
    return sorted(p for p in sources_dir.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


def load_documents(sources_dir: Path) -> list[Document]:
    files = source_files(sources_dir)
    if not files:
        raise CorpusError(f"{sources_dir}: no source documents (.md or .txt)", hint="add at least one source file")
    return [load_text_document(p) for p in files]


__all__ = ["Document", "KINDS", "Section", "SectionBuilder", "load_documents", "load_text_document", "source_files"]
