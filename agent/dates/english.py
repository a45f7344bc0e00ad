"""English years, ranges, centuries and decades ("44 BC", "1861–65", "from 1809 to 1865", "the 8th century",
"the 1850s") as date candidates.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent.dates.candidates import (
    Candidate,
    century_span,
    circa_candidate,
    decade_candidate,
    head_match,
    is_bc,
    make_candidate,
    year_ok,
)
from agent.dates.numerals import EN_WORDNUM, english_number

__all__: list[str] = []

_EN_ERA = r"(?:B\.C\.E\.|B\.C\.|BCE|BC|C\.E\.|CE|A\.D\.|AD)(?![A-Za-z])"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.")
_EN_NUM_END = r"(?!\d|,\d|\.\d|\])"
_EN_ATOM_RE = re.compile(rf"(?<![\w,\[/.-])(?<!\d\.)(?P<num>\d{{1,4}}){_EN_NUM_END}(?:\s?(?P<suf>{_EN_ERA}))?")
_EN_AD_HEAD_RE = re.compile(r"(?:A\.D\.|AD)\s?$")
_EN_RANGE_RE = re.compile(
    rf"(?<![\w,\[/.-])(?<!\d\.)(?P<n1>\d{{1,4}}){_EN_NUM_END}(?:\s?(?P<suf1>{_EN_ERA}))?"
    rf"\s*(?P<conn>–|—|-|−|(?i:to|until|till|and)\b)\s*"
    rf"(?:(?P<pre2>A\.D\.|AD)\s?)?(?P<n2>\d{{1,4}}){_EN_NUM_END}(?:\s?(?P<suf2>{_EN_ERA}))?(?![\w-])"
)
_EN_RANGE_HEAD_RE = re.compile(
    r"(?P<ctx>(?i:\b(?:from|between|in|during|by|of)\s+)|\(\s*)?"
    r"(?P<circa>(?:(?<![\w.])(?:c\.|ca\.)|(?i:circa|about|around))\s*)?"
    r"(?:(?P<pre1>A\.D\.|AD)\s?)?$"
)
_EN_CONTEXT_RE = re.compile(
    rf"(?:(?i:\b(?:in|by|since|until|till|from|after|before|around|circa|about|approximately|roughly|born|died|"
    rf"during|year(?:\s+(?:of|is|was))?))|(?<![\w.])(?:c\.|ca\.|b\.|d\.|r\.|fl\.)|"
    rf"(?i:\b(?:spring|summer|autumn|fall|winter|end|beginning|middle|start|close)\s+of)|"
    rf"\b(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS}),?)\s*$"
)
_EN_CIRCA_HEAD_RE = re.compile(r"(?:(?<![\w.])(?:c\.|ca\.)|(?i:\b(?:circa|about|around|approximately|roughly)))\s*$")
_EN_CIRCA_WORDS = ("c.", "ca.", "circa", "about", "around", "approximately", "roughly")
_EN_MONTHDAY_RE = re.compile(rf"(?:\b(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?|\b\d{{1,2}}(?:st|nd|rd|th)?"
                             rf"\s+(?:of\s+)?(?:{_MONTHS}),?)\s*$")
EN_PLURAL_OK = frozenset("was is his this as has its us thus always afterwards towards perhaps besides whereas "
                          "was".split())
_EN_COUNTED_RE = re.compile(r"\s*(?:-\s*[a-z]|%|\s(?:per\s?cent|percent)\b|\s+(?P<word>[a-z]+)\b)")
_EN_COUNTERS = frozenset("li people men women children soldiers feet sheep cattle horses times".split())
_EN_ORDINAL = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{EN_WORDNUM})"
_EN_CENTURY_RE = re.compile(rf"(?i:[\s-]+centur(?:y|ies)\b)(?:\s+(?P<suf>{_EN_ERA}))?")
_EN_CENTURY_HEAD_RE = re.compile(
    rf"(?i:(?:(?P<mod>early|mid|middle|late)[\s-]+|(?:the\s+)?(?P<part>beginning|start|middle|end|close|"
    rf"first\s+half|second\s+half|latter\s+half)\s+of\s+)?(?:the\s+)?)(?P<ord>{_EN_ORDINAL})$"
)
_EN_YEAR_WORD_RE = re.compile(r"(?i:\byear\s+)$")
_EN_OF_RE = re.compile(r"(?i:\bof\s+)$")
_EN_DECADE_RE = re.compile(r"(?<![\w'])(?P<num>\d{2,3}0)'?s\b")
_EN_DECADE_HEAD_RE = re.compile(r"(?i:(?:(?P<mod>early|mid|late)[\s-]+)?(?:the\s+)?)$")


def _counted_after(text: str, end: int) -> bool:
    """True when the number ending at ``end`` counts something ("300 poems", "300-page", "30%")."""
    m = _EN_COUNTED_RE.match(text, end)
    if not m:
        return False
    word = m.group("word")
    if word is None:
        return True
    if word in _EN_COUNTERS:
        return True
    return word.endswith("s") and not word.endswith("ss") and word not in EN_PLURAL_OK


def english_years(t: str) -> Iterator[Candidate]:
    for m in _EN_RANGE_RE.finditer(t):
        if not (m.group("suf1") or m.group("pre2") or m.group("suf2")) and _counted_after(t, m.end()):
            continue
        cand = _english_range(m, head_match(_EN_RANGE_HEAD_RE, t, m.start(), 20))
        if cand:
            yield cand
    for m in _EN_ATOM_RE.finditer(t):
        num, suf = m.group("num"), m.group("suf")
        pre = head_match(_EN_AD_HEAD_RE, t, m.start(), 5)
        n = int(num)
        start = pre.start() if pre else m.start()
        if pre or suf:
            value = -n if is_bc(suf) else n
            if n == 0 or not year_ok(value):
                continue
            circa = head_match(_EN_CIRCA_HEAD_RE, t, start, 16)
            if circa:
                yield circa_candidate(circa.start(), m.end(), value, value)
                continue
            head = head_match(_EN_MONTHDAY_RE, t, start, 30)
            yield make_candidate(head.start() if head else start, m.end(), value, value, "year")
            continue
        if len(num) < 3 and num[0] != "0" and n >= 1 and head_match(_EN_YEAR_WORD_RE, t, start, 12) \
                and not _counted_after(t, m.end()):
            yield make_candidate(start, m.end(), n, n, "year")  # "in the year 40"
            continue
        if len(num) < 3 or num[0] == "0" or not 1 <= n <= 2100 or _counted_after(t, m.end()):
            continue
        if len(num) == 4 and head_match(_EN_OF_RE, t, start, 4):
            yield make_candidate(start, m.end(), n, n, "year")  # "the election of 1868"
            continue
        if start > 0 and t[start - 1] in "(（〔" and t[m.end():m.end() + 1] in (")", "）", "〕"):
            # a number alone in brackets: "the same year (1832)", 天聖九年〔1031〕
            yield make_candidate(start, m.end(), n, n, "year")
            continue
        ctx = head_match(_EN_CONTEXT_RE, t, start, 40)
        if not ctx:
            continue
        word = ctx.group(0).strip().lower()
        if word in _EN_CIRCA_WORDS:
            yield circa_candidate(ctx.start(), m.end(), n, n)
        elif _EN_MONTHDAY_RE.match(ctx.group(0)):
            yield make_candidate(ctx.start(), m.end(), n, n, "year")
        else:
            yield make_candidate(start, m.end(), n, n, "year")


def _english_range(m: re.Match[str], head: re.Match[str] | None) -> Candidate | None:
    """A range from its core (``m``: "431–404 BC") and what precedes it (``head``: "from", "(", "c.", "AD")."""
    n1s, n2s = m.group("n1"), m.group("n2")
    n1, n2 = int(n1s), int(n2s)
    pre1, circa = (head.group("pre1"), head.group("circa")) if head else (None, None)
    suf1, pre2, suf2 = m.group("suf1"), m.group("pre2"), m.group("suf2")
    ctx = ((head.group("ctx") if head else None) or "").strip().lower()
    conn = m.group("conn").lower()
    marked = any((pre1, suf1, pre2, suf2))
    if conn == "and" and ctx != "between":
        return None
    if conn in ("to", "until", "till") and not (marked or ctx in ("from", "between")):
        return None
    if not marked and (n1s[0] == "0" or n2s[0] == "0"):
        return None
    if not marked and len(n2s) < len(n1s) and len(n1s) == 4 and m.group("conn") in "–—-−":
        n2 = n1 - n1 % 10 ** len(n2s) + n2
        if n2 <= n1:
            n2 += 10 ** len(n2s)
    elif not marked:
        if ctx:
            if len(n1s) < 3 or len(n2s) < 3:
                return None
        elif len(n1s) < 4 or len(n2s) < 4 or n2 - n1 > 200:
            return None
    if n1 == 0 or n2 == 0:
        return None
    if is_bc(suf1):
        v1 = -n1
    elif pre1 or suf1:
        v1 = n1
    elif is_bc(suf2) and not pre2:
        if n1 < n2:
            return None
        v1 = -n1
    else:
        v1 = n1
    if is_bc(suf2):
        v2 = -n2
    elif pre2 or suf2:
        v2 = n2
    else:
        v2 = -n2 if v1 < 0 and n2 < n1 else n2
    if not (v1 <= v2 and year_ok(v1) and year_ok(v2)):
        return None
    if not marked and (v1 < 1 or v2 > 2100):
        return None
    start = head.start("circa") if circa else head.start("pre1") if pre1 else m.start()
    if circa:
        return circa_candidate(start, m.end(), v1, v2, "range")
    return make_candidate(start, m.end(), v1, v2, "range")


def english_centuries(t: str) -> Iterator[Candidate]:
    if "entur" in t:
        for m in _EN_CENTURY_RE.finditer(t):
            head = head_match(_EN_CENTURY_HEAD_RE, t, m.start(), 60)
            if not head:
                continue
            word = head.group("ord")
            if word[0].isdigit():
                c = int(re.match(r"\d+", word).group(0))
            else:
                parsed = english_number(word)
                if not parsed or not parsed[1]:
                    continue
                c = parsed[0]
            if not 1 <= c <= 30:
                continue
            part = head.group("mod") or head.group("part")
            lo, hi = century_span(c, is_bc(m.group("suf")), part)
            yield make_candidate(head.start(), m.end(), lo, hi, "century", bool(part))
    if "0s" in t or "0's" in t:
        for m in _EN_DECADE_RE.finditer(t):
            head = head_match(_EN_DECADE_HEAD_RE, t, m.start(), 12)
            part = (head.group("mod") or "").lower() if head else ""
            yield decade_candidate(head.start() if head else m.start(), m.end(), int(m.group("num")), part)
