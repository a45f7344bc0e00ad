"""Creating figures and adding sources: ``agent figure add`` and ``agent ingest``.

Everything is validated before anything is written: sources are fetched and
loaded in a temporary folder first, so bad input leaves the figure, its
sources and its index untouched.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from agent.config import IngestSettings, Settings
from agent.errors import CorpusError, InputError
from agent.files import locked, recover_swaps, swap_dir, toml_text, write_text_atomic
from agent.generate.prompts import DEFAULT_VOICE
from agent.ingest.corpus import SOURCES_FILE, figure_documents
from agent.ingest.figures import FIGURE_FILE, ID_RE, Figure, LifeYear, figure_dirs, load_figure
from agent.ingest.loaders import SourceSpec, guess_format, load_source

FILES_DIR = "files"
_CONTENT_SUFFIX = {"text/html": ".html", "application/xhtml+xml": ".html", "application/xml": ".xml",
                   "text/xml": ".xml", "application/json": ".json", "text/plain": ".txt", "text/markdown": ".md"}


# A figure id names a folder and an index folder; longer ones break file-name limits with the suffixes added.
MAX_ID_CHARS = 64


# Bytes read at a time from a URL, between checks of the download's time and size.
DOWNLOAD_BLOCK = 64 * 1024


def check_id(figure_id: str) -> str:
    if len(figure_id or "") > MAX_ID_CHARS:
        raise InputError(f"figure id {figure_id[:20]!r}… is {len(figure_id)} characters long; the limit is {MAX_ID_CHARS}",
                         hint="choose a short id, e.g. wang-wei")
    if not ID_RE.match(figure_id or ""):
        raise InputError(
            f"figure id {figure_id!r} is not allowed",
            hint="use lower-case letters, digits and hyphens, e.g. wang-wei (no spaces or slashes)",
        )
    return figure_id


def fetch_url(url: str, dest_dir: Path, limits: IngestSettings | None = None,
              timeout: float = 20.0) -> tuple[Path, str, str]:
    """Fetch once, within ``limits`` (the whole download's time and size, not only each read's); return (stored
    file, final URL, retrieval date)."""
    limits = limits or IngestSettings()
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs can be fetched")
    cap = int(limits.max_source_mb * 1024 * 1024)
    deadline = time.monotonic() + limits.download_timeout_s
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (scheme checked above)
            parts, size = [], 0
            while block := resp.read1(DOWNLOAD_BLOCK):  # what has come, so a trickle still meets the deadline
                parts.append(block)
                size += len(block)
                if size > cap:
                    raise InputError(f"{url}: more than {limits.max_source_mb:g} MB",
                                     hint="raise ingest.max_source_mb in the config to accept it")
                if time.monotonic() > deadline:
                    raise CorpusError(f"cannot fetch {url}: the download took more than {limits.download_timeout_s:g} s",
                                      hint="try again later, or raise ingest.download_timeout_s")
            body = b"".join(parts)
            final_url = resp.geturl()
            ctype = resp.headers.get_content_type()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CorpusError(f"cannot fetch {url}: {reason}", hint="check the address and the network") from None
    except (ValueError, http.client.InvalidURL) as exc:  # a space or a control character in the address
        raise InputError(f"{url!r} is not a valid URL ({exc})", hint="quote spaces as %20") from None
    except http.client.HTTPException as exc:  # a malformed response
        raise CorpusError(f"cannot fetch {url}: {exc!r}", hint="check the address") from None
    name = Path(urllib.parse.urlparse(final_url).path).name or "page"
    name = re.sub(r"[^\w.-]", "_", name)[:80]
    if Path(name).suffix.lower() not in (".html", ".htm", ".xml", ".json", ".txt", ".md"):
        name += _CONTENT_SUFFIX.get(ctype, ".html")
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / name
    path.write_bytes(body)
    return path, final_url, dt.date.today().isoformat()


def check_size(name: str, size: int, settings: Settings) -> None:
    """Refuse a source over ``ingest.max_source_mb``, saying how long indexing it would take."""
    limits = settings.ingest
    if size <= limits.max_source_mb * 1024 * 1024:
        return
    # about two bytes of text per approximate token (UTF-8 CJK is three bytes a token, English four a token)
    minutes = size / 2 / settings.chunking.chunk_size / limits.index_chunks_per_s / 60
    raise InputError(f"{name} is {size / 1024 / 1024:.0f} MB; the limit is {limits.max_source_mb:g} MB (indexing it "
                     f"would take about {minutes:.0f} minutes here)",
                     hint="raise ingest.max_source_mb in the config to accept it, or split the file")


def _stage_sources(sources: list[str], options: SourceSpec, stage: Path,
                   settings: Settings) -> list[tuple[SourceSpec, Path]]:
    """Copy or fetch each source into ``stage/files`` (within the size limit) and load it once to validate it."""
    files = stage / FILES_DIR
    files.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[SourceSpec, Path]] = []
    for source in sources:
        extra: dict = {}
        if re.match(r"^[a-z]+://", source):
            path, final_url, retrieved = fetch_url(source, files, settings.ingest)
            extra = {"url": source, "final_url": final_url, "retrieved": retrieved}
        else:
            src = Path(source).expanduser()
            if not src.is_file():
                raise InputError(f"source file not found: {src}")
            check_size(str(src), src.stat().st_size, settings)
            path = files / src.name
            if path.exists():
                path = files / f"{src.stem}-{len(staged) + 1}{src.suffix}"
            shutil.copyfile(src, path)
        spec = options.model_copy(update={
            "path": f"{FILES_DIR}/{path.name}",
            "format": options.format or guess_format(path),
            "origin": options.origin or extra.get("url") or f"file supplied by the user: {source}",
            **{k: v for k, v in extra.items() if k != "url"},
        })
        try:
            load_source(spec, path)
        except CorpusError as exc:  # name the user's file or URL, not the staging copy
            raise CorpusError(exc.message.replace(str(path), source), hint=exc.hint) from None
        staged.append((spec, path))
    return staged


def _spec_toml(spec: SourceSpec) -> str:
    return toml_text({"source": [spec.model_dump(exclude_defaults=True)]})


def _figure_toml(figure_id: str, names: dict[str, str], born: str | None, died: str | None, era: str,
                 languages: list[str]) -> str:
    life = {}
    for key, label, value in (("born", "--born", born), ("died", "--died", died)):
        if value is not None:
            year = int(value) if value.lstrip("-").isdigit() else value
            LifeYear.parse(year, label)
            life[key] = year
    return toml_text({"id": figure_id, **life, "era": era, "languages": languages, "default_language": languages[0],
                      "names": names, "voice": {lang: DEFAULT_VOICE[lang] for lang in ("zh", "en")}})


def figure_lock(settings: Settings, figure_id: str) -> Path:
    """The lock that commands changing one figure's folder take, so that a second one waits for the first."""
    return settings.user_figures_dir / f".{figure_id}.lock"


def add_figure(settings: Settings, figure_id: str, *, names: dict[str, str], sources: list[str],
               options: SourceSpec, born: str | None = None, died: str | None = None, era: str = "",
               force: bool = False) -> Figure:
    """Create a figure under ``$AGENT_HOME/figures`` from source files or URLs."""
    check_id(figure_id)
    with locked(figure_lock(settings, figure_id), f"changing figure {figure_id}"):
        return _add_figure(settings, figure_id, names=names, sources=sources, options=options, born=born, died=died,
                           era=era, force=force)


def _add_figure(settings: Settings, figure_id: str, *, names: dict[str, str], sources: list[str],
                options: SourceSpec, born: str | None, died: str | None, era: str, force: bool) -> Figure:
    if not names:
        raise InputError("a figure needs a name", hint="give --name (and --name-zh for a Chinese name)")
    if not sources:
        raise InputError("give at least one source file or URL")
    existing = figure_dirs(settings).get(figure_id)
    if existing and not force:
        raise InputError(f"figure {figure_id!r} already exists at {existing}", hint="use --force to replace it")
    target = settings.user_figures_dir / figure_id
    if existing and existing.resolve() != target.resolve():
        raise InputError(f"figure {figure_id!r} is defined at {existing}, outside {settings.user_figures_dir}",
                         hint="choose another id")
    stage = settings.user_figures_dir / f".{figure_id}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        staged = _stage_sources(sources, options, stage, settings)
        languages = list(dict.fromkeys(
            load_source(spec, path)[0].language for spec, path in staged))
        for lang in ("zh", "en"):
            if lang not in languages and lang in names:
                languages.append(lang)
        (stage / FIGURE_FILE).write_text(_figure_toml(figure_id, names, born, died, era, languages), encoding="utf-8")
        (stage / SOURCES_FILE).write_text("\n".join(_spec_toml(spec) for spec, _ in staged), encoding="utf-8")
        figure_documents(load_figure(stage))
        swap_dir(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return load_figure(target)


def ingest(settings: Settings, figure_id: str, sources: list[str], options: SourceSpec) -> Figure:
    """Add sources to an existing figure; its folder changes only after every source has loaded."""
    dirs = figure_dirs(settings)
    if figure_id not in dirs:
        raise InputError(f"unknown figure {figure_id!r}; known figures: {', '.join(sorted(dirs)) or 'none'}",
                         hint="create it with 'agent figure add'")
    with locked(figure_lock(settings, figure_id), f"changing figure {figure_id}"):
        return _ingest(dirs[figure_id], sources, options, settings)


def _ingest(root: Path, sources: list[str], options: SourceSpec, settings: Settings) -> Figure:
    if not sources:
        raise InputError("give at least one source file or URL")
    recover_swaps(root)
    stage = root / f".ingest.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        staged = _stage_sources(sources, options, stage, settings)
        sources_path = root / SOURCES_FILE
        old = sources_path.read_text(encoding="utf-8") if sources_path.is_file() else ""
        if old:
            tomllib.loads(old)
        (root / FILES_DIR).mkdir(exist_ok=True)
        new_specs = []
        for spec, path in staged:
            dest = root / FILES_DIR / path.name
            n = 1
            while dest.exists():
                n += 1
                dest = root / FILES_DIR / f"{path.stem}-{n}{path.suffix}"
            os.replace(path, dest)
            new_specs.append(spec.model_copy(update={"path": f"{FILES_DIR}/{dest.name}"}))
        text = old.rstrip("\n") + ("\n\n" if old.strip() else "") + "\n".join(_spec_toml(s) for s in new_specs)
        write_text_atomic(sources_path, text)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return load_figure(root)


__all__ = ["add_figure", "check_id", "fetch_url", "ingest"]
