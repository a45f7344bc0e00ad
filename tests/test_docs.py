"""The README's command listing comes from --help, and its Quickstart is what CI runs."""

import re
from pathlib import Path

from click.testing import CliRunner

from agent.cli.commands import main

REPO = Path(__file__).resolve().parents[1]


def test_readme_help_matches_cli():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- agent --help -->\n```\n(.*?)```\n<!-- end -->", readme, re.S).group(1)
    out = CliRunner().invoke(main, ["--help"], terminal_width=100, prog_name="agent")
    assert out.output == block


def test_quickstart_has_two_commands_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    assert "agent ask li-bai" in commands[0]
    assert commands[1] in (REPO / ".ci" / "run").read_text()


def test_readme_is_for_users():
    """At most about 260 lines; the grounding section names the folder of each stage; nothing of the project's
    own development history."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 260
    grounded = readme.split("## How an answer is grounded", 1)[1].split("\n## ", 1)[0]
    for stage in ("ingest", "index", "retrieve", "generate", "verify", "eval", "cli"):
        assert f"`agent/{stage}/`" in grounded, stage
        assert (REPO / "agent" / stage / "__init__.py").exists(), stage
    assert not re.search(r"(?i)\bsession \d|\bsessions? \d+|\bwe (?:tried|changed|fixed)\b|\bnow (?:also )?(?:refuses|answers)\b",
                         readme)
