"""Cutting from a failing sentence the part that fails, so that the rest can stand: a gloss in parentheses, the
asker's own time repeated as a premise, a day the sources do not give, a date a question did not ask for. Each
cut is followed by checking the answer again (``Verifier.check``); what was cut stays in the checks as
"dropped"."""

from __future__ import annotations

import re
from dataclasses import replace

from agent.answer import DateCheck, Passage
from agent.dates.calendar import EN_MONTHS, month_days
from agent.verify.citations import SentenceSupport
from agent.verify.claims import asks_for_date, asks_for_day
from agent.verify.hedge import failing
from agent.verify.verifier import PREMISE_NOTE, Verifier

_GLOSS_RE = re.compile(r"\s*\([^()]*\)|（[^（）]*）")


def trim_glosses(verifier: Verifier, supports: list[SentenceSupport], checks: list[DateCheck], passages: list[Passage],
                 question: str | None = None) -> tuple[list[SentenceSupport], list[DateCheck]]:
    """Sentences whose only failing dates or numbers stand in a parenthesis lose the parenthesis, and the answer
    is checked again: "I died in the last years of Kaiyuan (the era ended in 741), aged fifty-two" keeps its
    supported part when the gloss's 741 is after the figure's death. The gloss's checks are kept as dropped."""
    def spans(sentence: str, mine: list[DateCheck]) -> list[tuple[int, int] | None]:
        if any(c.kind == "claim" for c in mine):
            return [None]
        glosses = list(_GLOSS_RE.finditer(sentence))
        inside = [next((g for g in glosses if c.text and c.text in g.group(0)), None) for c in mine]
        return [g.span() if g else None for g in inside]

    return _trim(verifier, supports, checks, passages, question, spans, str.strip)


# What introduces a time phrase, cut with it: "from Jul 2018 to Apr 2019", "in 1950", 在1950年, 從1942年到1955年.
_TIME_LEAD_RE = re.compile(r"(?i)(?:\b(?:from|between|in|during|since|until|till|by|as\s+of|around|circa)\s+(?:the\s+)?"
                           r"(?:(?:year|years|period|season|seasons)\s+(?:of\s+)?)?|[在於于从從自到至])\s*$")
# The start of a range whose end is cut: "from August 2019 to" before "August 2020".
_RANGE_END_RE = re.compile(r"(?i)\b(?:from|between|since)\s+[^,.;]{1,40}?\s*(?:\bto\b|\band\b|\buntil\b|\btill\b|\bthrough\b|[-–—])\s*$")


def trim_premises(verifier: Verifier, supports: list[SentenceSupport], checks: list[DateCheck], passages: list[Passage],
                  question: str | None = None) -> tuple[list[SentenceSupport], list[DateCheck]]:
    """Sentences whose only failing dates are the question's own time, which a passage on the same matter overlaps,
    lose those dates (with what introduces them), and the answer is checked again: "From July 2018 to April 2019
    the coach was Markus Anfang." becomes "The coach was Markus Anfang." The premises' checks are kept as dropped."""
    def spans(sentence: str, mine: list[DateCheck]) -> list[tuple[int, int] | None]:
        return [_premise_span(sentence, c) if c.note.startswith(PREMISE_NOTE) else None for c in mine]

    return _trim(verifier, supports, checks, passages, question, spans, _tidy)


def _trim(verifier: Verifier, supports: list[SentenceSupport], checks: list[DateCheck], passages: list[Passage],
          question: str | None, spans, tidy, keep=None) -> tuple[list[SentenceSupport], list[DateCheck]]:
    """Cut from each sentence the spans ``spans(sentence, its failing checks)`` gives, when every failing check of
    the sentence has one (and ``keep(rest)`` holds, when given); then check the answer again, keeping the cut
    checks as dropped."""
    failed = failing(checks)
    trimmed: list[SentenceSupport] = []
    dropped: list[DateCheck] = []
    for s in supports:
        mine = [c for c in failed if c.sentence == s.sentence]
        cut = spans(s.sentence, mine) if mine else []
        rest = tidy(_apply(s.sentence, cut)) if mine and all(cut) else None
        if rest is not None and (keep is None or keep(s.sentence, rest)):
            if re.search(r"\w", rest):  # a sentence that said nothing but the cut time goes with it
                trimmed.append(replace(s, sentence=rest))
            dropped += [replace(c, action="dropped") for c in mine]
        else:
            trimmed.append(s)
    if not dropped:
        return supports, checks
    return trimmed, dropped + verifier.check(trimmed, passages, question)


def _premise_span(sentence: str, check: DateCheck) -> tuple[int, int] | None:
    at = sentence.find(check.text)
    if at < 0 or not check.text:
        return None
    lead = _TIME_LEAD_RE.search(sentence[:at])
    start, end = (lead.start() if lead else at), at + len(check.text)
    joined = _RANGE_END_RE.search(sentence[:start])
    if joined:  # "from August 2019 to August 2020": the end of a range goes with its start
        start = joined.start()
    tail = re.match(r"\s*[,，]", sentence[end:])
    if tail and (start == 0 or sentence[:start].rstrip().endswith((",", "，"))):
        end += tail.end()  # "From 1942 to 1955, I played…" / "…, in 1950, I…"
    return start, end


def _tidy(sentence: str) -> str:
    """A sentence after a cut: single spaces, no space before punctuation, a capital first letter."""
    s = re.sub(r"\s*(?:\(\s*\)|（\s*）)", "", sentence)  # a gloss whose date was cut: 蘇軾在嘉祐五年（1060年） -> 蘇軾
    s = re.sub(r"\s{2,}", " ", s).strip()
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r"^[,，]\s*", "", s)
    return s[:1].upper() + s[1:]


def _apply(sentence: str, edits) -> str:
    """``sentence`` with each edit applied: (start, end) cuts the span, (start, end, text) replaces it."""
    out, at = [], 0
    for edit in sorted(set(edits)):
        a, b = edit[0], edit[1]
        if a >= at:
            out += [sentence[at:a], edit[2] if len(edit) > 2 else ""]
        at = max(at, b)
    return "".join([*out, sentence[at:]])


# The year alone of a date that also gives a month or a day: 1846年10月19日 -> 1846年, "October 19, 1846" -> 1846.
_ZH_YEAR_HEAD_RE = re.compile(r"^(?P<year>.+?年)(?:[0-9]{1,2}|[正一二三四五六七八九十]{1,3}|[臘腊冬])月")
_EN_YEAR_RE = re.compile(r"(?i)\b\d{1,4}(?:\s*(?:BC|BCE|AD|CE)\b)?")
_ON_RE = re.compile(r"(?i)\bon\s+(?:the\s+)?$")


def _year_of(text: str) -> str | None:
    zh = _ZH_YEAR_HEAD_RE.match(text)
    if zh:
        return zh.group("year")
    if not month_days(text):
        return None
    # the year: the number with an era, else the longest (the last of equals): "March 15, 44 BC", "15 March 44"
    years = list(_EN_YEAR_RE.finditer(re.sub(r"(?i)\b(?:" + "|".join(EN_MONTHS) + r")\b", " ", text)))
    if not years:
        return None
    return max(years, key=lambda m: (bool(re.search(r"[A-Za-z]", m.group(0))), len(m.group(0)), m.start())).group(0)


def trim_dates(verifier: Verifier, supports: list[SentenceSupport], checks: list[DateCheck], passages: list[Passage],
               question: str | None = None) -> tuple[list[SentenceSupport], list[DateCheck]]:
    """Sentences whose only failing checks are dates within the figure's time keep what the sources may hold, and
    the answer is checked again: a month or a day is cut to the year when the question does not ask for a day
    ("1846年10月19日" -> "1846年", "on October 19, 1846" -> "in 1846", where the passage gives 22 October); a date in
    an answer to a question that does not ask when goes whole ("Shenzong asked me in 1067 to write it" -> "Shenzong
    asked me to write it"). A date after the figure's time is never cut: it marks an answer about later times.
    What still fails is hedged; the cut checks are kept as dropped."""
    if question is None:
        return supports, checks
    day, when = asks_for_day(question), asks_for_date(question)
    # A question that states a time ("Which club did you play for from 1942 to 1955?") asks about that time: an
    # answer's date there is what makes it true or not, and is never cut whole (trim_premises handles it).
    scoped = bool(verifier.boundary.dates(question))

    whole: set[str] = set()  # the sentences a date is cut from whole

    def spans(sentence: str, mine: list[DateCheck]) -> list:
        out = []
        for c in mine:
            at = sentence.find(c.text) if c.text else -1
            if c.kind != "date" or c.note.startswith("after") or at < 0:
                return [None]
            year = None if day else _year_of(c.text)
            if year is not None:
                on = _ON_RE.search(sentence[:at])
                out.append((on.start(), at + len(c.text), f"in {year}") if on else (at, at + len(c.text), year))
            elif not when and not scoped:
                out.append(_premise_span(sentence, c))
                whole.add(sentence)
            else:
                return [None]
        return out

    def keep(sentence: str, rest: str) -> bool:
        """A date cut whole must leave a sentence that still says something the question did not: "我是在七五〇年到的"
        would leave "我是到的"."""
        if sentence not in whole:
            return True
        new = verifier.content.new_content(question, rest, [])
        return bool(new[0] or new[1])

    return _trim(verifier, supports, checks, passages, question, spans, _tidy, keep)


__all__ = ["trim_dates", "trim_glosses", "trim_premises"]


# List items of an answer: the parts between enumeration commas, commas and semicolons.
_ITEM_SEP_RE = re.compile(r"[、，,；;]\s*")
_MARKERS_RE = re.compile(r"\[\d+\]")
# A run of this many items seen before in the same answer is the model repeating itself.
REPEATED_RUN = 3


def cut_repetition(text: str) -> str:
    """The answer up to where it starts repeating itself (a small model in a loop: "知陜州、京西、淮南、知陜州、
    京西、淮南、…"): from the first run of ``REPEATED_RUN`` list items already said, in the same order, the rest is
    cut and the sentence closed, keeping the citation markers that stood in the cut part."""
    items: list[tuple[int, str]] = []  # (start, item without markers)
    start = 0
    for m in _ITEM_SEP_RE.finditer(text + "、"):
        items.append((start, _MARKERS_RE.sub("", text[start:m.start()]).strip()))
        start = m.end()
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(items) - REPEATED_RUN + 1):
        run = tuple(item for _, item in items[i:i + REPEATED_RUN])
        if not all(run):
            continue
        if run in seen and seen[run] + REPEATED_RUN <= i:
            cut = items[i][0]
            kept = text[:cut].rstrip("、，,；; ")
            markers = "".join(dict.fromkeys(_MARKERS_RE.findall(text[cut:])))
            end = "." if kept[-1:].isascii() else "。"
            return kept + end + markers
        seen.setdefault(run, i)
    return text


_LEADING_QUESTION_RE = re.compile(r"^\s*[^。.!?！？\n]{1,60}[?？](?:\s*\[\d+\])*\s*")


def drop_leading_questions(text: str) -> str:
    """The answer without the questions it opens with ("當時我多大？我…"): a figure answers; a question it asks
    back first, often the asker's own words, states nothing and is no part of the answer."""
    while (m := _LEADING_QUESTION_RE.match(text)) and m.end() < len(text):
        text = text[m.end():]
    return text
