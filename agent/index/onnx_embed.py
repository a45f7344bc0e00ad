"""A sentence-transformers model run by ONNX Runtime: exported once from the torch model, cached beside it.

Backends (``[embedding] backend``): ``onnx`` runs the exported fp32 graph (the torch vectors to about 1e-6, about as
fast); ``onnx-int8`` runs it with the weights quantised to int8 per channel and the activations per batch
(``quantize_dynamic``): about 2x torch on two AVX2 cores, cosine about 0.995 to it, but the close ranks of a search
often swap (``eval/embed_bench.py``), and a text's vector depends slightly on the batch it is embedded in (the
activation scale is the batch's). Only the export needs torch.

The cache folder (``<models>/<model dir>.onnx``) holds ``tokenizer.json``, ``embedder.json`` (prompts, length,
dimension, the tokenizer's sha256 and the fingerprint of the model it came from) and one ``.onnx`` per backend,
each with a ``.onnx.json`` naming its sha256. A file that does not match, or that ONNX Runtime will not load, is
exported again under a lock; every file is written to a temporary name first and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from agent.errors import EmbedderError
from agent.files import locked, write_text_atomic

log = logging.getLogger(__name__)

# Bump when the export changes what a cached file holds (the files are then made again).
EXPORT_VERSION = 1
# backend -> (file stem, suffix of the embedder id). A change to how a backend's vectors are made must change its
# suffix too, so that indexes built with the old vectors are rebuilt.
VARIANTS = {"onnx": ("model", "+onnx"), "onnx-int8": ("model-int8", "+onnx-int8")}
META = "embedder.json"
TOKENIZER = "tokenizer.json"
_OPSET = 17
_POOLING = ("mean", "cls")
_TORCH_HINT = 'set [embedding] backend = "torch" to run this model through sentence-transformers'


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def source_fingerprint(source: str) -> str:
    """What the cached files were made from: a local model folder's file names, sizes and times, else its name."""
    path = Path(source).expanduser()
    if not path.is_dir():
        return f"name:{source}"
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        st = file.stat()
        h.update(f"{file.relative_to(path).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def cache_dir_for(source: str, models_dir: Path) -> Path:
    """Where the ONNX files of ``source`` live: ``<name>.onnx`` beside a model folder in ``models_dir``, else
    ``models_dir/<name>-<hash>.onnx``."""
    path = Path(source).expanduser()
    key = str(path.resolve()) if path.is_dir() else source
    if path.is_dir() and path.resolve().parent == Path(models_dir).resolve():
        return Path(models_dir) / f"{path.name}.onnx"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key.rstrip("/").rsplit("/", 1)[-1])[:60] or "model"
    return Path(models_dir) / f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:10]}.onnx"


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _file_ok(path: Path, sidecar: Path, fingerprint: str) -> bool:
    """True when ``path`` is the file its sidecar describes, made by this export from this source."""
    want = _read_json(sidecar)
    if want is None or want.get("export_version") != EXPORT_VERSION or want.get("source") != fingerprint:
        return False
    try:
        return path.stat().st_size == want.get("size") and _sha256(path) == want.get("sha256")
    except OSError:
        return False


def _cached(cache: Path, backend: str, fingerprint: str) -> tuple[Path, dict] | None:
    """The checked ONNX file and metadata of ``backend``, or None when anything is missing, stale or damaged."""
    meta = _read_json(cache / META)
    onnx = cache / f"{VARIANTS[backend][0]}.onnx"
    keys = ("prompts", "max_seq_length", "dim", "pad_id", "tokenizer_sha256")
    if (meta is None or meta.get("export_version") != EXPORT_VERSION or meta.get("source") != fingerprint
            or any(k not in meta for k in keys)):  # fmt: skip
        return None
    try:
        if _sha256(cache / TOKENIZER) != meta["tokenizer_sha256"]:
            return None
    except OSError:
        return None
    return (onnx, meta) if _file_ok(onnx, onnx.with_name(onnx.name + ".json"), fingerprint) else None


def ensure_onnx(source: str, cache: Path, backend: str, *, rebuild: bool = False) -> tuple[Path, dict]:
    """The ONNX file of ``backend`` for the sentence-transformers model ``source`` and its metadata, exported (and
    quantised) first unless a checked copy is in ``cache``; ``rebuild`` exports again whatever is there."""
    if backend not in VARIANTS:
        raise ValueError(f"backend must be one of {sorted(VARIANTS)}, not {backend!r}")
    fingerprint = source_fingerprint(source)
    if not rebuild and (found := _cached(cache, backend, fingerprint)):
        return found
    with locked(cache.with_name(cache.name + ".lock"), f"exporting {source} to ONNX"):
        if not rebuild and (found := _cached(cache, backend, fingerprint)):
            return found  # another process made it meanwhile
        if (cache / f"{VARIANTS[backend][0]}.onnx").exists() and not rebuild:
            log.warning("the cached ONNX embedder in %s is damaged or out of date; exporting it again", cache)
        start = time.perf_counter()
        _build(source, cache, backend, fingerprint)
        log.info("exported %s to %s (%s) in %.1f s", source, cache, backend, time.perf_counter() - start)
        if not (found := _cached(cache, backend, fingerprint)):
            raise EmbedderError(f"the ONNX embedder just written to {cache} does not check out",
                                hint=f"remove {cache} and try again, or {_TORCH_HINT}")  # fmt: skip
        return found


def _build(source: str, cache: Path, backend: str, fingerprint: str) -> None:
    """Export (and quantise) under the lock; temporary files are renamed into place, then their sidecars written."""
    cache.mkdir(parents=True, exist_ok=True)
    for leftover in cache.glob(".*.tmp"):  # only the lock holder writes here: these are a killed export's
        leftover.unlink(missing_ok=True)
    log.info("exporting the embedder %s to ONNX (%s) in %s (once, under a minute)", source, backend, cache)
    model = _load_sentence_transformer(source)
    meta, tokenizer_json = _describe(model, source)
    stem = VARIANTS[backend][0]
    fp32_tmp, out_tmp = cache / f".{stem}.fp32.{os.getpid()}.tmp", cache / f".{stem}.onnx.{os.getpid()}.tmp"
    try:
        _export(model, fp32_tmp, pooling=meta.pop("pooling"))
        del model
        if backend == "onnx-int8":
            _quantize(fp32_tmp, out_tmp)
        else:
            os.replace(fp32_tmp, out_tmp)
        write_text_atomic(cache / TOKENIZER, tokenizer_json)
        meta |= {"export_version": EXPORT_VERSION, "source": fingerprint,
                 "tokenizer_sha256": hashlib.sha256(tokenizer_json.encode("utf-8")).hexdigest()}  # fmt: skip
        write_text_atomic(cache / META, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        onnx = cache / f"{stem}.onnx"
        sidecar = {"export_version": EXPORT_VERSION, "source": fingerprint, "backend": backend,
                   "size": out_tmp.stat().st_size, "sha256": _sha256(out_tmp)}  # fmt: skip
        os.replace(out_tmp, onnx)
        write_text_atomic(onnx.with_name(onnx.name + ".json"), json.dumps(sidecar, indent=2) + "\n")
    except OSError as exc:
        raise EmbedderError(f"cannot write the ONNX embedder to {cache}: {exc}") from exc
    finally:
        fp32_tmp.unlink(missing_ok=True)
        out_tmp.unlink(missing_ok=True)


def _load_sentence_transformer(source: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbedderError(f"exporting the embedder to ONNX needs torch and sentence-transformers ({exc})",
                            hint="pip install figure-agent with its dependencies") from None  # fmt: skip
    transformers.logging.disable_progress_bar()
    transformers.logging.set_verbosity_error()
    try:  # eager attention exports to plain ONNX ops, which ONNX Runtime fuses
        return SentenceTransformer(source, device="cpu", model_kwargs={"attn_implementation": "eager"})
    except (OSError, ValueError) as exc:
        raise EmbedderError(
            f"cannot load embedding model {source!r}: {str(exc).splitlines()[0]}",
            hint="give a local sentence-transformers directory or an installed model name",
        ) from None


def _describe(model: Any, source: str) -> tuple[dict, str]:
    """What inference needs besides the graph: prompts, length, dimension, pad id, pooling, the tokenizer. Only a
    transformer, pooling (mean or CLS) and an optional Normalize are supported: the torch path runs the rest."""
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise EmbedderError(f"the ONNX backend runs transformer + pooling models only; {source} has {kinds}",
                            hint=_TORCH_HINT)  # fmt: skip
    mode = modules[1].pooling_mode
    modes = (mode,) if isinstance(mode, str) else tuple(mode)
    if len(modes) != 1 or modes[0] not in _POOLING:
        raise EmbedderError(f"the ONNX backend pools by {' or '.join(_POOLING)} only; {source} pools by {modes}",
                            hint=_TORCH_HINT)  # fmt: skip
    prompts = dict(model.prompts or {})
    if prompts and not getattr(modules[1], "include_prompt", True):
        raise EmbedderError(f"{source} leaves its prompt out of pooling, which the ONNX backend does not do",
                            hint=_TORCH_HINT)  # fmt: skip
    tokenizer = model.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise EmbedderError(f"{source} has no fast (tokenizers) tokenizer, which the ONNX backend needs",
                            hint=_TORCH_HINT)  # fmt: skip
    if any(getattr(modules[0], k, None) for k in ("query_length", "document_length", "query_expansion")):
        raise EmbedderError(f"{source} sets a length per task, which the ONNX backend does not do", hint=_TORCH_HINT)
    max_len = model.max_seq_length or tokenizer.model_max_length
    dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    meta = {"prompts": prompts, "max_seq_length": int(max_len), "dim": int(dim()),
            "pad_id": int(pad_id), "pooling": modes[0]}  # fmt: skip
    return meta, tokenizer.backend_tokenizer.to_str()


def _export(model: Any, path: Path, *, pooling: str) -> None:
    """The transformer and its pooling as one graph: (input_ids, attention_mask) -> pooled, not normalised."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                return hidden[:, 0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    graph = Pooled(list(model)[0].auto_model.float()).eval()
    dummy = torch.ones((2, 8), dtype=torch.long)
    axes = {"batch": 0, "tokens": 1}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            graph, (dummy, dummy), str(path), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=_OPSET, dynamo=False,
            dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                          "attention_mask": {v: k for k, v in axes.items()}, "embedding": {0: "batch"}},
        )  # fmt: skip


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """onnxruntime.quantization logs advice through the root logger, which would also configure it: meanwhile the
    root logger has a handler (no ``basicConfig``) and drops its own records (other loggers' pass)."""
    root = logging.getLogger()
    null = logging.NullHandler()
    root.addHandler(null)
    root.addFilter(_drop)
    try:
        yield
    finally:
        root.removeFilter(_drop)
        root.removeHandler(null)


def _drop(record: logging.LogRecord) -> bool:
    return False


def _quantize(src: Path, dst: Path) -> None:
    """Weights to int8, one scale per output channel (per tensor costs accuracy: cosine 0.985 instead of 0.995)."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise EmbedderError(f"int8 quantisation needs onnx and onnxruntime ({exc})",
                            hint="pip install onnx onnxruntime") from None  # fmt: skip
    with _quiet_root_logger():
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def default_threads() -> int:
    """Threads for one session: ``OMP_NUM_THREADS`` when set (a Ray worker's share), else the usable CPUs."""
    with contextlib.suppress(ValueError):
        if (n := int(os.environ.get("OMP_NUM_THREADS", "0"))) > 0:
            return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class OnnxEmbedder:
    """The ``Embedder`` of a sentence-transformers model run by ONNX Runtime (``backend`` ``onnx`` or ``onnx-int8``).

    Prompts, truncation and pooling are the model's own, as sentence-transformers applies them: the ``query`` and
    ``passage`` prompts (where the model defines them) are put before the text. Texts are sorted by length and
    batched, each batch padded to its longest text. The model is exported on first use (see ``ensure_onnx``).
    """

    def __init__(self, source: str, cache_dir: Path, *, backend: str = "onnx-int8", model_id: str | None = None,
                 batch_size: int = 32, threads: int | None = None) -> None:  # fmt: skip
        if backend not in VARIANTS:
            raise ValueError(f"backend must be one of {sorted(VARIANTS)}, not {backend!r}")
        self._source, self._cache, self._backend = source, Path(cache_dir), backend
        self._id = model_id or source + VARIANTS[backend][1]
        self._batch_size = max(1, batch_size)
        self._threads = threads or default_threads()
        self._session: Any = None
        self._tokenizer: Any = None
        self._meta: dict = {}

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        self._load()
        return int(self._meta["dim"])

    @property
    def prompts(self) -> dict[str, str]:
        self._load()
        return dict(self._meta["prompts"])

    def _load(self) -> None:
        if self._session is not None:
            return
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderError(f"the ONNX embedder needs onnxruntime ({exc})", hint="pip install onnxruntime") from None
        path, meta = ensure_onnx(self._source, self._cache, self._backend)
        try:
            session = self._session_for(ort, path)
        except Exception as exc:  # onnxruntime's errors derive from Exception only; export again, once
            log.warning("ONNX Runtime cannot load %s (%s); exporting it again", path, _first_line(exc))
            path, meta = ensure_onnx(self._source, self._cache, self._backend, rebuild=True)
            try:
                session = self._session_for(ort, path)
            except Exception as again:
                raise EmbedderError(f"ONNX Runtime cannot load {path}: {_first_line(again)}",
                                    hint=_TORCH_HINT) from again  # fmt: skip
        tokenizer = Tokenizer.from_file(str(self._cache / TOKENIZER))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(meta["max_seq_length"]))
        self._tokenizer, self._meta, self._session = tokenizer, meta, session

    def _session_for(self, ort: Any, path: Path) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Threads sleep between operators instead of spinning: each operator here is large, and spinning threads
        # take CPU from the other processes (Ray workers, a chat model) that share these cores (4.2 vs 3.1 chunks/s
        # on two busy cores).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        self._load()
        prompt = self._meta["prompts"].get(prompt_name, "")
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(texts), int(self._meta["dim"])), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            width = max(1, int(lengths[rows].max()))
            ids = np.full((len(rows), width), int(self._meta["pad_id"]), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = encodings[i].ids
                mask[r, : lengths[i]] = 1
            out[rows] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), "passage")

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], "query")[0]


__all__ = ["VARIANTS", "OnnxEmbedder", "cache_dir_for", "default_threads", "ensure_onnx", "source_fingerprint"]
