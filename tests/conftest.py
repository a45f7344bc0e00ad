"""Shared fixtures: a temporary agent home, a small team-written test figure, fakes, a tiny GGUF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.config import Settings, load_settings

from .fakes import HashEmbedder, ScriptedChatModel

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]

# A small figure written for the tests (not a copy of any source).
TEST_FIGURE_TOML = """
id = "test-poet"
born = "c. 701"
died = 762
era = "a test dynasty"
languages = ["zh", "en"]
default_language = "zh"

[names]
zh = "測詩人"
en = "Test Poet"
aliases = ["Poet T"]

[voice]
zh = "說話直率。"
en = "Speaks plainly."
"""

TEST_SOURCE_ZH = """+++
title = "測詩人小傳"
author = "test suite"
kind = "team-written"
language = "zh"
cite_as = "測試小傳"
+++
## 1. 出身
測詩人生於七〇一年，幼年在蜀中讀書。十歲能誦詩書。

## 2. 長安
天寶初年（天寶元年即742年），測詩人南遊會稽，後來入長安，得見皇帝。皇帝命他供奉翰林。

## 3. 晚年
晚年流放夜郎，遇赦而還。他卒於762年，葬於青山。
"""

TEST_SOURCE_EN = """+++
title = "Test Poet: a life"
author = "test suite"
kind = "team-written"
language = "en"
+++
## 1. Birth
The test poet was born in 701 in Shu and read the classics as a boy.

## 2. The capital
Early in the Tianbao era (its first year is 742) he travelled south to Kuaiji and then reached Chang'an, where the emperor received him.

## 3. Last years
He was exiled to Yelang, pardoned on the way, and died in 762. He was buried at Green Mountain.
"""


def write_test_figure(corpora: Path) -> Path:
    root = corpora / "test-poet"
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "figure.toml").write_text(TEST_FIGURE_TOML, encoding="utf-8")
    (root / "sources" / "bio-zh.md").write_text(TEST_SOURCE_ZH, encoding="utf-8")
    (root / "sources" / "bio-en.md").write_text(TEST_SOURCE_EN, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _agent_home(request, tmp_path_factory, monkeypatch):
    """Every fast test gets an empty temporary AGENT_HOME; slow tests keep the real one (model cache)."""
    if request.node.get_closest_marker("slow") is None:
        home = tmp_path_factory.mktemp("home")
        monkeypatch.setenv("AGENT_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("AGENT_DEBUG", raising=False)
    yield


@pytest.fixture
def corpora(tmp_path) -> Path:
    path = tmp_path / "corpora"
    write_test_figure(path)
    return path


@pytest.fixture
def settings(tmp_path, corpora) -> Settings:
    return load_settings(
        overrides={
            "corpora_dirs": [str(corpora)],
            "index_dir": str(tmp_path / "indexes"),
            "embedding": {"model": "test-hash-embedder"},
            # the guard's tests number passages as retrieval ranks them; whole-source context has its own tests
            "retrieval": {"whole_source_tokens": 0},
        }
    )


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def scripted() -> ScriptedChatModel:
    return ScriptedChatModel()


@pytest.fixture
def tiny_model_home(tmp_path, corpora, tiny_gguf, monkeypatch):
    """An AGENT_HOME whose config uses the test figure, the hashing embedder and the tiny GGUF,
    with a grammar that forces the model to say ``answer``: the real llama.cpp path, exact output."""

    def make(answer: str) -> Path:
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        grammar = 'root ::= "' + answer.replace('"', '\\"') + '"'
        (home / "config.toml").write_text(
            f"corpora_dirs = ['{corpora}']\nindex_dir = '{tmp_path / 'idx'}'\n"
            "[embedding]\nmodel = 'test-hash-embedder'\n"
            f"[generation]\nmodel = '{tiny_gguf}'\nn_ctx = 2048\nmax_tokens = 64\ngrammar = \'\'\'{grammar}\'\'\'\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("AGENT_HOME", str(home))
        monkeypatch.setattr("agent.core.make_embedder", lambda *a, **k: HashEmbedder())
        monkeypatch.setattr("agent.index.embeddings.make_embedder", lambda *a, **k: HashEmbedder())
        return home

    return make


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory) -> Path:
    from .tiny_gguf import write_tiny_gguf

    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the ../shared folder beside the repo) which is absent")
    return path


os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def verifier(settings):
    """The guard's verifier for the test poet, with one timeline event (705, the move to Mianzhou)."""
    from agent.ingest.figures import get_figure
    from agent.ingest.timeline import TimelineEvent
    from agent.verify.boundary import KnowledgeBoundary
    from agent.verify.verifier import Verifier

    fig = get_figure(settings, "test-poet")
    timeline = [TimelineEvent(705, "神龍元年", False, {"zh": "測詩人隨家遷居綿州。", "en": "The family moves to Mianzhou."})]
    return Verifier(KnowledgeBoundary(fig), timeline)
