"""Plain text and Markdown in any common encoding (UTF-8, UTF-16, GB18030/GBK, Big5)."""

from __future__ import annotations

import re
from pathlib import Path

from ..documents import Section, SectionBuilder
from ..errors import CorpusError
from ..textutil import detect_language
from . import SourceSpec, doc_id_for, make_document

_PG_START = re.compile(r"^\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_PG_END = re.compile(r"^\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_MD_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FRONT_MATTER = re.compile(r"\A\+\+\+\n(?:.*?\n)?\+\+\+\n", re.S)
_SIGNATURE = re.compile(r"^(?:A\.|ABRAHAM)\s+LINCOLN\.?$")
_ZH_PUNCT = set("，。、；：？！「」『』（）《》“”")


def decode(raw: bytes, path: Path) -> str:
    """Decode bytes, detecting the encoding; a file that decodes as nothing sensible is named in the error."""
    bom = "UTF-8" if raw.startswith(b"\xef\xbb\xbf") else None
    bom = "UTF-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else bom
    if bom:
        skip = 3 if bom == "UTF-8" else 0
        try:
            return raw[skip:].decode("utf-8" if bom == "UTF-8" else "utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: starts with a {bom} byte-order mark but is not valid {bom} "
                              f"({exc.reason} at byte {exc.start + skip})", hint="save the file as UTF-8") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding, text))
    if candidates:
        score, _, text = max(candidates)
        if score > 0.5:
            return text
    raise CorpusError(
        f"{path}: cannot decode the text (tried UTF-8, UTF-16, GB18030, Big5)",
        hint="save the file as UTF-8",
    )


def _plausibility(text: str) -> float:
    """How much a decoded text looks like real Chinese: Chinese punctuation and CJK characters
    among the non-ASCII characters. Big5 bytes read as GB18030 (or the reverse) decode to stray
    symbols and lose their punctuation."""
    chars = [c for c in text if ord(c) > 127 and not c.isspace()]
    if not chars:
        return 1.0
    cjk = sum(1 for c in chars if _CJK.match(c))
    punct = sum(1 for c in chars if c in _ZH_PUNCT)
    return min(1.0, cjk / len(chars) * (0.5 + 5 * punct / len(chars)))


def strip_gutenberg(text: str) -> str:
    start = _PG_START.search(text)
    if start:
        text = text[start.end():]
    end = _PG_END.search(text)
    if end:
        text = text[: end.start()]
    return text


def _sections(text: str) -> list[Section]:
    builder = SectionBuilder()
    for line in text.split("\n"):
        m = _MD_HEADING.match(line)
        if m:
            builder.start(m.group(1), m.group(1))
        else:
            builder.add(line)
    return builder.finish()


def _is_caps_heading(paragraph: str) -> bool:
    line = paragraph.strip()
    letters = [c for c in line if c.isalpha()]
    return "\n" not in line and 3 <= len(line) <= 100 and len(letters) >= 3 and all(c.isupper() for c in letters)


def _caps_sections(text: str) -> list[Section]:
    """English plain text whose items open with ALL-CAPS title lines (collected papers, Gutenberg books).
    Consecutive title lines (a title, then its date line) make one heading."""
    builder = SectionBuilder("\n\n")
    heading_parts: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if not para.strip():
            continue
        if _is_caps_heading(para):
            if _SIGNATURE.match(para.strip()):
                continue
            if builder.buf:
                heading_parts = []
            heading_parts.append(para.strip().rstrip("."))
            heading = ", ".join(heading_parts)
            builder.start(heading, heading)
        else:
            heading_parts = []
            builder.add(" ".join(para.split()))
    return builder.finish()


def load_text(spec: SourceSpec, path: Path, raw: bytes):
    text = decode(raw, path).replace("\r\n", "\n")
    if not text.strip():
        raise CorpusError(f"{path}: file is empty", hint="remove it or give a file with text")
    text = _FRONT_MATTER.sub("", strip_gutenberg(text), count=1)
    if not text.strip():
        raise CorpusError(f"{path}: no text after removing the Project Gutenberg header and licence")
    language = spec.language or detect_language(text[:5000])
    sections = _sections(text)
    if len(sections) == 1 and language == "en":
        caps = _caps_sections(text)
        sections = caps if len(caps) > 1 else sections
    if len(sections) == 1:
        sections = [Section(1, "", sections[0].text, "")]
    return make_document(spec, path, raw, sections, doc_id=doc_id_for(path), title=spec.title or path.stem,
                         language=language)
