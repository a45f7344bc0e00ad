"""The guard's policy, between a draft and the answer shown: check every date, number and claim of the draft
(``Verifier``); when one fails, ask the model once more, naming what failed and what the passages state instead;
then cut what can be cut (``trim``) and hedge or drop the sentences that still fail (``hedge``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from agent.answer import Citation, DateCheck, Passage
from agent.config import GuardSettings
from agent.generate import prompts
from agent.generate.llm import Message
from agent.verify.citations import SentenceSupport, split_answer
from agent.verify.claims import asks_several
from agent.verify.hedge import failing, hedge
from agent.verify.silence import says_silent
from agent.verify.trim import trim_dates, trim_glosses, trim_premises
from agent.verify.verifier import Verifier

# A draft with its citations by code: (text with markers, citations, one SentenceSupport per sentence).
Cited = tuple[str, list[Citation], list[SentenceSupport]]


@dataclass
class Guard:
    """Reviews one draft. ``redraft(messages)`` asks the model again and returns its text in the question's script
    (or "" / None when it declines); ``cite(text, passages)`` attaches citations by code; ``declines(text)`` tells
    a refusal in the model's words."""

    verifier: Verifier
    settings: GuardSettings
    redraft: Callable[[list[Message]], str | None]
    cite: Callable[[str, list[Passage]], Cited]
    declines: Callable[[str], bool]

    def review(self, question: str, lang: str, messages: list[Message], raw: str, draft: Cited,
               passages: list[Passage]) -> tuple[str, list[Citation], list[DateCheck]]:
        """Check the draft; if a date or number fails, ask once more; hedge what still fails. Returns the answer's
        text with its markers, its citations and every check made (with the action taken)."""
        verifier = self.verifier
        text, citations, supports = draft
        checks = verifier.check(supports, passages, question)
        joiner = "" if lang == "zh" else " "
        if not failing(checks):
            return _cite_evidence(text, citations, supports, checks, passages, joiner)
        earlier: list[DateCheck] = []
        if self.settings.regenerate:
            request = feedback(failing(checks), lang, verifier.hints(failing(checks), passages))
            raw2 = self.redraft([*messages, Message("assistant", raw), Message("user", request)])
            if raw2 and not self.declines(raw2):
                text2, citations2, supports2 = self.cite(raw2, passages)
                checks2 = verifier.check(supports2, passages, question) if citations2 else []
                if citations2 and not failing(checks2):
                    text2, citations2, checks2 = _cite_evidence(text2, citations2, supports2, checks2, passages, joiner)
                    return text2, citations2, [replace(c, action="regenerated") for c in checks] + checks2
                # Hedge whichever draft keeps more sentences that pass (the second when they tie): asked again,
                # the model sometimes drops the one supported sentence it had.
                if citations2 and _passing(supports2, checks2) >= _passing(supports, checks):
                    earlier = [replace(c, action="regenerated") for c in checks]
                    text, citations, supports, checks = text2, citations2, supports2, checks2
                else:
                    earlier = [replace(c, action="regenerated") for c in checks2]
        supports, checks = trim_glosses(verifier, supports, checks, passages, question)
        supports, checks = trim_premises(verifier, supports, checks, passages, question)
        supports, checks = trim_dates(verifier, supports, checks, passages, question)
        checks += _unanswered(verifier, supports, checks, passages, question)
        text, citations, checks = hedge(supports, checks, passages, prompts.HEDGE[lang],
                                        drop=self.settings.on_failure == "drop", joiner=joiner,
                                        claim_hedge_text=prompts.HEDGE_CLAIM[lang])
        return text, citations, earlier + checks


def only_silence(text: str) -> bool:
    """Every sentence of the answer says only that the sources are silent ("史料中未載。[1]")."""
    return all(says_silent(s) for s, _ in split_answer(text))


def _cite_evidence(text, citations, supports, checks: list[DateCheck], passages, joiner: str):
    """A draft that passed, also citing the retrieved passages its dates and numbers were found in (``hedge``
    with nothing to hedge); unchanged when every one was found in a passage it cites already."""
    if not any(c.where == "retrieved" for c in checks):
        return text, citations, checks
    return hedge(supports, checks, passages, "", joiner=joiner)


def _passing(supports, checks: list[DateCheck]) -> int:
    """How many cited sentences of a draft pass every check."""
    bad = {c.sentence for c in failing(checks)}
    return sum(1 for s in supports if s.passage_numbers and s.sentence not in bad and not says_silent(s.sentence))


def _unanswered(verifier: Verifier, supports, checks: list[DateCheck], passages, question: str) -> list[DateCheck]:
    """The checks that fail once the failing sentences are gone: what is left must still answer the question (a
    year asked for and the sentence with the year hedged leaves "The man who shot me was an assassin's hand.")."""
    bad = {c.sentence for c in failing(checks)}
    kept = [s for s in supports if s.sentence not in bad]
    if not bad or not kept or asks_several(question):  # a question in parts may be answered in part
        return []
    return failing(verifier.check(kept, passages, question))


def feedback(failed: list[DateCheck], lang: str, hints: list[str] = ()) -> str:
    """The guard's request to answer again, naming what failed: dates and numbers (with what the passages state
    instead, ``hints``), else the sentences."""
    quote = (lambda t: t) if lang == "zh" else (lambda t: f'"{t}"')
    sep = "、" if lang == "zh" else ", "
    dated = [c.text for c in failed if c.kind != "claim"]
    if dated:
        text = prompts.REGENERATE[lang].format(items=sep.join(dict.fromkeys(quote(t) for t in dated)))
        if hints:
            text += prompts.REGENERATE_HINT[lang].format(items=sep.join(quote(h) for h in hints))
        return text
    return prompts.REGENERATE_CLAIM[lang].format(items=sep.join(dict.fromkeys(quote(c.sentence) for c in failed)))


__all__ = ["Guard", "feedback", "only_silence"]
