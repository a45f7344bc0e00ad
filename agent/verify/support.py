"""When a passage's date supports an answer's: the passage sentence around the date says what the answer sentence
says besides the date (the same event, not just the same year), and any month, day or ordinal the answer gives
stands there too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from agent.answer import DateCheck
from agent.dates import DateMention
from agent.dates.calendar import ordinals, same_month_day
from agent.text.sentences import sentence_span
from agent.text.terms import canonical_events, content_terms
from agent.verify.citations import lexical_share
from agent.verify.claims import GENERIC_ZH, is_generic

# A passage's date supports an answer's only where the passage sentence around it shares this much of what
# the answer sentence says besides the date (the same event, not just the same year).
DATE_CONTEXT_SHARE = 0.25


# What a long answer sentence says around its date binds the date when this share of it (and at least this
# many terms) stands in the passage's context.
LOCAL_CONTEXT_SHARE = 0.5


MIN_LOCAL_TERMS = 3


# Around a date in a long passage sentence (classical Chinese runs on for clauses), this many characters.
DATE_CONTEXT_CHARS = 40


# A passage sentence up to this long that holds one date is about that date as a whole.
SINGLE_DATE_CHARS = 320


def date_context(text: str, mention: DateMention, *, window: bool = True, others: Sequence[DateMention] = ()) -> str:
    """The passage sentence holding ``mention``; in a long sentence, the characters around it (unless not
    ``window``), except where no other date of ``others`` stands in a sentence of at most ``SINGLE_DATE_CHARS``:
    then all of that sentence is about its one date ("when his consulship ended he set out for his province, that
    is in 58 BC")."""
    start, end = sentence_span(text, mention.start, mention.end)
    alone = bool(others) and end - start <= SINGLE_DATE_CHARS and not any(
        start <= o.start < end and (o.start, o.end) != (mention.start, mention.end) for o in others)
    if window and not alone and end - start > 2 * DATE_CONTEXT_CHARS + len(mention.text):
        start = max(start, mention.start - DATE_CONTEXT_CHARS)
        end = min(end, mention.end + DATE_CONTEXT_CHARS)
    return text[start:end]


def blank_dates(sentence: str, dates: list[DateMention]) -> str:
    """``sentence`` with its dates written as spaces."""
    chars = list(sentence)
    for d in dates:
        chars[d.start:d.end] = " " * (d.end - d.start)
    return "".join(chars)


# A Roman year named by its consuls is a date, not an event: "in the consular year of Marcus Lepidus".
_CONSULAR_YEAR_RE = re.compile(r"\b(?:in\s+)?the\s+consul(?:ar\s+year|ship)\s+of\s+[A-Z][\w.']*(?:\s+[A-Z][\w.']*)*"
                               r"(?:\s+and\s+[A-Z][\w.']*(?:\s+[A-Z][\w.']*)*)?")


def claim_terms(sentence: str, dates: list[DateMention], names: frozenset[str] = frozenset()):
    """What a sentence says besides its dates, number and month words, the consuls naming its year and the
    figure's names: the content the date must be bound to ("twenty-eighth year of Kaiyuan", or "the consular
    year of Marcus Lepidus", binds to nothing by itself)."""
    blank = _CONSULAR_YEAR_RE.sub(lambda m: " " * len(m.group(0)), blank_dates(sentence, dates))
    words, cjk = content_terms(canonical_events(blank), exclude=names)
    return {w for w in words if not is_generic(w)}, {c for c in cjk if c not in GENERIC_ZH}


def bound_share(claim, context_tokens) -> float:
    """How much of ``claim`` the context holds: the mean of the shares of its words and of its CJK characters,
    and 0 when it shares no word at all (a one-character match such as 生 in 醫生 does not bind 出生)."""
    if not (claim[0] or claim[1]):
        return 1.0
    if claim[0] and not claim[0] & context_tokens[0]:
        return 0.0
    return lexical_share(claim, context_tokens)


def bound_support(source: DateMention, context_tokens, stated: DateMention, claim, context: str = "",
                  stated_text: str = "", stated_ordinals: set[int] = frozenset(), sentence: str = "",
                  local_claim=None) -> bool:
    """``source`` (with the tokens of its passage context) supports ``stated`` in a sentence saying ``claim``;
    a month or day the answer gives must be in that context too ("18 May 1843" is not "November 4, 1842"), and
    an ordinal in the passage sentence (``sentence``, the whole of it; default ``context``): "consul for the
    fourth time in 509 BC" is not "his first consulship, 509 BC", while "the robes of the seventh rank" may
    stand further from the year than the context reaches. A long answer sentence says more than a passage's
    context around the date can hold: then what the answer says around its own date (``local_claim``) may bind
    it instead, at a higher share."""
    if not date_supports(source, stated):
        return False
    if stated_text and not same_month_day(stated_text, context):
        return False
    if stated_ordinals and not stated_ordinals <= ordinals(sentence or context):
        return False
    if bound_share(claim, context_tokens) >= DATE_CONTEXT_SHARE:
        return True
    return local_claim is not None and sum(map(len, local_claim)) >= MIN_LOCAL_TERMS \
        and bound_share(local_claim, context_tokens) >= LOCAL_CONTEXT_SHARE


def date_supports(source: DateMention, stated: DateMention) -> bool:
    """The source's range contains the stated one; when either is approximate, overlapping is enough."""
    if source.lo <= stated.lo and stated.hi <= source.hi:
        return True
    return (source.approx or stated.approx) and source.lo <= stated.hi and stated.lo <= source.hi


def decimal_check(sentence, text: str, cited, others, passages, evidence) -> DateCheck:
    """A decimal ("1.75米"): the same figure written in a passage."""
    value = int(float(text))
    base = DateCheck(sentence=sentence, text=text, kind="number", lo=value, hi=value, status="unsupported")
    pattern = re.compile(rf"(?<![\d.]){re.escape(text)}(?![\d])")
    for where, indices in (("cited", cited), ("retrieved", others)):
        for i in indices:
            if pattern.search(evidence[i].text):
                return replace(base, status="supported", where=where, evidence=passages[i].id)
    return base


__all__ = ["DATE_CONTEXT_CHARS", "DATE_CONTEXT_SHARE", "blank_dates", "bound_share", "bound_support", "claim_terms",
           "date_context", "date_supports", "decimal_check"]
