"""Plain text and Markdown in any common encoding (UTF-8, UTF-16, GB18030/GBK, Big5)."""

from __future__ import annotations

import re
from pathlib import Path

from agent.errors import CorpusError
from agent.ingest.documents import Document, Section, SectionBuilder, split_front_matter
from agent.ingest.loaders import SourceSpec, doc_id_for, make_document
from agent.text.script import detect_language

_PG_START = re.compile(r"^\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_PG_END = re.compile(r"^\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_MD_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*$")
# The encodings a source without a byte-order mark may be in, besides UTF-8: Chinese (GB18030 covers GBK and
# GB2312; Big5), Western European (older Project Gutenberg files are Latin-1 or its Windows superset), Cyrillic,
# Japanese, Korean. Detection among fewer candidates is surer on short files.
DETECTED_ENCODINGS = ("gb18030", "big5", "cp1252", "latin_1", "cp1251", "koi8_r", "shift_jis", "euc_jp", "euc_kr",
                      "utf_16", "utf_32")
_NUMBERED_HEADING = re.compile(r"^\d+[.、]\s*")
_SIGNATURE = re.compile(r"^(?:A\.|ABRAHAM)\s+LINCOLN\.?$")


# The share of a UTF-16 reading that must be ordinary text (letters, digits, CJK, punctuation, spaces) to be taken.
UTF16_TEXT_SHARE = 0.97


def utf16_without_bom(raw: bytes) -> str | None:
    """The text of a UTF-16 file saved without a byte-order mark (little- or big-endian), when it has the NUL
    bytes that UTF-16 gives every ASCII character (a line break, a digit) and one of the two readings is almost all
    ordinary text; else None. (Without NULs, ASCII read as UTF-16 looks like CJK: such a file is not guessed.)"""
    if len(raw) < 4 or len(raw) % 2 or b"\x00" not in raw:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if sum(1 for c in text if _ordinary(c)) >= UTF16_TEXT_SHARE * len(text) and any(c.isalnum() for c in text):
            return text
    return None


def _ordinary(c: str) -> bool:
    """A character of ordinary text in the languages here: Latin (with accents), CJK and its punctuation, spaces
    (random bytes read as UTF-16 land anywhere in the 65,536 code points and fail this)."""
    o = ord(c)
    return (o < 0x250 and (c.isprintable() or c.isspace())) or 0x2000 <= o < 0x2070 or 0x3000 <= o < 0x3040 or \
        0x3400 <= o < 0xA000 or 0xFF00 <= o < 0xFFF0


def decode(raw: bytes, path: Path, declared: str | None = None) -> str:
    """Decode bytes: a byte-order mark or valid UTF-8 first, then the charset the file declares (an HTML
    ``<meta charset>``) when Python knows it, else the encoding of ``DETECTED_ENCODINGS`` that ``charset-normalizer``
    finds most plausible; a file that decodes as nothing sensible is named in the error."""
    bom = "UTF-8" if raw.startswith(b"\xef\xbb\xbf") else None
    bom = "UTF-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else bom
    if bom:
        skip = 3 if bom == "UTF-8" else 0
        try:
            return raw[skip:].decode("utf-8" if bom == "UTF-8" else "utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: starts with a {bom} byte-order mark but is not valid {bom} "
                              f"({exc.reason} at byte {exc.start + skip})", hint="save the file as UTF-8") from None
    if b"\x00" in raw[:4096] and (text := utf16_without_bom(raw)) is not None:  # NULs are valid UTF-8 too
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(DETECTED_ENCODINGS)).best()
    if best is None:
        raise CorpusError(f"{path}: cannot decode the text (not UTF-8, and no other encoding reads it)",
                          hint="save the file as UTF-8")
    return str(best)


def strip_gutenberg(text: str) -> str:
    start = _PG_START.search(text)
    if start:
        text = text[start.end():]
    end = _PG_END.search(text)
    if end:
        text = text[: end.start()]
    return text


def markdown_sections(text: str) -> list[Section]:
    """``#``, ``##`` and ``###`` headings open sections. A heading that opens with its number ("## 3. Exile") is
    located by that number (§3); any other heading is the section's label ("靜夜思")."""
    builder = SectionBuilder()
    for line in text.split("\n"):
        m = _MD_HEADING.match(line)
        if m:
            heading = m.group(1)
            numbered = _NUMBERED_HEADING.match(heading)
            builder.start(heading[numbered.end():] if numbered else heading, "" if numbered else heading)
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


def load_text(spec: SourceSpec, path: Path, raw: bytes, *, doc_id: str | None = None,
              default_kind: str | None = None) -> Document:
    """Plain text or Markdown. TOML front matter between ``+++`` lines fills what ``spec`` leaves unset (title,
    author, date_written, kind, licence, origin, language, cite_as); ``default_kind`` is the kind when neither
    gives one. A Project Gutenberg header and licence are cut."""
    text = decode(raw, path).replace("\r\n", "\n")
    if not text.strip():
        raise CorpusError(f"{path}: file is empty", hint="remove it or give a file with text")
    meta, text = split_front_matter(strip_gutenberg(text), path)
    fill = {k: v for k, v in meta.items() if k not in spec.model_fields_set}
    if default_kind and "kind" not in meta and "kind" not in spec.model_fields_set:
        fill["kind"] = default_kind
    spec = spec.model_copy(update={k: str(v) for k, v in fill.items()})
    if not text.strip():
        raise CorpusError(f"{path}: no text after the front matter or the Project Gutenberg header and licence")
    language = spec.language or detect_language(text[:5000])
    sections = markdown_sections(text)
    if len(sections) == 1 and language == "en":
        caps = _caps_sections(text)
        sections = caps if len(caps) > 1 else sections
    if len(sections) == 1:
        sections = [Section(1, "", sections[0].text, "")]
    return make_document(spec, path, raw, sections, doc_id=doc_id or doc_id_for(path), title=spec.title or path.stem,
                         language=language)


__all__ = ["DETECTED_ENCODINGS", "decode", "load_text", "markdown_sections", "strip_gutenberg"]
