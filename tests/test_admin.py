"""agent figure add / agent ingest: one command makes a working figure; bad input changes nothing."""

import functools
import http.server
import json
import threading

import pytest

from .fakes import HashEmbedder, hash_home, invoke

BIO = "+++\n+++\n## 1\n王甲字乙丙，越州人。少好學，善醫。元豐二年，召為太醫。年七十卒。\n"
HTML = """<html><head><title>A Book</title><script>var x=1;</script></head><body>
<nav>Home | Next</nav><h2>LIFE OF ALPHA.</h2><p><b>I.</b> Alpha was born in the town of Beta.</p>
<p><b>II.</b> Alpha built a bridge over the river in his old age.</p>
<h2>LIFE OF GAMMA.</h2><p>Gamma was a sailor.</p></body></html>"""


@pytest.fixture
def cli_home(tmp_path, monkeypatch):
    return hash_home(tmp_path, monkeypatch)


def test_figure_add_from_one_file_then_retrieve(cli_home, tmp_path):
    src = tmp_path / "wang.md"
    src.write_text(BIO, encoding="utf-8")
    out = invoke("figure", "add", "wang-jia", "--name", "Wang Jia", "--name-zh", "王甲", "--died", "1100",
                 "--cite-as", "宋史·方技傳·王甲", "--by", "脫脫 等", "--written", "1345", src)
    assert out.exit_code == 0, out.output
    assert "wang-jia: 1 passages from 1 document(s)" in out.output
    fig_dir = cli_home / "figures" / "wang-jia"
    assert (fig_dir / "figure.toml").is_file() and (fig_dir / "files" / "wang.md").is_file()
    from agent import load_agent

    agent = load_agent("wang-jia", embedder=HashEmbedder())
    passages = agent.retrieve("元丰二年你做了什么？")
    assert passages[0].locator == "宋史·方技傳·王甲" and "元豐二年" in passages[0].text
    assert agent.figure.name("zh") == "王甲" and agent.figure.died.year == 1100
    # who wrote the source and when are recorded: a history of 1345 is one 王甲 (d. 1100) has not read
    assert 'author = "脫脫 等"' in (fig_dir / "sources.toml").read_text(encoding="utf-8")
    finding = agent.boundary().check_question("你讀過《宋史》替你寫的傳嗎？")
    assert finding.reason == "after_my_time" and finding.year == 1345
    assert "figures" not in {p.name for p in tmp_path.iterdir()}  # nothing written beside the home


def test_existing_figure_needs_force(cli_home, tmp_path):
    src = tmp_path / "a.md"
    src.write_text(BIO, encoding="utf-8")
    assert invoke("figure", "add", "wang-jia", "--name", "W", src).exit_code == 0
    out = invoke("figure", "add", "wang-jia", "--name", "W", src)
    assert out.exit_code == 1 and "already exists" in out.output and "--force" in out.output
    assert invoke("figure", "add", "wang-jia", "--name", "W2", "--force", src).exit_code == 0


@pytest.mark.parametrize("bad_id", ["wang jia", "a/b", "Wang", "../x"])
def test_bad_figure_ids(cli_home, tmp_path, bad_id):
    src = tmp_path / "a.md"
    src.write_text(BIO, encoding="utf-8")
    out = invoke("figure", "add", bad_id, "--name", "W", src)
    assert out.exit_code == 1 and "not allowed" in out.output
    assert not (cli_home / "figures").exists() or not any((cli_home / "figures").iterdir())


def test_html_section_and_missing_section(cli_home, tmp_path):
    src = tmp_path / "book.html"
    src.write_text(HTML)
    out = invoke("figure", "add", "alpha", "--name", "Alpha", "--section", "ALPHA", "--cite-as", "Plutarch, Alpha", src)
    assert out.exit_code == 0, out.output
    from agent import load_agent

    passages = load_agent("alpha", embedder=HashEmbedder()).retrieve("Where was Alpha born?")
    assert passages[0].locator == "Plutarch, Alpha 1"
    assert all("Gamma" not in p.text and "Home" not in p.text for p in passages)
    out = invoke("figure", "add", "beta", "--name", "Beta", "--section", "DELTA", src)
    assert out.exit_code == 1
    assert "no heading matches --section 'DELTA'" in out.output and "LIFE OF GAMMA" in out.output
    assert str(src) in out.output and ".tmp-" not in out.output
    assert not (cli_home / "figures" / "beta").exists()


def test_ingest_adds_sources_and_bad_input_leaves_figure_untouched(cli_home, tmp_path):
    src = tmp_path / "a.md"
    src.write_text(BIO, encoding="utf-8")
    assert invoke("figure", "add", "wang-jia", "--name", "W", src).exit_code == 0
    fig_dir = cli_home / "figures" / "wang-jia"
    index_manifest = tmp_path / "idx" / "wang-jia" / "manifest.json"
    before_sources = (fig_dir / "sources.toml").read_text()
    before_index = index_manifest.read_text()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = invoke("ingest", "wang-jia", empty)
    assert out.exit_code == 1 and "empty" in out.output and str(empty) in out.output
    assert (fig_dir / "sources.toml").read_text() == before_sources
    assert index_manifest.read_text() == before_index
    more = tmp_path / "more.txt"
    more.write_text("王甲晚年著《醫說》三卷。", encoding="utf-8")
    out = invoke("ingest", "wang-jia", "--cite-as", "醫說序", more)
    assert out.exit_code == 0, out.output
    assert "2 passages from 2 document(s)" in out.output
    assert json.loads(index_manifest.read_text())["n_chunks"] == 2
    out = invoke("ingest", "nobody", more)
    assert out.exit_code == 1 and "unknown figure 'nobody'" in out.output


def test_url_is_fetched_once_with_its_date(cli_home, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "alpha.html").write_text(HTML)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/alpha.html"
        out = invoke("figure", "add", "alpha", "--name", "Alpha", "--section", "ALPHA", url)
        assert out.exit_code == 0, out.output
        spec = (cli_home / "figures" / "alpha" / "sources.toml").read_text()
        assert f'final_url = "{url}"' in spec and "retrieved = " in spec and url in spec
        assert (cli_home / "figures" / "alpha" / "files" / "alpha.html").is_file()
        bad = f"http://127.0.0.1:{server.server_address[1]}/missing.html"
        out = invoke("ingest", "alpha", bad)
        assert out.exit_code == 1 and "cannot fetch" in out.output
    finally:
        server.shutdown()
    out = invoke("ingest", "alpha", "ftp://example.org/x.txt")
    assert out.exit_code == 1 and "only http and https" in out.output


def _ingest_in_child(src, result) -> None:
    from agent.config import load_settings
    from agent.ingest.admin import ingest
    from agent.ingest.loaders import SourceSpec

    try:
        ingest(load_settings(), "wang-jia", [str(src)], SourceSpec())
        result.put("ok")
    except Exception as exc:  # the parent reports it
        result.put(repr(exc))


def test_two_concurrent_ingests_on_one_figure_keep_both_sources(cli_home, tmp_path, monkeypatch):
    """Each ingest reads sources.toml, then writes it back with its source added; a second ingest that read it
    before the first wrote would lose the first one's source. Here every write is slowed so that, without the
    figure's lock, both would read the same file."""
    import multiprocessing
    import time

    import agent.ingest.admin as admin

    src = tmp_path / "wang.md"
    src.write_text(BIO, encoding="utf-8")
    assert invoke("figure", "add", "wang-jia", "--name", "Wang Jia", "--name-zh", "王甲", src).exit_code == 0
    slow_write = admin.write_text_atomic

    def write_later(path, text):
        time.sleep(1.0)
        slow_write(path, text)

    monkeypatch.setattr(admin, "write_text_atomic", write_later)
    extra = []
    for name in ("a", "b"):
        path = tmp_path / f"note-{name}.md"
        path.write_text(f"+++\n+++\n## 1\n王甲於元豐{'三' if name == 'a' else '四'}年著書。\n", encoding="utf-8")
        extra.append(path)
    ctx = multiprocessing.get_context("fork")
    result = ctx.Queue()
    procs = [ctx.Process(target=_ingest_in_child, args=(path, result)) for path in extra]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert sorted(result.get(timeout=5) for _ in procs) == ["ok", "ok"]
    listed = (cli_home / "figures" / "wang-jia" / "sources.toml").read_text(encoding="utf-8")
    assert "note-a.md" in listed and "note-b.md" in listed and "wang.md" in listed


def test_a_newline_in_cite_as_keeps_sources_toml_valid(cli_home, tmp_path):
    """TOML is written by tomli-w: a newline or a quote in an option is escaped, never a broken file."""
    src = tmp_path / "wang.md"
    src.write_text(BIO, encoding="utf-8")
    out = invoke("figure", "add", "wang-jia", "--name", "Wang Jia", "--cite-as", 'line one\nline "two"', src)
    assert out.exit_code == 0, out.output
    assert invoke("figures").exit_code == 0
    from agent import load_agent

    agent = load_agent("wang-jia", embedder=HashEmbedder())
    assert agent.retrieve("元豐二年")[0].locator == 'line one\nline "two"'
