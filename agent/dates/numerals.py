"""Year arithmetic without a year 0, Chinese numerals and English number words.

Conventions: the ``agent.dates`` package docstring (``agent/dates/__init__.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["chinese_numeral", "english_number", "number_value", "numeral_tokens", "shift_year", "to_chinese_numeral"]


# -- year arithmetic


def to_astro(year: int) -> int:
    return year + 1 if year < 0 else year


def from_astro(astro: int) -> int:
    return astro - 1 if astro <= 0 else astro


def shift_year(year: int, delta: int) -> int:
    """``year`` moved by ``delta`` years, skipping the year 0 that does not exist (shift_year(-1, 1) == 1)."""
    return from_astro(to_astro(year) + delta)


# -- Chinese numerals

_ZERO = "〇○零"
DIGIT_VALUE = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
POSITIONAL = dict.fromkeys(_ZERO, 0) | {c: v for c, v in DIGIT_VALUE.items() if c not in "兩两"}
_PLACE = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8}
_SHORT_TENS = {"廿": "二十", "卄": "二十", "卅": "三十", "丗": "三十", "卌": "四十"}
_DIGIT_CHARS = "〇一二三四五六七八九"


def _section(s: str) -> int:
    """Value of a place-value numeral below 10,000 (一千零三十七, 十五; 二百二 = 202 as in 卷二百二)."""
    total, digit, last, zero = 0, None, 10**4, False
    for c in s:
        if c in DIGIT_VALUE:
            if digit is not None:
                raise ValueError(f"two digits in a row in {s!r}")
            digit = DIGIT_VALUE[c]
        elif c in _ZERO:
            if digit is not None or zero or last == 10**4:
                raise ValueError(f"misplaced zero in {s!r}")
            zero = True
        elif c in _PLACE:
            place = _PLACE[c]
            if place >= last:
                raise ValueError(f"place values out of order in {s!r}")
            if digit is None:
                if place == 10 or last == 10**4:
                    digit = 1  # 十五, 一千零十; 百 and 千 alone
                else:
                    raise ValueError(f"{c!r} without a digit in {s!r}")
            if zero and last // place < 100:
                raise ValueError(f"zero without a gap in {s!r}")
            total += digit * place
            digit, last, zero = None, place, False
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    if digit is not None:
        total += digit
    elif zero:
        raise ValueError(f"trailing zero in {s!r}")
    if total == 0 and s:
        raise ValueError(f"not a Chinese numeral: {s!r}")
    return total


def _big(s: str) -> int:
    for unit in ("億", "亿", "萬", "万"):
        if unit in s:
            head, _, rest = s.partition(unit)
            if any(u in rest for u in ("億", "亿")) or (unit in "萬万" and any(u in rest for u in "萬万")):
                raise ValueError(f"repeated {unit!r} in {s!r}")
            value = (_big(head) if head else 1) * BIG_UNITS[unit]
            if not rest:
                return value
            if rest[0] in _ZERO:
                rest = rest[1:]
            return value + _big(rest)
    return _section(s)


def chinese_numeral(s: str) -> int:
    """Value of a Chinese numeral: 七〇一 = 701, 一千零三十七 = 1037, 二十 = 20, 廿 = 20, 卅 = 30, 三千萬 = 30,000,000.

    A digit after 百 or 千 without 零 is read the classical way (卷二百二 = 202), not the colloquial one (350 for
    三百五). 元 (as in 元年) and 正 (as in 正月) are 1 only as the whole string; Arabic digits are read too.
    Raises ValueError for anything else.
    """
    s = s.strip()
    if s in ("元", "正"):
        return 1
    if s.isdecimal():
        return int(s)
    if not s:
        raise ValueError("empty numeral")
    if all(c in POSITIONAL for c in s):
        return int("".join(str(POSITIONAL[c]) for c in s))
    for short, long in _SHORT_TENS.items():
        s = s.replace(short, long)
    return _big(s)


def _section_text(n: int) -> str:
    out, zero = [], False
    for place, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit:
            if zero and out:
                out.append("零")
            out.append(_DIGIT_CHARS[digit] + char)
            zero = False
        elif out:
            zero = True
    return "".join(out)


def _big_text(n: int) -> str:
    if n < 10**4:
        return _section_text(n)
    for unit, size in (("億", 10**8), ("萬", 10**4)):
        if n >= size:
            head, rest = divmod(n, size)
            text = _big_text(head) + unit
            if rest:
                text += ("零" if rest < size // 10 else "") + _big_text(rest)
            return text
    raise AssertionError(n)


def to_chinese_numeral(n: int, *, digits: bool = False) -> str:
    """The Chinese numeral for ``n`` >= 0: 1037 -> 一千零三十七, 15 -> 十五, 110 -> 一百一十; ``digits=True``
    writes digit by digit (701 -> 七〇一). Inverse of :func:`chinese_numeral`."""
    if n < 0:
        raise ValueError(f"negative number: {n}")
    if digits or n == 0:
        return "".join(_DIGIT_CHARS[int(d)] for d in str(n))
    text = _big_text(n)
    return text[1:] if text.startswith("一十") else text


# -- English number words

EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
EN_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
EN_ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth".split(), 1)} | {
    w: 10 * i for i, w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                                    "ninetieth".split(), 2)} | {"hundredth": 100, "thousandth": 1000}
EN_SCALES = {"hundred": 100, "thousand": 1000}


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, as a trie (one test per letter instead of one per word)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


_EN_WORD = _trie_pattern([*EN_UNITS, *EN_TENS, *EN_ORDINALS, *EN_SCALES])
EN_WORDNUM = rf"(?i:\b{_EN_WORD}(?:(?:\s+|-)(?:and\s+)?{_EN_WORD})*\b)"


def english_number(words: str) -> tuple[int, bool] | None:
    """(value, is_ordinal) of written-out English numbers up to 9,999 ("sixty-two", "sixty-second",
    "three hundred and five"), None when the words do not make one number."""
    tokens = [w for w in re.split(r"[\s-]+", words.lower().strip()) if w and w != "and"]
    total = current = 0
    ordinal = False
    for w in tokens:
        if ordinal:
            return None
        if w in EN_SCALES or w in ("hundredth", "thousandth"):
            scale = EN_SCALES.get(w) or EN_ORDINALS[w]
            ordinal = w in EN_ORDINALS
            if scale == 100:
                if current >= 100:
                    return None
                current = (current or 1) * 100
            else:
                total += (current or 1) * 1000
                current = 0
            continue
        value = EN_UNITS.get(w, EN_TENS.get(w, EN_ORDINALS.get(w)))
        if value is None:
            return None
        ordinal = w in EN_ORDINALS
        low = current % 100
        if (value < 10 and (low % 10 or 10 <= low < 20)) or (value >= 10 and low):
            return None
        current += value
    value = total + current
    return (value, ordinal) if tokens and value < 10**4 else None


def number_value(text: str) -> int | None:
    """Value of an Arabic ("3,000"), Chinese (三千) or English ("three thousand") number, None if unreadable."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", text):
        return int(text.replace(",", ""))
    if re.fullmatch(r"[a-zA-Z\s-]+", text):
        parsed = english_number(text)
        return parsed[0] if parsed and not parsed[1] else None
    try:
        return chinese_numeral(text)
    except ValueError:
        return None


_EN_WORDNUM_RE = re.compile(EN_WORDNUM)
_ZH_NUMERAL_RUN_RE = re.compile(r"[〇○零一二三四五六七八九十百千萬万兩两]{2,}")


def numeral_tokens(text: str) -> set[str]:
    """The digits of the numbers ``text`` writes out in words, from ten up ("eighty-two" and 八十二 give "82"), so
    that "I lived to 82" shares its number with "he died at the age of eighty-two". Ordinals give none: "in his
    fifty-sixth year" is not 56 years old."""
    out = set()
    for m in _EN_WORDNUM_RE.finditer(text):
        parsed = english_number(m.group(0))
        if parsed and not parsed[1] and parsed[0] >= 10:
            out.add(str(parsed[0]))
    for m in _ZH_NUMERAL_RUN_RE.finditer(text):
        if text[m.start() - 1:m.start()] != "第":
            try:
                value = chinese_numeral(m.group(0))
            except ValueError:
                continue
            if value >= 10:
                out.add(str(value))
    return out
