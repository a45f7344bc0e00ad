"""agent library import: a folder or table of biographies becomes figures in one run, resumable, with one line per
bad row; the catalogue finds figures by name, dynasty and book. Every biography here is written for the test."""

import json

import pytest

from agent.config import load_settings
from agent.dates.dynasties import dynasty_of_text
from agent.errors import FigureNotFound
from agent.library.catalog import catalogue, resolve, search
from agent.library.importer import figure_id, id_prefix, opening_name
from agent.library.table import BadRow, read_rows

from .fakes import HashEmbedder, hash_home, invoke

BIOS = {
    "101": "甲乙丙，字子丁，明州鄞人。熙寧三年，登進士第，調餘杭尉。元豐二年，知蘇州。元祐元年卒，年六十。",
    "102": "戊己，字子庚，洪州人。少好學。天聖二年，舉進士，為大理評事。慶曆五年，遷太常博士。",
    "103": "辛壬癸，婺州人。紹興五年，召為秘書郎。乾道元年卒。",
}
HEADER = "person_id\tchars\tfirst_clause\tname\tsource_book\tsource_chapter\n"


def write_library(folder, rows=None):
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in BIOS.items():
        (folder / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
    lines = rows or ["101\t40\t甲乙丙\t甲乙丙\t宋史\t列傳一\n",
                     # an unquoted line break inside the first-clause field: the record goes on on the next line
                     "102\t30\t戊己\n\n字子庚\t戊己\t宋史\t列傳二\n",
                     "103\t20\t辛壬癸\t\t\t\n"]
    (folder / "index.tsv").write_text(HEADER + "".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch):
    return hash_home(tmp_path, monkeypatch)


def test_table_rows_join_broken_lines_and_name_bad_ones(tmp_path):
    folder = write_library(tmp_path / "lib", [
        "101\t40\t甲乙丙\t甲乙丙\t宋史\t列傳一\n", "102\t30\t戊己\n\n字子庚\t戊己\t宋史\t列傳二\n",
        "999\t10\tx\t無名\t宋史\t列傳三\n",  # no file 999.txt
        "103\t20\t辛壬癸\t\t\t\t\textra\n",  # more fields than the header
    ])
    rows, column = read_rows(folder)
    assert column == "person_id"
    good = [r for r in rows if not isinstance(r, BadRow)]
    bad = [r for r in rows if isinstance(r, BadRow)]
    assert [r.key for r in good] == ["101", "102"]
    assert good[1].name == "戊己" and good[1].book == "宋史" and good[1].chapter == "列傳二"
    assert len(bad) == 2 and "999.txt" in bad[0].message and "line" in bad[0].message
    assert "fields" in bad[1].message


def test_bare_folder_and_csv_table(tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "a.txt").write_text("Alpha was born in a town by the sea.\n", encoding="utf-8")
    rows, column = read_rows(bare)
    assert column == "" and [r.key for r in rows] == ["a"]
    csv_folder = tmp_path / "csv"
    csv_folder.mkdir()
    (csv_folder / "b.txt").write_text("Beta kept bees.\n", encoding="utf-8")
    (csv_folder / "index.csv").write_text('file,name,dynasty\nb.txt,"Beta, the keeper",\n', encoding="utf-8")
    rows, _ = read_rows(csv_folder)
    assert rows[0].name == "Beta, the keeper" and rows[0].key == "b"


def test_names_ids_and_dynasty_by_rule(tmp_path):
    assert opening_name("甲乙丙，字子丁，明州鄞人。") == "甲乙丙"
    assert opening_name("子友甲字子乙，力學。") == "友甲"  # a relative's life appended to a biography
    assert opening_name("Alpha was born") == ""
    (tmp_path / "My Bios").mkdir()
    assert id_prefix(tmp_path / "My Bios", "cbdb_id") == "cbdb"
    assert id_prefix(tmp_path / "My Bios", "id") == "my-bios"
    assert id_prefix(tmp_path / "My Bios" / "index.tsv", "id") == "my-bios"
    assert figure_id("p", "Ab_1") == "p-ab-1"
    assert figure_id("p", "甲乙").startswith("p-") and len(figure_id("p", "甲乙")) == 12
    assert dynasty_of_text(BIOS["101"]) == "宋"
    assert dynasty_of_text("貞觀二年，為縣令。開元三年，遷刺史。") == "唐"
    assert dynasty_of_text("少好學。") == ""


def test_import_resume_catalogue_and_names(home, tmp_path):
    source = write_library(tmp_path / "lib")
    (source / "104.txt").write_text("", encoding="utf-8")
    with (source / "index.tsv").open("a", encoding="utf-8") as fh:
        fh.write("104\t0\t\t空\t宋史\t列傳四\n101\t40\t甲乙丙\t甲乙丙\t宋史\t列傳一\n")
    result = invoke("library", "import", source)
    assert result.exit_code == 0, result.output
    assert "3 figures" in result.output and "3 written, 3 indexed, 2 errors" in result.output
    assert "104.txt" in result.output and "empty" in result.output and "repeats line 2" in result.output
    assert "Traceback" not in result.output

    settings = load_settings()
    fig = json.loads(json.dumps([e.__dict__ for e in catalogue(settings)], ensure_ascii=False, default=str))
    by_id = {f["id"]: f for f in fig}
    assert set(by_id) == {"person-101", "person-102", "person-103"}
    assert by_id["person-101"]["book"] == "宋史" and by_id["person-101"]["dynasty"] == "宋"
    assert by_id["person-103"]["dynasty"] == "宋"  # no book: placed by the reign eras it names
    toml = (home / "figures" / "person-101" / "figure.toml").read_text(encoding="utf-8")
    assert "died = 1086" in toml and "book_year = 1345" in toml and "子丁" in toml  # life from its chronology

    again = invoke("library", "import", source)
    assert "0 written, 0 indexed" in again.output

    assert [e.id for e in search(settings, "乙丙")] == ["person-101"]
    assert [e.id for e in search(settings, dynasty="宋", book="宋史")] == ["person-101", "person-102"]
    assert resolve(settings, "戊己") == "person-102" and resolve(settings, "person-103") == "person-103"
    assert resolve(settings, "甲子丁") == "person-101"  # the courtesy name after the surname
    listed = invoke("figures", "--search", "戊")
    assert "person-102" in listed.output and "person-101" not in listed.output


def test_a_changed_source_is_written_again_and_names_can_be_ambiguous(home, tmp_path):
    source = write_library(tmp_path / "lib")
    assert invoke("library", "import", source).exit_code == 0
    (source / "102.txt").write_text(BIOS["102"] + "皇祐元年卒。\n", encoding="utf-8")
    result = invoke("library", "import", source)
    assert "1 written, 1 indexed" in result.output
    other = write_library(tmp_path / "other")
    assert invoke("library", "import", other, "--prefix", "Other Set").exit_code == 0
    settings = load_settings()
    with pytest.raises(FigureNotFound, match="names 2 figures"):
        resolve(settings, "戊己")
    with pytest.raises(FigureNotFound, match="unknown figure"):
        resolve(settings, "nobody-at-all")


def test_an_interrupted_import_goes_on_where_it_stopped(home, tmp_path):
    from agent.library.indexing import compute_group
    from agent.library.run import import_library

    source = write_library(tmp_path / "lib")
    settings = load_settings()

    def dies_after_one(groups):
        for n, group in enumerate(groups):
            if n == 1:
                raise KeyboardInterrupt
            yield compute_group(group, settings, HashEmbedder())

    with pytest.raises(KeyboardInterrupt):
        import_library(settings, source, compute=dies_after_one, group_size=1)
    report = import_library(settings, source, compute=lambda groups: (compute_group(g, settings, HashEmbedder())
                                                                      for g in groups))
    assert report.written == 0 and report.indexed == 2 and not report.errors
    assert len(catalogue(settings)) == 3
    assert not [p for p in (home / "figures").iterdir() if p.name.startswith(".") and "tmp" in p.name]


def test_catalogue_follows_a_changed_figure_file(home, tmp_path):
    source = write_library(tmp_path / "lib")
    assert invoke("library", "import", source).exit_code == 0
    settings = load_settings()
    assert len(catalogue(settings)) == 3
    path = home / "figures" / "person-103" / "figure.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('zh = "辛壬癸"', 'zh = "辛壬"'), encoding="utf-8")
    assert resolve(settings, "辛壬") == "person-103"
    (home / "cache" / "catalog.json").write_text("{not json", encoding="utf-8")
    assert len(catalogue(settings)) == 3  # an unreadable cache is rebuilt


def test_a_small_figure_stores_four_files_and_loads_the_same_keyword_index(home, tmp_path):
    import numpy as np

    from agent.index.store import build_index, load_index
    from agent.ingest.figures import get_figure
    from agent.text.terms import keyword_tokens

    source = write_library(tmp_path / "lib")
    assert invoke("library", "import", source).exit_code == 0
    settings = load_settings()
    figure = get_figure(settings, "person-101")
    small = load_index(figure, settings)
    assert sorted(p.name for p in small.path.iterdir()) == ["chronology.json", "chunks.jsonl", "dense.faiss",
                                                             "manifest.json"]
    stored_settings = settings.model_copy(update={"ingest": settings.ingest.model_copy(
        update={"keyword_store_min_chunks": 0})})
    build_index(figure, stored_settings, HashEmbedder())
    stored = load_index(figure, stored_settings)
    assert (stored.path / "bm25").is_dir() and (stored.path / "weights.json").is_file()
    query = keyword_tokens("熙寧三年登進士第")
    assert np.allclose(small.keyword.get_scores(query), stored.keyword.get_scores(query))
    assert small.weights.to_json() == stored.weights.to_json()
