"""Bad input and faults end in one line that names the input, never a traceback; a batch output file is held by
the run writing it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from agent.cli.batch import run_batch
from agent.cli.commands import main
from agent.errors import InputError


def run(*args):
    return CliRunner().invoke(main, list(args))


def _one_line_error(out, needle: str) -> None:
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output and not (out.exception and not isinstance(out.exception, SystemExit))
    errors = [line for line in out.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and needle in errors[0], out.output


def test_a_figure_id_too_long_for_a_folder_name(tiny_model_home, tmp_path):
    tiny_model_home("x")
    source = tmp_path / "bio.txt"
    source.write_text("王測，字測之，宋州人。", encoding="utf-8")
    _one_line_error(run("figure", "add", "x" * 250, str(source), "--name", "X"), "250 characters long")


def test_a_question_with_a_lone_surrogate(tiny_model_home):
    tiny_model_home("x")
    _one_line_error(run("ask", "test-poet", "何\udcff"), "not text at position 2")


def test_a_bad_question_in_a_batch_is_reported_and_the_rest_answered(tmp_path):
    questions = tmp_path / "q.jsonl"
    rows = [{"id": "1", "figure": "f", "question": "好\udcff"}, {"id": "2", "figure": "f", "question": "好"}]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def ask(figure, question):
        from agent.core import _check_question

        _check_question(question)
        from agent.answer import Answer

        return Answer(figure=figure, question=question, text="答", language="zh")

    report = run_batch(questions, tmp_path / "a.jsonl", ask)
    assert report.answered == 1 and [qid for qid, _ in report.failed] == ["1"]


@pytest.mark.parametrize("where", ["folder", "unwritable"])
def test_batch_output_that_cannot_be_written(tmp_path, where):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "1", "figure": "f", "question": "好"}) + "\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    out = tmp_path if where == "folder" else tmp_path / "a-file" / "a.jsonl"  # under a file: even root cannot
    with pytest.raises(InputError, match="folder" if where == "folder" else "cannot write"):
        run_batch(questions, out, lambda f, q: None)


def test_a_second_batch_on_the_same_output_stops_instead_of_writing_twice(tmp_path):
    from filelock import FileLock

    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "1", "figure": "f", "question": "好"}) + "\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    with FileLock(str(out.with_name(out.name + ".lock"))):  # the first run, still writing
        with pytest.raises(InputError, match="another batch run is writing"):
            run_batch(questions, out, lambda f, q: None)
    assert not out.exists()


def test_an_unexpected_file_error_is_one_line(tiny_model_home, monkeypatch):
    tiny_model_home("x")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/read-only/agent-home/figures")

    monkeypatch.setattr("agent.library.catalog.figure_dirs", denied)
    _one_line_error(run("figures"), "Permission denied: /read-only/agent-home/figures")


@pytest.mark.parametrize("damage", ["manifest.json", "dense.faiss", "chunks.jsonl"])
def test_a_damaged_index_is_named_and_the_suggested_command_repairs_it(tiny_model_home, tmp_path, damage):
    tiny_model_home("x")
    assert run("index", "build", "test-poet").exit_code == 0
    (index,) = [p for p in (tmp_path / "idx").iterdir() if p.name == "test-poet"]
    (index / damage).write_bytes(b"[1, 2]" if damage == "manifest.json" else b"")
    if damage != "manifest.json":  # a damaged manifest is rebuilt on first use; a damaged array file is named
        out = run("timeline", "test-poet")
        _one_line_error(out, "agent index build test-poet")
    out = run("index", "build", "test-poet")
    assert out.exit_code == 0 and "built" in out.output, out.output
    assert run("timeline", "test-poet").exit_code == 0


# -- size and download limits


class _Slow:
    """A local server: /trickle sends one byte every 50 ms for ever; /endless sends 64 KB blocks for ever."""

    def __enter__(self):
        import http.server
        import threading
        import time

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b"x" if self.path == "/trickle" else b"y" * 65536)
                        self.wfile.flush()
                        if self.path == "/trickle":
                            time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()


def test_a_trickling_server_meets_the_download_deadline(tmp_path):
    import time

    from agent.config import IngestSettings
    from agent.errors import CorpusError
    from agent.ingest.admin import fetch_url

    with _Slow() as base:
        start = time.monotonic()
        with pytest.raises(CorpusError, match="took more than 1 s"):
            fetch_url(f"{base}/trickle", tmp_path, IngestSettings(download_timeout_s=1))
        assert time.monotonic() - start < 10


def test_an_endless_body_stops_at_the_size_limit(tmp_path):
    from agent.config import IngestSettings
    from agent.ingest.admin import fetch_url

    with _Slow() as base:
        with pytest.raises(InputError, match="more than 1 MB"):
            fetch_url(f"{base}/endless", tmp_path, IngestSettings(max_source_mb=1))


def test_a_url_with_a_space_is_a_clear_error(tmp_path):
    from agent.ingest.admin import fetch_url

    with pytest.raises(InputError, match="not a valid URL"):
        fetch_url("http://127.0.0.1:9/a page.html", tmp_path)


def test_a_source_over_the_size_limit_is_refused_with_the_time_it_would_take(tiny_model_home, tmp_path):
    home = tiny_model_home("x")
    with (home / "config.toml").open("a", encoding="utf-8") as fh:
        fh.write("[ingest]\nmax_source_mb = 0.01\n")
    big = tmp_path / "big.txt"
    big.write_text("王測，字測之，宋州人。" * 2000, encoding="utf-8")
    out = run("figure", "add", "wang-big", str(big), "--name", "Wang")
    _one_line_error(out, "the limit is 0.01 MB (indexing it would take about")
    assert "ingest.max_source_mb" in out.output


def test_html_text_in_divs_and_table_cells_is_kept_once(tmp_path):
    from agent.ingest.loaders import SourceSpec
    from agent.ingest.loaders.html import load_html

    page = ("<html><body><nav>Home | About</nav><h1>The Test Poet</h1>"
            "<div class='bio'>He was born in 701 in Shu.<div>He reached Chang'an in 742.</div>"
            "<p>He wrote many poems.</p></div>"
            "<table><tr><td>He died in 762.</td><td><span>He was buried at Green Mountain.</span></td></tr></table>"
            "</body></html>").encode()
    path = tmp_path / "page.html"
    path.write_bytes(page)
    doc = load_html(SourceSpec(path=str(path), format="html"), path, page)
    text = " ".join(s.text for s in doc.sections)
    for sentence in ("born in 701", "Chang'an in 742", "many poems", "died in 762", "Green Mountain"):
        assert text.count(sentence) == 1, (sentence, text)
    assert "Home | About" not in text


# -- kill -9 in the middle of a change


_KILLER = """
import os, signal, sys
from tests.fakes import HashEmbedder
import agent.core, agent.index.embeddings
agent.core.make_embedder = agent.index.embeddings.make_embedder = lambda *a, **k: HashEmbedder()
kill_at, calls = int(sys.argv[1]), [0]
original = os.replace
def replace(a, b):
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(a, b)
os.replace = replace
from agent.cli.commands import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4])
@pytest.mark.parametrize("command", ["add --force", "ingest", "index build --force"])
def test_kill_9_at_each_rename_leaves_the_figure_answering(tiny_model_home, tmp_path, command, kill_at):
    import os
    import subprocess
    import sys
    from pathlib import Path

    home = tiny_model_home("x")
    config = (home / "config.toml").read_text(encoding="utf-8")
    (home / "config.toml").write_text(config.replace("corpora_dirs = ['", f"corpora_dirs = ['{home / 'figures'}', '"),
                                      encoding="utf-8")
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_text("王測，字測之，宋州人。天聖八年，進士及第。", encoding="utf-8")
    second.write_text("王測，字測之，宋州人。天聖八年，進士及第。明道二年，知湖州。", encoding="utf-8")
    assert run("figure", "add", "wang-k", str(first), "--name", "Wang").exit_code == 0
    args = {"add --force": ["figure", "add", "wang-k", str(second), "--name", "Wang", "--force"],
            "ingest": ["ingest", "wang-k", str(second)],
            "index build --force": ["index", "build", "wang-k", "--force"]}[command]
    repo = Path(__file__).resolve().parents[1]
    killed = subprocess.run([sys.executable, "-c", _KILLER, str(kill_at), *args], cwd=repo,
                            env={**os.environ, "AGENT_HOME": str(home)}, capture_output=True, timeout=120)
    assert killed.returncode in (-9, 0), killed.stderr.decode()[-500:]  # killed at that rename, or done before it
    listed = run("figures").output
    assert listed.count("wang-k") == 1 and ".wang-k" not in listed, listed
    out = run("timeline", "wang-k")
    assert out.exit_code == 0 and "1030" in out.output, out.output
    leftovers = [p for base in (home / "figures", home / "figures" / "wang-k", tmp_path / "idx") if base.is_dir()
                 for p in base.iterdir() if p.name.startswith(".") and p.is_dir()]
    assert not leftovers, leftovers


@pytest.mark.parametrize("text", ["王測，字測之，宋州人。\n天聖八年，進士及第。", "He was born in 701 in Shu and read the classics."])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, text, codec):
    from agent.ingest.loaders import SourceSpec, load_source

    path = tmp_path / "bio.txt"
    path.write_bytes(text.encode(codec))
    (doc,) = load_source(SourceSpec(path=str(path), format="text"), path)
    assert " ".join(s.text for s in doc.sections).split() == text.split()


def test_random_bytes_are_still_refused_as_binary(tmp_path):
    import random

    from agent.errors import CorpusError
    from agent.ingest.loaders import SourceSpec, load_source

    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(4000)) + b"\x00\x01\x02\x03" * 8)
    with pytest.raises(CorpusError, match="binary|cannot decode"):
        load_source(SourceSpec(path=str(path), format="text"), path)


def test_an_index_built_with_another_embedder_names_the_command_that_helps(settings):
    from agent.index.store import rebuild_command

    other = settings.model_copy(update={"embedding": settings.embedding.model_copy(update={"model": "my-embedder"})})
    assert rebuild_command("li-bai", other) == "agent index build li-bai --embedder my-embedder"
    default = settings.model_copy(update={"embedding": settings.embedding.model_copy(
        update={"model": "multilingual-e5-small"})})
    assert rebuild_command("li-bai", default) == "agent index build li-bai"
