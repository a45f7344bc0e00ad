"""The knowledge boundary on its own: questions about later times, passages dated after the cutoff, the timeline file."""

from __future__ import annotations

import glob

import pytest

from agent.config import load_settings
from agent.errors import CorpusError
from agent.eval.runner import read_questions_files
from agent.index.chunking import Chunk
from agent.ingest.corpus import read_specs
from agent.ingest.figures import get_figure
from agent.ingest.loaders import SourceSpec
from agent.ingest.timeline import load_timeline
from agent.verify.boundary import (
    AFTER_MY_TIME,
    NOT_PRESENT,
    KnowledgeBoundary,
    LaterItem,
    PassageDates,
    later_works,
    names_after_death,
    world_items,
)

from .conftest import REPO


@pytest.fixture(scope="module")
def repo_settings():
    return load_settings(overrides={"corpora_dirs": [str(REPO / "corpora")]})


@pytest.mark.parametrize("figure, question, evidence", [
    ("li-bai", "你喜欢苏轼写的诗吗？", "蘇軾"),
    ("li-bai", "Have you read the poems of Bai Juyi?", "Bai Juyi"),
    ("li-bai", "高适765年去世，你听到消息时难过吗？", "765年"),
    ("julius-caesar", "What do you make of the battle of Actium?", "Actium"),
    ("julius-caesar", "你對1453年的事有什麼看法？", "1453年"),
    ("abraham-lincoln", "What did you think of the telephone?", "telephone"),
    ("abraham-lincoln", "What happened after your death?", "after your death"),
    ("poplicola", "Once you were dead, who kept your house?", "Once you were dead"),
    ("meng-haoran", "你去世以后谁为你编集？", "你去世以后"),
    ("poplicola", "What do you think of Julius Caesar?", "Julius Caesar"),
    ("qian-yi", "李时珍的医术比你高明吗？", "李時珍"),
])
def test_later_things_are_after_my_time(repo_settings, figure, question, evidence):
    finding = KnowledgeBoundary(get_figure(repo_settings, figure)).check_question(question)
    assert finding is not None and finding.reason == AFTER_MY_TIME
    assert finding.evidence in (evidence, evidence.replace("蘇軾", "苏轼"))


@pytest.mark.parametrize("figure, question", [
    ("julius-caesar", "你渡過盧比孔河那年多大年紀？"),  # the Rubicon (49 BC) is within Caesar's life
    ("su-shi", "你為什麼自號「東坡居士」？"),  # 東坡 is on the world list, but not after 蘇軾's own time
    ("abraham-lincoln", "When did you first ride on a railroad?"),
    ("li-bai", "你是哪一年来到长安的？"),
])
def test_things_within_the_life_are_not(repo_settings, figure, question):
    assert KnowledgeBoundary(get_figure(repo_settings, figure)).check_question(question) is None


def test_as_of_moves_the_cutoff(repo_settings):
    li_bai = get_figure(repo_settings, "li-bai")
    assert KnowledgeBoundary(li_bai).check_question("天宝十五载你在哪里？") is None
    finding = KnowledgeBoundary(li_bai, as_of=742).check_question("天宝十五载你在哪里？")
    assert finding.reason == AFTER_MY_TIME and finding.year == 756


def _with_works(figure, as_of=None):
    return KnowledgeBoundary(figure, as_of, works=later_works(figure, read_specs(figure)))


@pytest.mark.parametrize("figure, question, evidence, year", [
    ("agricola", "Have you read the biography Tacitus wrote of you?", "Tacitus", 98),
    ("li-bai", "你读过《新唐书》里你的传吗？觉得写得怎样？", "新唐書", 1060),
    ("julius-caesar", "What do you think of the life of you that Suetonius wrote?", "Suetonius", 121),
])
def test_a_work_about_the_figure_written_after_its_death_is_after_my_time(repo_settings, figure, question, evidence, year):
    finding = _with_works(get_figure(repo_settings, figure)).check_question(question)
    assert (finding.reason, finding.evidence, finding.year) == (AFTER_MY_TIME, evidence, year)


@pytest.mark.parametrize("figure, question", [
    ("agricola", "據塔西佗所寫，你死的時候多大年紀？"),  # what the source says is what the figure answers from
    ("agricola", "What did Tacitus write about your father?"),
    ("agricola", "You gave your daughter to Tacitus. What did you think of him?"),  # a person, not his book
    ("meng-haoran", "照《新唐書》的說法，你為什麼離開京師？"),
    ("abraham-lincoln", "Did you read your Papers and Writings?"),  # written within the life
])
def test_asking_from_a_later_work_is_not(repo_settings, figure, question):
    assert _with_works(get_figure(repo_settings, figure)).check_question(question) is None


def test_later_works_are_dated_by_the_first_year_written_and_named_without_roles(repo_settings):
    figure = get_figure(repo_settings, "agricola")
    specs = [SourceSpec(path="a.txt", cite_as="Tacitus, Agricola", author="Cornelius Tacitus; translated by A. J. Church and W. J. Brodribb",
                        date_written="c. 98, under Trajan; translation 1868"),
             SourceSpec(path="b.txt", cite_as="Caesar, Gallic War", author="Gaius Julius Caesar", date_written="c. 50 BC"),
             SourceSpec(path="c.txt", cite_as="Notes", author="", date_written="unknown"),
             SourceSpec(path="d.txt", cite_as="Scholia", author="an unknown grammarian", date_written="3rd century AD; 2nd ed. 1990")]
    assert later_works(figure, specs) == (
        LaterItem(98, ("Tacitus", "Cornelius Tacitus", "A. J. Church", "W. J. Brodribb")),
        LaterItem(-50, ("Caesar", "Gallic War", "Gaius Julius Caesar")),
        LaterItem(201, ("Scholia", "an unknown grammarian")))
    # talking to Agricola as of AD 90, a work of 98 is still after his time; one of 50 BC is not
    boundary = KnowledgeBoundary(figure, 90, works=later_works(figure, specs))
    assert boundary.check_question("Have you read the life Tacitus wrote of you?").year == 98
    assert boundary.check_question("Have you read Caesar's book on the Gallic War?") is None


def test_before_birth_is_a_not_present_candidate(repo_settings):
    finding = KnowledgeBoundary(get_figure(repo_settings, "abraham-lincoln")).check_question("What did you do in 1776?")
    assert finding.reason == NOT_PRESENT and finding.year == 1776


def test_no_answerable_team_question_crosses_the_boundary(repo_settings):
    """The later-names lists must not refuse what the sources answer (a regression test on the gold sets)."""
    questions = read_questions_files(sorted(glob.glob(str(REPO / "eval" / "questions" / "*.jsonl")))
                                     + sorted(glob.glob(str(REPO / "eval" / "probes" / "*.jsonl"))))
    boundaries = {}
    crossed = []
    for q in questions:
        if q.kind == "answerable":
            b = boundaries.setdefault(q.figure, _with_works(get_figure(repo_settings, q.figure)))
            finding = b.check_question(q.question)
            if finding and finding.reason == AFTER_MY_TIME:
                crossed.append((q.id, finding.evidence))
    assert crossed == []


def test_world_list_is_well_formed():
    items = world_items()
    assert len(items) > 30 and all(item.names for item in items)
    names = [n for item in items for n in item.names]
    assert len(names) == len(set(names))


def _chunk(cid: str, doc: str, text: str) -> Chunk:
    return Chunk(cid, doc, text, "t", "t", "", "primary", "zh")


def test_undated_chunks_take_the_date_of_the_last_dated_chunk_in_their_document(settings):
    chunks = [_chunk("a:1", "a", "天寶元年入長安。"), _chunk("a:2", "a", "賜金放還。"),
              _chunk("a:3", "a", "至德二載，流夜郎。"), _chunk("a:4", "a", "遇赦而還。"), _chunk("b:1", "b", "好飲酒。")]
    dating = PassageDates(KnowledgeBoundary(get_figure(settings, "test-poet"), as_of=750), chunks)
    assert dating.span("a:2") == (742, 742) and not dating.after_cutoff("a:2")
    assert dating.after_cutoff("a:3") and dating.after_cutoff("a:4")
    assert dating.span("b:1") is None and not dating.after_cutoff("b:1")


def test_a_dated_note_on_sources_counts_the_bare_lifetime_years_it_writes(settings):
    note = ("The histories give no year of birth: 701 for his birth and 762 for his death come from a database, "
            "and late in the Yuanhe era, which ended in 820, an official visited his grave.")
    chunks = [_chunk("a:1", "a", note), _chunk("a:2", "a", "No year is given for his audience."),
              _chunk("b:1", "b", "In 820 the grave was repaired; the stone is 701 feet from the road."),
              _chunk("c:1", "c", "In 820 the grave was repaired."), _chunk("c:2", "c", "Some 701 of his poems survive.")]
    dating = PassageDates(KnowledgeBoundary(get_figure(settings, "test-poet")), chunks)
    assert dating.span("a:1") == (701, 820) and not dating.after_cutoff("a:1")
    assert not dating.after_cutoff("a:2")  # the note after it takes its earliest year
    assert not dating.after_cutoff("b:1")  # a number in the lifetime is read as a year, measured or not
    assert dating.after_cutoff("c:1") and dating.after_cutoff("c:2")  # a bare number never dates a passage alone


def test_timeline_loads_and_bad_years_are_named(settings, tmp_path):
    fig = get_figure(settings, "test-poet")
    assert load_timeline(fig) == []
    (fig.root / "timeline.toml").write_text('[[event]]\nyear = 742\nzh = "入長安"\n[[event]]\nyear = "c. 750"\nzh = "x"\n',
                                            encoding="utf-8")
    with pytest.raises(CorpusError, match=r"timeline.toml: event 2: year 'c. 750' must be an integer"):
        load_timeline(fig)


def test_every_builtin_timeline_loads(repo_settings):
    for fid in ("li-bai", "su-shi", "julius-caesar", "abraham-lincoln", "meng-haoran", "qian-yi", "poplicola", "agricola"):
        events = load_timeline(get_figure(repo_settings, fid))
        assert events and all(e.text for e in events)  # 錢乙's timeline dates nothing: no source gives a year


def test_later_names_must_be_a_list_of_names(settings):
    fig = get_figure(settings, "test-poet")
    toml = fig.root / "figure.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[names]", "later_names = \"蘇軾\"\n\n[names]"), encoding="utf-8")
    with pytest.raises(CorpusError, match="later_names must be a list"):
        get_figure(settings, "test-poet")


def test_names_the_notes_place_after_the_death(settings):
    """"<figure> was already dead when <name> ..." puts <name> after the figure's time; the sentence must be
    about the figure (its name, or he/she, just before), and only the subject of the clause counts."""
    fig = get_figure(settings, "test-poet")
    texts = ["The Life of Du Mu says that Test Poet was already dead when Du Mu reached the capital.",
             "His friend was already dead when Wang Wei came home.",  # about the friend
             "He had been dead by the time the Huichang Persecution began.",
             "Poet T was already dead when Test Poet returned."]  # his own name is not later
    assert names_after_death(fig, texts) == ("Du Mu", "Huichang Persecution")
    boundary = KnowledgeBoundary(fig, later_names=names_after_death(fig, texts))
    finding = boundary.check_question("What did you think of Du Mu's poems?")
    assert finding is not None and (finding.reason, finding.evidence) == (AFTER_MY_TIME, "Du Mu")
    assert KnowledgeBoundary(fig).check_question("What did you think of Du Mu's poems?") is None
    assert boundary.check_question("What did you think of Wang Wei's poems?") is None
