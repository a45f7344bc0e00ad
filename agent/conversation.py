"""A conversation with one figure: each question is answered with the turns before it in mind (retrieval reads
a follow-up with the question before it, and the model is shown the earlier turns after the passages), and the
guard checks every answer against this turn's passages as for a single question: a date said in an earlier
answer is supported by a passage again, never by having been said. Saved to and loaded from JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from agent.answer import Answer, StreamEvent
from agent.errors import InputError
from agent.files import write_text_atomic
from agent.verify.release import stream_events

# The earlier turns a question is asked with (the prompt keeps as many of them as fit generation.history_tokens).
MEMORY_TURNS = 4


class Conversation:
    """``agent.conversation()``: ``ask`` and ``stream`` as on the agent, with memory; ``turns`` lists the answers;
    ``clear()`` forgets them."""

    def __init__(self, agent, *, as_of: int | None = None, guard: bool | None = None,
                 turns: list[Answer] | None = None) -> None:
        self.agent = agent
        self.as_of = as_of
        self.guard = guard
        self.turns: list[Answer] = list(turns or [])

    def ask(self, question: str, *, on_token: Callable[[str], None] | None = None,
            on_event: Callable[[StreamEvent], None] | None = None) -> Answer:
        answer = self.agent.ask(question, on_token=on_token, on_event=on_event, guard=self.guard, as_of=self.as_of,
                                history=self.turns[-MEMORY_TURNS:])
        self.turns.append(answer)
        return answer

    def stream(self, question: str) -> Iterator[StreamEvent]:
        """The answer's events as ``Agent.stream`` yields them; the answer joins ``turns`` when it is done."""
        return stream_events(lambda emit: self.ask(question, on_event=emit))

    def clear(self) -> None:
        self.turns.clear()

    def to_dict(self) -> dict:
        return {"figure": self.agent.figure.id, "as_of": self.as_of, "guard": self.guard,
                "turns": [turn.to_dict() for turn in self.turns]}

    def save(self, path: Path) -> None:
        write_text_atomic(Path(path), json.dumps(self.to_dict(), ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, path: Path, agent) -> Conversation:
        """A conversation saved by ``save``, continued with ``agent`` (which must be the same figure)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            turns = [Answer.from_dict(t) for t in data["turns"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a saved conversation ({exc})", hint="give a file written by save") from None
        if data.get("figure") != agent.figure.id:
            raise InputError(f"{path}: a conversation with {data.get('figure')!r}, not {agent.figure.id!r}",
                             hint=f"load it with load_agent({data.get('figure')!r})")
        return cls(agent, as_of=data.get("as_of"), guard=data.get("guard"), turns=turns)


__all__ = ["Conversation", "MEMORY_TURNS"]
