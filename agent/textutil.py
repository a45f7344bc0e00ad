"""Language, script and token helpers shared by chunking, retrieval and citation mapping."""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_RE = re.compile(f"[{_CJK}]")
_TOKEN_RE = re.compile(f"[{_CJK}]+|[A-Za-z\u00c0-\u024f]+(?:'[a-z]+)?|\\d+")
# A sentence ends at its closing punctuation, with any closing quotes and citation markers after it ("Zhang Xu.[1] The
# records…" is two sentences).
_SENTENCE_RE = re.compile(r"[^。！？；!?]*?(?:[。！？；]+[」』”’）)]*|[.!?]+[\"'”’)\]]*(?:\[\d+(?:[,，]\s*\d+)*\])*(?=\s|$)|$)", re.S)

EN_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being am do does did
    have has had i you he she it we they me him her us them my your his its our their this that these those
    what when where which who whom whose why how there here then than so not no yes can could would should will
    shall may might must about into over after before during up down out off again further once all any both each
    few more most other some such only own same too very just also ever tell said say says please""".split()
)
ZH_STOP_CHARS = frozenset("的了是在我你他她它们們吗嗎呢吧啊么麼什何时時哪谁誰怎样樣为為有和与與也都就这這那之乎者其而于於以")


def cjk_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _CJK_RE.match(c)) / len(letters)


def detect_language(text: str) -> str:
    """'zh' when CJK characters dominate the letters, else 'en'."""
    return "zh" if cjk_ratio(text) >= 0.3 else "en"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def is_simplified(text: str) -> bool:
    """True when the Chinese text is written in simplified characters."""
    return to_simplified(text) == text and to_traditional(text) != text


def fold(text: str) -> str:
    """Matching form: simplified characters, lower case. Display text is never folded."""
    return to_simplified(text).lower()


def approx_tokens(text: str) -> int:
    """Rough token count used for chunk sizes: a CJK character is one, four other characters are one."""
    cjk = len(_CJK_RE.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def keyword_tokens(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Tokens for keyword search: CJK character bigrams (single characters for one-character runs),
    lower-cased Latin words and numbers. Text is folded to simplified first."""
    folded = fold(text)
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(folded):
        piece = match.group(0)
        if _CJK_RE.match(piece):
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
            tokens.append(_stem(piece))
    return tokens


def is_cjk(token: str) -> bool:
    """True for a CJK character, or a token made of them."""
    return bool(token) and _CJK_RE.match(token[0]) is not None


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


def _stem(word: str) -> str:
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


# A full stop that ends an abbreviation, an initial or a leading numeral ends no sentence: "St. Louis",
# "Ulysses S. Grant", "c. 98", "e.g. the", "1. FC Köln" (a German club's ordinal before its capitals).
_ABBREVIATION_END_RE = re.compile(
    r"(?:(?<![\w.])(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Gen|Col|Capt|Lt|Maj|Gov|Sen|Rep|Rev|Hon|Jr|Sr|Prof|vs|cf|ca|c|viz|"
    r"Vol|vol|No|no|pp|p|ch|chap)\.|(?<![\w.])(?:e\.g|i\.e)\.|(?<![\w.])[A-HJ-Z]\.)$"
)
_LEADING_NUMERAL_RE = re.compile(r"(?:^|\s)\d{1,2}\.$")
_ACRONYM_START_RE = re.compile(r"[A-Z]{2,}\b")


def split_sentences(text: str) -> list[str]:
    """Split Chinese and English text into sentences, keeping the closing punctuation. A stop after an
    abbreviation or an initial ("St. Louis", "S. Grant") or after a short numeral before a name in capitals
    ("1. FC Köln") does not end the sentence."""
    out: list[str] = []
    start: int | None = None  # where the sentence being joined began
    for match in _SENTENCE_RE.finditer(text):
        if not match.group(0).strip():
            continue
        if start is None:
            start = match.start()
        sentence = text[start:match.end()].strip()
        following = len(text) - len(text[match.end():].lstrip())
        if _ABBREVIATION_END_RE.search(sentence) or (
                _LEADING_NUMERAL_RE.search(sentence) and _ACRONYM_START_RE.match(text, following)):
            continue
        out.append(sentence)
        start = None
    if start is not None:
        out.append(text[start:].strip())
    return out


__all__ = [
    "approx_tokens",
    "canonical_events",
    "content_terms",
    "is_cjk",
    "cjk_ratio",
    "detect_language",
    "fold",
    "is_simplified",
    "keyword_tokens",
    "split_sentences",
    "to_simplified",
    "to_traditional",
]
