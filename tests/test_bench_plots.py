"""Mode charts (agent.plots) and the benchmark's helpers (eval/bench.py), at toy sizes."""

from __future__ import annotations

import importlib.util
import json
import sys

import numpy as np
import pytest

from agent.answer import Answer
from agent.eval.plots import load_summaries, read_answer_rows, write_mode_charts
from agent.eval.scoring import EvalQuestion, score

from .conftest import REPO

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "eval" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench", None)


def _metrics(**values):
    keys = ("n", "recall_at_k", "mrr", "accuracy", "date_precision", "unsupported_year_share", "citation_validity",
            "abstain_precision", "abstain_recall", "false_refusal", "after_death_refusal", "language_match",
            "latency_p50_s", "latency_p95_s")
    return {k: values.get(k) for k in keys}


SUMMARIES = {
    "model-only": {
        "li-bai": _metrics(n=3, accuracy=0.5, unsupported_year_share=0.4),
        "su-shi": _metrics(n=2, accuracy=None, unsupported_year_share=None),
        "all": _metrics(n=5, accuracy=0.5, date_precision=None, unsupported_year_share=0.4, abstain_recall=0.0,
                        false_refusal=0.0, after_death_refusal=None, latency_p50_s=2.0, latency_p95_s=3.5),
    },
    "rag": {
        "li-bai": _metrics(n=3, accuracy=0.8, unsupported_year_share=0.1),
        "su-shi": _metrics(n=2, accuracy=1.0, unsupported_year_share=0.0),
        "all": _metrics(n=5, accuracy=0.9, date_precision=0.75, unsupported_year_share=0.05, abstain_recall=0.5,
                        false_refusal=0.1, after_death_refusal=1.0, latency_p50_s=4.5, latency_p95_s=None),
    },
    "guarded": {"all": _metrics(n=0)},  # every value None
}


def test_mode_charts_are_pngs_and_deterministic(tmp_path):
    import matplotlib.pyplot as plt

    first = write_mode_charts(SUMMARIES, tmp_path / "a", title="team questions")
    second = write_mode_charts(SUMMARIES, tmp_path / "b", title="team questions")
    assert [p.name for p in first] == ["overall.png", "unsupported_years_by_figure.png", "latency.png"]
    for a, b in zip(first, second):
        data = a.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 1000
        assert data == b.read_bytes()
        assert b"Software" not in data and b"Matplotlib" not in data
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in first)  # no temp files left
    assert plt.get_fignums() == []


def test_mode_charts_need_a_run(tmp_path):
    from agent.errors import InputError

    with pytest.raises(InputError):
        write_mode_charts({}, tmp_path)


def _row(qid: str, figure: str, kind: str, text: str, *, abstained: bool = False) -> dict:
    q = EvalQuestion(qid, figure, "你是哪一年来到长安的？", "zh", kind, answers=["天寶"], years=[(742, 742)])
    answer = Answer(figure=figure, question=q.question, text=text, language="zh", abstained=abstained)
    row = {"id": q.id, "figure": q.figure, "kind": q.kind, "lang": q.lang, **score(q, answer, [])}
    return {**row, "answer": answer.to_dict()}


def test_load_summaries_reads_rows_and_skips_a_torn_last_line(tmp_path):
    run = tmp_path / "rag"
    run.mkdir()
    rows = [_row("a-1", "li-bai", "answerable", "天寶元年，我入長安。"),
            _row("a-2", "li-bai", "unanswerable", "不知。", abstained=True)]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (run / "answers.jsonl").write_text(text + '{"id": "a-3", "fig', encoding="utf-8")
    assert len(read_answer_rows(run / "answers.jsonl")) == 2
    summaries = load_summaries({"rag": run})
    assert summaries["rag"]["all"]["n"] == 2
    assert summaries["rag"]["li-bai"]["accuracy"] == 1.0
    paths = write_mode_charts(summaries, tmp_path / "charts")
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths)


def test_replicate_reaches_the_size_with_unique_ids(bench):
    from agent.index.chunking import Chunk

    chunks = [Chunk(f"doc:{i}", "doc", f"text {i}", "T", f"T §{i}", "", "primary", "en") for i in range(7)]
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(7, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    out, vecs, origin = bench.replicate(chunks, vectors, 30, seed=0)
    assert len(out) == len(vecs) == len(origin) == 30
    assert len({c.id for c in out}) == 30
    assert all(c.text == chunks[o].text for c, o in zip(out, origin))
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vecs[:7], vectors[origin[:7]])  # copy 0 is the chunk itself
    assert not np.allclose(vecs[7:], vectors[origin[7:]])  # later copies are perturbed
    assert float(np.min(np.sum(vecs[7:] * vectors[origin[7:]], axis=1))) > 0.9  # but stay close
    again, vecs2, _ = bench.replicate(chunks, vectors, 30, seed=0)
    assert [c.id for c in again] == [c.id for c in out] and np.array_equal(vecs, vecs2)
    small, _, small_origin = bench.replicate(chunks, vectors, 5)
    assert len(small) == 5 and len(set(small_origin)) == 5


def test_percentiles_and_markdown(bench):
    assert bench.percentile([4, 1, 3, 2], 0.5) == 2.5
    assert bench.percentile([1, 2, 3, 4, 5], 0.95) == pytest.approx(4.8)
    assert bench.percentile([], 0.5) is None
    lat = bench.latency_ms([0.001, 0.002, 0.003])
    assert lat == {"n": 3, "p50_ms": 2.0, "p95_ms": 2.9, "mean_ms": 2.0}
    run = {"run": {"git_commit": "abc1234", "date": "2026-01-01"}, "peak_rss_mb": 512.0}
    result = {
        "meta": {"machine": {"cpu": "Test CPU", "cores": 2, "ram_gb": 8.0, "python": "3.11"}, "git_commit": "abc1234",
                 "date": "2026-01-01", "embedder": "e", "model": {"file": "m.gguf", "sha256": "ab" * 32}},
        "index": {**run, "files": 1090, "documents": 1090, "source_mb": 12.0, "chunks": 15000, "wall_s": 900.0,
                  "embed_s": 850.0, "chunks_per_s": 16.7, "index_mb": 60.0},
        "retrieval": {**run, "base_figure": "li-bai", "base_chunks": 1279, "questions": ["q"] * 50, "repeats": 3,
                      "top_k": 4, "candidates": 20, "query_embed": lat,
                      "sizes": [{"chunks": 10000, "setup_s": 3.0,
                                 **{k: lat for k in ("hybrid", "search_only", "dense", "bm25")}}]},
        "answer": {**run, "figure": "li-bai", "max_tokens": 200, "temperature": 0.0, "load_s": 4.0,
                   "median_ratio": 1.05, "median_first_token_ratio": None,
                   "rows": [{"question": "你是哪一年来到长安的？", "first": "ours", "abstained": False, "ours_retrieval_s": 0.05,
                             "ours_first_token_s": 1.2, "ours_total_s": 5.0, "bare_first_token_s": None,
                             "bare_total_s": None, "ratio": None}]},
    }
    md = bench.results_markdown(result)
    assert "Machine: Test CPU, 2 cores, 8.0 GB RAM, Python 3.11." in md
    assert "| 1,090 | 12.0 | 15,000 | 900.0 | 850.0 | 16.7 | 512 | 60.0 |" in md
    assert "| 10,000 | 2.0 | 2.9 | 2.0 | 2.9 | 2.0 | 2.9 | 2.0 | 2.9 | 3.0 |" in md
    assert "| 你是哪一年来到长安的？ | ours | no | 0.050 | 1.20 | 5.00 | — | — | — |" in md
    assert "total **1.05** with the guard" in md
    for table in (line for line in md.splitlines() if line.startswith("|")):
        assert table.endswith("|")


def test_tiny_retrieval_benchmark(bench, settings, embedder):
    from agent.index.store import build_index
    from agent.ingest.figures import get_figure

    build_index(get_figure(settings, "test-poet"), settings, embedder)
    figure, chunks, vectors = bench.load_base(settings, ["test-poet"])
    questions = ["你是哪一年来到长安的？", "你葬在哪里？", "When did you reach Chang'an?", "Where were you exiled?"]
    sizes = [len(chunks) * 3, 200]
    out = bench.bench_retrieval(figure, chunks, vectors, embedder, settings.retrieval, questions, sizes,
                                repeats=2, log=lambda _m: None)
    assert [r["chunks"] for r in out["sizes"]] == sizes
    for row in out["sizes"]:
        for kind in ("hybrid", "search_only", "dense", "bm25"):
            assert row[kind]["n"] == len(questions) * 2
            assert 0 < row[kind]["p50_ms"] <= row[kind]["p95_ms"]
    assert out["query_embed"]["n"] == len(questions) * 2


def test_bios_figure_is_a_valid_figure_with_sources(bench, tmp_path, settings):
    from agent.ingest.corpus import read_specs
    from agent.ingest.figures import get_figure

    files = []
    for i in (3, 20, 100):
        path = tmp_path / "bios" / f"{i}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"某人{i}，字某，某地人。", encoding="utf-8")
        files.append(path)
    (tmp_path / "bios" / "index.tsv").write_text("cbdb_id\tname_list_name\tsource_book\n20\t某甲\t宋史\n", encoding="utf-8")
    assert [p.name for p in bench.bio_files(tmp_path / "bios", 2)] == ["3.txt", "20.txt"]
    bench.write_bios_figure(tmp_path / "corpora", files)
    s = settings.model_copy(update={"corpora_dirs": [tmp_path / "corpora"]})
    specs = read_specs(get_figure(s, bench.BIOS_FIGURE))
    assert [sp.title for sp in specs] == ["3", "宋史·某甲", "100"]


def test_tiny_index_benchmark(bench, tmp_path, settings, embedder):
    files = []
    for i in range(3):
        path = tmp_path / "bios" / f"{i}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"某人{i}，字某，某地人。少好學，舉進士。" * 20, encoding="utf-8")
        files.append(path)
    out = bench.bench_index(settings, embedder, files, tmp_path / "work")
    assert out["files"] == out["documents"] == 3
    assert out["chunks"] >= 3 and out["wall_s"] > 0 and out["chunks_per_s"] > 0
    assert 0 <= out["embed_s"] <= out["wall_s"]


def test_tiny_answer_benchmark_alternates_and_compares(bench, tiny_model_home):
    pytest.importorskip("llama_cpp")
    from agent import load_agent

    tiny_model_home("我於天寶元年即742年到達長安，得見皇帝。[1]")
    out = bench.bench_answer(load_agent("test-poet"), ["你是哪一年來到長安的？", "When did you reach Chang'an?", "你的手機是甚麼牌子的？"],
                             log=lambda _m: None)
    rows = out["rows"]
    assert [r["first"] for r in rows[:2]] == ["ours", "bare"]
    for r in rows:
        assert r["ours_total_s"] > 0 and (r["ours_first_token_s"] or 0) <= r["ours_total_s"]
        if r["bare_total_s"] is not None:
            assert r["ratio"] == pytest.approx(r["ours_total_s"] / r["bare_total_s"], rel=1e-2, abs=1e-3)
    assert rows[0]["bare_total_s"] and rows[0]["bare_tokens"] > 0
    assert out["median_ratio"] is not None and out["model"]["file"] == "tiny.gguf"
    assert "| 你是哪一年來到長安的？ | ours |" in bench.results_markdown({"answer": {**out, "run": {}}})
