"""A scholar's check of a text someone else wrote (a draft biography, an encyclopedia entry, another model's
answer): each sentence is matched to the figure's passages as an answer's would be, and every date, number and
claim is checked by the guard's own verifier, with the passage that decides it. Nothing is generated."""

from __future__ import annotations

from dataclasses import replace

from agent.answer import Passage, TextCheck
from agent.text.script import detect_language
from agent.verify.citations import MARKER_RE, split_answer
from agent.verify.injection import strip_instructions

# The most characters checked at once (about a page); a longer text is checked a page at a time by the caller.
MAX_CHECK_CHARS = 6000
# Passages retrieved for each sentence of the text.
PER_SENTENCE = 3


def check_text(agent, text: str, as_of: int | None = None) -> TextCheck:
    """``text`` checked against ``agent``'s sources, as they stand at its cutoff (or ``as_of``): the passages that
    retrieval finds for its sentences (within the cutoff, without sentences addressed to a reader), the text cited
    by code, and one check per date, number and claim (``question=""``: every sentence's content must stand in a
    passage, since no question states any of it)."""
    boundary = agent.boundary(as_of, notes=True)
    dating = agent._passage_dates(boundary)
    sentences = [s for s, _ in split_answer(MARKER_RE.sub("", text))]
    found: dict[str, Passage] = {}
    for sentence in sentences:
        for p in agent.retriever.retrieve(sentence)[:PER_SENTENCE]:
            if p.id not in found and not dating.after_cutoff(p.id):
                found[p.id] = strip_instructions(p)
    passages = list(found.values())
    if not passages or not sentences:
        return TextCheck(agent.figure.id, text, [], passages)
    cited, _, supports = agent._cite("".join(_as_sentences(sentences, text)), passages)
    checks = agent._verifier(boundary).check(supports, passages, question="")
    chronology = agent.chronology()
    died = chronology.facts.get("died") or next((e for e in chronology.entries if "died" in e.events), None)
    if died is not None:  # a date after the figure's death is decided by the passage that dates the death
        checks = [replace(c, evidence=died.passage_id) if c.status == "contradicted" and c.evidence is None
                  and c.note.startswith("after") else c for c in checks]
    return TextCheck(agent.figure.id, cited, checks, passages)


def _as_sentences(sentences: list[str], text: str) -> list[str]:
    joiner = "" if detect_language(text) == "zh" else " "
    return [s + joiner for s in sentences]


__all__ = ["MAX_CHECK_CHARS", "check_text"]
