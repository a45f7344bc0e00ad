"""The tiny random-weight GGUF loads and runs through the real llama.cpp paths."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

llama_cpp = pytest.importorskip("llama_cpp")
pytest.importorskip("gguf")

from .tiny_gguf import write_tiny_gguf  # noqa: E402

REPLY = "我於天寶元年入長安。"
GRAMMAR = f'root ::= "{REPLY}"'
MESSAGES = [
    {"role": "system", "content": "你是李白，只根據資料回答。"},
    {"role": "user", "content": "你是哪一年來到長安的？"},
]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="module")
def llm(model_path):
    return llama_cpp.Llama(model_path=str(model_path), n_ctx=2048, verbose=False)


def test_writes_small_file_quickly(tmp_path):
    t0 = time.perf_counter()
    path = write_tiny_gguf(tmp_path / "sub" / "m.gguf", seed=1, n_ctx=512)
    assert time.perf_counter() - t0 < 2.0
    assert path == tmp_path / "sub" / "m.gguf"
    assert 100_000 < path.stat().st_size < 2_000_000


def test_same_seed_same_bytes(tmp_path):
    a = write_tiny_gguf(tmp_path / "a.gguf", seed=3).read_bytes()
    b = write_tiny_gguf(tmp_path / "b.gguf", seed=3).read_bytes()
    c = write_tiny_gguf(tmp_path / "c.gguf", seed=4).read_bytes()
    assert a == b
    assert a != c


def test_loads_with_metadata(llm):
    md = llm.metadata
    assert md["general.name"] == "tiny-test"
    assert md["general.architecture"] == "llama"
    assert int(md["llama.context_length"]) == 2048
    assert "tokenizer.chat_template" in md
    # The template in the file is used (Jinja2 formatter), as for real models.
    assert llm.chat_format == "chat_template.default"
    assert llm.n_ctx() == 2048
    assert llm._model.token_get_text(llm.token_eos()) == "<|im_end|>"
    assert llm._model.token_get_text(llm.token_bos()) == "<s>"


def test_tokenize_round_trip(llm):
    text = "天寶元年 742 Li Bai"
    toks = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
    # add_bos is off in the file, so nothing is prepended even when asked.
    assert toks[0] != llm.token_bos()
    assert llm.detokenize(toks).decode("utf-8") == text
    # ChatML markers are single control tokens when special=True.
    marked = llm.tokenize(b"<|im_start|>user\nhi<|im_end|>", add_bos=False, special=True)
    assert marked[0] != marked[-1]
    assert marked[-1] == llm.token_eos()


def test_grammar_forces_exact_chat_reply(llm):
    grammar = llama_cpp.LlamaGrammar.from_string(GRAMMAR)
    out = llm.create_chat_completion(
        messages=MESSAGES, temperature=0, max_tokens=64, grammar=grammar
    )
    choice = out["choices"][0]
    assert choice["message"]["content"] == REPLY
    assert choice["finish_reason"] == "stop"


def test_grammar_forces_exact_streamed_reply(llm):
    grammar = llama_cpp.LlamaGrammar.from_string(GRAMMAR)
    chunks = list(
        llm.create_chat_completion(
            messages=MESSAGES, temperature=0, max_tokens=64, grammar=grammar, stream=True
        )
    )
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == REPLY
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_long_prompt_fits_context(llm):
    passage = (
        "[1] 天寶元年（742），李白應詔入長安，供奉翰林。"
        "Li Bai reached Chang'an in 742 and served in the Hanlin Academy. "
    )
    user = "\n".join(f"{passage}({i})" for i in range(12)) + "\n你是哪一年來到長安的？"
    messages = [MESSAGES[0], {"role": "user", "content": user}]
    n_prompt = len(llm.tokenize(user.encode("utf-8"), add_bos=False, special=False))
    assert 1300 < n_prompt < 1800, n_prompt
    grammar = llama_cpp.LlamaGrammar.from_string(GRAMMAR)
    out = llm.create_chat_completion(
        messages=messages, temperature=0, max_tokens=64, grammar=grammar
    )
    assert out["choices"][0]["message"]["content"] == REPLY
    assert out["usage"]["prompt_tokens"] > 1300


def test_free_generation_with_end_token_suppressed(llm):
    # Without a grammar the random model may end its turn at once; a -100 bias
    # on the end token guarantees the reply runs to max_tokens.
    out = llm.create_chat_completion(
        messages=MESSAGES,
        temperature=0,
        max_tokens=8,
        logit_bias={llm.token_eos(): -100.0},
    )
    # (llama-cpp-python may overshoot max_tokens while it waits for the rest of
    # a multi-byte UTF-8 character, and random byte tokens often start one.)
    assert out["usage"]["completion_tokens"] >= 8
    assert out["choices"][0]["finish_reason"] == "length"


def test_invalid_grammar_is_a_clean_error(tiny_gguf):
    import pytest

    from agent.config import GenerationSettings
    from agent.errors import ModelError
    from agent.generate.llm import ChatModel, Message
    from agent.generate.modelfile import ModelFile

    model = ChatModel(ModelFile(tiny_gguf, "x" * 64), GenerationSettings(n_ctx=512, grammar='root ::= "unclosed'))
    with pytest.raises(ModelError, match="not a valid GBNF"):
        model.generate([Message("user", "hi")], max_tokens=4)


def test_cpu_has_amx_reads_the_flags(tmp_path):
    from agent.generate.llm import cpu_has_amx

    amx, plain = tmp_path / "amx", tmp_path / "plain"
    amx.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f amx_bf16 amx_int8 amx_tile\n")
    plain.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f\n")
    assert cpu_has_amx(str(amx)) and not cpu_has_amx(str(plain)) and not cpu_has_amx(str(tmp_path / "none"))


@pytest.mark.parametrize("repack", ["on", "off", "auto"])
def test_weight_repack_setting_loads_and_answers(tiny_gguf, repack, monkeypatch):
    """'off' loads without llama.cpp's extra weight buffers (its AMX kernel crashes on AMX CPUs); the default
    parameters llama.cpp starts from are the library's own again afterwards."""
    from llama_cpp import llama_cpp as lib

    from agent.config import GenerationSettings
    from agent.generate import llm as llm_module
    from agent.generate.llm import ChatModel, Message
    from agent.generate.modelfile import ModelFile

    seen = []
    original = lib.llama_model_load_from_file

    def spy(path, params):
        seen.append(params.use_extra_bufts)
        return original(path, params)

    monkeypatch.setattr(lib, "llama_model_load_from_file", spy)
    monkeypatch.setattr(llm_module, "cpu_has_amx", lambda: True)  # 'auto' on an AMX CPU means off
    model = ChatModel(ModelFile(tiny_gguf, "x" * 64), GenerationSettings(n_ctx=512, grammar=GRAMMAR, weight_repack=repack))
    assert model.generate([Message("user", "hi")], max_tokens=40).text == REPLY
    assert seen == [repack == "on"]
    assert lib.llama_model_default_params().use_extra_bufts is True
