"""A yes to a yes-or-no question asserts what the question says: "Was X your vice-president?" "Yes." claims that
X was, whatever else the answer adds.

Rule: where the question is a yes-or-no question and an answer sentence agrees with it (opens with yes, 是的, 對,
or restates it un-negated: most of its content is the question's), the question's statement needs a passage
sentence (in Chinese, two adjacent clauses) holding at least ``PREMISE_SHARE`` of the question's content terms
(English words; Chinese pairs of characters, less the figure's own names and the words that only make it a
question) and every name the question gives, none of them negated there or in the clause after it (not, never,
不, 未). Agreement is not support: a question's premise is the asker's, not the sources'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from agent.text.script import CJK_RE, to_simplified
from agent.text.terms import content_terms, is_cjk
from agent.verify.citations import MARKER_RE
from agent.verify.claims import yes_no
from agent.verify.polarity import negated_terms, negates, telling_windows
from agent.verify.role_claims import opens_with_yes

# Share of the question's content terms a passage sentence must hold to state its premise.
PREMISE_SHARE = 0.5
# Share of an answer sentence's content that must be the question's for the sentence to restate it.
RESTATE_SHARE = 0.8

# What makes a sentence a question or addresses the figure, not what it asks about.
_QUESTION_ZH = frozenset("你您吗嗎么麼呢是否曾过過有没沒当當时時年候那这這的了吧真")
_QUESTION_EN = frozenset("did do does were was you your yours ever really is are had have has be been".split())


def _terms(text: str, own: Iterable[str]) -> set[str]:
    """English content words; Chinese pairs of characters (a pair says more than its characters: 收進幕府 is not
    推薦給朝廷, though both are 進 and 把), less the words that only make a question."""
    words, _chars = content_terms(to_simplified(text) if CJK_RE.search(text) else text, exclude=frozenset(own))
    if CJK_RE.search(text):
        return {w for w in words if is_cjk(w) and len(w) == 2 and not set(w) & _QUESTION_ZH}
    return {w for w in words if not is_cjk(w) and w not in _QUESTION_EN}


def _names(question: str) -> set[str]:
    """The capitalised names of an English question, lower case (not its first word): all must stand in the
    passage sentence that states it."""
    words = re.findall(r"[A-Za-z][\w'-]*", question)
    return {w.lower() for w in words[1:] if w[0].isupper() and w.lower() not in _QUESTION_EN and w != "I"}


def agrees(question: str, sentence: str, own: Iterable[str] = ()) -> bool:
    """True when ``sentence`` answers the yes-or-no ``question`` with yes, or restates it without negating it."""
    if not yes_no(question):
        return False
    if opens_with_yes(sentence):
        return True
    text = MARKER_RE.sub(" ", sentence)
    if negates(text):
        return False
    said, asked = _terms(text, own), _terms(question, own)
    return len(said) >= 2 and len(said & asked) / len(said) >= RESTATE_SHARE


def premise_unsupported(question: str, sentence: str, passages: Sequence[str], own: Iterable[str] = ()) -> bool:
    """True when ``sentence`` agrees with the yes-or-no ``question`` and no passage sentence states the question's
    premise un-negated."""
    own = list(own)
    if not agrees(question, sentence, own):
        return False
    asked = _terms(question, own)
    if len(asked) < 2:
        return False  # "Were you happy?": nothing to look for beyond the figure
    cjk = bool(CJK_RE.search(question))
    names = set() if cjk else _names(question) - {w.lower() for n in own for w in n.split()}
    for text in passages:
        windows = telling_windows(text, cjk)
        for i, window in enumerate(windows):
            held = _terms(window, own)
            if len(asked & held) / len(asked) < PREMISE_SHARE:
                continue
            if names and not names <= {w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", window)}:
                continue  # another person's: "Andrew Jackson" for "Andrew Johnson"
            # a negation there, or in the clause after it (州舉有道，不應), denies what the question supposes
            near = window + (windows[i + 1] if cjk and i + 1 < len(windows) else "")
            negated = negated_terms(near, cjk)
            if not any(t in negated or (cjk and set(t) & negated) for t in asked):
                return False
    return True


__all__ = ["PREMISE_SHARE", "RESTATE_SHARE", "agrees", "premise_unsupported"]
