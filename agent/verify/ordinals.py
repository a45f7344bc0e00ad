"""Ordinal claims: "the 5th president", "his third son", 第五子, 第三位皇帝, 七世孫 (from the second on: "the first"
mostly means "the earliest", except of an office: "the first governor", 第一任).

Rule: an ordinal that ranks a thing in an answer sentence is supported only by a passage sentence (or two
adjacent ones) that gives the same ordinal of the same thing: the same head noun in English ("fifth president"
for "5th US president"), the same first character of the thing in Chinese (第三子 for 第三子). Sharing the number
or the noun alone is not enough: "the 8th day of December" does not make anyone the eighth president. An
ordinal of a date (a regnal year, a month, a day, a century) is the date checks' matter, not this one's. An
ordinal that ends its sentence without naming the thing ("I was the 5th.", 第二個。) needs the same number as an
ordinal of anything in the passage sentence. Where the question asks about the N-th of something ("the third time",
第三次), an answer sentence that gives other ordinals and not N speaks of another one (``other_ordinal``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from agent.answer import DateCheck, Passage
from agent.dates.numerals import EN_ORDINALS, chinese_numeral
from agent.text.script import to_simplified
from agent.text.sentences import split_sentences
from agent.text.terms import stem
from agent.verify.role_claims import en_office_words

_DATE_NOUNS = frozenset("year years month months day days century centuries decade decades hour hours minute "
                        "minutes anniversary instant inst ult ultimo".split())
_EN_STOP = frozenset("of in on at to for from by with and or but as that which who whom whose was were is are be "
                     "been being had has have did do does not no so than then this these those it its a an the "
                     "he she they we i you my his her their our your time times after before during under over "
                     "into onto upon within without against among between through across toward towards since "
                     "until while when where because though although if unless whether yet also only just even "
                     "still already again ever never then there here now very more most less much many".split())
_EN_WORD = "|".join(sorted(EN_ORDINALS, key=len, reverse=True))
_EN_ORDINAL_RE = re.compile(
    rf"(?i)\b(?:the|his|her|my|our|their|its|a)\s+(?:(?P<word>{_EN_WORD})|(?P<num>\d{{1,4}})(?:st|nd|rd|th))\b"
    r"(?P<rest>(?:[\s-]+[A-Za-z][\w'.]*){0,2})")
_ZH_DATE_CHARS = set("年月日天歲岁載载世纪紀旬")
_ZH_MEASURE = set("個个位名次任代")
_ZH_SAME = {"儿": "子", "男": "子"}  # 第三个儿子 ranks what 第三子 ranks
_ZH_ORDINAL_RE = re.compile(r"第(?P<num>[一二三四五六七八九十百零〇兩两]+|\d{1,4})(?P<rest>[\u4e00-\u9fff]{0,3})|"
                            r"(?P<gen>[二三四五六七八九十]{1,3})世(?P<kin>[孫孙祖])")


@dataclass(frozen=True)
class Ordinal:
    value: int
    head: str  # the thing ranked: a stemmed English head noun, one simplified Chinese character, or "" (unnamed)
    text: str


def _en_head(rest: str) -> str | None:
    words = re.findall(r"[A-Za-z][\w'.]*", rest)
    head = None
    for word in words[:2]:  # the thing ranked: "the 5th US president", "the seventh rank", "the 20th Legion"
        low = word.lower().strip(".")
        if low in _EN_STOP:
            break
        head = low
    if head is None or head in _DATE_NOUNS:
        return None
    return stem(head)


def _en_value(m: re.Match[str]) -> int:
    """The number of an English ordinal matched with a ``word`` ("fifth") or ``num`` ("5th") group."""
    return EN_ORDINALS[m.group("word").lower()] if m.group("word") else int(m.group("num"))


def _zh_value(text: str) -> int | None:
    try:
        return int(text) if text.isdigit() else chinese_numeral(text)
    except (ValueError, KeyError):
        return None


@lru_cache(maxsize=1)
def _office_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in en_office_words())


def _ends(text: str, at: int) -> bool:
    """``text`` ends its sentence at ``at``: an ordinal there ranks a thing left unnamed ("I was the 5th.", 第二個。)."""
    return re.match(r"\s*(?:[.!?。！？」”\]\[]|$)", text[at:]) is not None


def find_ordinals(text: str) -> list[Ordinal]:
    """The ordinals of ``text`` that rank a thing (not a date), with the thing they rank."""
    found: list[Ordinal] = []
    for m in _EN_ORDINAL_RE.finditer(text):
        value = _en_value(m)
        head = _en_head(m.group("rest")) if m.group("rest") else ("" if _ends(text, m.end()) else None)
        if head is not None and (value >= 2 or (value == 1 and head in _office_stems())):  # "my first wife", "the first poem": first is mostly "earliest"
            shown = m.group(0)[:m.start("rest") - m.start()] + m.group("rest")
            shown = re.sub(r"(?i)(?:[\s-]+(?:" + "|".join(_EN_STOP) + r"))+\s*$", "", shown)
            found.append(Ordinal(value, head, shown.strip()))
    for m in _ZH_ORDINAL_RE.finditer(text):
        if m.group("gen"):
            value, head = _zh_value(m.group("gen")), to_simplified(m.group("kin"))
        else:
            rest = m.group("rest")
            rest = rest[1:] if rest[:1] and rest[0] in _ZH_MEASURE else rest  # 第二個。 ranks a thing unnamed
            value, head = _zh_value(m.group("num")), to_simplified(rest[:1])
            if head in _ZH_DATE_CHARS or (not head and not _ends(text, m.end())):
                continue  # 第二天 is a date; 第二，… counts points
            head = _ZH_SAME.get(head, head)
        if value and (value >= 2 or (value == 1 and m.group("rest")[:1] == "任")):  # 第一任: the first holder of an office; 第一次 is "the earliest"
            found.append(Ordinal(value, head, m.group(0)))
    return found


def _ordinal_values(text: str) -> set[int]:
    """Every ordinal number of ``text``, whatever it ranks (dates included)."""
    values = {_en_value(m) for m in re.finditer(rf"(?i)\b(?:(?P<word>{_EN_WORD})|(?P<num>\d{{1,4}})(?:st|nd|rd|th))\b", text)}
    return values | {_zh_value(m.group("num") or m.group("gen")) for m in _ZH_ORDINAL_RE.finditer(text)}


def ordinal_supported(ordinal: Ordinal, passage_text: str) -> bool:
    """A sentence of the passage, or two adjacent ones, gives the same ordinal of the same thing (any thing, where
    the answer does not name what it ranks)."""
    sentences = split_sentences(passage_text)
    for i, sentence in enumerate(sentences):
        window = sentence + (" " + sentences[i + 1] if i + 1 < len(sentences) else "")
        if not ordinal.head and ordinal.value in _ordinal_values(window):
            return True
        if ordinal.head and any(o.value == ordinal.value and o.head == ordinal.head for o in find_ordinals(window)):
            return True
    return False


def ordinal_check(sentence: str, ordinal: Ordinal, cited: list[int], others: list[int], passages: list[Passage],
                  texts: list[str]) -> DateCheck:
    """The check of one ordinal of an answer sentence: supported where a cited passage (then another retrieved
    one) gives it; ``texts`` are the passages' texts as the verifier reads them."""
    base = DateCheck(sentence=sentence, text=ordinal.text, kind="number", lo=ordinal.value, hi=ordinal.value,
                     status="unsupported", note=f"no passage gives the same ordinal of the same {ordinal.head or 'thing'!r}")
    for where, indices in (("cited", cited), ("retrieved", others)):
        for i in indices:
            if ordinal_supported(ordinal, texts[i]):
                return replace(base, status="supported", where=where, evidence=passages[i].id, note="")
    return base


_EN_TIMES_RE = re.compile(rf"(?i)\b(?:the|my|your|his|her|its|their|a)\s+(?:(?P<word>{_EN_WORD})|(?P<num>\d{{1,4}})"
                          r"(?:st|nd|rd|th))\s+(?:time|term)\b")


def _asked_values(text: str) -> set[int]:
    """The ordinals of ``text`` that rank a thing or a time ("the third time", 第三次), from the second on."""
    values = {o.value for o in find_ordinals(text)} | {_en_value(m) for m in _EN_TIMES_RE.finditer(text)}
    return {v for v in values if v >= 2}


def other_ordinal(question: str, sentence: str) -> str | None:
    """Where ``question`` asks about the N-th of something (one ordinal, from the second on) and ``sentence`` gives
    ordinals but not N, the ordinals it gives: it speaks of another one ("the third time" answered with "my second
    consulship"); None otherwise."""
    asked = _asked_values(question)
    if len(asked) != 1:
        return None
    given = _asked_values(sentence) | {o.value for o in find_ordinals(sentence)}
    if not given or asked <= given:
        return None
    return ", ".join(str(v) for v in sorted(given))


__all__ = ["Ordinal", "find_ordinals", "ordinal_check", "ordinal_supported", "other_ordinal"]
