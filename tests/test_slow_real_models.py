"""The real default chat model and embedder, end to end. Marked slow; CI runs them.

They use the real agent home (not a temporary one) so the assembled GGUF and the
converted embedder are built once per machine and reused.
"""

import json
import re

import pytest
from click.testing import CliRunner

from agent.cli import main

pytestmark = pytest.mark.slow

ERA_742 = re.compile(r"742|天[寶宝]元年|天[寶宝]初")


@pytest.fixture(scope="module")
def li_bai(tmp_path_factory):
    from agent import load_agent
    from agent.config import load_settings

    settings = load_settings()
    settings = settings.model_copy(update={"index_dir": tmp_path_factory.mktemp("indexes")})
    return load_agent("li-bai", settings)


def test_when_did_you_enter_changan(li_bai):
    ans = li_bai.ask("你何时入长安？")
    assert not ans.abstained, ans.text
    assert re.search(r"742|天[寶宝]元年", ans.text), ans.text
    cited = {p.id: p.text for p in ans.passages}
    assert any(re.search(r"742|天[寶宝]元年", cited[c.passage_id]) for c in ans.citations), ans.to_json()
    assert ans.model.sha256.startswith("cc324af0")
    assert ans.timings.first_token is not None


def test_phone_number_is_refused_in_character(li_bai):
    ans = li_bai.ask("你的手机号码是多少？")
    assert ans.abstained and ans.abstain_reason == "not_in_sources"
    assert "李白" in ans.text and ans.citations == []


def test_english_question(li_bai):
    ans = li_bai.ask("When did you come to Chang'an?")
    assert not ans.abstained and ans.language == "en"
    assert re.search(r"742|Tianbao", ans.text), ans.text
    assert ans.citations


def test_cli_ask_json(tmp_path, monkeypatch):
    out = CliRunner().invoke(main, ["ask", "li-bai", "你何时入长安？", "--json"])
    assert out.exit_code == 0, out.output
    ans = json.loads(out.stdout)
    assert re.search(r"742|天[寶宝]元年", ans["text"])
    assert ans["citations"]
