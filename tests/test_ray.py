"""Indexing and answering on a local Ray cluster give what the local path gives, a worker killed mid-run loses and
repeats nothing, and nothing imports ray unless asked. Every biography here is written for the test."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agent.cli.commands import main
from agent.config import load_settings
from agent.errors import AgentError

from .fakes import HashEmbedder, ScriptedChatModel

REPO = Path(__file__).resolve().parents[1]
needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="ray is not installed (pip install -e '.[ray]')")

BIOS = {
    "201": "甲子乙，字仲丙，杭州錢塘人。景德二年，舉進士。天聖元年，知越州。明道元年卒，年六十。",
    "202": "丁戊，字季己，福州人。少孤，力學。慶曆二年，登進士第，調建安尉。熙寧四年，遷尚書郎。",
    "203": "庚辛，字伯壬，眉州人。嘉祐二年，進士及第。元豐三年，貶黃州。元祐元年，召還。建中靖國元年卒。",
    "204": "癸甲，洛陽人。皇祐五年，為大理寺丞。治平二年，知杭州，興水利。",
    "205": "乙丙丁，字叔戊，江寧人。紹聖元年，召為太學博士。崇寧二年，出知蘇州。大觀元年卒，年五十八。",
    "206": "己庚，字孟辛，成都人。淳化三年，舉進士。咸平元年，知益州。景德三年卒。",
}


def write_library(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in BIOS.items():
        (folder / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
    rows = "".join(f"{key}\t\t宋史\t列傳{n}\n" for n, key in enumerate(BIOS, start=1))
    (folder / "index.tsv").write_text("person_id\tname\tsource_book\tsource_chapter\n" + rows, encoding="utf-8")
    return folder


def settings_at(home: Path):
    return load_settings(overrides={"home": str(home), "corpora_dirs": [str(home / "figures")],
                                    "index_dir": str(home / "indexes"), "embedding": {"model": "test-hash-embedder"}})


def hash_embedder(settings) -> HashEmbedder:
    return HashEmbedder()


def scripted_llm(settings) -> ScriptedChatModel:
    return ScriptedChatModel(reply)


def reply(messages) -> str:
    """The same reply to the same prompt, in whichever process: the prompt's first dated sentence, cited."""
    import re

    prompt = re.sub(r"〔-?\d+〕", "", "\n".join(m.content for m in messages))
    dated = re.findall(r"(?<=[，。 ])[^，。\n ]{1,6}[元二三四五六七八九十]+年，[^。\n]+。", prompt)
    return f"{dated[0]}[1]" if dated else "吾不知也。"


class DyingEmbedder(HashEmbedder):
    """Kills its own process on the first batch any worker embeds (once: the marker file says it happened)."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker

    def embed_documents(self, texts):
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return super().embed_documents(texts)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)


class DiesOnce:
    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __call__(self, settings) -> HashEmbedder:
        return DyingEmbedder(self.marker)


@pytest.fixture(scope="module")
def cluster():
    import ray

    from agent.library.cluster import connect

    connect("local", num_cpus=2)
    yield ray
    ray.shutdown()


def index_files(settings) -> dict[str, dict]:
    """What each figure's index holds (every file, the dense vectors), less the time it was built."""
    import faiss

    out = {}
    for path in sorted(settings.index_dir.iterdir()):
        if path.name.startswith("."):
            continue
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        manifest.pop("built_at")
        files = {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*"))
                 if f.is_file() and f.name not in ("manifest.json", "dense.faiss")}
        assert "chunks.jsonl" in files and "chronology.json" in files
        vectors = faiss.read_index(str(path / "dense.faiss")).reconstruct_n(0, manifest["n_chunks"])
        out[path.name] = {"manifest": manifest, "vectors": vectors.tobytes(), **files}
    return out


def local_import(settings, source: Path):
    from agent.library.indexing import local_compute
    from agent.library.run import import_library

    return import_library(settings, source, compute=local_compute(settings, HashEmbedder()), group_size=2)


@needs_ray
def test_ray_import_writes_the_same_indexes_as_the_local_one(cluster, tmp_path):
    from agent.library.cluster import ray_compute
    from agent.library.run import import_library

    source = write_library(tmp_path / "lib")
    here, there = settings_at(tmp_path / "here"), settings_at(tmp_path / "there")
    assert local_import(here, source).indexed == len(BIOS)
    report = import_library(there, source, group_size=2,
                            compute=ray_compute(there, "local", workers=2, embedder_factory=hash_embedder))
    assert report.indexed == len(BIOS) and not report.errors, report.errors
    local, remote = index_files(here), index_files(there)
    assert sorted(remote) == sorted(f"person-{k}" for k in BIOS)
    assert remote == local


@needs_ray
def test_a_worker_killed_mid_run_is_restarted_and_nothing_is_lost_or_repeated(cluster, tmp_path):
    from agent.library.cluster import ray_compute
    from agent.library.run import import_library

    source = write_library(tmp_path / "lib")
    settings = settings_at(tmp_path / "home")
    marker = tmp_path / "killed"
    compute = ray_compute(settings, "local", workers=2, embedder_factory=DiesOnce(marker))
    came_back: list[str] = []

    def counted(groups):
        for results in compute(groups):
            came_back.extend(r.figure_id for r in results)
            yield results

    report = import_library(settings, source, compute=counted, group_size=1)
    assert marker.exists()  # a worker did die
    assert report.indexed == len(BIOS) and not report.errors, report.errors
    assert sorted(came_back) == sorted(f"person-{k}" for k in BIOS)  # each figure once
    assert index_files(settings) == index_files(_imported_locally(tmp_path, source))


def _imported_locally(tmp_path: Path, source: Path):
    settings = settings_at(tmp_path / "local")
    local_import(settings, source)
    return settings


@needs_ray
def test_ray_answers_match_local_answers_and_each_question_comes_once(cluster, tmp_path):
    from agent.cli.batch import Question
    from agent.library.cluster import ray_answers
    from agent.pool import AgentPool

    settings = settings_at(tmp_path / "home")
    local_import(settings, write_library(tmp_path / "lib"))
    asks = ["你何年舉進士？", "你在何處任官？", "你的手机是什么牌子的？"]
    questions = [Question(f"q{n}", f"person-{key}", ask, n) for n, (key, ask) in
                 enumerate(((k, a) for k in ("201", "202", "203", "205") for a in asks), start=1)]
    questions.append(Question("q-none", "person-999", asks[0], 99))

    pool = AgentPool(settings, embedder=HashEmbedder(), llm=scripted_llm(settings))
    expected = {}
    for q in questions:
        try:
            expected[q.id] = _plain(pool.ask(q.figure, q.question))
        except AgentError as exc:  # the local path raises what the worker reports in one line
            expected[q.id] = str(exc)
    got = [(q.id, a if isinstance(a, str) else _plain(a))
           for q, a in ray_answers(settings, "local", questions, workers=2, llm_factory=scripted_llm,
                                   embedder_factory=hash_embedder)]
    assert sorted(qid for qid, _ in got) == sorted(expected)
    assert dict(got) == expected
    assert "unknown figure 'person-999'" in expected["q-none"]
    assert any(not isinstance(a, str) and not a["abstained"] for a in expected.values())


def _plain(answer) -> dict:
    data = answer.to_dict()
    data.pop("timings")
    return data


@needs_ray
def test_index_build_all_with_ray_builds_each_stale_index_once(cluster, tmp_path, monkeypatch):
    from agent.library.cluster import ray_compute

    settings = settings_at(tmp_path / "home")
    local_import(settings, write_library(tmp_path / "lib"))
    (settings.user_figures_dir / "person-203" / "files" / "203.txt").write_text(BIOS["203"] + "崇寧元年，追復。\n",
                                                                                 encoding="utf-8")
    for name in ("person-204", "person-206"):
        (settings.index_dir / name / "manifest.json").unlink()
    monkeypatch.setenv("AGENT_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "config.toml").write_text(
        f"corpora_dirs = ['{settings.user_figures_dir}']\nindex_dir = '{settings.index_dir}'\n"
        "[embedding]\nmodel = 'test-hash-embedder'\n", encoding="utf-8")
    monkeypatch.setattr("agent.cli.manage.compute_for", lambda s, address, workers: ray_compute(
        s, address, workers=workers, embedder_factory=hash_embedder))
    out = CliRunner().invoke(main, ["index", "build", "--all", "--ray", "--ray-workers", "2"])
    assert out.exit_code == 0, out.output
    lines = sorted(out.output.splitlines())
    assert [line.split(" -> ")[0] for line in lines if "built" in line] == [
        "person-203: built 1 chunks (stale)", "person-204: built 1 chunks (missing)",
        "person-206: built 1 chunks (missing)"]
    assert sum("up to date" in line for line in lines) == 3
    again = CliRunner().invoke(main, ["index", "build", "--all", "--ray"])
    assert again.output.count("up to date") == len(BIOS)


# -- without a cluster


def test_index_build_all_embeds_the_figures_in_one_group(tmp_path, monkeypatch):
    home = tmp_path / "home"
    settings = settings_at(home)
    local_import(settings, write_library(tmp_path / "lib"))
    for name in ("person-201", "person-202", "person-205"):
        (settings.index_dir / name / "manifest.json").unlink()
    monkeypatch.setenv("AGENT_HOME", str(home))
    (home / "config.toml").write_text(f"corpora_dirs = ['{home / 'figures'}']\nindex_dir = '{settings.index_dir}'\n"
                                      "[embedding]\nmodel = 'test-hash-embedder'\n", encoding="utf-8")
    embedder = HashEmbedder()
    monkeypatch.setattr("agent.index.embeddings.make_embedder", lambda *a, **k: embedder)
    out = CliRunner().invoke(main, ["index", "build", "--all"])
    assert out.exit_code == 0, out.output
    assert out.output.count("up to date") == 3 and out.output.count(": built 1 chunks (missing) -> ") == 3
    assert embedder.calls == 1  # the three figures' passages in one call


def test_without_ray_or_a_reachable_head_the_error_is_one_line(tmp_path, monkeypatch):
    source = write_library(tmp_path / "lib")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    out = CliRunner().invoke(main, ["library", "import", str(source), "--ray"])
    assert out.exit_code == 1 and out.output.strip() == "error: Ray is not installed (pip install -e '.[ray]')"
    out = CliRunner().invoke(main, ["library", "import", str(source), "--ray-workers", "2"])
    assert out.exit_code == 1 and "--ray-workers needs --ray" in out.output


@needs_ray
def test_an_unreachable_head_is_named_at_once(tmp_path, monkeypatch):
    import socket

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setattr("ray.is_initialized", lambda: False)
    out = CliRunner().invoke(main, ["library", "import", str(tmp_path / "lib"), "--ray", f"127.0.0.1:{port}"])
    assert out.exit_code == 1 and out.output.count("\n") == 1, out.output
    assert f"cannot reach the Ray cluster at 127.0.0.1:{port}" in out.output


def test_the_cli_does_not_import_ray():
    code = "import sys, agent, agent.cli.commands, agent.library.run; print('ray' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr[-500:]
