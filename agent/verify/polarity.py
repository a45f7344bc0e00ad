"""Negation must agree: "he did not go" does not support "I went"; 不赴 does not support 我赴約了.

Rule: an answer sentence that states a deed or a state without negating it fails when the passage sentences that
tell it (they hold most of its content) all negate it: a word of negation (not, never, no, refused to, declined to,
failed to; 不, 未, 非, 無, 莫, 弗, 勿, 沒) stands right before a content word the answer states un-negated (within
``NEGATION_WORDS`` words, ``NEGATION_CHARS`` characters). A sentence that negates anything itself is left to the
other checks: its polarity may be the passage's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.text.script import CJK_RE, to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import ZH_STOP_CHARS, content_terms, is_cjk, stem
from agent.verify.citations import MARKER_RE

# Share of the answer sentence's content a passage sentence must hold to be telling the same thing.
TELLING_SHARE = 0.6

# How close before a word its negation stands.
NEGATION_WORDS = 3
NEGATION_CHARS = 2

_NEG_EN = re.compile(r"(?i)\b(?:not|never|no|nor|neither|cannot|can't|didn't|wasn't|weren't|hadn't|won't|wouldn't|"
                     r"refused\s+to|declined\s+to|failed\s+to)\b")
_NEG_ZH = re.compile(r"[不未非無无莫弗勿沒没]")


def _negated_terms_en(sentence: str) -> set[str]:
    """The stemmed words of ``sentence`` that a negation stands right before."""
    out: set[str] = set()
    for m in _NEG_EN.finditer(sentence):
        words = re.findall(r"[A-Za-z][\w'-]*", sentence[m.end():])[:NEGATION_WORDS]
        out |= {stem(w.lower()) for w in words}
    return out


# Characters of grammar more than of content: 沒到任 negates reaching the post, not the 到 of 貶到惠州 (the stop
# characters of ZH_STOP_CHARS besides, which content terms never hold).
_FUNCTION_ZH = ZH_STOP_CHARS | frozenset("到得过及又再还還能会會可要被把将將让讓给給对對从從向乃则則所此曾已经經甚太很")


def _negated_chars_zh(sentence: str) -> set[str]:
    return {c for m in _NEG_ZH.finditer(sentence) for c in sentence[m.end(): m.end() + NEGATION_CHARS]
            if c not in _FUNCTION_ZH}


def negated_terms(sentence: str, cjk: bool) -> set[str]:
    """The content terms (stemmed English words; Chinese characters) a negation stands right before."""
    return _negated_chars_zh(to_simplified(sentence)) if cjk else _negated_terms_en(sentence)


def clauses(text: str) -> list[str]:
    """The clauses of a Chinese text, simplified (split at ，。；：！？ and their ASCII forms)."""
    return [c for c in re.split(r"[，。；：！？,;:!?]", to_simplified(text)) if c]


def telling_windows(text: str, cjk: bool) -> list[str]:
    """English sentences; Chinese pairs of adjacent clauses (a classical sentence runs on for many)."""
    if not cjk:
        return split_sentences(text) or [text]
    parts = clauses(text)
    return [c + "，" + (parts[i + 1] if i + 1 < len(parts) else "") for i, c in enumerate(parts)]


def negates(text: str) -> bool:
    """True when ``text`` holds a word of negation, in either language (not, refused to; 不, 未, 勿)."""
    return bool(_NEG_EN.search(text) or _NEG_ZH.search(text))


def contradicts(sentence: str, passages: Sequence[str]) -> bool:
    """True when every passage sentence telling what ``sentence`` states (un-negated) negates one of its words."""
    text = MARKER_RE.sub(" ", sentence)
    cjk = bool(CJK_RE.search(text))
    if negates(text):
        return False
    words, chars = content_terms(to_simplified(text) if cjk else text)
    terms = chars if cjk else {w for w in words if not is_cjk(w)}
    if len(terms) < 2:
        return False
    telling = []
    for p in passages:
        for s in telling_windows(p, cjk):
            held = content_terms(s)[1 if cjk else 0]
            if len(terms & held) / len(terms) >= TELLING_SHARE:
                negated = _negated_chars_zh(s) if cjk else _negated_terms_en(s)
                telling.append(bool(negated & terms))
    return bool(telling) and all(telling)


__all__ = ["NEGATION_CHARS", "NEGATION_WORDS", "TELLING_SHARE", "clauses", "contradicts", "negated_terms", "negates", "telling_windows"]
