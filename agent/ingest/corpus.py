"""A figure's documents: its team-written ``sources/*.md`` plus the real sources in ``sources.toml``."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pydantic import ValidationError

from agent.errors import CorpusError
from agent.files import read_toml
from agent.ingest.documents import Document, source_files
from agent.ingest.figures import Figure
from agent.ingest.loaders import SourceSpec, load_source
from agent.ingest.loaders.text import load_text

log = logging.getLogger(__name__)
SOURCES_FILE = "sources.toml"


def read_specs(figure: Figure) -> list[SourceSpec]:
    path = figure.root / SOURCES_FILE
    if not path.is_file():
        return []
    data = read_toml(path)
    specs = []
    for i, entry in enumerate(data.get("source", []), start=1):
        try:
            spec = SourceSpec.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise CorpusError(f"{path}: source {i}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        if not spec.path:
            raise CorpusError(f"{path}: source {i} has no path", hint="URLs are fetched by 'agent ingest', which records the stored file's path")
        specs.append(spec)
    return specs


def resolve(figure: Figure, spec: SourceSpec) -> Path:
    """A relative path is looked up in the figure folder, then beside the corpora folder (the repo root)."""
    path = Path(spec.path).expanduser()
    if path.is_absolute():
        return path
    for base in (figure.root, figure.root.parent.parent):
        if (base / path).exists():
            return (base / path).resolve()
    return (figure.root / path).resolve()


def team_documents(sources_dir: Path) -> list[Document]:
    """The figure's ``sources/*.md``: Markdown with front matter, secondary unless it says otherwise."""
    out = []
    for path in source_files(sources_dir):
        raw = path.read_bytes()
        if not raw.strip():
            raise CorpusError(f"{path}: file is empty", hint="remove it or add text")
        out.append(load_text(SourceSpec(path=str(path)), path, raw, doc_id=path.stem, default_kind="secondary"))
    return out


def figure_documents(figure: Figure) -> list[Document]:
    docs: list[Document] = team_documents(figure.sources_dir)
    for spec in read_specs(figure):
        path = resolve(figure, spec)
        if not path.is_file():
            if spec.optional:
                log.warning("%s: optional source %s is absent; skipped", figure.id, spec.path)
                continue
            raise CorpusError(f"{figure.root / SOURCES_FILE}: source file not found: {path}")
        docs.extend(load_source(spec, path))
    if not docs:
        raise CorpusError(f"{figure.root}: no sources", hint="add files to sources/ or entries to sources.toml")
    return docs


def sources_state(figure: Figure) -> dict[str, str]:
    """What the index content depends on: hashes of sources/*, sources.toml and each file it names.

    figure.toml is not part of it: names, voice, cutoff and later_names do not change a chunk."""
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    state: dict[str, str] = {}
    for path in source_files(figure.sources_dir):
        state[f"sources/{path.name}"] = digest(path)
    if (figure.root / SOURCES_FILE).is_file():
        state[SOURCES_FILE] = digest(figure.root / SOURCES_FILE)
        for spec in read_specs(figure):
            path = resolve(figure, spec)
            state[f"source:{spec.path}"] = digest(path) if path.is_file() else "absent"
    return state


__all__ = ["SOURCES_FILE", "figure_documents", "read_specs", "resolve", "sources_state"]
