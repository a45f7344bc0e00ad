"""The evaluation-set builders (agent/eval/sets/): TimeQA, 列傳 with CBDB dates, Chinese SimpleQA.

Tests on the real data reach ../shared through ``shared_path`` and skip, with the reason, when it is absent.
Everything is built under ``tmp_path``; nothing from ../shared is copied into the repository.
"""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.config import ChunkingSettings, load_settings
from agent.dates.numerals import number_value
from agent.errors import InputError
from agent.eval.runner import read_questions_files
from agent.eval.scoring import passage_matches, read_eval_questions
from agent.eval.sets import (
    build_eval_set,
    build_liezhuan,
    build_simpleqa,
    build_timeqa,
    liezhuan_gold,
    timeqa_life,
)
from agent.eval.sets.liezhuan import ENGLISH_QUESTIONS, LIEZHUAN_QUESTIONS
from agent.index.chunking import chunk_documents
from agent.ingest.corpus import figure_documents
from agent.ingest.figures import get_figure

from .conftest import REPO, SHARED, shared_path
from .fakes import HashEmbedder


def _shared() -> Path:
    return shared_path("eval").parent


def _settings(tmp_path: Path, out: Path, *extra: Path):
    return load_settings(overrides={
        "corpora_dirs": [str(out / "corpora"), *map(str, extra)],
        "index_dir": str(tmp_path / "indexes"),
        "embedding": {"model": "test-hash-embedder"},
    })


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- a stand-in for agent.dates where it is not there yet (same API: extract_dates -> DateMention list)


@dataclass(frozen=True)
class FakeMention:
    text: str
    start: int
    end: int
    lo: int | None
    hi: int | None
    kind: str = "era"
    approx: bool = False


FAKE_ERAS = {"宣和": (1119, 1125), "元豐": (1078, 1085), "大觀": (1107, 1110)}  # first and last years


@dataclass(frozen=True)
class FakeEra:
    name: str
    start: int
    end: int


def fake_era_candidates(name):
    return (FakeEra(name, *FAKE_ERAS[name]),) if name in FAKE_ERAS else ()


def fake_extract_dates(text, *, anchor=None, born=None):
    out = []
    for m in re.finditer(r"(" + "|".join(FAKE_ERAS) + r")([元一二三四五六七八九十]+)年", text):
        n = 1 if m.group(2) == "元" else number_value(m.group(2))
        year = FAKE_ERAS[m.group(1)][0] + n - 1
        out.append(FakeMention(m.group(0), m.start(), m.end(), year, year))
    return out


@pytest.fixture
def extract_dates(monkeypatch):
    """The real agent.dates.extract_dates when it exists, else the fake installed as agent.dates."""
    try:
        from agent.dates import extract_dates as real
    except ImportError:
        module = types.ModuleType("agent.dates")
        module.extract_dates = fake_extract_dates
        module.era_candidates = fake_era_candidates
        monkeypatch.setitem(sys.modules, "agent.dates", module)
        return fake_extract_dates
    return real


# -- pure helpers (no shared data)


def test_timeqa_life_years_from_the_opening_parenthesis():
    assert timeqa_life("Jane Doe ( born 3 March 1950 ) is a writer .") == (1950, "?")
    assert timeqa_life("John Roe ( 1700 – 2 May 1760 ) was a painter .") == (1700, 1760)
    assert timeqa_life("Ann Poe ( June 4 , 1801June 9 , 1870 ) was a judge .") == (1801, 1870)
    assert timeqa_life("Tom Moe ( c . 1600 - 1650 ) was a printer .") == ("c. 1600", 1650)
    assert timeqa_life("Old Town ( 1939–1945 ) is a town .") == ("?", "?")  # six years is not a life
    assert timeqa_life("The Club ( TC ) is a club .") == ("?", "?")


def test_chinese_numbers_are_read_by_the_one_numeral_parser():
    assert [number_value(t) for t in ("七", "十三", "六十八", "一百二", "百")] == [7, 13, 68, 102, 100]
    assert number_value("月") is None and number_value("") is None
    assert number_value("一百零二") == 102


ROW = {"id": "1", "name": "張甲", "born": 1043, "died": 1121, "dynasty": "宋", "jiguan": "鉅野", "chars": 100}


def test_liezhuan_gold_rule_on_a_made_up_biography():
    text = "張甲，字子明，濟州鉅野人。少好學。宣和二年，遷知州。宣和三年卒，年七十九。"
    gold = liezhuan_gold(text, ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"] == {"status": "answerable", "years": [1121], "answers": ["1121", "宣和三年"],
                            "evidence": "宣和三年"}
    assert gold["born"]["status"] == "answerable" and gold["born"]["years"] == [1043]  # 1121 - 79 + 1
    assert gold["place"]["status"] == "answerable" and "鉅野" in gold["place"]["answers"]


def test_liezhuan_gold_reads_implied_years():
    # a bare 三年 is year 3 of the era last named; a death sentence with no date takes the sentence before's
    text = "張甲，鉅野人。宣和元年，召為郎。三年，卒，年七十九。"
    gold = liezhuan_gold(text, ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"]["years"] == [1121] and "宣和三年" in gold["died"]["answers"]
    assert gold["born"]["years"] == [1043]
    gold = liezhuan_gold("張甲。宣和二年，出知州。明年，卒。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"]["status"] == "answerable" and gold["died"]["evidence"] == "明年"
    gold = liezhuan_gold("張甲。宣和三年，出知州。病，卒。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"]["evidence"] == "宣和三年"
    # 二十年 does not fit 宣和 (seven years): no year is implied, the death is undated
    gold = liezhuan_gold("張甲。宣和元年，召。二十年，卒。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"] == {"status": "unanswerable"}


def test_liezhuan_gold_unsupported_and_disagreeing():
    # the death year is never dated: unanswerable, and so is the birth year (an age alone gives no year)
    gold = liezhuan_gold("張甲，字子明。少好學。後卒，年七十九。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"] == {"status": "unanswerable"} and gold["born"] == {"status": "unanswerable"}
    assert gold["place"] == {"status": "unanswerable"}
    # a dated death sentence with another year: the source and CBDB disagree, the question is skipped
    gold = liezhuan_gold("張甲，汴州人。宣和七年卒，年八十餘。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"]["status"] == "skip" and gold["born"]["status"] == "unanswerable"
    assert gold["place"]["status"] == "skip"  # "汴州人" names a place that is not CBDB's
    # a date one year off still supports the death year; the gold is then a range; 年N餘 gives no birth year
    gold = liezhuan_gold("張甲。宣和四年，薨，年八十餘。", ROW, fake_extract_dates, fake_era_candidates)
    assert gold["died"]["years"] == [[1121, 1122]] and gold["born"] == {"status": "unanswerable"}
    # no CBDB value: not asked
    unknown = {**ROW, "born": None, "died": None, "jiguan": ""}
    gold = liezhuan_gold("張甲。", unknown, fake_extract_dates, fake_era_candidates)
    assert {g["status"] for g in gold.values()} == {"skip"}


def test_missing_and_malformed_data_name_the_file_and_record(tmp_path):
    shared = tmp_path / "shared"
    with pytest.raises(InputError, match="timeqa_human_test_dev_half.json"):
        build_timeqa(shared, tmp_path / "out")
    (shared / "eval").mkdir(parents=True)
    good = {"index": "x", "type": "P1", "link": "/wiki/Jane_Doe", "questions": [], "paras": ["Jane Doe", "Text ."]}
    bad = {**good, "questions": [["Who?", [{"para": 9, "from": 0, "end": 1, "answer": "x"}]]]}
    (shared / "eval" / "timeqa_human_test_dev_half.json").write_text(json.dumps([good, bad]), encoding="utf-8")
    with pytest.raises(InputError, match=r"timeqa_human_test_dev_half\.json: record 1: question 0"):
        build_timeqa(shared, tmp_path / "out")
    (shared / "eval" / "chinese_simpleqa_history_literature.json").write_text(
        json.dumps([{"id": "a", "question": "问？", "answer": "答"}, {"id": "b", "question": ""}]), encoding="utf-8")
    with pytest.raises(InputError, match=r"chinese_simpleqa_history_literature\.json: record 1"):
        build_simpleqa(shared, tmp_path / "out")
    (shared / "eval" / "cbdb_bio_dates.tsv").write_text(
        "cbdb_id\tname\tborn_year\tdied_year\tdynasty\tjiguan\tbio_chars\n1\t甲\tx\t2\t宋\t\t300\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cbdb_bio_dates\.tsv: record 0 .*year 'x'"):
        build_liezhuan(shared, tmp_path / "out")
    with pytest.raises(InputError, match="unknown evaluation set"):
        build_eval_set("nope", shared, tmp_path / "out")


def test_refuses_to_build_into_the_repository(tmp_path):
    for target in (REPO / "corpora", REPO / "eval" / "questions" / "tmp"):
        with pytest.raises(InputError, match="will not build"):
            build_timeqa(SHARED, target)
    assert not (REPO / "eval" / "questions" / "tmp").exists()


# -- TimeQA on the real data


def test_timeqa_full_set_counts_locators_and_loading(tmp_path):
    shared = _shared()
    out = tmp_path / "out"
    es = build_timeqa(shared, out)
    assert es.corpora_dir == out.resolve() / "corpora" and es.questions == out.resolve() / "questions" / "timeqa.jsonl"
    assert len(es.figures) == len(set(es.figures)) == 129
    assert es.counts["questions"] == 500 and es.counts["unanswerable"] == 77 and es.counts["answerable"] == 423
    questions = read_eval_questions(es.questions)
    assert len(questions) == 500 and len({q.id for q in questions}) == 500
    settings = _settings(tmp_path, out)
    by_figure: dict[str, list] = {}
    for q in questions:
        by_figure.setdefault(q.figure, []).append(q)
    chunking = ChunkingSettings()
    with_passages = 0
    for fid in es.figures:
        figure = get_figure(settings, fid)
        assert figure.languages == ("en",) and figure.names["en"]
        docs = figure_documents(figure)
        sections = {docs[0].locator(s): s.text for s in docs[0].sections}
        previous = {docs[0].locator(b): a.text for a, b in zip(docs[0].sections, docs[0].sections[1:])}
        chunk_locators = {c.locator for c in chunk_documents(docs, chunking)}
        for q in by_figure.get(fid, []):
            if q.kind == "unanswerable":
                assert not q.answers and not q.passages
                continue
            for gold in q.passages:
                with_passages += 1
                assert gold in chunk_locators, (q.id, gold)
                # the gold section holds (one of) the answers: section N is TimeQA's paragraph N; or the answer
                # is the heading just before it, too short to be a passage
                assert any(a in sections[gold] or a in previous.get(gold, "") for a in q.answers), (q.id, gold)
    assert with_passages >= 420
    assert any("unanswerable" in note for note in es.notes)


def test_timeqa_selection_is_deterministic(tmp_path):
    shared = _shared()
    a = build_timeqa(shared, tmp_path / "a", limit_docs=6, seed=3)
    b = build_timeqa(shared, tmp_path / "b", limit_docs=6, seed=3)
    c = build_timeqa(shared, tmp_path / "c", limit_docs=6, seed=4)
    assert a.figures == b.figures and len(a.figures) == 6 and a.figures != c.figures
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    # rebuilding in place with another sample leaves no stale figures behind
    build_timeqa(shared, tmp_path / "a", limit_docs=6, seed=4)
    assert sorted(p.name for p in (tmp_path / "a" / "corpora").iterdir()) == sorted(c.figures)


def test_timeqa_end_to_end_retrieval_finds_the_gold_paragraph(tmp_path):
    shared = _shared()
    out = tmp_path / "out"
    es = build_timeqa(shared, out, limit_docs=2, seed=0)
    settings = _settings(tmp_path, out)
    from agent.core import Agent

    embedder = HashEmbedder()
    hits = 0
    for q in read_eval_questions(es.questions):
        if not q.passages:
            continue
        agent = Agent(get_figure(settings, q.figure), settings, embedder=embedder)
        passages = agent.retrieve(q.question, k=4)
        hits += any(passage_matches(p, g) for p in passages for g in q.passages)
    assert hits >= 1


def test_nothing_is_written_outside_out(tmp_path, extract_dates):
    shared = _shared()

    def snapshot():  # shared: every file and its time; the repository (others may edit it): its file names
        return ({str(p): p.stat().st_mtime_ns for p in SHARED.rglob("*")},
                {str(p) for root in (REPO / "corpora", REPO / "eval" / "questions") for p in root.rglob("*")})

    before = snapshot()
    out = tmp_path / "work" / "out"
    settings = _settings(tmp_path, out, REPO / "corpora")
    build_timeqa(shared, out, limit_docs=3)
    build_liezhuan(shared, out, n_figures=3)
    build_simpleqa(shared, out, limit=5, settings=settings)
    assert snapshot() == before
    assert [p.name for p in tmp_path.iterdir()] == ["work"]
    assert [p.name for p in (tmp_path / "work").iterdir()] == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["corpora", "liezhuan.json", "questions", "simpleqa.json",
                                                      "timeqa.json"]
    # no file under out holds a copy of a shared biography: 列傳 sources are named by path, read in place
    assert not list((out / "corpora").glob("cbdb-*/sources"))


# -- 列傳 on the real data


def test_liezhuan_seventy_figures(tmp_path, extract_dates):
    shared = _shared()
    out = tmp_path / "out"
    es = build_liezhuan(shared, out, n_figures=70, seed=0)
    assert len(es.figures) == 70 and all(f.startswith("cbdb-") for f in es.figures)
    assert not {"cbdb-32540", "cbdb-3767", "cbdb-93956", "cbdb-10018"} & set(es.figures)
    questions = read_eval_questions(es.questions)
    assert es.counts["questions"] == len(questions) == es.counts["answerable"] + es.counts["unanswerable"]
    for key in ("born", "died", "place"):
        assert sum(es.counts.get(f"{key}_{s}", 0) for s in ("answerable", "unanswerable", "skip")) == 70
    # the 60 figures of the first draw (rules were examined on them) are dev; the test half comes from the rest
    assert (es.counts["figures_dev"], es.counts["figures_test"]) == (60, 10)
    splits = {q.figure: q.split for q in questions}
    assert sum(s == "test" for s in splits.values()) == 10 and set(splits.values()) == {"dev", "test"}
    cbdb = {}
    for line in (shared / "eval" / "cbdb_bio_dates.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cid, _name, born, died, *_ = line.split("\t")
        cbdb[cid] = (int(born or 0), int(died or 0))
    settings = _settings(tmp_path, out)
    locators = {}
    for fid in es.figures:
        figure = get_figure(settings, fid)
        assert figure.languages == ("zh",) and figure.born.year is None
        docs = figure_documents(figure)
        assert len(docs) == 1 and docs[0].path.is_relative_to(SHARED.resolve())
        locators[fid] = {c.locator for c in chunk_documents(docs, ChunkingSettings())}
        if figure.died.year is not None:  # set only where the biography dates the death
            assert figure.died.year == cbdb[fid.removeprefix("cbdb-")][1]
    english = [q for q in questions if q.lang == "en"]
    assert 20 <= len(english) <= 35 and all(q.id.endswith("-en") for q in english)
    for q in questions:
        assert q.question in (LIEZHUAN_QUESTIONS if q.lang == "zh" else ENGLISH_QUESTIONS).values()
        if q.kind == "answerable":
            assert q.passages and all(g in locators[q.figure] for g in q.passages)
            born, died = cbdb[q.figure.removeprefix("cbdb-")]
            if q.id.removesuffix("-en").endswith("-died"):
                assert q.years and q.years[0][0] <= died <= q.years[0][1] and str(died) in q.answers
                fig = get_figure(settings, q.figure)
                assert fig.died.year is None and fig.cutoff == died  # the prompt never shows the gold
            if q.id.removesuffix("-en").endswith("-born"):
                assert q.years[0][0] <= born <= q.years[0][1]
        else:
            assert not q.answers and not q.years
    text = "\n".join(es.notes)
    assert "unanswerable" in text and "±1" in text


def test_liezhuan_is_deterministic(tmp_path, extract_dates):
    shared = _shared()
    a = build_liezhuan(shared, tmp_path / "a", n_figures=8, seed=5)
    b = build_liezhuan(shared, tmp_path / "b", n_figures=8, seed=5)
    assert a.figures == b.figures
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert build_liezhuan(shared, tmp_path / "c", n_figures=8, seed=6).figures != a.figures


# -- Chinese SimpleQA on the real data


def test_simpleqa_asks_li_bai_and_leaves_out_questions_about_him(tmp_path):
    shared = _shared()
    settings = load_settings(overrides={"corpora_dirs": [str(REPO / "corpora")], "index_dir": str(tmp_path / "i")})
    es = build_simpleqa(shared, tmp_path / "out", settings=settings)
    assert es.corpora_dir is None and es.figures == ["li-bai"]
    questions = read_questions_files([es.questions])  # also checks ids are unique
    items = json.loads((shared / "eval" / "chinese_simpleqa_history_literature.json").read_text(encoding="utf-8"))
    excluded = [i for i in items if "李白" in i["question"] + i["answer"] or "太白" in i["question"] + i["answer"]]
    assert excluded and len(questions) == len(items) - es.counts["excluded_naming_figure"]
    assert es.counts["excluded_naming_figure"] >= len(excluded)
    assert {q.kind for q in questions} == {"unanswerable"} and {q.figure for q in questions} == {"li-bai"}
    assert all(re.fullmatch(r"simpleqa-[0-9a-f]{8}(-[2-9])?", q.id) for q in questions)
    texts = {q.question for q in questions}
    assert all(i["question"].strip() not in texts for i in excluded)
    assert texts <= {i["question"].strip() for i in items}  # kept as is
    small = build_simpleqa(shared, tmp_path / "o2", limit=20, seed=1, settings=settings)
    again = build_simpleqa(shared, tmp_path / "o3", limit=20, seed=1, settings=settings)
    assert small.questions.read_bytes() == again.questions.read_bytes()
    assert len(_records(small.questions)) == 20
