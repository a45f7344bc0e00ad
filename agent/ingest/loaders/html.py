"""HTML with BeautifulSoup: boilerplate dropped, headings kept as section locators.

Scripts, styles, navigation and the Project Gutenberg header and licence are
removed.  ``section`` takes one heading's part of a book that holds many (one Life
out of Plutarch); paragraphs that open with a chapter numeral ("XII.") become
chapter locators ("Plutarch, Poplicola 12").
"""

from __future__ import annotations

import re
from pathlib import Path

from agent.errors import CorpusError
from agent.ingest.documents import Section, SectionBuilder
from agent.ingest.loaders import SourceSpec, doc_id_for, make_document
from agent.ingest.loaders.text import decode
from agent.text.script import detect_language

HEADINGS = ["h1", "h2", "h3", "h4"]
# Elements that hold a block of text: a string belongs to the nearest one around it, so text in a div or a table
# cell is kept as well as text in a paragraph, and nested blocks are not read twice.
BLOCKS = frozenset({"p", "blockquote", "li", "pre", "div", "td", "th", "dd", "dt", "section", "article", "main",
                    "figcaption", "caption", "address", "center", "aside", "body"})
# Blocks read as paragraphs (a Roman numeral opening one starts a chapter).
_PARAGRAPHS = frozenset({"p", "div", "td", "th", "dd", "section", "article", "main", "center", "body"})
_DROP = ["script", "style", "nav", "header", "footer", "noscript", "form", "iframe", "svg"]
_ROMAN = re.compile(r"^\s*([IVXLC]{1,7})\.\s+")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def roman_to_int(numeral: str) -> int:
    total = 0
    for a, b in zip(numeral, numeral[1:] + " "):
        value = _ROMAN_VALUES[a]
        total += -value if b != " " and _ROMAN_VALUES.get(b, 0) > value else value
    return total


def _norm(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text).strip().lower()


def _clean(soup) -> None:
    for tag in soup(_DROP):
        tag.decompose()
    for tag in soup.select('[id^="pg-header"], [id^="pg-footer"], .pg-boilerplate, [role="navigation"]'):
        tag.decompose()
    for tag in soup.find_all(["a", "sup", "span"]):
        href = tag.get("href", "") if tag.name == "a" else ""
        if "footnote" in href.lower() or "fnote" in href.lower():
            tag.decompose()


def _own_text(el) -> str:
    """The text of block ``el`` that no block inside it holds."""
    from bs4 import Comment, NavigableString

    parts = []
    for node in el.descendants:
        if not isinstance(node, NavigableString) or isinstance(node, Comment):
            continue
        holder = node.parent
        while holder is not None and holder is not el and holder.name not in BLOCKS and holder.name not in HEADINGS:
            holder = holder.parent
        if holder is el:
            parts.append(str(node))
    return " ".join(" ".join(parts).split())


def _block(el):
    """(kind, text) of a heading or a block with text of its own, else None."""
    if el.name in HEADINGS:
        return "heading", " ".join(el.get_text(" ").split())
    if el.name in BLOCKS:
        text = _own_text(el)
        if text:
            return ("p" if el.name in _PARAGRAPHS else el.name), text
    return None


def _blocks_after(heading, level: int):
    """Block texts after ``heading`` until the next heading of the same or a higher level."""
    stop = set(HEADINGS[: level + 1])
    for el in heading.find_all_next():
        if el.name in stop:
            return
        if (block := _block(el)) is not None:
            yield block


def _chaptered(blocks) -> list[Section]:
    """Group paragraphs into chapters when they open with Roman numerals, else one section per sub-heading."""
    builder = SectionBuilder("\n\n")
    for kind, text in blocks:
        m = _ROMAN.match(text) if kind == "p" else None
        if kind == "heading":
            builder.start(text, text.rstrip("."))
        elif m:
            builder.start(builder.heading, str(roman_to_int(m.group(1))))
            builder.add(text[m.end():])
        else:
            builder.add(text)
    return builder.finish()


def _find_section(soup, wanted: str, path: Path):
    headings = [h for h in soup.find_all(HEADINGS) if h.get_text(strip=True)]
    key = _norm(wanted)
    exact = [h for h in headings if _norm(h.get_text(" ")) == key]
    ending = [h for h in headings if _norm(h.get_text(" ")).endswith(key)]
    containing = [h for h in headings if key in _norm(h.get_text(" "))]
    for group in (exact, ending, containing):
        if group:
            return min(group, key=lambda h: len(h.get_text(" ")))
    found = "; ".join(dict.fromkeys(" ".join(h.get_text(" ").split()) for h in headings[:60]))
    raise CorpusError(f"{path}: no heading matches --section {wanted!r}; headings found: {found}")


def _body_text_blocks(soup) -> list[tuple[str, str]]:
    body = soup.body or soup
    return [block for el in [body, *body.find_all(True)] if (block := _block(el)) is not None]


def load_html(spec: SourceSpec, path: Path, raw: bytes):
    from bs4 import BeautifulSoup

    html = _decode_html(raw, path)
    soup = BeautifulSoup(html, "lxml")
    title = spec.title or (soup.title.get_text(" ", strip=True) if soup.title else path.stem)
    _clean(soup)
    _drop_gutenberg_preamble(soup)
    if spec.section:
        heading = _find_section(soup, spec.section, path)
        level = HEADINGS.index(heading.name)
        sections = _chaptered(_blocks_after(heading, level))
        section_title = " ".join(heading.get_text(" ").split()).rstrip(".")
        title = spec.title or section_title
    else:
        sections = _chaptered(_body_text_blocks(soup))
    if not any(s.text.strip() for s in sections):
        raise CorpusError(f"{path}: the HTML has no body text", hint="check the file or the --section heading")
    text_sample = " ".join(s.text for s in sections[:5])
    language = spec.language or detect_language(text_sample)
    return make_document(spec, path, raw, sections, doc_id=doc_id_for(path, spec.section or ""), title=title,
                         language=language)


def _decode_html(raw: bytes, path: Path) -> str:
    """As for text, with the charset the page declares before detection (older Project Gutenberg HTML is
    ISO-8859-1 and says so in its <meta>)."""
    m = _CHARSET.search(raw[:4096])
    return decode(raw, path, declared=m.group(1).decode("ascii") if m else None)


def _drop_gutenberg_preamble(soup) -> None:
    """Older Gutenberg HTML has the licence as plain paragraphs before a START marker and after END."""
    _drop_from_marker(soup, "START", lambda node: node.find_all_previous)
    _drop_from_marker(soup, "END", lambda node: node.find_all_next)


def _drop_from_marker(soup, which: str, direction) -> None:
    """Remove the first '*** <which> OF THE PROJECT GUTENBERG' marker and every block on the far side of it."""
    pattern = re.compile(rf"\*\*\*\s*{which} OF (THE|THIS) PROJECT GUTENBERG", re.I)
    marker = soup.find(string=pattern)
    if marker is None:
        return
    node = marker.find_parent(["p", "pre", "div", "span"]) or marker.parent
    for block in list(direction(node)(["p", "pre", "h1", "h2", "h3", "h4"])):
        block.decompose()
    node.decompose()
