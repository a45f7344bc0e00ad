"""Write a tiny random-weight llama-architecture GGUF for fast, real llama.cpp tests.

The model is nonsense (random weights), but it is a genuine GGUF that
``llama_cpp.Llama`` loads in milliseconds, so tests can drive the real
tokenizer, chat template, sampling, grammar and streaming paths. Use a GBNF
grammar to force a known reply.

Its size: two transformer blocks of width 64 (MLP width 128), four attention heads of
size 16 sharing two KV heads, float32 weights drawn from N(0, 0.02). Vocabulary of the SentencePiece
("llama") kind: control tokens ``<unk> <s> </s> <|im_start|> <|im_end|>``, the
256 byte tokens ``<0x00>``..``<0xFF>`` (so any UTF-8 text, Chinese included,
round-trips by byte fallback) and a few normal pieces. eos = ``<|im_end|>``;
no BOS and no space prefix are added; a ChatML template is stored in
``tokenizer.chat_template``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

N_LAYER = 2
N_EMBD = 64
N_FF = 128
N_HEAD = 4
N_HEAD_KV = 2
HEAD_DIM = N_EMBD // N_HEAD
RMS_EPS = 1e-5
ROPE_FREQ_BASE = 10000.0
WEIGHT_STD = 0.02

# ChatML, as Qwen-style instruct models store it. It is deliberately not
# byte-identical to llama_cpp's built-in CHATML_CHAT_TEMPLATE, so that
# llama_cpp.Llama picks "chat_template.default" (the Jinja2 formatter over the
# template in the file) just as it does for real models, rather than its
# hard-coded "chatml" formatter.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

CONTROL_TOKENS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
UNK_ID, BOS_ID, EOS_TEXT_ID, IM_START_ID, IM_END_ID = range(len(CONTROL_TOKENS))

# A few normal SentencePiece pieces ("▁" stands for a space). The SPM
# tokenizer in llama.cpp only builds a multi-character piece by merging two
# pieces that are themselves in the vocabulary, hence "t", "h", "th" before
# "the".
NORMAL_PIECES = [
    "\u2581", "a", "e", "i", "o", "t", "h", "n", "s", "r", "l",
    "th", "he", "the", "\u2581the", "\u2581a", "in", "an", "er",
]


def _vocab() -> tuple[list[str], list[float], list[int]]:
    from gguf import TokenType

    tokens: list[str] = []
    scores: list[float] = []
    types: list[int] = []
    for text in CONTROL_TOKENS:
        tokens.append(text)
        scores.append(0.0)
        types.append(TokenType.UNKNOWN if text == "<unk>" else TokenType.CONTROL)
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        scores.append(0.0)
        types.append(TokenType.BYTE)
    for i, piece in enumerate(NORMAL_PIECES):
        tokens.append(piece)
        # SPM merges prefer higher scores; longer pieces first.
        scores.append(float(len(piece)) - i * 1e-3)
        types.append(TokenType.NORMAL)
    return tokens, scores, [int(t) for t in types]


def write_tiny_gguf(path: Path, *, seed: int = 0, n_ctx: int = 2048) -> Path:
    """Write the tiny model to ``path`` (parents created) and return the path."""
    import gguf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab()
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(str(path), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.LLAMA])
    w.add_name("tiny-test")
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_context_length(n_ctx)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_layer_norm_rms_eps(RMS_EPS)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(ROPE_FREQ_BASE)
    w.add_vocab_size(n_vocab)

    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(UNK_ID)
    w.add_bos_token_id(BOS_ID)
    w.add_eos_token_id(IM_END_ID)
    w.add_eot_token_id(IM_END_ID)
    w.add_add_bos_token(False)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    w.add_chat_template(CHAT_TEMPLATE)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * WEIGHT_STD).astype(np.float32)

    ones = np.ones(N_EMBD, dtype=np.float32)
    # numpy shape is (rows, cols) = ggml's ne reversed: (out_features, in_features).
    w.add_tensor("token_embd.weight", rand(n_vocab, N_EMBD))
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", ones.copy())
        w.add_tensor(p + "attn_q.weight", rand(N_HEAD * HEAD_DIM, N_EMBD))
        w.add_tensor(p + "attn_k.weight", rand(N_HEAD_KV * HEAD_DIM, N_EMBD))
        w.add_tensor(p + "attn_v.weight", rand(N_HEAD_KV * HEAD_DIM, N_EMBD))
        w.add_tensor(p + "attn_output.weight", rand(N_EMBD, N_HEAD * HEAD_DIM))
        w.add_tensor(p + "ffn_norm.weight", ones.copy())
        w.add_tensor(p + "ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_up.weight", rand(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_down.weight", rand(N_EMBD, N_FF))
    w.add_tensor("output_norm.weight", ones.copy())
    w.add_tensor("output.weight", rand(n_vocab, N_EMBD))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
