"""agent eval: question files, per-answer scores, the summary, resumable runs, and the CLI command."""

import json

import pytest
from click.testing import CliRunner

from agent.answer import Answer, Citation, Passage, Timings
from agent.cli.commands import main
from agent.core import Agent
from agent.errors import InputError
from agent.eval.report import summarize
from agent.eval.runner import rescore, run_eval
from agent.eval.scoring import EvalQuestion, extract_years, passage_matches, read_eval_questions, score
from agent.ingest.figures import get_figure

from .fakes import ScriptedChatModel

Q = "你是哪一年来到长安的？"
ANSWER = "我於天寶元年即742年到達長安，得見皇帝。[1]"


def _agent(settings, embedder, llm):
    return Agent(get_figure(settings, "test-poet"), settings, embedder=embedder, llm=llm)


def _question(**kw):
    base = dict(id="q1", figure="test-poet", question=Q, lang="zh", kind="answerable",
                answers=["天宝"], years=[(742, 742)], passages=["測試小傳 §2"])
    return EvalQuestion(**{**base, **kw})


def _answer_citing(agent, text, locator_prefix="測試小傳 §2"):
    passages = agent.retrieve(Q)
    cited = next(p for p in passages if p.locator.startswith(locator_prefix))
    citation = Citation("[1]", cited.id, "測詩人小傳", cited.locator, cited.text[:20])
    return Answer("test-poet", Q, text, "zh", citations=[citation], passages=passages, timings=Timings(0.1, 0.2, 1.5))


def test_score_correct_and_wrong_answer(settings, embedder):
    agent = _agent(settings, embedder, ScriptedChatModel([]))
    q = _question()
    right = _answer_citing(agent, ANSWER)
    s = score(q, right, right.passages)
    assert s["answer_correct"] is True and s["years_stated"] == ["天寶元年", "742年"] and s["unsupported_years"] == []
    assert s["wrong_date"] is False and s["citation_precision"] == 1.0
    assert s["recall_at_k"] == 1.0 and s["reciprocal_rank"] == 1 / (
        1 + [p.locator for p in right.passages].index("測試小傳 §2"))
    assert s["citation_valid"] is True and s["language_match"] is True and s["abstained"] is False
    assert s["latency_s"] == 1.5 and s["first_token_s"] == 0.2

    wrong = _answer_citing(agent, "I came to the capital in 800. [1]")
    s = score(q, wrong, wrong.passages)
    assert s["answer_correct"] is False and s["years_stated"] == ["800"] and s["unsupported_years"] == ["800"]
    assert s["wrong_date"] is True
    assert s["language_match"] is False
    wrong.citations[0].passage_id = "not-a-passage"
    assert score(q, wrong, wrong.passages)["citation_valid"] is False
    # a gold year range counts a year inside it; no gold answers and years: not graded
    assert score(_question(answers=[], years=[(740, 745)]), right, [])["answer_correct"] is True
    assert score(_question(answers=[], years=[], passages=[]), right, [])["answer_correct"] is None


def test_score_reads_a_bare_year_of_the_figures_life_in_a_cited_passage(settings):
    """A note that writes the year bare ("the database gives 701") holds a stated 701 when the figure's life is
    known; a bare number outside the life, or a range, stays unsupported."""
    from agent.verify.boundary import KnowledgeBoundary

    note = Passage("n1", "Neither history gives the year; the database gives 701, and 1,000 poems survive.", "Notes",
                   "Notes §1", 1.0)
    answer = Answer("test-poet", "What year were you born in?", "I was born in 701 [1], not in 1000 [1], in 702–705 [1].",
                    "en", citations=[Citation("[1]", "n1", "Notes", "Notes §1", note.text[:20])], passages=[note])
    q = _question(question="What year were you born in?", lang="en", answers=[], years=[(701, 701)], passages=[])
    assert score(q, answer, [note])["unsupported_years"] == ["701", "1000", "702–705"]  # no life given: bare years unread
    boundary = KnowledgeBoundary(get_figure(settings, "test-poet"))
    assert score(q, answer, [note], boundary)["unsupported_years"] == ["1000", "702–705"]


def test_score_of_a_real_rag_answer(settings, embedder):
    agent = _agent(settings, embedder, ScriptedChatModel([ANSWER]))
    ans = agent.ask(Q)
    s = score(_question(), ans, ans.passages)
    assert s["answer_correct"] and s["recall_at_k"] == 1.0 and s["unsupported_years"] == []


def test_extract_years():
    text = "Caesar died in 44 BC [2]; Vesuvius, AD 79; 742年; 公元前202年; 10 years, 3.5 li, 1,000 men, 2200, §12."
    assert extract_years(text) == [-44, 79, 742, -202]
    assert extract_years("in 44 BCE and in 1066.") == [-44, 1066]
    assert extract_years("天寶元年，後至德二載") == [742, 757]  # reign eras converted
    assert extract_years("[12] §3 第2章") == []


def test_passage_matches_by_id_and_locator_prefix():
    p = Passage("lincoln-0042", "...", "Papers", "Lincoln, Papers and Writings, ADDRESS AT GETTYSBURG", 1.0)
    assert passage_matches(p, "Lincoln, Papers and Writings")
    assert passage_matches(p, "lincoln-0042")
    assert not passage_matches(p, "Lincoln, Papers and Writings, SECOND INAUGURAL")
    s = Passage("s-81", "...", "Suetonius", "Suetonius, Divus Julius 81", 1.0)
    assert passage_matches(s, "Suetonius, Divus Julius 81") and not passage_matches(s, "Suetonius, Divus Julius 8")
    assert passage_matches(Passage("x", "", "", "測試小傳 §2", 1.0), "测试小传 §2")


def _row(figure, kind, recall, correct, stated, unsupported, valid, abstained, lang, latency):
    return {"figure": figure, "kind": kind, "recall_at_k": recall, "reciprocal_rank": recall,
            "answer_correct": correct, "years_stated": stated, "unsupported_years": unsupported,
            "citation_valid": valid,
            "abstained": abstained, "language_match": lang, "latency_s": latency}


def test_summary_numbers():
    rows = [
        _row("a", "answerable", 1.0, True, [742], [], True, False, True, 1.0),
        _row("a", "answerable", 0.5, False, [701, 800], [800], True, False, False, 2.0),
        _row("a", "unanswerable", None, None, [], [], None, True, True, 3.0),
        _row("b", "answerable", 0.0, None, [], [], None, True, True, 4.0),
        _row("b", "after_death", None, None, [], [], None, True, True, 5.0),
        _row("b", "unanswerable", None, None, [1900], [1900], False, False, True, 6.0),
    ]
    s = summarize(rows)
    assert list(s) == ["a", "b", "all"]
    assert s["all"] == pytest.approx({
        "n": 6, "recall_at_k": 0.5, "mrr": 0.5, "accuracy": 0.5, "date_precision": 0.5,
        "unsupported_year_share": 2 / 6, "citation_validity": 2 / 3, "abstain_precision": 1 / 3,
        "abstain_recall": 0.5, "false_refusal": 1 / 3, "after_death_refusal": 1.0, "language_match": 5 / 6,
        "latency_p50_s": 3.5, "latency_p95_s": 5.75, "wrong_date_share": None, "citation_precision": None,
        "tokens_per_s": None, "unsupported_second_share": None, "readers_disagree": None,  # rows without it
    })
    a = s["a"]
    assert a["recall_at_k"] == 0.75 and a["date_precision"] == pytest.approx(2 / 3)
    assert a["abstain_precision"] == 1.0 and a["abstain_recall"] == 1.0 and a["false_refusal"] == 0.0
    assert a["after_death_refusal"] is None and a["latency_p95_s"] == pytest.approx(2.9)
    assert s["b"]["accuracy"] is None and s["b"]["abstain_precision"] == 0.0


def _line(**kw):
    return json.dumps({"id": "q1", "figure": "test-poet", "question": Q, "lang": "zh", "kind": "answerable", **kw},
                      ensure_ascii=False)


@pytest.mark.parametrize("bad,needle", [
    ("{broken", "not valid JSON"),
    (_line(kind="maybe"), "unknown kind 'maybe'"),
    (_line(years=["742"]), "years must be a list of integers or [start, end] ranges"),
    (_line(years=[[750, 740]]), "years must be"),
    (_line(answers="天宝"), "answers must be a list of non-empty strings"),
    (json.dumps({"figure": "test-poet", "question": "q", "lang": "zh", "kind": "answerable"}), "missing id"),
])
def test_bad_line_names_file_and_line(tmp_path, bad, needle):
    path = tmp_path / "q.jsonl"
    path.write_text(_line(id="ok", years=[742, [740, 745]]) + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_eval_questions(path)
    assert str(err.value).startswith(f"{path}:3: ") and needle in str(err.value)
    assert "\n" not in str(err.value)


def _questions_file(tmp_path):
    path = tmp_path / "q.jsonl"
    lines = [
        _line(id="a1", answers=["天宝"], years=[742], passages=["測試小傳 §2"]),
        _line(id="u1", kind="unanswerable", question="你的手机是什么牌子的？"),
        _line(id="e1", question="When did you reach Chang'an?", lang="en", passages=["Test Poet: a life"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_run_eval_writes_files_and_resumes(settings, embedder, tmp_path):
    llm = ScriptedChatModel(lambda messages: ANSWER if "長安" in messages[-1].content else
                            "I reached Chang'an early in the Tianbao era, whose first year is 742. [1]")
    agent = _agent(settings, embedder, llm)
    path, out = _questions_file(tmp_path), tmp_path / "run"
    result = run_eval([path], lambda figure: agent, mode="rag", out_dir=out)
    assert result["answered"] == 3 and result["skipped"] == 0
    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a1", "u1", "e1"]
    assert rows[0]["answer_correct"] and rows[1]["abstained"] and rows[2]["recall_at_k"] == 1.0
    m = result["metrics"]["all"]
    assert m["abstain_recall"] == 1.0 and m["false_refusal"] == 0.0 and m["accuracy"] == 1.0
    assert "| all | 3 |" in (out / "metrics.md").read_text()
    assert (out / "metrics.csv").read_text().splitlines()[0].startswith("figure,n,recall_at_k,mrr")
    run = json.loads((out / "run.json").read_text())
    assert run["mode"] == "rag" and run["model_sha256"] == "0" * 64 and run["embedder"] == "test-hash-embedder"
    assert run["git_commit"]
    calls = len(llm.calls)
    again = run_eval([path], lambda figure: agent, mode="rag", out_dir=out)
    assert again["answered"] == 0 and again["skipped"] == 3 and len(llm.calls) == calls
    assert again["metrics"] == result["metrics"]
    assert len((out / "answers.jsonl").read_text().splitlines()) == 3


def test_a_run_records_the_commit_it_started_at_and_every_commit_that_resumed_it(settings, embedder, tmp_path,
                                                                                  monkeypatch):
    import agent.eval.runner as evaluation

    agent = _agent(settings, embedder, ScriptedChatModel(lambda messages: ANSWER))
    path, out = _questions_file(tmp_path), tmp_path / "run"
    commits = iter(["aaa1111", "bbb2222", "ccc3333", "ddd4444"])
    monkeypatch.setattr(evaluation, "git_commit", lambda: next(commits))
    lines = path.read_text(encoding="utf-8").splitlines()
    first = tmp_path / "first.jsonl"
    first.write_text(lines[0] + "\n", encoding="utf-8")
    run_eval([first], lambda figure: agent, mode="rag", out_dir=out)  # answers at aaa1111
    assert json.loads((out / "run.json").read_text())["git_commit"] == "aaa1111"
    run_eval([path], lambda figure: agent, mode="rag", out_dir=out)  # resumed at bbb2222
    run = json.loads((out / "run.json").read_text())
    assert run["git_commit"] == "bbb2222" and run["git_commits"] == ["aaa1111", "bbb2222"]


def test_model_only_mode_uses_no_passages(settings, embedder, tmp_path):
    llm = ScriptedChatModel(lambda messages: "我於742年入長安。")
    agent = _agent(settings, embedder, llm)
    out = tmp_path / "run"
    result = run_eval([_questions_file(tmp_path)], lambda figure: agent, mode="model-only", out_dir=out)
    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    assert all(r["answer"]["passages"] == [] and r["answer"]["citations"] == [] for r in rows)
    assert not any(r["abstained"] for r in rows) and rows[0]["recall_at_k"] is None
    assert rows[0]["unsupported_years"] == ["742年"]  # nothing cited, so no year is supported
    system, user = llm.calls[0]
    assert "測詩人" in system.content and user.content == Q and len(llm.calls) == 3
    assert result["metrics"]["all"]["abstain_recall"] == 0.0
    assert json.loads((out / "run.json").read_text())["embedder"] is None


def test_guarded_mode_runs_the_guard_and_rag_does_not(settings, embedder, tmp_path):
    invented = "我入長安，得見皇帝。[1]那是七五〇年的事。[1]"
    agent = _agent(settings, embedder, ScriptedChatModel(lambda messages: invented))
    for mode in ("rag", "guarded"):
        run_eval([_questions_file(tmp_path)], lambda figure: agent, mode=mode, out_dir=tmp_path / mode)
    rag, guarded = ([json.loads(x) for x in (tmp_path / m / "answers.jsonl").read_text().splitlines()]
                    for m in ("rag", "guarded"))
    assert rag[0]["unsupported_years"] == ["七五〇年"] and rag[0]["answer"]["date_checks"] == []
    assert guarded[0]["unsupported_years"] == [] and guarded[0]["guard_changed"] is True
    run = json.loads((tmp_path / "guarded" / "run.json").read_text())
    assert run["mode"] == "guarded" and run["settings"]["guard"]["enabled"] is True
    assert run["settings"]["generation"]["temperature"] == 0.0 and "seed" in run["settings"]["generation"]


def test_resuming_a_run_in_another_mode_is_refused(settings, embedder, tmp_path):
    agent = _agent(settings, embedder, ScriptedChatModel(lambda messages: ANSWER))
    run_eval([_questions_file(tmp_path)], lambda figure: agent, mode="rag", out_dir=tmp_path / "run")
    with pytest.raises(InputError, match="holds a rag run"):
        run_eval([_questions_file(tmp_path)], lambda figure: agent, mode="guarded", out_dir=tmp_path / "run")


def test_unknown_figure_is_an_error_with_its_line(settings, embedder, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(_line() + "\n" + _line(id="q2", figure="nobody") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"{path}:2: unknown figure 'nobody'"):
        run_eval([path], lambda figure: get_figure(settings, figure), mode="rag", out_dir=tmp_path / "run")


def test_rescore_recomputes_scores_from_stored_answers(settings, embedder, tmp_path):
    agent = _agent(settings, embedder, ScriptedChatModel(lambda messages: ANSWER))
    path, out = _questions_file(tmp_path), tmp_path / "run"
    run_eval([path], lambda figure: agent, mode="rag", out_dir=out)
    rows = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    rows[0]["years_stated"] = ["stale"]
    (out / "answers.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    result = rescore([path], out)
    again = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    assert again[0]["years_stated"] == ["天宝元年", "742年"] and result["skipped"] == 3
    assert json.loads((out / "run.json").read_text())["mode"] == "rag"


def test_mode_all_writes_a_comparison_with_charts(home, tmp_path):
    path, out = _questions_file(tmp_path), tmp_path / "cmp"
    result = CliRunner().invoke(main, ["eval", str(path), "--mode", "all", "--plots", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "comparison.md").read_text()
    for mode in ("model-only", "rag", "guarded"):
        assert (out / mode / "answers.jsonl").is_file() and f"| {mode} | 3 |" in text
    assert (out / "overall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "![overall](overall.png)" in text


@pytest.fixture
def home(tiny_model_home):
    return tiny_model_home(ANSWER)


def test_cli_eval_end_to_end(home, tmp_path):
    path, out = _questions_file(tmp_path), tmp_path / "run"
    result = CliRunner().invoke(main, ["eval", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "| figure | n | recall@k |" in result.output and "| test-poet | 3 |" in result.output
    assert "3 answered, 0 already answered, 0 failed" in result.output
    run = json.loads((out / "run.json").read_text())
    assert run["mode"] == "guarded" and run["model_file"] == "tiny.gguf" and len(run["model_sha256"]) == 64
    rows = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    assert rows[0]["answer_correct"] is True and rows[1]["abstained"] is True
    again = CliRunner().invoke(main, ["eval", str(path), "-o", str(out)])
    assert "0 answered, 3 already answered" in again.output


def test_cli_eval_default_folder_and_model_only(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["eval", str(_questions_file(tmp_path)), "--mode", "model-only"])
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / "eval" / "runs").iterdir()
    assert run_dir.name.startswith("model-only-") and (run_dir / "metrics.md").is_file()


def test_cli_eval_bad_line_is_one_line_error(home, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(_line(kind="maybe") + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "-o", str(tmp_path / "run")])
    assert result.exit_code == 1 and f"{path}:1: unknown kind 'maybe'" in result.output
    assert result.output.strip().count("\n") == 0


def test_replay_checks_the_stored_rag_drafts_as_a_guarded_run_would(settings, embedder, tmp_path):
    """eval/replay.py: the guard replayed on a rag run's drafts scores as the live guarded run with the same model."""
    import importlib.util

    from .conftest import REPO

    spec = importlib.util.spec_from_file_location("replay", REPO / "eval" / "replay.py")
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)
    invented = "我入長安，得見皇帝。[1]那是七五〇年的事。[1]"
    replies = lambda messages: invented if "長安" in messages[1].content else "I reached Chang'an in 742. [1]"  # noqa: E731
    agent = _agent(settings, embedder, ScriptedChatModel(replies))
    path = _questions_file(tmp_path)
    for mode in ("rag", "guarded"):
        run_eval([path], lambda figure: agent, mode=mode, out_dir=tmp_path / mode)
    result = replay.replay(tmp_path / "rag", [path], tmp_path / "replay",
                           lambda figure, model: _agent(settings, embedder, model))
    assert result["answered"] == 3
    live, again = ([json.loads(x) for x in (tmp_path / m / "answers.jsonl").read_text().splitlines()]
                   for m in ("guarded", "replay"))
    keys = ("id", "answer_correct", "abstained", "abstain_reason", "unsupported_years", "guard_changed")
    assert [[r[k] for k in keys] for r in again] == [[r[k] for k in keys] for r in live]
    assert [r["answer"]["text"] for r in again] == [r["answer"]["text"] for r in live]
    assert live[0]["guard_changed"] and "七五〇年" not in again[0]["answer"]["text"]
    assert replay.compare(tmp_path / "replay", tmp_path / "guarded") == []
    assert replay.compare(tmp_path / "replay", tmp_path / "rag")  # the guard changed the first answer


def test_summary_reports_each_half_and_each_language():
    rows = [
        {**_row("a", "answerable", 1.0, True, [], [], None, False, True, 1.0), "split": "dev", "lang": "zh"},
        {**_row("b", "answerable", 1.0, False, [], [], None, False, True, 1.0), "split": "test", "lang": "zh"},
        {**_row("b", "answerable", 1.0, True, [], [], None, False, True, 1.0), "split": "test", "lang": "en"},
    ]
    s = summarize(rows)
    assert list(s) == ["a", "b", "split:dev", "split:test", "lang:en", "lang:zh", "all"]
    assert s["split:dev"]["accuracy"] == 1.0 and s["split:test"]["accuracy"] == 0.5 and s["lang:en"]["n"] == 1
    assert "lang:zh" not in summarize(rows[:2])  # one language: no rows per language


@pytest.mark.parametrize("text,lang", [
    ("I died in 1500 (弘治十三年).[1]", "en"), ("I am from 泉州永春.[1]", "en"), ("I was born in 1037.", "en"),
    ("我生於天聖九年。[1]", "zh"), ("我是李白，字太白 (Li Bai)。", "zh"),
])
def test_an_english_answer_quoting_a_chinese_name_is_english(text, lang):
    from agent.eval.scoring import answer_language

    assert answer_language(text) == lang


def test_the_second_reader_counts_unsupported_dates_on_its_own():
    rows = [dict(_row("a", "answerable", 1.0, True, [742], [], True, False, True, 1.0), unsupported_years_second=[]),
            dict(_row("a", "answerable", 1.0, True, [742], [], True, False, True, 1.0),
                 unsupported_years_second=["742年"])]
    m = summarize(rows)["all"]
    assert m["unsupported_second_share"] == 0.5 and m["readers_disagree"] == 1


def test_the_second_reader_reads_arabic_years_and_reign_eras_through_sanmiao():
    from agent.eval.second_reader import read_years, unsupported_dates

    assert read_years("他在公元前85年出生，开元二十八年去世。", (-100, 800)) == [
        ("开元二十八年", frozenset({740})), ("公元前85年", frozenset({-85}))]
    assert read_years("30,000 men, 1.75 m, twelve years, 二十年") == []
    assert unsupported_dates("开元二十八年（740年）我去世了。[1]", ["開元二十八年，卒於家。"], (689, 740)) == []
    assert unsupported_dates("I died in 741.[1]", ["開元二十八年，卒於家。"], (689, 740)) == ["741"]

