"""The real default chat model and embedder, end to end. Marked slow; CI runs them.

They use the real agent home (not a temporary one) so the assembled GGUF and the
converted embedder are built once per machine and reused.
"""

import json
import re

import pytest
from click.testing import CliRunner

from agent.cli.commands import main

pytestmark = pytest.mark.slow

ERA_742 = re.compile(r"742|天[寶宝]元年|天[寶宝]初")


@pytest.fixture(scope="module")
def li_bai():
    """The default settings, as a user gets them: the index is built once (or reused) where
    `agent ask` keeps it, so this module and README command 1 share it."""
    from agent import load_agent

    return load_agent("li-bai")


def test_when_did_you_enter_changan(li_bai):
    ans = li_bai.ask("你是哪一年来到长安的？")
    assert not ans.abstained, ans.text
    assert re.search(r"742|天[寶宝]元年", ans.text), ans.text
    cited = {p.id: p.text for p in ans.passages}
    assert any(re.search(r"742|天[寶宝]元年", cited[c.passage_id]) for c in ans.citations), ans.to_json()
    assert ans.model.sha256.startswith("cc324af0")
    assert ans.timings.first_token is not None


def test_phone_number_is_refused_in_character(li_bai):
    ans = li_bai.ask("你的手机是什么牌子的？")
    assert ans.abstained and ans.abstain_reason == "after_my_time"
    ans = li_bai.ask("你的手机是什么牌子的？", guard=False)
    assert ans.abstained and ans.abstain_reason == "not_in_sources"
    assert "李白" in ans.text and ans.citations == []


def test_english_question(li_bai):
    ans = li_bai.ask("When did you first arrive in Chang'an?")
    assert not ans.abstained and ans.language == "en"
    assert re.search(r"742|Tianbao", ans.text), ans.text
    assert ans.citations


def test_cli_ask_json(tmp_path, monkeypatch):
    out = CliRunner().invoke(main, ["ask", "li-bai", "你是哪一年来到长安的？", "--json"])
    assert out.exit_code == 0, out.output
    ans = json.loads(out.stdout)
    assert re.search(r"742|天[寶宝]元年", ans["text"])
    assert ans["citations"]


def test_caesar_date_question_cites_suetonius_chapter():
    from agent import load_agent

    from .conftest import shared_path

    shared_path("sources", "en", "suetonius")
    ans = load_agent("julius-caesar").ask("On what day were you killed?")
    assert not ans.abstained, ans.text
    assert re.search(r"Ides of March|15 March|March 15", ans.text), ans.text
    assert any(re.search(r"Suetonius, Divus Julius 8\d|team biography", c.locator) for c in ans.citations), ans.to_json()


def test_figure_add_from_one_dynastic_biography(tmp_path, monkeypatch):
    """One command makes a working figure. A fresh AGENT_HOME: the model is assembled and the
    embedder converted again there (about 10 s), so the user's own home is not touched."""
    from .conftest import shared_path

    bio = shared_path("sources", "zh", "dynastic_bios", "10101.txt")
    monkeypatch.setenv("AGENT_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(
        main,
        ["figure", "add", "pang-anshi", "--name", "Pang Anshi", "--name-zh", "龐安時", "--cite-as", "宋史·方技傳·龐安時", str(bio)],
    )
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(main, ["ask", "pang-anshi", "你的字叫什么？", "--json"])
    ans = json.loads(out.stdout)
    assert not ans["abstained"], ans["text"]
    assert "安常" in ans["text"]
    # cited to the biography, or to the chronology passage that quotes its opening
    assert ans["citations"] and ans["citations"][0]["locator"].endswith("宋史·方技傳·龐安時")
