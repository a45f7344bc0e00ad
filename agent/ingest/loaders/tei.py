"""TEI XML (Perseus and similar): body text by div, chapter numbers kept as locators.

Notes, apparatus, bibliographic and editorial elements are left out.  The
chapter level is the deepest division marked as a chapter (``subtype`` or
``type`` "chapter"), else the first level of numbered divisions.
"""

from __future__ import annotations

import html.entities
import re
from pathlib import Path

from agent.errors import CorpusError
from agent.ingest.documents import Section
from agent.ingest.loaders import SourceSpec, doc_id_for, make_document
from agent.text.script import detect_language

_SKIP = {"note", "app", "rdg", "bibl", "ref", "fw", "pb", "lb", "milestone", "head", "figure", "sic", "del", "orig"}
_EDITORIAL = {"appendix", "introduction", "preface", "commentary", "notes", "argument"}
_DIV = re.compile(r"^div\d?$")
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_TOLERATED = {"ERR_UNDECLARED_ENTITY", "WAR_UNDECLARED_ENTITY"}  # dropped by the recovering parser


def _html_entities_to_numeric(raw: bytes) -> bytes:
    """``&aelig;`` -> ``&#230;``: the recovering parser silently drops entities that no loaded DTD defines,
    turning "C&aelig;sar" into "Csar" and "fortunate&mdash;fortunate" into "fortunatefortunate"."""

    def sub(m: re.Match) -> bytes:
        name = m.group(1).decode("ascii")
        codepoint = None if name in _XML_ENTITIES else html.entities.name2codepoint.get(name)
        return m.group(0) if codepoint is None else f"&#{codepoint};".encode("ascii")

    return _ENTITY.sub(sub, raw)


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _text(el) -> str:
    """The element's text without skipped elements, but keeping the text that follows them (their tails)."""
    parts: list[str] = []

    def walk(node) -> None:
        if _local(node.tag) in _SKIP:
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return " ".join(" ".join(parts).split())


def _is_chapter(el) -> bool:
    return _DIV.match(_local(el.tag)) is not None and "chapter" in (el.get("subtype", "") + el.get("type", "")).lower()


def load_tei(spec: SourceSpec, path: Path, raw: bytes):
    from lxml import etree

    try:
        # "internal": entities the file declares are expanded, external ones (SYSTEM "file:///...") never read.
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities="internal", no_network=True, recover=False,
                                                     huge_tree=True))
    except etree.XMLSyntaxError as exc:
        # Perseus files use HTML entities such as &aelig; and DTDs that cannot be loaded offline: the recovering
        # parser gets past those, but a truncated or mis-nested file is still an error, not half a text.
        parser = etree.XMLParser(resolve_entities="internal", recover=True, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(_html_entities_to_numeric(raw), parser)
        except etree.XMLSyntaxError:
            root = None
        broken = [e for e in parser.error_log if e.level_name == "FATAL" and e.type_name not in _TOLERATED]
        if root is None or broken:
            detail = f"{broken[0].message.strip()}, line {broken[0].line}" if broken else str(exc)
            raise CorpusError(f"{path}: not well-formed XML ({detail})") from None
    body = next((el for el in root.iter() if _local(el.tag) == "body"), None)
    if body is None:
        raise CorpusError(f"{path}: TEI file has no <body>", hint="give a TEI text with a <text><body>")
    # Editorial matter (a translator's appendix or introduction) is not the author's text.
    chapters = [el for el in body.iter() if _is_chapter(el) and el.get("n", "").lower() not in _EDITORIAL]
    if not chapters:
        chapters = [el for el in body if _DIV.match(_local(el.tag)) and el.get("n")]
        nested = [c for c in chapters if any(_DIV.match(_local(g.tag)) and g.get("n") for g in c)]
        if nested and len(chapters) == 1:
            chapters = [g for g in chapters[0] if _DIV.match(_local(g.tag)) and g.get("n")]
    if chapters:
        sections = [Section(i + 1, f"{el.get('n')}", _text(el), el.get("n", "")) for i, el in enumerate(chapters)]
    else:
        sections = [Section(1, "", _text(body), "")]
    if not any(s.text for s in sections):
        raise CorpusError(f"{path}: the TEI body has no text")
    title_el = next((el for el in root.iter() if _local(el.tag) == "title"), None)
    title = spec.title or (" ".join((title_el.text or "").split()) if title_el is not None else path.stem)
    sample = " ".join(s.text for s in sections[:3])[:5000]
    language = spec.language or detect_language(sample)
    return make_document(spec, path, raw, sections, doc_id=doc_id_for(path), title=title, language=language)
