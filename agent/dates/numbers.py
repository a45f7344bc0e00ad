"""extract_numbers: the counts, durations and ages stated in a text that are not dates (三千首, 二十餘年,
"300 poems", "aged 56").

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from agent.dates.ages import age_mentions
from agent.dates.candidates import head_match
from agent.dates.chinese import ZH_CONNECT, ZH_NUM
from agent.dates.english import EN_PLURAL_OK
from agent.dates.extract import CJK_CHAR_RE, LATIN_RE, date_candidates, prepare_text
from agent.dates.numerals import (
    BIG_UNITS,
    EN_ORDINALS,
    EN_SCALES,
    EN_TENS,
    EN_UNITS,
    EN_WORDNUM,
    POSITIONAL,
    chinese_numeral,
    english_number,
)

__all__ = ["NumberMention", "extract_numbers", "units_agree"]


@dataclass(frozen=True)
class NumberMention:
    """A count, duration or age stated in a text (not a date)."""

    text: str
    start: int
    end: int
    value: int
    unit: str
    approx: bool = False


# -- numbers

_ZH_COUNTERS = ("个月|首|篇|卷|册|部|章|回|字|句|人|名|位|员|口|户|家|骑|兵|艘|匹|年|载|岁|天|里|丈|尺|斤|石|亩|顷|座|城|州|"
                "县|郡|次|条|项|件|本|幅|张|封|种")
_ZH_UNIT_CANON = {"岁": "歲", "载": "年", "个月": "個月", "册": "冊", "员": "員", "户": "戶", "骑": "騎", "亩": "畝",
                  "顷": "頃", "县": "縣", "条": "條", "项": "項", "张": "張", "种": "種"}
_ZH_NUMBER_RE = re.compile(
    rf"(?<![第卷\d{ZH_NUM}])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|[{ZH_NUM}]+)"
    rf"(?P<more>余|多|许|来)?(?P<mag>万|亿)?(?P<more2>余|多)?(?P<unit>{_ZH_COUNTERS})?"
)
_ZH_NUMBER_HEAD_RE = re.compile(r"(?:大约|约|将近|近|逾|超过)$")
_ZH_ORDINAL_RANGE_HEAD_RE = re.compile(rf"[第卷][\d{ZH_NUM}]+{ZH_CONNECT}$")  # the 8 of 第7至8章
_EN_NUMBER_RE = re.compile(
    rf"(?<![\w,.\[/-])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{EN_WORDNUM})(?![\d,.]\d)"
    r"(?P<odd>-odd|\s+odd|\s+or\s+so|\s+or\s+more)?(?:\s+(?P<mag>million|thousand|hundred)\b)?"
    r"(?P<sep>\s+|-)(?P<noun>[a-z]+)\b"
)
_EN_NUMBER_HEAD_RE = re.compile(
    r"(?i:\b(?:about|around|over|more\s+than|nearly|almost|some|roughly|approximately|at\s+least|up\s+to|"
    r"fewer\s+than|less\s+than)\s+)$"
)
_EN_LOCATORS = re.compile(r"(?i:\b(?:chapter|chap\.|ch\.|vol\.|volume|no\.|number|page|p\.|pp\.|section|line|"
                          r"book|part|fig\.|figure|table|item|poem|letter|juan|scroll|verse|§))\s*$")
_EN_NOT_NOUNS = frozenset(
    "the a an and or of in on at to by for with from as is was were are be been he she it they we i you his her "
    "its their my our this that these those which who whom when where while after before but so than then nor if "
    "am pm bc bce ad ce th st nd rd odd more or january february march april may june july august september "
    "october november december".split())
_EN_UNIT_CANON = {"year": "年", "years": "年", "poem": "首", "poems": "首", "li": "里", "people": "人",
                  "persons": "人", "person": "人", "men": "人", "man": "人", "day": "天", "days": "天",
                  "month": "個月", "months": "個月"}
_EN_MAGNITUDE = {"hundred": 100, "thousand": 1000, "million": 10**6}


_EN_IRREGULAR = frozenset("li juan people men women children feet teeth sheep cattle infantry cavalry militia "
                          "horsemen stelae".split())
_EN_NUMBER_WORDS = frozenset([*EN_UNITS, *EN_TENS, *EN_ORDINALS, *EN_SCALES, "million"])


def _countable(noun: str) -> bool:
    """True for a noun a number can count: a plural ("poems", "years") or a known counter ("li", "people")."""
    if noun in _EN_NOT_NOUNS or noun in _EN_NUMBER_WORDS or noun in EN_PLURAL_OK:
        return False
    if noun in _EN_IRREGULAR or noun in _EN_UNIT_CANON:
        return True
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is", "ous"))


def _english_unit(noun: str) -> str:
    noun = noun.lower()
    if noun in _EN_UNIT_CANON:
        return _EN_UNIT_CANON[noun]
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "xes", "sses", "zes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


def _numbers(t: str) -> Iterator[NumberMention]:
    for a in age_mentions(t):
        yield NumberMention("", a.start, a.end, a.lo, "歲", a.approx)
    for m in _ZH_NUMBER_RE.finditer(t) if CJK_CHAR_RE.search(t) else ():
        num, unit, mag = m.group("num"), m.group("unit"), m.group("mag")
        if head_match(_ZH_ORDINAL_RANGE_HEAD_RE, t, m.start(), 10):
            continue
        if num.replace(",", "").replace(".", "").isdecimal():
            if not unit and not mag:
                continue
            value_f = float(num.replace(",", "")) * (BIG_UNITS[mag] if mag else 1)
            if value_f != int(value_f):
                continue
            value = int(value_f)
        else:
            if not any(c in num for c in "一二三四五六七八九十两廿卅卌"):
                continue
            if len(num) > 1 and all(c in POSITIONAL for c in num):
                continue
            if mag:
                num += mag
            try:
                value = chinese_numeral(num)
            except ValueError:
                continue
            if not unit and not any(c in num for c in "百千万亿"):
                continue
            if value == 1 and num == "一":
                continue
        head = head_match(_ZH_NUMBER_HEAD_RE, t, m.start(), 3)
        approx = bool(head or m.group("more") or m.group("more2"))
        start = head.start() if head else m.start()
        canon = _ZH_UNIT_CANON.get(unit or "", unit or "")
        yield NumberMention("", start, m.end(), value, canon, approx)
    for m in _EN_NUMBER_RE.finditer(t) if LATIN_RE.search(t) else ():
        noun, raw = m.group("noun"), m.group("num")
        if not _countable(noun) or (m.group("sep") == "-" and not raw[0].isdigit()):
            continue
        if re.fullmatch(r"1\d{3}|20\d\d|2100", raw):
            continue  # a year-like number ("his 1849 papers"), never a count
        if _EN_LOCATORS.search(t, max(0, m.start() - 12), m.start("num")):
            continue
        if raw[0].isdigit():
            value_f = float(raw.replace(",", ""))
        else:
            parsed = english_number(raw)
            if not parsed or parsed[1]:
                continue
            value_f = float(parsed[0])
        if m.group("mag"):
            value_f *= _EN_MAGNITUDE[m.group("mag")]
        if value_f != int(value_f) or (value_f == 1 and not raw[0].isdigit()):
            continue
        head = head_match(_EN_NUMBER_HEAD_RE, t, m.start(), 16)
        approx = bool(head and not re.match(r"(?i)up\s+to|at\s+least", head.group(0))) or bool(m.group("odd"))
        start = head.start() if head else m.start()
        yield NumberMention("", start, m.end(), int(value_f), _english_unit(noun), approx)


def extract_numbers(text: str) -> list[NumberMention]:
    """Counts, durations and ages stated in ``text`` that are not dates (三千首, 二十餘年, 年六十二, "300 poems",
    "twenty years", "aged 56"), in order, without overlaps. Dates and date-like spans, even unresolved ones
    (an ambiguous 上元二年), are left out."""
    t = prepare_text(text)
    dates = [c for c in date_candidates(t, None, None) if c.kind != "age"]
    chosen: list[NumberMention] = []
    for n in sorted(_numbers(t), key=lambda n: (n.unit != "歲", n.start - n.end, n.start)):
        if any(d.start < n.end and n.start < d.end for d in dates):
            continue
        if any(k.start < n.end and n.start < k.end for k in chosen):
            continue
        chosen.append(n)
    return sorted((NumberMention(text[n.start:n.end], n.start, n.end, n.value, n.unit, n.approx) for n in chosen),
                  key=lambda n: n.start)


# Units that count the same kind of thing, in either language: an age and a span of years (年六十二 and "62
# years"), people (三千人, "3,000 soldiers", 騎五千), pieces of writing (詩千餘篇, "1,000 poems").
_UNIT_GROUPS = (
    frozenset({"年", "歲"}),
    frozenset({"人", "名", "位", "員", "口", "騎", "兵", "soldier", "troop", "citizen", "warrior", "follower", "officer",
               "slave", "captive", "prisoner", "horsemen", "infantry", "cavalry", "militia", "legionary", "volunteer",
               "inhabitant", "resident", "guard", "retainer", "disciple", "student"}),
    frozenset({"首", "篇", "piece", "work", "verse", "song", "ode"}),
    frozenset({"卷", "冊", "部", "volume", "book", "scroll", "chapter", "juan", "章", "回"}),
    frozenset({"天", "day"}),
)


def units_agree(a: str, b: str) -> bool:
    """True when two numbers' units count the same kind of thing, or when either has none: "three sons" does
    not support "three years", but 年六十二 supports "62 years" and "3,000 men" supports 三千人."""
    if not a or not b or a == b:
        return True
    return any(a in g and b in g for g in _UNIT_GROUPS)
