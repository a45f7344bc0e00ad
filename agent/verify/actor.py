"""Who acts: a deed the figure claims as its own ("I condemned them to death", "I painted his portrait").

Rule: an English answer sentence in which the figure says it did something is not supported by a passage sentence
in which another named person does it: where every passage sentence that holds the verb and most of what it acts on
names someone else, not the figure (I, he, she, its name), as the last person before the verb in its clause, the
sentence fails. "Brutus condemned his sons" does not make "I condemned my sons" the figure's deed. Chinese is not
checked: a biography's clauses leave their subject out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agent.text.script import CJK_RE
from agent.text.sentences import split_sentences
from agent.text.terms import content_terms, keyword_tokens, stem
from agent.verify.citations import MARKER_RE
from agent.verify.role_claims import own_words
from agent.verify.roles import clause_subject

# Share of what the verb acts on that a passage sentence must hold to be telling the same deed.
OBJECT_SHARE = 0.5

# Verbs of being, having, thinking and saying are states and views, not deeds (``stance`` judges views).
_NOT_DEEDS = frozenset(
    "was were am is are be been had have has did do does would could should will can may might must shall "
    "think thought believe believed feel felt know knew remember recall wish hope hoped say said tell told "
    "never not also then once later still always first".split())
_DEED_RE = re.compile(r"\bI\s+(?:(?:also|then|once|later|myself|personally|first|finally)\s+)*"
                      r"(?P<verb>[a-z][a-z'-]+)\b(?P<rest>[^.;:!?]*)")


def deeds(sentence: str) -> list[tuple[str, str]]:
    """The (verb, what it acts on) pairs of ``sentence``'s first-person deeds ("I founded a town" → founded, town)."""
    return [(m.group("verb"), m.group("rest")) for m in _DEED_RE.finditer(sentence)
            if m.group("verb") not in _NOT_DEEDS]


def deed_of_another(sentence: str, passages: Sequence[str], names: Iterable[str]) -> bool:
    """True when a deed ``sentence`` claims for the figure is told by the passages, and every passage sentence that
    tells it gives it to another named person."""
    if CJK_RE.search(sentence):
        return False
    own, _zh = own_words(names)
    for verb, rest in deeds(sentence):
        target = stem(verb)
        words, _chars = content_terms(MARKER_RE.sub(" ", rest),
                                      exclude=frozenset(t for n in own for t in keyword_tokens(n)))
        words = {w for w in words if w not in own}
        if not words:
            continue
        telling = []
        for text in passages:
            for s in split_sentences(text) or [text]:
                hits = [m for m in re.finditer(r"[A-Za-z][\w'-]*", s) if stem(m.group(0).lower()) == target]
                if not hits:
                    continue
                held, _ = content_terms(s)
                if len(words & held) / len(words) >= OBJECT_SHARE:
                    telling.append(clause_subject(s[: hits[0].start()], own))
        if telling and all(who == "other" for who in telling):
            return True
    return False


__all__ = ["OBJECT_SHARE", "deed_of_another", "deeds"]
