"""The chat REPL: a simple loop with a few slash commands, printing the figure's reply sentence by sentence as each
passes the guard."""

from __future__ import annotations

from collections.abc import Callable

import click

from agent.answer import Answer, Done, Revised, Sentence
from agent.core import Agent
from agent.errors import AgentError
from agent.text.script import detect_language

HELP = """Type a question and press Enter. Commands:
  /sources   the passages behind the last answer, with their locators
  /help      this help
  /quit      leave (Ctrl-D works too)"""


def format_citations(answer: Answer) -> str:
    lines = [f"  {c.marker} {c.locator} — “{c.quote}”" for c in answer.citations]
    return "\n".join(lines)


def format_passages(answer: Answer) -> str:
    if not answer.passages:
        return "(no passages were retrieved)"
    return "\n".join(f"[{n}] {p.locator} ({p.id}, score {p.score:.4f})\n    {p.text}" for n, p in enumerate(answer.passages, 1))


def run_repl(agent: Agent, *, read: Callable[[str], str] | None = None) -> None:
    """Read questions until /quit or end of input; a failed turn prints its error and the loop goes on."""
    read = read or (lambda prompt: click.prompt(prompt, prompt_suffix="", default="", show_default=False))
    name = agent.figure.display_name
    guard = agent.settings.guard
    when = f", as of {guard.as_of}" if guard.as_of is not None and guard.enabled else ""
    checks = "" if guard.enabled else " The truthfulness guard is off."
    click.echo(f"Talking with {name} ({agent.figure.life}{when}).{checks} /help for commands, /quit to leave.")
    last: Answer | None = None
    while True:
        try:
            line = read("\n> ").strip()
        except (EOFError, click.exceptions.Abort):
            click.echo("")
            return
        if not line:
            continue
        if line.startswith("/"):
            command = line.split()[0].lower()
            if command in ("/quit", "/exit", "/q"):
                return
            if command == "/help":
                click.echo(HELP)
            elif command == "/sources":
                click.echo(format_passages(last) if last else "(no answer yet)")
            else:
                click.echo(f"unknown command {command}; /help lists the commands")
            continue
        try:
            last = _show_answer(agent, line) or last
        except AgentError as exc:
            click.echo(f"\nerror: {exc}", err=True)


def _show_answer(agent: Agent, question: str) -> Answer | None:
    """Print the answer sentence by sentence as each passes the guard; Ctrl-C stops it and returns to the prompt.
    A sentence that fails is never printed: if the guard's answer then differs from what was shown, the checked
    answer is printed in full under a note."""
    answer = None
    joiner = "" if detect_language(question) == "zh" else " "
    shown = 0
    try:
        for event in agent.stream(question):
            if isinstance(event, Sentence):
                click.echo((joiner if shown else "") + event.text, nl=False)
                shown += 1
            elif isinstance(event, Revised):
                if shown:
                    click.echo("\n(checked against the sources, the answer is:)")
                click.echo(event.text, nl=False)
            elif isinstance(event, Done):
                answer = event.answer
    except KeyboardInterrupt:
        click.echo("\n(stopped)")
        return None
    click.echo("")
    if answer is not None and answer.citations:
        click.echo(format_citations(answer))
    return answer




def format_text_check(report) -> str:
    """A scholar's check as a reader scans it: one line per date, number and claim, its status and what decides
    it, then the passages by number."""
    if not report.checks:
        return "(nothing in the text to check: no date, number or claim the sources could decide)"
    by_id = {p.id: (n, p) for n, p in enumerate(report.passages, 1)}
    lines = []
    for c in report.checks:
        item = c.text if c.kind != "claim" else "(claim)"
        decided = by_id.get(c.evidence or "")
        source = f"[{decided[0]}] {decided[1].locator}" if decided else (c.evidence or "")
        why = f" — {c.note}" if c.note else ""
        lines.append(f"{c.status:<12} {item:<14} {c.sentence.strip()[:60]}  {source}{why}")
    lines.append("")
    lines += [f"[{n}] {p.locator}: {p.text.strip()[:160]}" for n, p in enumerate(report.passages, 1)]
    return "\n".join(lines)


def format_chronology(chronology) -> str:
    """The chronology as a reader scans it: derived facts first, then one line per dated sentence."""
    lines = []
    for name, fact in chronology.facts.items():
        value = fact.year_text or fact.date
        lines.append(f"{name.replace('_', ' '):<14} {value:<12} derived: {fact.derivation}  [{fact.locator}]")
    if lines:
        lines.append("")
    for e in chronology.entries:
        events = f" ({', '.join(e.events)})" if e.events else ""
        mark = "" if e.how == "stated" else f" [{e.how}]"
        lines.append(f"{e.year_text:<10} {e.date}{mark}{events}  {e.sentence.strip()[:100]}  [{e.locator}]")
    return "\n".join(lines) if lines else "(no dated sentence in the sources)"


__all__ = ["HELP", "format_chronology", "format_citations", "format_passages", "format_text_check", "run_repl"]
