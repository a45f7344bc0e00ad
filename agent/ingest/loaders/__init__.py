"""Loaders for real sources: plain text and Markdown, HTML, TEI XML, chinese-poetry JSON, URLs.

A source is described by a ``SourceSpec`` (one ``[[source]]`` entry of a figure's
``sources.toml``, or the options of ``agent figure add`` / ``agent ingest``) and
becomes one or more ``Document`` objects with metadata and located sections.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import CorpusError
from agent.ingest.documents import KINDS, Document, Section

FORMATS = ("text", "html", "tei", "poems-json")
_SUFFIX_FORMAT = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "tei", ".tei": "tei",
    ".json": "poems-json",
}


class SourceSpec(BaseModel):
    """Where a source is and how to cite it."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(None, description="File path: absolute, or relative to the figure folder or the repo root.")
    url: str | None = Field(None, description="http(s) URL, fetched once and stored with its retrieval date.")
    format: str | None = Field(None, description="text | html | tei | poems-json; default from the suffix.")
    title: str | None = None
    cite_as: str | None = None
    author: str = ""
    date_written: str = ""
    kind: str = "primary"
    licence: str = ""
    origin: str = ""
    language: str | None = None
    section: str | None = Field(None, description="html: keep only the section under this heading.")
    author_filter: str | None = Field(None, description="poems-json: keep only this author's poems.")
    optional: bool = Field(False, description="Skip quietly when the file is absent.")
    retrieved: str = ""
    final_url: str = ""


def guess_format(path: Path) -> str:
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt is None:
        raise CorpusError(f"{path}: cannot tell the format from the suffix", hint=f"give a format: {', '.join(FORMATS)}")
    return fmt


def make_document(spec: SourceSpec, path: Path, raw: bytes, sections: list[Section], *, doc_id: str, title: str,
                  language: str) -> Document:
    if spec.kind not in KINDS:
        raise CorpusError(f"{path}: kind {spec.kind!r} is not one of {', '.join(KINDS)}")
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise CorpusError(f"{path}: no text found", hint="check the file, its format and --section")
    return Document(
        doc_id=doc_id,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        author=spec.author,
        date_written=spec.date_written,
        kind=spec.kind,
        licence=spec.licence,
        origin=spec.origin,
        language=language,
        cite_as=spec.cite_as or "",
        sections=tuple(Section(i + 1, s.heading, s.text, s.label) for i, s in enumerate(sections)),
        url=spec.final_url or spec.url or "",
        retrieved=spec.retrieved,
    )


def load_source(spec: SourceSpec, path: Path) -> list[Document]:
    """Read the file at ``path`` as described by ``spec``."""
    if not path.is_file():
        raise CorpusError(f"source file not found: {path}")
    raw = path.read_bytes()
    if not raw.strip():
        raise CorpusError(f"{path}: file is empty", hint="remove it or give a file with text")
    from agent.ingest.loaders.text import utf16_without_bom

    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16_without_bom(raw) is None:
        raise CorpusError(f"{path}: looks like a binary file, not text", hint=f"give one of: {', '.join(FORMATS)}")
    fmt = spec.format or guess_format(path)
    if fmt == "text":
        from agent.ingest.loaders.text import load_text

        return [load_text(spec, path, raw)]
    if fmt == "html":
        from agent.ingest.loaders.html import load_html

        return [load_html(spec, path, raw)]
    if fmt == "tei":
        from agent.ingest.loaders.tei import load_tei

        return [load_tei(spec, path, raw)]
    if fmt == "poems-json":
        from agent.ingest.loaders.poems import load_poems

        return load_poems(spec, path, raw)
    raise CorpusError(f"{path}: unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")


def doc_id_for(path: Path, extra: str = "") -> str:
    """A stable, readable document id: the file stem plus a short hash of the path and selector."""
    digest = hashlib.sha1(f"{path.name}|{extra}".encode()).hexdigest()[:6]
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in path.stem)[:40]
    return f"{stem}-{digest}"


__all__ = ["FORMATS", "SourceSpec", "doc_id_for", "guess_format", "load_source", "make_document"]
