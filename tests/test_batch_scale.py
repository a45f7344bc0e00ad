"""agent batch at scale: figures named in a question file, one question put to a whole selection of figures,
Parquet output through a resumable sidecar, and answers computed elsewhere (a fake of the Ray path). Every
biography and question here is written for the test."""

from __future__ import annotations

import json
import sys
import types

import pytest

from agent.library.selection import selection_id
from agent.pool import AgentPool

from .fakes import ScriptedChatModel, hash_home, invoke

BIOS = {  # key -> (biography, book)
    "201": ("柳青石，字子岩，杭州臨安人。景德二年，登進士第，知常州。天聖四年卒。", "宋史"),
    "202": ("桂秋水，字子泉，越州人。皇祐元年，為秘書丞。熙寧二年，出知湖州。", "宋史"),
    "203": ("梅東岸，字子舟，蘇州人。貞觀三年，為縣令。永徽二年，遷刺史。", "新唐書"),
    "204": ("竹南亭，字子林，饒州人。洪武五年，授編修。永樂元年卒。", "明史"),
}
HOMETOWN = "你的家乡在哪里？"
OFFICES = "你做过哪些官？"
ALL_IDS = ["lib-201", "lib-202", "lib-203", "lib-204"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = hash_home(tmp_path, monkeypatch)
    monkeypatch.setattr("agent.generate.llm.make_chat_model", lambda settings: ScriptedChatModel(lambda m: "我是讀書人。[1]"))
    source = tmp_path / "lib"
    source.mkdir()
    rows = []
    for key, (text, book) in BIOS.items():
        (source / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append(f"{key}\t{text.split('，')[0]}\t{book}\n")
    (source / "index.tsv").write_text("id\tname\tsource_book\n" + "".join(rows), encoding="utf-8")
    result = invoke("library", "import", source, "--prefix", "lib")
    assert result.exit_code == 0 and "4 figures" in result.output, result.output
    return home


def rows_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _same(rows):
    """A row without its timings (which differ from run to run)."""
    return [{k: v for k, v in r.items() if k not in ("timings", "total_s")} for r in rows]


def test_a_question_file_names_figures_by_id_or_name_and_an_unknown_one_fails_alone(home, tmp_path):
    q = tmp_path / "q.jsonl"
    lines = [{"id": "a", "figure": "柳青石", "question": OFFICES},
             {"id": "b", "figure": "無此人", "question": OFFICES},
             {"id": "c", "figure": "lib-203", "question": HOMETOWN},
             {"id": "d", "figure": "桂秋水", "question": HOMETOWN},
             {"id": "e", "figure": "梅东岸", "question": OFFICES},  # simplified script for 梅東岸
             {"id": "f", "figure": "無此人", "question": HOMETOWN}]
    q.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "a.jsonl"
    result = invoke("batch", q, "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 answered, 0 already answered, 0 bad lines, 2 failed" in result.output
    failures = [line for line in result.output.splitlines() if "failed:" in line]
    assert len(failures) == 2 and failures[0].startswith(f"{q}:2: failed: ") and "無此人" in failures[0]
    assert failures[1].startswith(f"{q}:6: failed: ")
    assert "Traceback" not in result.output
    rows = {r["id"]: r for r in rows_of(out)}
    assert {k: (r["figure"], r["figure_name"]) for k, r in rows.items()} == {
        "a": ("lib-201", "柳青石"), "c": ("lib-203", "梅東岸"), "d": ("lib-202", "桂秋水"), "e": ("lib-203", "梅東岸")}
    assert invoke("batch", q, "-o", out).output.count("failed:") == 2  # failed lines are tried again, not skipped


@pytest.mark.parametrize("spec, ids", [
    ("dynasty=宋", ["lib-201", "lib-202"]),
    ("book=新唐书", ["lib-203"]),  # either script
    ("search=秋", ["lib-202"]),
    ("id=lib-20[34]", ["lib-203", "lib-204"]),
    ("dynasty=宋, search=青", ["lib-201"]),
    ("all", ALL_IDS),
])
def test_one_question_to_a_selection(home, tmp_path, spec, ids):
    out = tmp_path / "a.jsonl"
    result = invoke("batch", "--figures", spec, "--question", HOMETOWN, "-o", out)
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    assert [r["figure"] for r in rows] == ids
    assert [r["id"] for r in rows] == [selection_id(fid, HOMETOWN) for fid in ids]
    assert all(r["question"] == HOMETOWN for r in rows)


def test_several_questions_and_a_rerun_adds_only_what_is_new(home, tmp_path):
    out = tmp_path / "a.csv"
    result = invoke("batch", "--figures", "dynasty=宋", "--question", HOMETOWN, "--question", OFFICES, "-o", out)
    assert "4 answered" in result.output, result.output
    again = invoke("batch", "--figures", "all", "--question", HOMETOWN, "--question", OFFICES, "-o", out)
    assert "4 answered, 4 already answered" in again.output
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 8 and len({r["id"] for r in rows}) == 8
    assert {(r["figure"], r["question"]) for r in rows} == {(f, q) for f in ALL_IDS for q in (HOMETOWN, OFFICES)}
    assert {r["figure_name"] for r in rows} == {"柳青石", "桂秋水", "梅東岸", "竹南亭"}


def _dies_after(monkeypatch, n):
    """AgentPool.ask that is killed (Ctrl-C) when it would give answer n+1."""
    real = AgentPool.ask
    calls = {"n": 0}

    def ask(self, figure, question):
        if calls["n"] == n:
            raise KeyboardInterrupt
        calls["n"] += 1
        return real(self, figure, question)

    monkeypatch.setattr(AgentPool, "ask", ask)
    return lambda: monkeypatch.setattr(AgentPool, "ask", real)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_an_interrupted_run_resumes_without_duplicates(home, tmp_path, monkeypatch, suffix):
    out = tmp_path / f"a{suffix}"
    args = ("batch", "--figures", "all", "--question", HOMETOWN, "--question", OFFICES, "-o", out)
    heal = _dies_after(monkeypatch, 3)
    result = invoke(*args)
    assert result.exit_code == 130 and "interrupted" in result.output
    written = out if suffix == ".jsonl" else tmp_path / f"a{suffix}.partial.jsonl"
    assert len(rows_of(written)) == 3
    if suffix == ".parquet":
        assert not out.exists()  # the Parquet file is written whole at the end, or not at all
    heal()
    result = invoke(*args)
    assert "5 answered, 3 already answered" in result.output, result.output
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        ids = pq.read_table(out).column("id").to_pylist()
        assert not written.exists()
    else:
        ids = [r["id"] for r in rows_of(out)]
    assert len(ids) == 8 and set(ids) == {selection_id(f, q) for f in ALL_IDS for q in (HOMETOWN, OFFICES)}


def test_parquet_rows_match_the_jsonl_rows_and_a_finished_file_is_resumed(home, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    args = ("batch", "--figures", "dynasty=宋", "--question", OFFICES)
    assert invoke(*args, "-o", tmp_path / "a.jsonl").exit_code == 0
    result = invoke(*args, "-o", tmp_path / "a.parquet")
    assert result.exit_code == 0 and "2 answered" in result.output, result.output
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.column_names == ["id", "figure", "figure_name", "question", "text", "abstained", "abstain_reason",
                                  "citations", "language", "total_s"]
    rows = table.to_pylist()
    expected = rows_of(tmp_path / "a.jsonl")
    assert [(r["id"], r["figure"], r["figure_name"], r["text"], r["abstained"], r["abstain_reason"])
            for r in rows] == [(r["id"], r["figure"], r["figure_name"], r["text"], r["abstained"],
                                r["abstain_reason"]) for r in expected]
    assert [[c["locator"] for c in r["citations"]] for r in rows] == [
        [c["locator"] for c in r["citations"]] for r in expected]
    again = invoke("batch", "--figures", "all", "--question", OFFICES, "-o", tmp_path / "a.parquet")
    assert "2 answered, 2 already answered" in again.output, again.output
    assert sorted(pq.read_table(tmp_path / "a.parquet").column("figure").to_pylist()) == ALL_IDS


def test_parquet_without_pyarrow_is_one_line(home, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    result = invoke("batch", "--figures", "all", "--question", OFFICES, "-o", tmp_path / "a.parquet")
    assert result.exit_code == 1 and "pip install pyarrow" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "a.parquet.partial.jsonl").exists()


@pytest.mark.parametrize("args, needle", [
    (["--figures", "era=宋", "--question", OFFICES], "unknown key 'era'"),
    (["--figures", "宋", "--question", OFFICES], "'宋' is not key=value"),
    (["--figures", "dynasty=元", "--question", OFFICES], "'dynasty=元' selects no figure"),
    (["--figures", "all"], "--figures needs --question"),
    (["--question", OFFICES], "--question needs --figures"),
    ([], "give a question file, or --figures"),
    (["q.jsonl", "--figures", "all", "--question", OFFICES], "not both"),
    (["--figures", "all", "--question", OFFICES, "--ray-workers", "2"], "--ray-workers needs --ray"),
])
def test_a_bad_selection_or_combination_is_one_line(home, tmp_path, args, needle):
    result = invoke("batch", *args, "-o", tmp_path / "a.jsonl")
    assert result.exit_code != 0 and needle in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def _fake_cluster(monkeypatch, calls, fail=False):
    """agent.library.cluster with a ray_answers that answers in this process (the real one is tested beside it)."""

    def ray_answers(settings, address, questions, *, workers=None):
        calls.append((address, workers, [q.id for q in questions]))
        pool = AgentPool(settings)
        for q in reversed(questions):  # a cluster returns answers in the order they finish
            yield q, ("worker lost" if fail else pool.ask(q.figure, q.question))

    module = types.ModuleType("agent.library.cluster")
    module.ray_answers = ray_answers
    monkeypatch.setitem(sys.modules, "agent.library.cluster", module)


def test_ray_path_writes_the_rows_the_local_path_writes(home, tmp_path, monkeypatch):
    calls: list = []
    _fake_cluster(monkeypatch, calls)
    args = ("batch", "--figures", "id=lib-*", "--question", HOMETOWN, "--question", OFFICES)
    assert invoke(*args, "-o", tmp_path / "local.jsonl").exit_code == 0
    result = invoke(*args, "-o", tmp_path / "ray.jsonl", "--ray", "10.0.0.5:6379", "--ray-workers", "3")
    assert result.exit_code == 0 and "8 answered" in result.output, result.output
    assert calls[0][:2] == ("10.0.0.5:6379", 3) and len(calls[0][2]) == 8
    key = lambda r: r["id"]  # noqa: E731
    assert _same(sorted(rows_of(tmp_path / "ray.jsonl"), key=key)) == _same(sorted(rows_of(tmp_path / "local.jsonl"),
                                                                                  key=key))
    # nothing left to do: the cluster is not asked at all
    assert "0 answered, 8 already answered" in invoke(*args, "-o", tmp_path / "ray.jsonl", "--ray").output
    assert len(calls) == 1

    # a question file right after a bare --ray is the file, not an address; a worker's error fails that line alone
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"id": "x", "figure": "竹南亭", "question": OFFICES}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    _fake_cluster(monkeypatch, calls, fail=True)
    result = invoke("batch", "--ray", q, "-o", tmp_path / "f.jsonl")
    assert result.exit_code == 0 and f"{q}:1: failed: worker lost" in result.output, result.output
    assert calls[-1] == ("local", None, ["x"])


def test_ray_without_cluster_support_is_one_line(home, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "agent.library.cluster", None)
    result = invoke("batch", "--figures", "all", "--question", OFFICES, "--ray", "-o", tmp_path / "a.jsonl")
    assert result.exit_code == 1 and "--ray is not available" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_run_batch_resolves_each_distinct_figure_once(tmp_path):
    from agent.answer import Answer
    from agent.cli.batch import run_batch
    from agent.errors import FigureNotFound

    q = tmp_path / "q.jsonl"
    q.write_text("".join(json.dumps({"id": str(i), "figure": name, "question": OFFICES}, ensure_ascii=False) + "\n"
                         for i, name in enumerate(["甲", "乙", "甲", "丙", "甲"])), encoding="utf-8")
    asked: list[str] = []

    def resolve(value):
        asked.append(value)
        if value == "丙":
            raise FigureNotFound(f"unknown figure {value!r}")
        return {"甲": "fig-a", "乙": "fig-b"}[value]

    report = run_batch(q, tmp_path / "a.jsonl", lambda f, text: Answer(f, text, "答", "zh"), resolve=resolve,
                       names={"fig-a": "甲"})
    assert asked == ["甲", "乙", "丙"] and report.answered == 4 and report.failed == [("3", "unknown figure '丙'")]
    assert [(r["figure"], r["figure_name"]) for r in rows_of(tmp_path / "a.jsonl")] == [
        ("fig-a", "甲"), ("fig-b", ""), ("fig-a", "甲"), ("fig-a", "甲")]
