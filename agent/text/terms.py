"""Terms for matching: folded text, keyword tokens, content terms, a light stemmer, event words written one way."""

from __future__ import annotations

import re
from functools import lru_cache

from agent.text.script import CJK_CHARS, CJK_RE, to_simplified

_TOKEN_RE = re.compile(f"[{CJK_CHARS}]+|[A-Za-z\u00c0-\u024f]+(?:'[a-z]+)?|\\d+")

EN_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being am do does did
    have has had i you he she it we they me him her us them my your his its our their this that these those
    what when where which who whom whose why how there here then than so not no yes can could would should will
    shall may might must about into over after before during up down out off again further once all any both each
    few more most other some such only own same too very just also ever tell said say says please""".split()
)
ZH_STOP_CHARS = frozenset("的了是在我你他她它们們吗嗎呢吧啊么麼什何时時哪谁誰怎样樣为為有和与與也都就这這那之乎者其而于於以")


def fold(text: str) -> str:
    """Matching form: simplified characters, lower case. Display text is never folded."""
    return to_simplified(text).lower()


def approx_tokens(text: str) -> int:
    """Rough token count used for chunk sizes: a CJK character is one, four other characters are one."""
    cjk = len(CJK_RE.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def keyword_tokens(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Tokens for keyword search: CJK character bigrams (single characters for one-character runs),
    lower-cased Latin words and numbers. Text is folded to simplified first."""
    folded = fold(text)
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(folded):
        piece = match.group(0)
        if CJK_RE.match(piece):
            if len(piece) == 1:
                if not (drop_stopwords and piece in ZH_STOP_CHARS):
                    tokens.append(piece)
                continue
            for i in range(len(piece) - 1):
                bigram = piece[i : i + 2]
                if drop_stopwords and all(c in ZH_STOP_CHARS for c in bigram):
                    continue
                tokens.append(bigram)
        else:
            if drop_stopwords and piece in EN_STOPWORDS:
                continue
            tokens.append(stem(piece))
    return tokens


def is_cjk(token: str) -> bool:
    """True for a CJK character, or a token made of them."""
    return bool(token) and CJK_RE.match(token[0]) is not None


def content_terms(text: str, exclude: frozenset[str] | set[str] = frozenset()) -> tuple[set[str], set[str]]:
    """What a question or an answer sentence is about: (words, numbers and CJK bigrams without a
    function character such as 的手 or 码是; CJK characters other than function characters),
    minus the ``exclude`` terms and their characters (a figure's own names)."""
    words = {
        t for t in keyword_tokens(text, drop_stopwords=True)
        if t not in exclude and not (is_cjk(t) and (len(t) == 1 or t[0] in ZH_STOP_CHARS or t[1] in ZH_STOP_CHARS))
    }
    excluded_chars = {c for term in exclude for c in term}
    chars = {c for c in fold(text) if is_cjk(c) and c not in ZH_STOP_CHARS and c not in excluded_chars}
    return words, chars


def stem(word: str) -> str:
    """A light stemmer: 'died'/'die'/'dies' -> 'di', 'exiled'/'exile' -> 'exil', 'capitals' -> 'capital'."""
    if not word.isalpha():
        return word
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 3 and word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 2 else word


# Words for dying, being born, marrying and setting out, written one way for matching an event (卒 and 去世, "died" and
# "passed away" name the same event).
_EVENT_WORDS = [
    (re.compile(r"過世|过世|去世|逝世|病逝|病卒|辭世|辞世|亡故|身故|[卒歿殁薨死]"), "死"),
    (re.compile(r"出生|誕生|诞生|降生|生於|生于"), "生"),
    (re.compile(r"(?i)\b(?:passed away|death|dead|dying|died|dies)\b"), "die"),
    (re.compile(r"(?i)\b(?:birth|born)\b"), "born"),
    (re.compile(r"結婚|结婚|成婚|成親|成亲|婚禮|婚礼|[娶嫁]"), "婚"),
    (re.compile(r"(?i)\b(?:marry|married|marries|marrying|marriage|wedding|wed|wedded)\b"), "marry"),
    # Setting out for a place: "left Rome", "set out for his province", "departed for Gaul" (not "left a son").
    (re.compile(r"\b(?:[Ss]et(?:ting)?\s+(?:out|off|forth)|[Dd]epart(?:ed|s|ing|ure)?|"
                r"(?:[Ll]eft|[Ll]eav(?:e|es|ing))(?=\s+(?:for\b|[A-Z]|the\s+(?:city|capital|court)\b|home\b)))\b"),
     "depart"),
]


def canonical_events(text: str) -> str:
    """``text`` with the words for dying, being born, marrying and setting out written one way (卒 → 死,
    "passed away" → die, "set out for" → depart)."""
    for pattern, word in _EVENT_WORDS:
        text = pattern.sub(word, text)
    return text


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    folded = re.escape(fold(name))
    if name.isascii():
        return re.compile(rf"(?<![a-z]){folded}(?:s|es)?(?![a-z])")
    return re.compile(folded)


def mentions(folded_text: str, name: str) -> bool:
    """True when ``folded_text`` (already ``fold``ed) names ``name``: English at word breaks (a plural too), Chinese
    in either script anywhere."""
    return bool(_name_pattern(name).search(folded_text))


__all__ = ["EN_STOPWORDS", "ZH_STOP_CHARS", "approx_tokens", "canonical_events", "content_terms", "fold", "is_cjk", "mentions",
           "keyword_tokens", "stem"]
