"""An answer sentence that repeats the instructions' own words is about the instructions, not the figure's life;
one that repeats the question's words addressed to the figure (你辭去某職以後…) speaks as the asker, not the figure;
one that says 我 or "I" and also names the figure as someone else (我以某官徵召李白 from 李白's mouth; "I wrote to
Lincoln" from Lincoln's) speaks as a narrator of the figure, not as the figure.

Rule: a sentence that shares a run of ``ECHO_CJK_CHARS`` Chinese characters, or of ``ECHO_WORDS`` English words,
with the prompt's instructions or its request to answer again ("只說史料中寫明的事", "using only years and numbers
the passages state") echoes them; it is judged like a sentence about the passages (``meta``), whatever else it
contains ("史料中寫明的事：我是某某。" answers no question). The instructions' clauses on how to say that the sources
are silent are left out: an honest answer may repeat them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from agent.generate import prompts
from agent.text.terms import fold
from agent.verify.citations import MARKER_RE

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


def echoes_instructions(sentence: str, question: str | None = None, names: Sequence[str] = ()) -> bool:
    """True when ``sentence`` repeats the instructions' words, or the question's words where they address the
    figure (a run of ``ECHO_CJK_CHARS`` characters of the question holding 你 or 您: the figure never calls itself
    "you"), or speaks in the first person of the figure, by one of its ``names``, as of someone else."""
    if question and _addresses_figure(sentence, question):
        return True
    if names and self_as_other(sentence, names):
        return True
    cjk, words = _instructions()
    for run in _CJK_RUN.findall(fold(sentence)):
        if any(run[i:i + ECHO_CJK_CHARS] in cjk for i in range(len(run) - ECHO_CJK_CHARS + 1)):
            return True
    tokens = re.findall(r"[a-z]+", sentence.lower())
    return any(tuple(tokens[i:i + ECHO_WORDS]) in words for i in range(len(tokens) - ECHO_WORDS + 1))


# Where the figure's name stands beside the first person as itself: 我李白, 我，李白; "I, Abraham Lincoln", "I am
# Lincoln", "my name is …", "me, …"; or as a title ("the Lincoln papers" is not read: only a name after I or 我).
_APPOSED_ZH = re.compile(r"(?:我|本人|吾|余|予)[，,、\s]?$|(?:名叫|名為|名为|就是|乃是|即是|叫做|我是|吾乃)$")
_PARTS = re.compile(r"(?<=[a-z]{3}[.!?])\s+|(?<=[0-9][.!?])\s+|(?<=[a-z][.!?])(?=[A-Z])|(?<=[。！？])|\n")  # not "Mrs. X"
# a name quoted, bracketed, or given by a verb of naming: a byname or a book, not a person
_NAMED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|\"[^\"]*\"|《[^》]*》|〈[^〉]*〉|\([^)]*\)|（[^）]*）|"
                    r"(?:稱我為|称我为|稱我|称我|叫我|喚我|唤我|號為|号为|自號|自号|字|叫做|叫|名叫|名為|名为|名曰)[^，。；！？]{0,6}|"
                    r"(?i:\b(?:born|named|called|known as|styled|nicknamed)\s+(?:[A-Z][\w'-]*\s*)+)")
_APPOSED_EN = re.compile(r"(?i)(?:\bI,?|\bI am|\bI'm|\bmy name is|\bme,|\bcall me|\bmyself,?)\s*$")
_APPOSED_AFTER_EN = re.compile(r"\s*,\s*(?:I|me)\b")  # "Lincoln, I …"
_ANOTHER_OF_NAME_EN = re.compile(r"(?i)\b(?:mrs?|miss|ms|madam|lady|lord|master|young|old|my|his|her|our)\.?\s+$")
_I_EN = re.compile(r"\bI\b")


@lru_cache(maxsize=64)
def _name_forms(names: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The figure's Chinese names of two or more characters (folded), and its English names with their last words,
    the longest first."""
    zh = frozenset(fold(n) for n in names if _CJK_RUN.fullmatch(n) and len(n) >= 2)
    english = {n for n in names if re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", n)}
    return zh, tuple(sorted(english | {n.split()[-1] for n in english}, key=len, reverse=True))


def self_as_other(sentence: str, names: Sequence[str]) -> bool:
    """True when a sentence of ``sentence`` (split again at its own stops and citation markers) speaks in the first
    person (我, I) and names the figure (a Chinese name of two or more characters, or an English name or its last
    word) elsewhere than beside the first person as itself; a name in quotation marks or brackets (a byname, a
    book: 「謫仙人」, "(Agricola 4)") or after a verb of naming (稱我為, "born", "called") is a name, not a person."""
    zh, english = _name_forms(tuple(names))
    for part in _PARTS.split(MARKER_RE.sub("\n", sentence)):
        text = _NAMED.sub(" ", part)
        if _CJK_RUN.search(text) and "我" in text:
            folded = fold(text)
            if any(not _APPOSED_ZH.search(folded[:m.start()]) for name in zh for m in re.finditer(re.escape(name), folded)):
                return True
        elif _I_EN.search(text) and _english_other(text, english):
            return True
    return False


def _english_other(text: str, english: tuple[str, ...]) -> bool:
    seen: list[tuple[int, int]] = []
    for name in english:
        for m in re.finditer(rf"\b{re.escape(name)}\b(?!-)", text):  # not a compound: Lincoln-Douglas
            if any(a <= m.start() < b for a, b in seen):
                continue
            seen.append(m.span())
            if _ANOTHER_OF_NAME_EN.search(text[:m.start()]):
                continue  # Mrs. Lincoln, my Lincoln cousins: another of the name
            if not _APPOSED_EN.search(text[:m.start()]) and not _APPOSED_AFTER_EN.match(text[m.end():]):
                return True
    return False


def _addresses_figure(sentence: str, question: str) -> bool:
    asked = fold(question)
    for run in _CJK_RUN.findall(fold(sentence)):
        for i in range(len(run) - ECHO_CJK_CHARS + 1):
            piece = run[i:i + ECHO_CJK_CHARS]
            if ("你" in piece or "您" in piece) and piece in asked:
                return True
    return False


__all__ = ["ECHO_CJK_CHARS", "ECHO_WORDS", "echoes_instructions", "self_as_other"]
