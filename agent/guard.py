"""The truthfulness guard: every date and number an answer states is checked against the sources.

A date is *supported* when a passage cited for its sentence states a date whose range contains it, in a
sentence of the passage about the same thing (it shares a quarter of the answer sentence's content, the
dates and the figure's own names left out: "married … 1843" is not supported by "1843 … the Whig
convention"); failing that, another retrieved passage that shares content with the sentence, under the
same rule; failing that, a timeline event of the figure that shares content with the sentence. It is *contradicted* when it lies after the figure's
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
from .retrieval import name_terms
from .textutil import content_terms, split_sentences
from .timeline import TimelineEvent

# Numbers this small are everyday words ("one of my friends", 一首詩) rather than claims to check.
MIN_CHECKED_NUMBER = 3
# A passage's date supports an answer's only where the passage sentence around it shares this much of what
# the answer sentence says besides the date (the same event, not just the same year).
DATE_CONTEXT_SHARE = 0.25
# Around a date in a long passage sentence (classical Chinese runs on for clauses), this many characters.
DATE_CONTEXT_CHARS = 40

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


def date_context(text: str, mention: DateMention) -> str:
    """The passage sentence holding ``mention``; in a long sentence, the characters around it."""
    start = max(text.rfind(p, 0, mention.start) for p in "。！？；.!?\n") + 1
    ends = [i for i in (text.find(p, mention.end) for p in "。！？；.!?\n") if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    if end - start > 2 * DATE_CONTEXT_CHARS + len(mention.text):
        start = max(start, mention.start - DATE_CONTEXT_CHARS)
        end = min(end, mention.end + DATE_CONTEXT_CHARS)
    return text[start:end]


def claim_terms(sentence: str, dates: list[DateMention], names: frozenset[str] = frozenset()):
    """What a sentence says besides its dates and the figure's names: the content the date must be bound to."""
    chars = list(sentence)
    for d in dates:
        chars[d.start:d.end] = " " * (d.end - d.start)
    return content_terms("".join(chars), exclude=names)


def bound_support(source: DateMention, context_tokens, stated: DateMention, claim) -> bool:
    """``source`` (with the tokens of its passage context) supports ``stated`` in a sentence saying ``claim``."""
    if not date_supports(source, stated):
        return False
    return not (claim[0] or claim[1]) or lexical_share(claim, context_tokens) >= DATE_CONTEXT_SHARE


@dataclass
class _Evidence:
    dates: list[tuple[DateMention, tuple]]  # each date with the tokens of its context
    numbers: list[NumberMention]
    tokens: tuple


class Verifier:
    """Checks the dates and numbers of an answer's sentences against its passages and the timeline."""

    def __init__(self, boundary: KnowledgeBoundary, timeline: list[TimelineEvent]) -> None:
        self.boundary = boundary
        self.timeline = [e for e in timeline if e.year is not None]
        self.names = frozenset(name_terms(boundary.figure))
        self._cache: dict[str, _Evidence] = {}

    def _evidence(self, key: str, text: str) -> _Evidence:
        if key not in self._cache:
            dates = [(d, passage_tokens(date_context(text, d))) for d in self.boundary.dates(text)]
            self._cache[key] = _Evidence(dates, extract_numbers(text), passage_tokens(text))
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
            claim = claim_terms(s.sentence, dates, self.names)
            cited = [i for i in (n - 1 for n in s.passage_numbers) if 0 <= i < len(passages)]
            others = [i for i in range(len(passages)) if i not in cited and lexical_share(terms, evidence[i].tokens) >= MIN_LEXICAL]
            for d in dates:
                checks.append(self._check_date(s.sentence, d, claim, cited, others, passages, evidence))
            for n in numbers:
                checks.append(self._check_number(s.sentence, n, terms, cited, others, passages, evidence))
        return checks

    def _check_date(self, sentence, d: DateMention, claim, cited, others, passages, evidence) -> DateCheck:
        base = DateCheck(sentence=sentence, text=d.text, kind="date", lo=d.lo, hi=d.hi, status="unsupported")
        if self.boundary.after_cutoff(d.lo):
            return replace(base, status="contradicted", note=f"after the figure's time (cutoff {self.boundary.cutoff})")
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                if any(bound_support(e, ctx, d, claim) for e, ctx in evidence[i].dates):
                    return replace(base, status="supported", where=where, evidence=passages[i].id)
        for event in self.timeline:
            if d.lo <= event.year <= d.hi or (d.approx and abs(event.year - d.lo) <= 1):
                tokens = self._evidence(f"timeline:{id(event)}", event.all_text).tokens
                if not (claim[0] or claim[1]) or lexical_share(claim, tokens) >= DATE_CONTEXT_SHARE:
                    return replace(base, status="supported", where="timeline", evidence=f"timeline: {event.year_text or event.year}")
        stated = [e for i in cited for e, _ in evidence[i].dates if e.kind != "age"]
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


__all__ = ["DATE_CONTEXT_SHARE", "MIN_CHECKED_NUMBER", "Verifier", "bound_support", "claim_terms", "date_context",
           "date_supports", "failing", "hedge", "is_instruction", "strip_instructions"]
