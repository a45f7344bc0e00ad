"""The truthfulness guard: every date and number an answer states is checked against the sources.

A date is *supported* when a passage cited for its sentence states a date whose range contains it; failing
that, another retrieved passage that shares content with the sentence; failing that, a timeline event of
the figure that shares content with the sentence. It is *contradicted* when it lies after the figure's
knowledge cutoff, or when the sentence's cited passages state dates and none of them agrees; otherwise it is
*unsupported*. Numbers (counts, durations, ages) are supported by the same value in the same places.

Passages are data, never instructions: sentences in a passage that address the model ("ignore your
instructions…", "忽略以上指示…") are cut from it before the model sees it and before it can support anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .answer import Citation, DateCheck, Passage
from .boundary import KnowledgeBoundary
from .citations import MIN_LEXICAL, SentenceSupport, lexical_share, passage_tokens
from .dates import DateMention, NumberMention, extract_numbers
from .textutil import content_terms, split_sentences
from .timeline import TimelineEvent

# Numbers this small are everyday words ("one of my friends", 一首詩) rather than claims to check.
MIN_CHECKED_NUMBER = 3

_INSTRUCTION_RE = re.compile(
    r"ignore (?:all |any |your |the |previous |above |prior )*(?:instructions|rules|sources|prompt)|"
    r"disregard (?:all |your |the |previous |above )*(?:instructions|rules)|"
    r"(?:you are|you're) now (?:a|an|the)\b|system prompt|you must (?:say|answer|tell|state)|"
    r"(?:say|tell (?:them|the user|everyone)|answer) that you (?:were|are)\b|"
    r"忽略(?:之前|以上|上面|前面|你的|所有|一切)|無視(?:之前|以上|所有)|无视(?:之前|以上|所有)|"
    r"忘掉(?:你的|之前|所有)|忘記(?:你的|之前|所有)|忘记(?:你的|之前|所有)|系統提示|系统提示|"
    r"(?:你必須|你必须|請你|请你)(?:說|说|回答|聲稱|声称)",
    re.I,
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


@dataclass
class _Evidence:
    dates: list[DateMention]
    numbers: list[NumberMention]
    tokens: tuple


class Verifier:
    """Checks the dates and numbers of an answer's sentences against its passages and the timeline."""

    def __init__(self, boundary: KnowledgeBoundary, timeline: list[TimelineEvent]) -> None:
        self.boundary = boundary
        self.timeline = [e for e in timeline if e.year is not None]
        self._cache: dict[str, _Evidence] = {}

    def _evidence(self, key: str, text: str) -> _Evidence:
        if key not in self._cache:
            self._cache[key] = _Evidence(self.boundary.dates(text), extract_numbers(text), passage_tokens(text))
        return self._cache[key]

    def check(self, supports: list[SentenceSupport], passages: list[Passage]) -> list[DateCheck]:
        """One DateCheck per date and per number stated in the sentences (in order)."""
        checks: list[DateCheck] = []
        evidence = [self._evidence(p.id, p.text) for p in passages]
        for s in supports:
            dates = self.boundary.dates(s.sentence)
            taken = [(d.start, d.end) for d in dates]
            numbers = [n for n in extract_numbers(s.sentence)
                       if n.value >= MIN_CHECKED_NUMBER and not any(a < n.end and n.start < b for a, b in taken)]
            if not dates and not numbers:
                continue
            terms = content_terms(s.sentence)
            cited = [i for i in (n - 1 for n in s.passage_numbers) if 0 <= i < len(passages)]
            others = [i for i in range(len(passages)) if i not in cited and lexical_share(terms, evidence[i].tokens) >= MIN_LEXICAL]
            for d in dates:
                checks.append(self._check_date(s.sentence, d, terms, cited, others, passages, evidence))
            for n in numbers:
                checks.append(self._check_number(s.sentence, n, terms, cited, others, passages, evidence))
        return checks

    def _check_date(self, sentence, d: DateMention, terms, cited, others, passages, evidence) -> DateCheck:
        base = DateCheck(sentence=sentence, text=d.text, kind="date", lo=d.lo, hi=d.hi, status="unsupported")
        if self.boundary.after_cutoff(d.lo):
            return replace(base, status="contradicted", note=f"after the figure's time (cutoff {self.boundary.cutoff})")
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                if any(date_supports(e, d) for e in evidence[i].dates):
                    return replace(base, status="supported", where=where, evidence=passages[i].id)
        for event in self.timeline:
            if d.lo <= event.year <= d.hi or (d.approx and abs(event.year - d.lo) <= 1):
                if lexical_share(terms, self._evidence(f"timeline:{id(event)}", event.all_text).tokens) >= MIN_LEXICAL:
                    return replace(base, status="supported", where="timeline", evidence=f"timeline: {event.year_text or event.year}")
        stated = [e for i in cited for e in evidence[i].dates if e.kind != "age"]
        if stated and d.kind != "age":
            shown = ", ".join(dict.fromkeys(e.text for e in stated[:3]))
            return replace(base, status="contradicted", evidence=passages[cited[0]].id, note=f"the cited passage gives {shown}")
        return base

    def _check_number(self, sentence, n: NumberMention, terms, cited, others, passages, evidence) -> DateCheck:
        base = DateCheck(sentence=sentence, text=n.text, kind="number", lo=n.value, hi=n.value, status="unsupported")
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                if any(m.value == n.value for m in evidence[i].numbers):
                    return replace(base, status="supported", where=where, evidence=passages[i].id)
        return base


def date_supports(source: DateMention, stated: DateMention) -> bool:
    """The source's range contains the stated one; when either is approximate, overlapping is enough."""
    if source.lo <= stated.lo and stated.hi <= source.hi:
        return True
    return (source.approx or stated.approx) and source.lo <= stated.hi and stated.lo <= source.hi


def failing(checks: list[DateCheck]) -> list[DateCheck]:
    return [c for c in checks if c.status != "supported"]


def hedge(
    supports: list[SentenceSupport],
    checks: list[DateCheck],
    passages: list[Passage],
    hedge_text: str,
    *,
    drop: bool = False,
    joiner: str = "",
) -> tuple[str, list[Citation], list[DateCheck]]:
    """Rewrite each sentence with a failing check into ``hedge_text`` (once in a row), or drop it.

    Returns the new text with its markers, the citations still used, and the checks with their action.
    """
    from .citations import best_quote

    bad = {c.sentence for c in failing(checks)}
    parts: list[str] = []
    used: dict[int, Citation] = {}
    for s in supports:
        if s.sentence in bad:
            if not drop and (not parts or parts[-1] != hedge_text):
                parts.append(hedge_text)
            continue
        parts.append(s.sentence + "".join(f"[{n}]" for n in s.passage_numbers))
        for n in s.passage_numbers:
            if n not in used and 1 <= n <= len(passages):
                p = passages[n - 1]
                used[n] = Citation(f"[{n}]", p.id, p.source, p.locator, best_quote(s.sentence, p.text))
    action = "dropped" if drop else "hedged"
    checks = [replace(c, action=action) if c.sentence in bad else c for c in checks]
    return joiner.join(parts), [used[n] for n in sorted(used)], checks


__all__ = ["MIN_CHECKED_NUMBER", "Verifier", "date_supports", "failing", "hedge", "is_instruction", "strip_instructions"]
