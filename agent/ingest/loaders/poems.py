"""chinese-poetry JSON: a list of {author, title, paragraphs}; each poem becomes one document."""

from __future__ import annotations

import json
from pathlib import Path

from agent.errors import CorpusError
from agent.ingest.documents import Document, Section
from agent.ingest.loaders import SourceSpec, doc_id_for, make_document
from agent.ingest.loaders.text import decode
from agent.text.terms import fold


def load_poems(spec: SourceSpec, path: Path, raw: bytes) -> list[Document]:
    try:
        data = json.loads(decode(raw, path))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, list) or not all(isinstance(p, dict) for p in data):
        raise CorpusError(f"{path}: expected a JSON list of poems with author, title and paragraphs")
    wanted = fold(spec.author_filter) if spec.author_filter else None
    docs: list[Document] = []
    for i, poem in enumerate(data):
        paragraphs = poem.get("paragraphs")
        title = poem.get("title") or poem.get("rhythmic")
        if not isinstance(paragraphs, list) or not isinstance(title, str):
            raise CorpusError(f"{path}: poem {i + 1} lacks a title or a list of paragraphs")
        if wanted and fold(str(poem.get("author", ""))) != wanted:
            continue
        text = "\n".join(str(p) for p in paragraphs).strip()
        if not text:
            continue
        cite = spec.cite_as or spec.title or path.stem
        poem_spec = spec.model_copy(update={"cite_as": cite, "author": spec.author or str(poem.get("author", ""))})
        docs.append(
            make_document(
                poem_spec, path, raw, [Section(1, title, text, title)],
                doc_id=doc_id_for(path, f"{i}"), title=title, language=spec.language or "zh",
            )
        )
    if not docs:
        who = f" by {spec.author_filter!r}" if spec.author_filter else ""
        raise CorpusError(f"{path}: no poems{who} found", hint="check --author against the JSON's author field")
    return docs
