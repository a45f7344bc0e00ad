"""A figure's fixed prompt prefix is evaluated once and kept, in memory and on disk, and an answer is the same token
for token whether its prefix was read afresh, kept in the process or restored by another process."""

from __future__ import annotations

import pytest

from agent.config import GenerationSettings
from agent.generate.prefix import PrefixStore, prefix_key

TOKENS = list(range(100, 164))
STATE = bytes(range(256)) * 40


def _store(folder, runtime="model-a", **kw):
    kw = {"max_bytes": 10 * 1024 * 1024, "memory_items": 2, **kw}
    return PrefixStore(folder, runtime, **kw)


def test_a_saved_prefix_is_found_again_by_a_later_process(tmp_path):
    _store(tmp_path).put(TOKENS, STATE)
    later = _store(tmp_path)
    assert later.get(TOKENS) == STATE
    assert later.hits == {"memory": 0, "disk": 1, "miss": 0}
    assert later.get(TOKENS) == STATE and later.hits["memory"] == 1


def test_another_prefix_model_or_runtime_is_a_miss(tmp_path):
    _store(tmp_path).put(TOKENS, STATE)
    assert _store(tmp_path).get(TOKENS[:-1]) is None
    assert _store(tmp_path).get([*TOKENS[:-1], 7]) is None
    assert _store(tmp_path, runtime="model-b").get(TOKENS) is None
    assert prefix_key(TOKENS, "model-a") != prefix_key(TOKENS, "model-b")


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_file_is_deleted_and_counts_as_a_miss(tmp_path, damage):
    _store(tmp_path).put(TOKENS, STATE)
    (path,) = tmp_path.glob("*.kv")
    data = path.read_bytes()
    path.write_bytes({"truncate": data[:-10], "flip": data[:-1] + bytes([data[-1] ^ 1]),
                      "garbage": b"not a state at all", "empty": b""}[damage])
    store = _store(tmp_path)
    assert store.get(TOKENS) is None
    assert not path.exists()
    assert store.hits["miss"] == 1


def test_the_folder_keeps_under_its_size_cap_dropping_the_least_recently_used(tmp_path):
    store = _store(tmp_path, max_bytes=3 * len(STATE))
    prefixes = [[i, *TOKENS] for i in range(5)]
    for n, prefix in enumerate(prefixes):
        store.put(prefix, STATE)
        path = tmp_path / f"{prefix_key(prefix, 'model-a')}.kv"
        import os
        os.utime(path, (1_000_000 + n, 1_000_000 + n))  # written in order, a second apart
    kept = {p.stem for p in tmp_path.glob("*.kv")}
    assert len(kept) == 2
    assert kept == {prefix_key(p, "model-a") for p in prefixes[-2:]}


def test_memory_keeps_only_the_last_few_and_zero_memory_keeps_none(tmp_path):
    store = _store(None, memory_items=2)
    for i in range(3):
        store.put([i, *TOKENS], STATE)
    assert store.get([0, *TOKENS]) is None and store.get([2, *TOKENS]) == STATE
    none = _store(None, memory_items=0)
    none.put(TOKENS, STATE)
    assert none.get(TOKENS) is None


# -- through llama.cpp, with the tiny random-weight model (no grammar: its output depends on every cached value)

llama_cpp = pytest.importorskip("llama_cpp")

SYSTEM = "你是測詩人，只根據史料回答。" * 3
PASSAGES = "史料：\n" + "\n".join(f"[{n}] (測詩集) 測詩人於天寶{n}年作詩一首，題曰第{n}。" for n in range(1, 6))


def _messages(question: str):
    from agent.generate.llm import Message

    user = f"{PASSAGES}\n\n問題：{question}"
    return [Message("system", SYSTEM, fixed=len(SYSTEM)), Message("user", user, fixed=len(PASSAGES) + 1)]


def _model(tiny_gguf, cache_dir, **settings):
    from agent.generate.llm import ChatModel
    from agent.generate.modelfile import ModelFile

    return ChatModel(ModelFile(tiny_gguf, "x" * 64), GenerationSettings(n_ctx=1024, max_tokens=12, **settings),
                     cache_dir=cache_dir)


def test_an_answer_is_the_same_whether_its_prefix_was_computed_kept_or_restored(tiny_gguf, tmp_path):
    cold = _model(tiny_gguf, None, prefix_cache=False)
    first = cold.generate(_messages("你何時作詩？")).text
    second = cold.generate(_messages("你的家乡是哪里？")).text

    writer = _model(tiny_gguf, tmp_path)
    assert writer.warm(_messages("任何問題")) == "computed"
    assert list(tmp_path.glob("*.kv"))
    reader = _model(tiny_gguf, tmp_path)  # another process: a new model, the same folder
    assert reader.generate(_messages("你何時作詩？")).text == first
    assert reader.prefixes.hits["disk"] == 1
    assert reader.generate(_messages("你的家乡是哪里？")).text == second  # kept in the process: no second lookup
    assert reader.prefixes.hits == {"memory": 0, "disk": 1, "miss": 0}


def test_questions_of_different_lengths_and_scripts_share_one_prefix(tiny_gguf, tmp_path):
    model = _model(tiny_gguf, tmp_path)
    for question in ("你何時作詩？", "你的家乡是哪里？", "何年？", "Where were you born?"):
        model.generate(_messages(question))
    assert len(list(tmp_path.glob("*.kv"))) == 1
    assert model.prefixes.hits["miss"] == 1


def test_a_prompt_with_no_fixed_part_saves_nothing(tiny_gguf, tmp_path):
    from agent.generate.llm import Message

    model = _model(tiny_gguf, tmp_path)
    model.generate([Message("system", SYSTEM), Message("user", "你何時作詩？")])
    assert model.warm([Message("system", SYSTEM), Message("user", "你何時作詩？")]) == "none"
    assert not list(tmp_path.glob("*.kv"))
