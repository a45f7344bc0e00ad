"""An answer sentence that repeats the instructions' own words is about the instructions, not the figure's life;
one that repeats the question's words addressed to the figure (你辭去某職以後…) speaks as the asker, not the figure.

Rule: a sentence that shares a run of ``ECHO_CJK_CHARS`` Chinese characters, or of ``ECHO_WORDS`` English words,
with the prompt's instructions or its request to answer again ("只說史料中寫明的事", "using only years and numbers
the passages state") echoes them; it is judged like a sentence about the passages (``meta``), whatever else it
contains ("史料中寫明的事：我是某某。" answers no question). The instructions' clauses on how to say that the sources
are silent are left out: an honest answer may repeat them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.generate import prompts
from agent.text.terms import fold

ECHO_CJK_CHARS = 6
ECHO_WORDS = 5
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_CLAUSE = re.compile(r"[，。；：,.;:]")
# A clause that tells the figure how to say the sources are silent is what an honest answer may well repeat.
_SILENCE = re.compile(r"(?i)未載|未载|沒有寫明|没有写明|沒有說|没有说|do not give|give none|do not say|not support")


@lru_cache(maxsize=1)
def _instructions() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    texts = [t for table in (prompts.SYSTEM, prompts.REGENERATE, prompts.REGENERATE_HINT, prompts.REGENERATE_CLAIM)
             for t in table.values()]
    cjk: set[str] = set()
    words: set[tuple[str, ...]] = set()
    for text in texts:
        for part in (c for p in _PLACEHOLDER.split(text) for c in _CLAUSE.split(p) if not _SILENCE.search(c)):
            for run in _CJK_RUN.findall(fold(part)):
                cjk.update(run[i:i + ECHO_CJK_CHARS] for i in range(len(run) - ECHO_CJK_CHARS + 1))
            tokens = re.findall(r"[a-z]+", part.lower())
            words.update(tuple(tokens[i:i + ECHO_WORDS]) for i in range(len(tokens) - ECHO_WORDS + 1))
    return frozenset(cjk), frozenset(words)


def echoes_instructions(sentence: str, question: str | None = None) -> bool:
    """True when ``sentence`` repeats the instructions' words, or the question's words where they address the
    figure (a run of ``ECHO_CJK_CHARS`` characters of the question holding 你 or 您: the figure never calls itself
    "you")."""
    if question and _addresses_figure(sentence, question):
        return True
    cjk, words = _instructions()
    for run in _CJK_RUN.findall(fold(sentence)):
        if any(run[i:i + ECHO_CJK_CHARS] in cjk for i in range(len(run) - ECHO_CJK_CHARS + 1)):
            return True
    tokens = re.findall(r"[a-z]+", sentence.lower())
    return any(tuple(tokens[i:i + ECHO_WORDS]) in words for i in range(len(tokens) - ECHO_WORDS + 1))


def _addresses_figure(sentence: str, question: str) -> bool:
    asked = fold(question)
    for run in _CJK_RUN.findall(fold(sentence)):
        for i in range(len(run) - ECHO_CJK_CHARS + 1):
            piece = run[i:i + ECHO_CJK_CHARS]
            if ("你" in piece or "您" in piece) and piece in asked:
                return True
    return False


__all__ = ["ECHO_CJK_CHARS", "ECHO_WORDS", "echoes_instructions"]
