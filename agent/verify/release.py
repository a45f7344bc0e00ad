"""Verified streaming: a draft's sentences are released one by one, each as soon as it is complete (the next one
has begun) and has passed the guard's checks against the passages; the first that fails holds it and every one
after it. When the guard has reviewed the whole draft, what its answer adds after the sentences already shown is
released; where it does not continue them (it asked the model again, or cut or hedged one of them), the whole
checked answer is released as a revision."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from agent.answer import Answer, Citation, DateCheck, Held, Revised, Sentence, StreamEvent
from agent.verify.citations import SentenceSupport, split_answer
from agent.verify.hedge import failing
from agent.verify.silence import says_silent
from agent.verify.trim import drop_leading_questions

Cited = tuple[str, list[Citation], list[SentenceSupport]]


def _with_markers(sentence: str, numbers: list[int]) -> str:
    return sentence + "".join(f"[{n}]" for n in dict.fromkeys(numbers))


@dataclass
class SentenceGate:
    """Fed the draft token by token. ``cite(text)`` attaches citations by code; ``check(supports)`` is the guard's
    verifier over the same passages (None with the guard off: complete sentences are released unchecked);
    ``convert`` writes a sentence in the question's script; ``emit`` receives the events."""

    cite: Callable[[str], Cited]
    check: Callable[[list[SentenceSupport]], list[DateCheck]] | None
    emit: Callable[[StreamEvent], None]
    convert: Callable[[str], str] = lambda text: text
    stopped: Callable[[], bool] = lambda: False
    draft: str = ""
    released: list[str] = field(default_factory=list)  # sentences shown, without markers
    held: bool = False

    def feed(self, token: str) -> None:
        if self.stopped():
            raise Cancelled()
        self.draft += token
        if self.held:
            return
        complete = split_answer(drop_leading_questions(self.draft))[:-1]  # the last may go on, or its marker come
        if len(complete) <= len(self.released):
            return
        text, citations, supports = self.cite("".join(_with_markers(s, n) for s, n in complete))
        checks = self.check(supports) if self.check is not None and citations else []
        bad: dict[str, list[str]] = {}
        for c in failing(checks):
            bad.setdefault(c.sentence, []).append(c.note or c.status)
        for support in supports[len(self.released):len(complete)]:
            sentence = support.sentence
            if self.check is not None and (not support.passage_numbers or sentence in bad or says_silent(sentence)):
                self.held = True
                self.emit(Held(self.convert(sentence), bad.get(sentence, ["no passage supports it"])))
                return
            markers = [f"[{n}]" for n in support.passage_numbers]
            self.emit(Sentence(self.convert(_with_markers(sentence, support.passage_numbers)),
                               [c for c in citations if c.marker in markers], verified=self.check is not None))
            self.released.append(self.convert(sentence))

    def finish(self, answer: Answer) -> None:
        """Release the checked answer: the sentences after those shown, or the whole answer as a revision."""
        final = split_answer(answer.text)
        shown = len(self.released)
        if [s for s, _ in final[:shown]] != self.released:
            self.emit(Revised(answer.text))
            return
        for sentence, numbers in final[shown:]:
            markers = [f"[{n}]" for n in numbers]
            self.emit(Sentence(_with_markers(sentence, numbers), [c for c in answer.citations if c.marker in markers],
                               verified=self.check is not None and not answer.abstained))


class Cancelled(Exception):
    """The consumer stopped reading the events: the answer is abandoned at the next token."""


class Emitter:
    """Hands events to a queue; ``stopped()`` turns true when the consumer has gone, which ``SentenceGate.feed``
    checks at every token."""

    def __init__(self, events: queue.Queue) -> None:
        self.events = events
        self.stop = threading.Event()

    def __call__(self, event: StreamEvent) -> None:
        self.events.put(event)

    def stopped(self) -> bool:
        return self.stop.is_set()


def stream_events(run: Callable[[Emitter], object]) -> Iterator[StreamEvent]:
    """The events ``run(emit)`` emits, yielded as they come: ``run`` works in a thread of its own and its error,
    if any, is raised here after the events before it. Closing the iterator early (or Ctrl-C while it waits)
    stops the answer at its next token and waits for the thread, so the model is free for the next question."""
    events: queue.Queue = queue.Queue()
    emit = Emitter(events)
    failed: list[BaseException] = []
    finished = object()

    def work() -> None:
        try:
            run(emit)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            failed.append(exc)
        finally:
            events.put(finished)

    thread = threading.Thread(target=work, name="agent-answer", daemon=True)
    thread.start()
    try:
        while True:
            try:
                event = events.get(timeout=0.1)  # a short wait, so that Ctrl-C is seen at once
            except queue.Empty:
                continue
            if event is finished:
                break
            yield event
    finally:
        emit.stop.set()
        thread.join()
    if failed and not isinstance(failed[0], Cancelled):
        raise failed[0]


__all__ = ["Cancelled", "Emitter", "SentenceGate", "stream_events"]
