"""The chat REPL: a simple loop with a few slash commands, printing the figure's reply sentence by sentence as each
passes the guard."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from agent.answer import Answer, Done, Revised, Sentence
from agent.core import Agent
from agent.errors import AgentError
from agent.files import write_text_atomic
from agent.text.script import detect_language
from agent.verify.citations import MARKER_RE

HELP = """Type a question and press Enter; the figure remembers the conversation. Commands:
  /sources        the passages behind the last answer, with their locators
  /timeline       the figure's chronology, computed from its sources
  /as-of YEAR     talk to the figure as of YEAR of its life; /as-of off: up to its death
  /guard on|off   the truthfulness guard (on: every date and number checked against the sources)
  /save FILE      the conversation as Markdown, with its citations and sources
  /figure ID      talk to another figure (the model stays loaded)
  /clear          forget the conversation
  /help           this help
  /quit           leave (Ctrl-D works too; Ctrl-C stops an answer)"""


def format_citations(answer: Answer) -> str:
    lines = [f"  {c.marker} {c.locator} — “{c.quote}”" for c in answer.citations]
    return "\n".join(lines)


def format_passages(answer: Answer) -> str:
    if not answer.passages:
        return "(no passages were retrieved)"
    return "\n".join(f"[{n}] {p.locator} ({p.id}, score {p.score:.4f})\n    {p.text}" for n, p in enumerate(answer.passages, 1))


# The questions typed in `agent chat`, kept under $AGENT_HOME for the next chat (up arrow recalls them).
HISTORY_FILE = "chat_history"
HISTORY_LENGTH = 1000


@contextlib.contextmanager
def line_history(path: Path) -> Iterator[None]:
    """Line editing (arrow keys, Ctrl-A/E, Ctrl-R) and the questions of earlier chats, through Python's standard
    ``readline`` where it has one; saved back on leaving, a failure to save costing only the history."""
    try:
        import readline
    except ImportError:  # no readline (Windows): plain input
        yield
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)


PASTE_GAP_S = 0.03  # lines that arrive closer together than this were pasted at once: they are one question


def _pending(stream, timeout: float = PASTE_GAP_S) -> bool:
    """More input is already waiting on a terminal (the rest of a pasted block)."""
    import select

    try:
        return stream.isatty() and bool(select.select([stream], [], [], timeout)[0])
    except (OSError, ValueError):
        return False


def read_question(prompt: str) -> str:
    """One question from the terminal: a line, or a block of lines pasted at once (a passage quoted with its
    question), joined with newlines; typed lines are separate questions."""
    import sys

    lines = [click.prompt(prompt, prompt_suffix="", default="", show_default=False)]
    while _pending(sys.stdin):
        try:
            lines.append(input())
        except EOFError:
            break
    return "\n".join(lines)


def run_repl(agent: Agent, *, read: Callable[[str], str] | None = None) -> None:
    """Read questions until /quit or end of input; a failed turn prints its error and the loop goes on."""
    read = read or read_question
    guard = agent.settings.guard
    conversation = agent.conversation()
    when = f", as of {guard.as_of}" if guard.as_of is not None and guard.enabled else ""
    checks = "" if guard.enabled else " The truthfulness guard is off."
    click.echo(f"Talking with {agent.figure.display_name} ({agent.figure.life}{when}).{checks} "
               "/help for commands, /quit to leave.")
    while True:
        try:
            line = read("\n> ").strip()
        except (EOFError, click.exceptions.Abort):
            click.echo("")
            return
        if not line:
            continue
        try:
            if line.startswith("/"):
                done = _command(agent, conversation, line)
                if done == "quit":
                    return
                if isinstance(done, Agent):  # /figure: another figure, the same model and embedder
                    agent, conversation = done, done.conversation(as_of=conversation.as_of, guard=conversation.guard)
                    click.echo(f"(now talking with {agent.figure.display_name}, {agent.figure.life})")
                continue
            show_answer(conversation, line)
        except AgentError as exc:
            click.echo(f"\nerror: {exc}", err=True)


def _command(agent: Agent, conversation, line: str) -> str | Agent | None:
    """Carry out one slash command; 'quit' to leave, or the agent of the figure to talk to next."""
    command, _, arg = line.partition(" ")
    command, arg = command.lower(), arg.strip()
    last = conversation.turns[-1] if conversation.turns else None
    if command in ("/quit", "/exit", "/q"):
        return "quit"
    if command == "/help":
        click.echo(HELP)
    elif command == "/sources":
        click.echo(format_passages(last) if last else "(no answer yet)")
    elif command == "/timeline":
        click.echo(format_chronology(agent.chronology()))
    elif command == "/clear":
        conversation.clear()
        click.echo("(the conversation is forgotten)")
    elif command == "/as-of":
        if arg.lower() == "off":
            conversation.as_of = None
            click.echo(f"(as of the end of {agent.figure.display_name}'s life)")
        elif arg.lstrip("-").isdigit():
            conversation.as_of = int(arg)
            click.echo(f"(as of {arg}: what came later is unknown to the figure)")
        else:
            click.echo("usage: /as-of YEAR or /as-of off")
    elif command == "/guard":
        if arg.lower() in ("on", "off"):
            conversation.guard = arg.lower() == "on"
            click.echo(f"(the truthfulness guard is {arg.lower()})")
        else:
            click.echo("usage: /guard on or /guard off")
    elif command == "/figure":
        if not arg:
            click.echo("usage: /figure ID (agent figures lists them)")
        else:
            from agent.core import load_agent

            return load_agent(arg, agent.settings, embedder=agent.embedder, llm=agent.llm)
    elif command == "/save":
        if not arg:
            click.echo("usage: /save FILE")
        else:
            write_text_atomic(Path(arg).expanduser(), format_conversation(agent, conversation.turns))
            click.echo(f"(saved {len(conversation.turns)} turns to {arg})")
    else:
        click.echo(f"unknown command {command}; /help lists the commands")
    return None


def format_conversation(agent: Agent, turns: list[Answer]) -> str:
    """The conversation as Markdown: each question and answer with its citations, then the sources cited."""
    lines = [f"# A conversation with {agent.figure.display_name} ({agent.figure.life})", ""]
    for turn in turns:
        lines += [f"**Q:** {turn.question}", "", f"**{agent.figure.display_name}:** {turn.text}", ""]
        lines += [f"- {c.marker} {c.locator}: “{c.quote}”" for c in turn.citations]
        lines.append("")
    return "\n".join(lines)


def _color() -> bool | None:
    """Colour on a terminal (click decides), never when NO_COLOR is set (no-color.org)."""
    return False if os.environ.get("NO_COLOR") else None


def _styled(text: str, unverified: bool = False) -> str:
    """Citation markers in cyan; a sentence that was not checked (the guard off, an abstention) dimmed."""
    text = MARKER_RE.sub(lambda m: click.style(m.group(0), fg="cyan"), text)
    return click.style(text, dim=True) if unverified else text


def show_answer(agent, question: str, *, heading: str = "") -> Answer | None:
    """Print the answer sentence by sentence as each passes the guard; Ctrl-C stops it and returns to the prompt.
    A sentence that fails is never printed: if the guard's answer then differs from what was shown, the checked
    answer is printed in full under a note, then the citations (under ``heading``). ``agent``: an Agent or a
    Conversation. Colour on a terminal unless NO_COLOR is set."""
    answer = None
    joiner = "" if detect_language(question) == "zh" else " "
    shown = 0
    color = _color()
    try:
        for event in agent.stream(question):
            if isinstance(event, Sentence):
                click.echo((joiner if shown else "") + _styled(event.text, not event.verified), nl=False, color=color)
                shown += 1
            elif isinstance(event, Revised):
                if shown:
                    click.echo(click.style("\n(checked against the sources, the answer is:)", fg="yellow"), color=color)
                click.echo(_styled(event.text), nl=False, color=color)
            elif isinstance(event, Done):
                answer = event.answer
    except KeyboardInterrupt:
        click.echo("\n(stopped)")
        return None
    click.echo("")
    if answer is not None and answer.citations:
        if heading:
            click.echo(heading)
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


__all__ = ["HELP", "HISTORY_FILE", "line_history", "show_answer", "format_chronology", "format_conversation", "format_citations", "format_passages", "format_text_check", "run_repl"]
