"""Language and script: which language a text is in, and simplified/traditional Chinese conversion (OpenCC)."""

from __future__ import annotations

import re
from functools import lru_cache

CJK_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
CJK_RE = re.compile(f"[{CJK_CHARS}]")


def cjk_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if CJK_RE.match(c)) / len(letters)


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


def in_script_of(text: str, question: str) -> str:
    """``text`` written in the script of ``question``: a Chinese answer to a question in simplified characters in
    simplified, to one in traditional characters in traditional; anything else unchanged."""
    if detect_language(question) != "zh" or detect_language(text) != "zh":
        return text
    return to_simplified(text) if is_simplified(question) else to_traditional(text)


def script_sample(question: str, earlier: list[str] = ()) -> str:
    """The text whose script an answer to ``question`` is written in: the question, unless all its characters are
    the same in both scripts (那是哪一年？), then the latest earlier question of the conversation that is not."""
    if to_simplified(question) != question or to_traditional(question) != question:
        return question
    return next((q for q in reversed(earlier) if to_simplified(q) != q or to_traditional(q) != q), question)


__all__ = ["CJK_CHARS", "CJK_RE", "cjk_ratio", "detect_language", "in_script_of", "is_simplified", "script_sample",
           "to_simplified", "to_traditional"]
