"""Whose words and whose life a passage gives: the checks that a sentence's content, found in a passage, is said there
of the figure and agrees with it. A view the figure gives as its own (``stance``), a deed it claims (``actor``), what
a passage negates (``polarity``), a yes to a question's premise no passage states (``premise``), an office or
relative it claims (``roles``), the person it names in answer to "who was your X?" (``relation_answer``), an answer about another one than the
N-th the question asks of (``ordinals``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agent.text.script import CJK_RE
from agent.verify.actor import deed_of_another
from agent.verify.citations import MARKER_RE
from agent.verify.claims import ClaimFinding
from agent.verify.ordinals import other_ordinal
from agent.verify.polarity import contradicts
from agent.verify.premise import premise_unsupported
from agent.verify.relation_answer import office_for_person, relation_unbound
from agent.verify.roles import role_failures
from agent.verify.stance import view_not_own

_ROLE_NOTE = "no passage gives this office or relative to the figure"
_RELATION_NOTE = "no passage names this person in the relation the question asks about"


def attribution_finding(sentence: str, question: str | None, cited: Sequence[str], given: Sequence[str],
                        reference: Sequence[str], names: Iterable[str]) -> ClaimFinding | None:
    """A finding when ``sentence`` gives as the figure's own a view its ``cited`` passages give as another's, a deed
    the passages ``given`` for the answer give to another, a statement they all negate, a yes to a premise of
    ``question`` none of them states, or an office or relative none of them supports. Offices and kin are judged against the passages in the sentence's script; when none is, against
    the figure's ``reference`` passages in it (its biography in the other language); with neither, not at all."""
    names = list(names)
    if cited and view_not_own(sentence, cited, names):
        return ClaimFinding(sentence, "", "not_own_view")
    if given and deed_of_another(sentence, given, names):
        return ClaimFinding(sentence, "", "not_own_deed", "the passage says someone else did this")
    if given and contradicts(sentence, given):
        return ClaimFinding(sentence, "", "negated", "the passage says this did not happen")
    if question and premise_unsupported(question, sentence, given, names):
        return ClaimFinding(sentence, "", "premise", "no passage says what the question supposes")
    other = other_ordinal(question, MARKER_RE.sub("", sentence)) if question else None
    if other:
        return ClaimFinding(sentence, other, "other_ordinal", "the question asks about another one")
    cjk = bool(CJK_RE.search(sentence)) or (not re.search(r"[A-Za-z]{3}", MARKER_RE.sub("", sentence))
                                             and bool(question and CJK_RE.search(question)))
    texts = [t for t in given if bool(CJK_RE.search(t)) == cjk] or \
        [t for t in reference if bool(CJK_RE.search(t)) == cjk]
    if not texts:
        return None
    failed = role_failures(sentence, question, texts, names)
    if failed:
        return ClaimFinding(sentence, ", ".join(failed), "role", _ROLE_NOTE)
    unbound = relation_unbound(question, sentence, texts, names) if question else []
    if unbound:
        return ClaimFinding(sentence, ", ".join(unbound), "relation", _RELATION_NOTE)
    if question and (office := office_for_person(question, sentence, names)):
        return ClaimFinding(sentence, office, "relation", "the question asks who held this office; the answer gives it "
                                                          "to the figure")
    return None


__all__ = ["attribution_finding"]
