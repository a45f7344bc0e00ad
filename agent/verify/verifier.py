"""The truthfulness guard: every date and number an answer states is checked against the sources.

A date is *supported* when a passage cited for its sentence states a date whose range contains it, in a sentence of
the passage about the same thing (it shares a quarter of the answer sentence's content, the dates and the figure's
own names left out; a bare date, what the question asks about: "married … 1843" is not supported by "1843 … the Whig
convention"); failing that, another retrieved passage sharing content with the sentence, under the same rule;
failing that, a timeline event of the figure sharing content with the sentence. It is *contradicted* when it lies
after the figure's knowledge cutoff, or when the sentence's cited passages state dates and none of them agrees;
otherwise it is *unsupported*. A month, a day or an ordinal the answer gives beside the date must stand in that
passage sentence too ("consul for the fourth time in 509 BC" is not "first consulship, 509 BC"). Numbers (counts,
durations, ages) are supported by the same value in the same places; a figure that could be a year of the figure's
life counts something only where the passage writes the same noun after it ("1851 cases").

A date the question itself states ("Who coached the team from Jul 2018 to Apr 2019?") and the answer repeats is
the asker's *premise*: it still needs a passage sentence about the same thing whose date overlaps it; then the
guard cuts the repeated date from the sentence and checks what is left. A premise nothing overlaps fails like
any other date, and one after the figure's time is still contradicted.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from agent.answer import DateCheck, Passage
from agent.dates import DateMention, NumberMention, extract_numbers, units_agree
from agent.dates.calendar import month_days, ordinals, same_month_day
from agent.ingest.timeline import TimelineEvent
from agent.retrieve.hybrid import name_terms
from agent.text.sentences import sentence_span
from agent.text.terms import EN_STOPWORDS, canonical_events, content_terms, stem
from agent.verify.age_answer import wrong_number_kind
from agent.verify.attribution import attribution_finding
from agent.verify.boundary import KnowledgeBoundary
from agent.verify.citations import MIN_LEXICAL, SentenceSupport, lexical_share, passage_tokens
from agent.verify.claims import (
    ASKS_YEAR_RE,
    ClaimFinding,
    ContentSupport,
    asked_life_event,
    asks_count,
    asks_for_date,
    asks_for_day,
    asks_several,
    asks_where,
    claim_check,
    dates_other_matter,
    question_topic,
    speaks_of_life_event,
    speaks_of_passages,
    states_quantity,
    states_time,
    yes_no,
)
from agent.verify.echo import echoes_instructions
from agent.verify.hedge import failing
from agent.verify.ordinals import find_ordinals, ordinal_check
from agent.verify.silence import SilenceItem, matching, silence_items
from agent.verify.support import (
    DATE_CONTEXT_CHARS,
    DATE_CONTEXT_SHARE,
    blank_dates,
    bound_share,
    bound_support,
    claim_terms,
    date_context,
    decimal_check,
)

# Numbers this small are everyday words ("one of my friends", 一首詩) rather than claims to check.
MIN_CHECKED_NUMBER = 3


# The month and day of a stated date may follow it this closely (天寶元年三月十五日).
STATED_TAIL_CHARS = 8


@dataclass
class _Evidence:
    dates: list[tuple[DateMention, tuple, str, str]]  # each date, the tokens and text of its context, its whole sentence
    numbers: list[NumberMention]
    tokens: tuple
    text: str


# The note of a date the question stated, which a passage about the same thing overlaps (``trim_premises``).
PREMISE_NOTE = "the question's own time; a passage on the same matter gives "


# A figure written in digits; ordinals ("20th") and decimals are left out.
_DIGITS_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?!\d|[,.]\d|st\b|nd\b|rd\b|th\b)")


# A decimal ("身高：1.75米", "3.5 miles"): supported only by a passage that writes the same figure.
_DECIMAL_RE = re.compile(r"(?<![\d.,])\d+\.\d+(?![\d.])")


_AGE_UNITS = ("歲", "岁", "年")


_QUANTITY_KINDS = ("year", "day", "count")  # silences on a date or a number (agent.silence)


class Verifier:
    """Checks the dates, numbers and content of an answer's sentences against its passages and the timeline."""

    def __init__(self, boundary: KnowledgeBoundary, timeline: list[TimelineEvent], notes: Sequence[Passage] = (),
                 reference: Sequence[Passage] = ()) -> None:
        """``notes``: the figure's secondary and team-written passages that state a silence of the sources; what
        they say is not recorded stays unrecorded whether or not retrieval found them. ``reference``: the figure's
        secondary and team-written passages, against which a sentence is judged when no retrieved passage is in
        its script."""
        self.boundary = boundary
        self.notes = list(notes)
        self.timeline = [e for e in timeline if e.year is not None]
        self.names, figure = frozenset(name_terms(boundary.figure)), boundary.figure
        self.own, self.reference = [*figure.names.values(), *figure.aliases], [p.text for p in reference]
        self.content = ContentSupport(self.names, [e.all_text for e in timeline], list(reference))
        self._cache: dict[str, _Evidence] = {}
        self._silence_cache: dict[str, list[SilenceItem]] = {}

    def _evidence(self, key: str, text: str) -> _Evidence:
        if key not in self._cache:
            dates = []
            mentions = self.boundary.dates(text)
            for d in mentions:
                ctx = date_context(text, d, others=mentions)
                dates.append((d, passage_tokens(canonical_events(ctx)), ctx, date_context(text, d, window=False)))
            self._cache[key] = _Evidence(dates, extract_numbers(text), passage_tokens(canonical_events(text)), text)
        return self._cache[key]

    def check(self, supports: list[SentenceSupport], passages: list[Passage], question: str | None = None) -> list[DateCheck]:
        """One DateCheck per date and per number stated in the sentences (in order); with ``question``, also one
        (kind "claim") per sentence whose content no passage holds or that does not answer what was asked."""
        checks: list[DateCheck] = []
        evidence = [self._evidence(p.id, p.text) for p in passages]
        gives_date = says_more = False
        where = question is not None and asks_where(question)
        counted = question is not None and asks_count(question)
        premises = self.boundary.dates(question) if question else []
        life_events = asked_life_event(question) if question is not None and not asks_several(question) else set()
        asks_when = question is not None and bool(ASKS_YEAR_RE.search(question)) and not asks_several(question)
        topic = question_topic(question, self.names) if asks_when else (set(), set())
        dated: dict[str, list[tuple[int, int]]] = {}  # the sentences that state a date, with their dates' spans
        contents: list = []
        for s in supports:
            dates = self.boundary.dates(s.sentence)
            taken = [(d.start, d.end) for d in dates]
            all_numbers = [n for n in extract_numbers(s.sentence) if not any(a < n.end and n.start < b for a, b in taken)]
            # one or two is an everyday word, unless the question asks how many ("two years" in the Hanlin Academy)
            least = 1 if counted else MIN_CHECKED_NUMBER
            numbers = [n for n in all_numbers if n.value >= least]
            decimals = list(_DECIMAL_RE.finditer(s.sentence))
            spans = taken + [(n.start, n.end) for n in all_numbers] + [m.span() for m in decimals]
            raw = [m for m in _DIGITS_RE.finditer(s.sentence) if not any(a < m.end() and m.start() < b for a, b in spans)]
            gives_date = gives_date or bool(dates or all_numbers or raw or decimals) or (
                states_time(s.sentence) if asks_when else states_quantity(s.sentence))
            if dates:
                dated[s.sentence] = taken
            terms, claim = content_terms(s.sentence), claim_terms(s.sentence, dates, self.names)
            claim = claim if question is None or claim[0] or claim[1] else question_topic(question, self.names)
            cited = [i for i in (n - 1 for n in s.passage_numbers) if 0 <= i < len(passages)]
            others = [i for i in range(len(passages)) if i not in cited and lexical_share(terms, evidence[i].tokens) >= MIN_LEXICAL]
            stated_ordinals = ordinals(blank_dates(s.sentence, dates))
            mine = [self._check_date(s.sentence, d, claim, stated_ordinals, cited, others, passages, evidence, premises,
                                     next_date=min((o.start for o in dates if o.start >= d.end), default=None))
                    for d in dates]
            mine += [self._check_number(s.sentence, n.text, n.value, _DIGITS_RE.match(s.sentence, n.start), claim, cited,
                                        others, passages, evidence, unit=n.unit) for n in numbers]
            mine += [self._check_number(s.sentence, m.group(0), int(m.group(0).replace(",", "")), m, claim, cited, others,
                                        passages, evidence)
                     for m in raw if int(m.group(0).replace(",", "")) >= least]
            mine += [decimal_check(s.sentence, m.group(0), cited, others, passages, evidence) for m in decimals]
            mine += [ordinal_check(s.sentence, o, cited, others, passages, [e.text for e in evidence])
                     for o in find_ordinals(blank_dates(s.sentence, dates))]
            checks += mine
            # A sentence whose dates are bound to a passage sentence about the same thing has had its content
            # checked with them; the content check is for the others.
            bound = any(c.kind == "date" for c in mine) and not failing(mine)
            if question is not None:
                numbered = spans + [m.span() for m in raw]
                new = self.content.new_content(question, s.sentence, numbered)
                contents.append(new)
                # a date answers "when", not "where": "我是在西元前85年出生的" for 你在哪座城市出生？ says nothing new
                quantity = (bool(dates or all_numbers or raw or decimals) or states_quantity(s.sentence)) and not where
                says_more = says_more or quantity or any(new)
                meta = speaks_of_passages(s.sentence) or echoes_instructions(s.sentence, question, self.own)
                finding = ClaimFinding(s.sentence, "", "meta") if meta else \
                    None if bound else self.content.check(question, s.sentence, numbered, passages, new)
                finding = finding or attribution_finding(s.sentence, question, [passages[i].text for i in cited],
                                                         [p.text for p in passages], self.reference, self.own)
                if finding:
                    checks.append(claim_check(finding))
        if question is not None and supports:
            if not gives_date and asks_for_date(question):
                checks.extend(claim_check(ClaimFinding(s.sentence, "", "no_date")) for s in supports)
            elif dated and life_events and not any(
                    speaks_of_life_event(s, life_events) and self._dated_life_event(s, checks, passages, evidence, life_events)
                    for s in dated):
                # 你卒於何年？ answered by "清寧三年，出為武定軍節度使": a true date of something else, also when
                # the answer calls it the death ("我去世於光化中" from "光化中，加茂貞尚書令")
                checks.extend(claim_check(ClaimFinding(s, "", "other_event")) for s in dated)
            elif dated and asks_when and all(dates_other_matter(s, spans, topic) for s, spans in dated.items()):
                # 你和某友初次相识在哪一年？ answered by "年四十，乃游京师": a true date of another matter
                checks.extend(claim_check(ClaimFinding(s, "", "other_matter")) for s in dated)
            elif (wrong := wrong_number_kind(question, [s.sentence for s in supports], self.boundary.dates))[0]:
                checks.extend(claim_check(ClaimFinding(s, "", wrong[1], wrong[2])) for s in wrong[0])  # 多大？ a year; 多久？ ages
            elif asks_for_day(question) and not any(month_days(s.sentence) for s in supports):
                checks.extend(claim_check(ClaimFinding(s.sentence, "", "no_day")) for s in supports)
            elif not says_more and not yes_no(question):
                checks.extend(claim_check(ClaimFinding(s.sentence, "", "restates")) for s in supports)
            checks = self._silent(checks, supports, passages, question, contents)
        return checks

    def hints(self, failed: list[DateCheck], passages: list[Passage], limit: int = 6) -> list[str]:
        """What the passages do state where a date or an age failed, for the request to answer again: the ages
        they give (the draft's "762歲" is a year read as an age) and the dates of the passage a contradicted date
        was checked against. The model may only pick from them; the answer is checked again either way."""
        out: list[str] = []
        for c in failed:
            if c.kind == "claim":
                continue
            if any(n.unit in _AGE_UNITS for n in extract_numbers(c.text)):
                out += [n.text for p in passages for n in self._evidence(p.id, p.text).numbers if n.unit in _AGE_UNITS]
            elif c.kind == "date" and c.status == "contradicted" and c.evidence:
                out += [e.text for p in passages if p.id == c.evidence
                        for e, *_ in self._evidence(p.id, p.text).dates if e.kind != "age"]
        return list(dict.fromkeys(out))[:limit]

    def _silence(self, passages: list[Passage]) -> list[SilenceItem]:
        items = []
        for p in passages:
            key = f"silence:{p.id}"
            if key not in self._silence_cache:
                self._silence_cache[key] = silence_items(p.id, p.text, self.names, self._states_year)
            items += self._silence_cache[key]
        return items

    def _states_year(self, text: str) -> bool:
        """A date, or a bare number in the figure's lifetime ("the China Biographical Database gives 701")."""
        return bool(self.boundary.dates(text) or self.boundary.lifetime_numbers(text))

    def _silent(self, checks, supports, passages, question, contents) -> list[DateCheck]:
        """Where a retrieved passage or a note says the sources do not give what the question asks for, the answer's
        dates and numbers (for a date or a count) or its new content (for a name, a place or anything else
        about the topic) fail, with that passage as the evidence."""
        seen = {p.id for p in passages}
        items = matching(self._silence([*passages, *(n for n in self.notes if n.id not in seen)]), question, self.names)
        if not items:
            return checks
        chosen = [items[0]]
        # A question that asks for a day or a year also meets the silence on it, when the first silence it meets is
        # about something else ("do not record his death" and "the exact day of his death" for "the exact date").
        wanted = ("day",) if asks_for_day(question) else ("year", "count") if asks_for_date(question) else ()
        if items[0].kind not in _QUANTITY_KINDS:
            chosen += [i for i in items if i.kind in wanted][:1]
        for item in chosen:
            note = f"the sources say they do not give this: {item.text}"[:160]
            if item.kind in _QUANTITY_KINDS:
                checked = {c.sentence for c in checks if c.kind in ("date", "number")}
                # "the 10th day of the first month" states a day the date extractor does not read as one
                loose = [DateCheck(sentence=s.sentence, text="", kind="claim", lo=0, hi=0, status="unsupported",
                                   evidence=item.passage_id, note=note)
                         for s in supports if s.sentence not in checked and states_quantity(s.sentence)]
                checks = [replace(c, status="unsupported", where=None, evidence=item.passage_id, note=note)
                          if c.kind in ("date", "number") else c for c in checks] + loose
                continue
            failed = {c.sentence for c in failing(checks)}
            checks = checks + [DateCheck(sentence=s.sentence, text=", ".join(sorted(new[0] or new[1])[:6]), kind="claim",
                                         lo=0, hi=0, status="unsupported", evidence=item.passage_id, note=note)
                               for s, new in zip(supports, contents) if (new[0] or new[1]) and s.sentence not in failed]
        return checks

    @staticmethod
    def _dated_life_event(sentence: str, checks: list[DateCheck], passages, evidence, events: set[str]) -> bool:
        """The dates a sentence states for the figure's birth or death (``events``) are, in the passages that
        support them, dates of that event: the passage sentence holding the date, or the one after it when that
        one is undated ("是歲卒"), speaks of it. A date supported otherwise (an age, the timeline) or not at all is left to its own check."""
        index = {p.id: i for i, p in enumerate(passages)}
        found = [c for c in checks if c.sentence == sentence and c.kind == "date" and c.status == "supported"
                 and c.evidence in index]
        if not found or any(c.where == "timeline" for c in checks if c.sentence == sentence):
            return True
        for c in found:
            ev = evidence[index[c.evidence]]
            for e, *_ in ev.dates:
                if e.lo <= c.hi and c.lo <= e.hi:
                    start, end = sentence_span(ev.text, e.start, e.end)
                    following = sentence_span(ev.text, end, end)[1]
                    if not any(end <= o.start < following for o, *_ in ev.dates):  # "是歲卒", not "寶應元年，卒"
                        end = following
                    if speaks_of_life_event(ev.text[start:end], events):
                        return True
            if not any(e.lo <= c.hi and c.lo <= e.hi for e, *_ in ev.dates):
                return True  # supported by an age or a count the passage gives: not a dated sentence there
        return False

    def _check_date(self, sentence, d: DateMention, claim, stated_ordinals, cited, others, passages, evidence,
                    premises: Sequence[DateMention] = (), next_date: int | None = None) -> DateCheck:
        """``next_date``: where the next date of the sentence starts; the month or day written just after ``d``
        (天寶元年三月) is part of it, the next date's month ("from October 1943 to June 1945") is not."""
        base = DateCheck(sentence=sentence, text=d.text, kind="date", lo=d.lo, hi=d.hi, status="unsupported")
        if self.boundary.after_cutoff(d.lo):
            return replace(base, status="contradicted", note=f"after the figure's time (cutoff {self.boundary.cutoff})")
        tail = d.end + STATED_TAIL_CHARS
        stated_text = sentence[d.start:tail if next_date is None else min(tail, next_date)]
        around = date_context(sentence, d)
        local = claim_terms(around, self.boundary.dates(around), self.names) if around != sentence else None
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                if any(bound_support(e, tokens, d, claim, ctx, stated_text, stated_ordinals, whole, local)
                       for e, tokens, ctx, whole in evidence[i].dates):
                    return replace(base, status="supported", where=where, evidence=passages[i].id)
        for event in self.timeline:
            if d.lo <= event.year <= d.hi or (d.approx and abs(event.year - d.lo) <= 1):
                ev = self._evidence(f"timeline:{id(event)}", event.all_text)
                if bound_share(claim, ev.tokens) >= DATE_CONTEXT_SHARE and same_month_day(stated_text, ev.text) \
                        and stated_ordinals <= ordinals(ev.text):
                    return replace(base, status="supported", where="timeline", evidence=f"timeline: {event.year_text or event.year}")
        if d.kind == "age":  # the same age stated in a passage (二十二歲 is an age there, a year here)
            ages = {n.value for n in extract_numbers(d.text)}
            for where, indices in (("cited", cited), ("retrieved", others)):
                for i in indices:
                    if any(n.value in ages and n.unit in _AGE_UNITS for n in evidence[i].numbers):
                        return replace(base, status="supported", where=where, evidence=passages[i].id)
        if d.kind != "age" and any(q.lo <= d.lo and d.hi <= q.hi for q in premises):
            for where, indices in (("cited", cited), ("retrieved", others)):
                for i in indices:
                    for e, tokens, *_ in evidence[i].dates:
                        if e.kind != "age" and e.lo <= d.hi and d.lo <= e.hi and bound_share(claim, tokens) >= DATE_CONTEXT_SHARE:
                            return replace(base, where=where, evidence=passages[i].id, note=PREMISE_NOTE + e.text)
        stated = [e for i in cited for e, *_ in evidence[i].dates if e.kind != "age"]
        if stated and d.kind != "age":
            shown = ", ".join(dict.fromkeys(e.text for e in stated[:3]))
            return replace(base, status="contradicted", evidence=passages[cited[0]].id, note=f"the cited passage gives {shown}")
        return base

    def _check_number(self, sentence, text: str, value: int, digits: re.Match[str] | None, claim, cited, others, passages,
                      evidence, unit: str = "") -> DateCheck:
        """A count, a duration or a bare figure ("1851 cases", "the 20th"): the same value among a passage's numbers
        counting the same kind of thing (``unit``: "three sons" is not "three years"), or among its ordinals (第56
        against 第五十六), or the same ``digits`` in a passage sentence about the same thing ("320,000 citizens" in
        "from 320,000 to 150,000", where the passage has no counter)."""
        base = DateCheck(sentence=sentence, text=text, kind="number", lo=value, hi=value, status="unsupported")
        ordinal = digits is not None and sentence[:digits.start()].endswith("第")  # 第56年 is 第五十六年
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                if any(n.value == value and units_agree(unit, n.unit) for n in evidence[i].numbers) or (
                        ordinal and value in ordinals(evidence[i].text)):
                    return replace(base, status="supported", where=where, evidence=passages[i].id)
        word = re.match(r"[A-Za-z]+", text)
        if digits:
            found = self._digits_found(sentence, digits, claim, cited, others, evidence)
        else:
            found = word and self._word_found(word.group(0), claim, cited, others, evidence)
        return replace(base, status="supported", where=found[0], evidence=passages[found[1]].id) if found else base

    @staticmethod
    def _word_found(word: str, claim, cited, others, evidence):
        """Where a number written as a word ("eight poets") stands as the same word in a passage sentence about the
        same thing ("the Eight Immortals of the Wine Cup"), though what it counts is not a unit the extractor
        knows; as (where, passage index)."""
        pattern = re.compile(rf"(?i)\b{re.escape(word)}\b")
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                text = evidence[i].text
                for hit in pattern.finditer(text):
                    ctx = text[max(0, hit.start() - DATE_CONTEXT_CHARS * 3):hit.end() + DATE_CONTEXT_CHARS * 3]
                    if bound_share(claim, passage_tokens(canonical_events(ctx))) >= DATE_CONTEXT_SHARE:
                        return where, i
        return None

    def _digits_found(self, sentence, m: re.Match[str], claim, cited, others, evidence):
        """Where the digits of ``m`` stand in a passage near what the sentence says, as (where, passage index).
        A figure that could be a year of the figure's life counts something ("1851 cases") only where the
        passage writes the same noun after it: a letter dated 1851 holds no 1851 cases. Any other figure needs the
        noun it counts near it in the passage ("320,000 citizens" in "the citizens … from 320,000 to 150,000")."""
        value = int(m.group(0).replace(",", ""))
        noun = re.match(r"\s+([A-Za-z]+)", sentence[m.end():])
        noun = noun if noun and noun.group(1).lower() not in EN_STOPWORDS else None  # "Nov 1542 to Sep 1543"
        counted = stem(noun.group(1).lower()) if noun else None
        yearlike = "," not in m.group(0) and self.boundary.could_be_year(value)
        pattern = re.compile(rf"(?<![\d,]){re.escape(m.group(0))}(?!\d|,\d)")
        for where, indices in (("cited", cited), ("retrieved", others)):
            for i in indices:
                text = evidence[i].text
                for hit in pattern.finditer(text):
                    if yearlike and counted:
                        after = re.match(r"\s+([A-Za-z]+)", text[hit.end():])
                        if not (after and stem(after.group(1).lower()) == counted):
                            continue
                    ctx = text[max(0, hit.start() - DATE_CONTEXT_CHARS * 3):hit.end() + DATE_CONTEXT_CHARS * 3]
                    if counted and not any(stem(w.lower()) == counted for w in re.findall(r"[A-Za-z]+", ctx)):
                        continue  # "1,000 cases" is not "a fee of 1,000": what is counted must be near the figure
                    if bound_share(claim, passage_tokens(canonical_events(ctx))) >= DATE_CONTEXT_SHARE:
                        return where, i
        return None


__all__ = ["MIN_CHECKED_NUMBER", "PREMISE_NOTE", "Verifier"]
