import json

import pytest

from agent.errors import IndexError_
from agent.index.store import build_index, ensure_index, index_state, load_index
from agent.ingest.figures import get_figure

from .fakes import HashEmbedder


def test_build_then_load(settings, embedder):
    fig = get_figure(settings, "test-poet")
    assert index_state(fig, settings) == "missing"
    built = build_index(fig, settings, embedder)
    assert index_state(fig, settings) == "ok"
    manifest = json.loads((built.path / "manifest.json").read_text())
    assert manifest["embedder"] == "test-hash-embedder" and manifest["embedder_dim"] == 256
    assert manifest["chunking"]["chunk_size"] == settings.chunking.chunk_size
    assert set(manifest["sources"]) == {"sources/bio-en.md", "sources/bio-zh.md"}  # figure.toml changes no chunk
    loaded = load_index(fig, settings)
    assert [c.id for c in loaded.chunks] == [c.id for c in built.chunks]
    assert loaded.dense.ntotal == len(built)
    # nothing half-written is left beside the index
    assert sorted(p.name for p in settings.index_dir.iterdir()) == ["test-poet"]


def test_up_to_date_index_is_reused(settings, embedder):
    fig = get_figure(settings, "test-poet")
    build_index(fig, settings, embedder)
    calls = embedder.calls
    ensure_index(fig, settings, embedder)
    assert embedder.calls == calls


def test_changed_source_triggers_rebuild(settings, embedder, corpora):
    fig = get_figure(settings, "test-poet")
    build_index(fig, settings, embedder)
    src = corpora / "test-poet" / "sources" / "bio-en.md"
    src.write_text(src.read_text() + "\n## 4. Added\nA new section about the year 750.\n")
    assert index_state(fig, settings) == "stale"
    idx = ensure_index(fig, settings, embedder)
    assert any("750" in c.text for c in idx.chunks)
    assert index_state(fig, settings) == "ok"


def test_other_embedder_is_refused_with_rebuild_command(settings, embedder):
    fig = get_figure(settings, "test-poet")
    build_index(fig, settings, embedder)
    other = settings.model_copy(update={"embedding": settings.embedding.model_copy(update={"model": "other-model"})})
    with pytest.raises(IndexError_) as err:
        ensure_index(fig, other, HashEmbedder(model_id="other-model"))
    assert "agent index build test-poet" in str(err.value)
    assert "embedder" in str(err.value)


def test_changed_chunking_is_refused(settings, embedder):
    fig = get_figure(settings, "test-poet")
    build_index(fig, settings, embedder)
    other = settings.model_copy(update={"chunking": settings.chunking.model_copy(update={"chunk_size": 100})})
    with pytest.raises(IndexError_, match="chunking"):
        load_index(fig, other)


def test_missing_index_names_command(settings):
    with pytest.raises(IndexError_, match="agent index build test-poet"):
        load_index(get_figure(settings, "test-poet"), settings)


def test_damaged_index(settings, embedder):
    fig = get_figure(settings, "test-poet")
    built = build_index(fig, settings, embedder)
    (built.path / "dense.faiss").write_bytes(b"junk")
    with pytest.raises(IndexError_, match="damaged"):
        load_index(fig, settings)


def test_failed_build_keeps_old_index(settings, embedder, monkeypatch):
    fig = get_figure(settings, "test-poet")
    build_index(fig, settings, embedder)
    before = (settings.index_dir / "test-poet" / "manifest.json").read_text()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("faiss.write_index", boom)
    with pytest.raises(RuntimeError):
        build_index(fig, settings, embedder)
    assert (settings.index_dir / "test-poet" / "manifest.json").read_text() == before
    assert sorted(p.name for p in settings.index_dir.iterdir()) == ["test-poet"]


class _SlowEmbedder(HashEmbedder):
    """Embeds slowly and records, in a shared file, when each build embedded (to see whether two overlapped)."""

    def __init__(self, log: str) -> None:
        super().__init__()
        self.log = log

    def embed_documents(self, texts):
        import os
        import time

        with open(self.log, "a") as fh:
            fh.write(f"start {os.getpid()} {time.monotonic()}\n")
        time.sleep(1.0)
        out = super().embed_documents(texts)
        with open(self.log, "a") as fh:
            fh.write(f"end {os.getpid()} {time.monotonic()}\n")
        return out


def _build_in_child(settings, log, result) -> None:
    fig = get_figure(settings, "test-poet")
    index = ensure_index(fig, settings, _SlowEmbedder(log))
    result.put(len(index))


def test_two_processes_building_one_index_both_succeed_one_waiting(settings, tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    log = str(tmp_path / "embed.log")
    result = ctx.Queue()
    procs = [ctx.Process(target=_build_in_child, args=(settings, log, result)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    sizes = [result.get(timeout=5) for _ in procs]
    assert sizes[0] == sizes[1] > 0
    events = [line.split() for line in open(log)]
    # one process built the index; the other waited on the lock, then found it built and only loaded it
    assert [e[0] for e in events] == ["start", "end"]
    assert index_state(get_figure(settings, "test-poet"), settings) == "ok"


def test_a_rebuild_embeds_only_the_chunks_whose_text_is_new(settings, corpora):
    class Counting(HashEmbedder):
        def __init__(self):
            super().__init__()
            self.texts = 0

        def embed_documents(self, texts):
            self.texts += len(texts)
            return super().embed_documents(texts)

    fig = get_figure(settings, "test-poet")
    first = Counting()
    built = build_index(fig, settings, first)
    assert first.texts == len({c.text for c in built.chunks})
    src = corpora / "test-poet" / "sources" / "bio-en.md"
    src.write_text(src.read_text() + "\n## 4. Added\nA new section about the year 750.\n")
    again = Counting()
    rebuilt = ensure_index(fig, settings, again)
    assert again.texts == 1 and len(rebuilt) == len(built) + 1
    fresh = build_index(fig, settings, HashEmbedder(model_id="test-hash-embedder"))
    assert (rebuilt.vectors([c.id for c in rebuilt.chunks]) == fresh.vectors([c.id for c in fresh.chunks])).all()


def test_an_index_of_an_older_format_is_rebuilt_not_refused(settings, embedder):
    """An index written by an older version (its manifest names the old splitter's separators and format) is
    stale: the next use rebuilds it, re-embedding nothing that did not change."""
    fig = get_figure(settings, "test-poet")
    built = build_index(fig, settings, embedder)
    path = built.path / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 4
    manifest.pop("chunker")
    manifest["chunking"]["separators"] = ["\n\n", "\n", "。", ". ", " ", ""]
    path.write_text(json.dumps(manifest))
    assert index_state(fig, settings) == "stale"
    calls = embedder.calls
    again = ensure_index(fig, settings, embedder)
    assert embedder.calls == calls and len(again) == len(built) and index_state(fig, settings) == "ok"
