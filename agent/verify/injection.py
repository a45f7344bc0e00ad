"""Passages are data, never instructions: sentences in a passage that address the model ("ignore your
instructions…", "忽略以上指示…") are cut from it before the model sees it and before it can support anything."""

from __future__ import annotations

import re
from dataclasses import replace

from agent.answer import Passage
from agent.text.sentences import split_sentences

_INSTRUCTION_RE = re.compile(
    r"ignore (?:all |any |your |the |previous |above |prior )*(?:instructions|rules|sources|prompt)|"
    r"disregard (?:all |your |the |previous |above )*(?:instructions|rules)|"
    r"(?:you are|you're) now (?:a|an|the)\b|system prompt|you must (?:say|answer|tell|state)|"
    r"(?:say|tell (?:them|the user|everyone)|answer) that you (?:were|are)\b|"
    r"忽略(?:之前|以上|上面|前面|你的|所有|一切)|無視(?:之前|以上|所有)|无视(?:之前|以上|所有)|"
    r"忘掉(?:你的|之前|所有)|忘記(?:你的|之前|所有)|忘记(?:你的|之前|所有)|系統提示|系统提示|"
    r"(?:你必須|你必须|請你|请你)(?:說|说|回答|聲稱|声称)",
    re.IGNORECASE,
)


def is_instruction(sentence: str) -> bool:
    """True for a sentence that speaks to the model rather than about the past."""
    return bool(_INSTRUCTION_RE.search(sentence))


def strip_instructions(passage: Passage) -> Passage:
    """The passage without sentences addressed to the model (unchanged when it has none)."""
    sentences = split_sentences(passage.text)
    kept = [s for s in sentences if not is_instruction(s)]
    if len(kept) == len(sentences):
        return passage
    joiner = "" if passage.language == "zh" else " "
    return replace(passage, text=joiner.join(s.strip() for s in kept))


__all__ = ["is_instruction", "strip_instructions"]
