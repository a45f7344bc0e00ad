"""What a figure's model is shown: the passages of its context (the whole sources of a small figure, the retrieved
ones of a large one, then the chronology passage of the fact asked for), and the chat messages made of them, whose
fixed prefix ``agent index build --warm`` evaluates ahead. A mixin of ``Agent``: it uses the agent's index,
settings, model, knowledge boundary and passage dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from agent.answer import CHRONOLOGY_KIND, Answer, Passage
from agent.generate import prompts
from agent.generate.context import build_messages, sources_script
from agent.generate.llm import Message
from agent.retrieve.whole import TOP_K, WHOLE, fits_whole, whole_source
from agent.verify.boundary import KnowledgeBoundary
from agent.verify.injection import strip_instructions

# A passage found only with the earlier question counts for this much of its relevance.
FOLLOW_UP_WEIGHT = 0.9


class FigurePrompt:
    """The context and messages of one figure's questions (mixed into ``Agent``)."""

    _whole: list[Passage] | None = None
    _stripped: list[Passage] | None = None  # the whole sources without sentences addressed to the model
    _script: str | None = None

    def _context(self, relevant: list[Passage], fact: Passage | None, boundary: KnowledgeBoundary,
                 guarded: bool) -> tuple[list[Passage], str]:
        """The passages the model is shown, numbered in this order, and which context it is: the figure's whole
        sources in order when they fit ``retrieval.whole_source_tokens`` (with retrieval's scores on the passages
        it found), else the relevant retrieved ones; then the chronology passage of the fact the question asks
        for, when the chronology holds it."""
        whole = self.whole_source()
        if whole is None:
            shown, context = list(relevant), TOP_K
        else:
            if guarded:
                whole = self._stripped = self._stripped or [strip_instructions(p) for p in whole]
            found = {p.id: p for p in relevant}
            dating = self._passage_dates(boundary) if guarded else None
            shown = [replace(p, score=found[p.id].score, relevance=found[p.id].relevance) if p.id in found else p
                     for p in whole if dating is None or not dating.after_cutoff(p.id)]
            context = WHOLE
        return ([*shown, fact] if fact is not None else shown), context

    def whole_source(self) -> list[Passage] | None:
        """The figure's sources as passages in order (chunks without their overlap) when they fit the budget
        ``retrieval.whole_source_tokens``; None for a larger figure, which the model sees through retrieval."""
        if self._whole is None:
            passages = whole_source(self.index.chunks)
            self._whole = passages if fits_whole(passages, self.settings.retrieval.whole_source_tokens) else []
        return self._whole or None

    def build_messages(self, question: str, passages: list[Passage],
                       boundary: KnowledgeBoundary | None = None, context: str = TOP_K,
                       history: Sequence[Answer] = ()) -> list[Message]:
        """The chat messages sent to the model for this question and these passages (token-budgeted), each
        era date with its Western year as read within the figure's life (or ``boundary``'s). In a ``whole``
        context the leading passages (all but a chronology passage) are the figure's fixed prefix."""
        boundary = boundary or self.boundary()
        fixed = 0
        if context == WHOLE:
            while fixed < len(passages) and passages[fixed].kind != CHRONOLOGY_KIND:
                fixed += 1

        def dates(text: str) -> list:  # a whole-source figure shows the same passages for every question
            key = (boundary.anchor, boundary.born, text)
            return self._passage_years[key] if key in self._passage_years else \
                self._passage_years.setdefault(key, boundary.dates(text))

        return build_messages(self.figure, question, passages, self.llm, self.settings.generation, dates,
                              fixed_passages=fixed, script=self.script(),
                              history=[(turn.question, turn.text) for turn in history])

    def _retrieve(self, question: str, history: Sequence[Answer] = ()) -> list[Passage]:
        """The passages for ``question``; in a conversation also those for the question before it, since a
        follow-up ("那时你多大？") is about the same matter without naming it: each passage keeps the better of its
        relevance to the question and ``FOLLOW_UP_WEIGHT`` times its relevance to the earlier question, and the
        top ``retrieval.top_k`` are kept."""
        own = self.retriever.retrieve(question)
        if not history:
            return own
        best = {p.id: p for p in own}
        for p in self.retriever.retrieve(history[-1].question):
            weighted = round(p.relevance * FOLLOW_UP_WEIGHT, 4)
            if p.id not in best or best[p.id].relevance < weighted:
                best[p.id] = replace(best.get(p.id, p), relevance=weighted)
        ranked = sorted(best.values(), key=lambda p: -p.relevance)
        return ranked[:self.settings.retrieval.top_k]

    def script(self) -> str:
        """The script of the figure's own sources ('simplified' or 'traditional'), which a Chinese system prompt
        asks the model for."""
        if self._script is None:
            self._script = sources_script([c.text for c in self.index.chunks[:8]])
        return self._script

    def warm(self, lang: str | None = None, as_of: int | None = None) -> str:
        """Evaluate and keep the fixed prompt prefix for questions in ``lang`` (default: the figure's language);
        says what the model did: 'computed', 'restored', 'warm', or 'none' (no fixed passages)."""
        lang = lang or self.figure.default_language
        boundary = self.boundary(as_of)
        whole = self.whole_source()
        if whole is None:
            return "none"
        guarded = self.settings.guard.enabled
        shown, context = self._context([], None, boundary, guarded)
        question = prompts.WARM_QUESTION[prompts.language_key(lang)]
        return self.llm.warm(self.build_messages(question, shown, boundary, context=context))


__all__ = ["FigurePrompt"]
