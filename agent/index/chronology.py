"""A figure's chronology, computed by code from its sources and stored with its index.

Every dated sentence of every document becomes an entry: its year range (reign eras, 干支, Arabic and Chinese
numerals through ``agent.dates``, anchored on the figure's life; a bare regnal year in the era last named and a
relative year, 明年 or 是歲, from the last dated sentence), and what happens in it (the event words of
``agent/data/events.toml``). From the entries of the lives of the figure among its sources (a primary or secondary document that names it in
its opening), derived facts with the sentences they rest on: the death year
(a dated sentence that says the figure died, or the undated one right after a dated sentence, 是歲卒 or
"卒" alone), the age at death, the birth year from the two (虛歲: born = died − age + 1, the Western year
possibly one earlier), and, from the opening of a biography, the courtesy name (字) and the native place
(X州Y人)."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources

from agent.dates import extract_dates
from agent.dates.ages import age_mentions
from agent.dates.dynasties import dynasty_window
from agent.dates.extract import prepare_text
from agent.dates.implied import implied_dates
from agent.dates.numerals import shift_year
from agent.index.chunking import Chunk
from agent.ingest.documents import Document
from agent.ingest.figures import Figure
from agent.text.sentences import sentence_spans
from agent.text.terms import fold

# A date names one year for the chronology when its range is at most this wide (天寶初 is not one year).
PRECISE_YEARS = 2
# A Chinese biography opens with the figure's names and native place within this many characters.
OPENING_CHARS = 120
# A stated age at death is a person's age when it lies in this range.
AGE_RANGE = (10, 110)
# Stored in the index manifest: a change in what the chronology reads rebuilds it (vectors are reused).
CHRONOLOGY_VERSION = 2  # 2: a Chinese death clause with other words before the death word is someone else's

_COURTESY_RE = re.compile(r"字([\u4e00-\u9fff]{1,3})[，,。；]")
_NATIVE_RE = re.compile(r"^(?:其先|先世|世為|世为|遂為|遂为|因為|因为|為|为)?([\u4e00-\u9fff]{2,7}?)(?<![舍夫門门家宮宫美才庶罪聖圣大故時时世國国鄉乡里主仙])人(?:也)?$")
# A death whose clause names a relative before the death word is the relative's ("明年，父卒", "his father died").
_KIN_BEFORE_RE = re.compile(r"(?:[父母妻兄弟姊妹祖孫孙]|[长長次幼]子|其子|之子)[^，。；]{0,4}$|"
                            r"(?i:\b(?:father|mother|wife|husband|son|daughter|brother|sister|uncle|grandfather)\b"
                            r"[^,.;]{0,30}$)")
# In Chinese the figure's own death is told with nothing before the death word in its clause but the figure's name,
# a date, an age, or a word of time or manner (尋卒, 以疾卒, 思溫卒, 嘉祐五年卒); other words before it name someone
# else (允彞死, 參將某戰死) or use the word otherwise (士卒, 坐死罪, 卒不得用).
_DEATH_LEAD_RE = re.compile(
    r"(?:遂|寻|乃|俄|竟|因|后|既而|未几|无何|居无何|顷之|久之|至是|是岁|是年|明年|其年|翌年|次年|岁余|月余|"
    r"[感得遇寝]?[疾病](?:甚|笃|革)?|以|暴|旋|已而|俄而|及|而|又|亦|遽|"
    r"年[〇一二三四五六七八九十百]+|[〇一二三四五六七八九十元正闰]+[年月]|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]日?|"
    r"[春夏秋冬]|[\s、])*$")
_CLAUSE_END_RE = re.compile(r"[，,。；;：:！？!?「」]")
# 卒 and 死 that tell a death end their clause or go on with where, when or at what age (卒於官, 卒，年六十);
# followed by anything else they mean something else (卒不得援: "in the end").
_DEATH_TAIL_RE = re.compile(r"$|[，,。；;：:！？!?、」]|[于於年时官家狱焉矣也]")
_EN_NATIVE_RE = re.compile(r"\b(?:a native of|was born (?:at|in))\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)*)")


@dataclass(frozen=True)
class Entry:
    """A dated sentence of the sources, or a fact derived from such sentences (``derivation`` says how)."""

    lo: int | None  # the years (BC negative); None for a fact that is no year (a native place)
    hi: int | None
    date: str  # the date as the source writes it (天聖九年, 明年), or the derived value
    sentence: str
    passage_id: str
    locator: str
    events: tuple[str, ...] = ()
    how: str = "stated"  # stated, regnal, relative, derived
    derivation: str = ""
    rests_on: tuple[str, ...] = ()  # the passage ids of the sentences a derived entry rests on

    @property
    def year_text(self) -> str:
        def one(y: int) -> str:
            return f"{-y} BC" if y < 0 else str(y)

        if self.lo is None or self.hi is None:
            return ""
        return one(self.lo) if self.lo == self.hi else f"{one(self.lo)}–{one(self.hi)}"


@dataclass
class Chronology:
    """The dated entries of a figure's sources in order of year, and its derived facts by name (``born``,
    ``died``, ``age_at_death``, ``courtesy_name``, ``native_place``)."""

    entries: list[Entry] = field(default_factory=list)
    facts: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"entries": [asdict(e) for e in self.entries],
                           "facts": {k: asdict(v) for k, v in self.facts.items()}}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Chronology":
        data = json.loads(text)

        def entry(d: dict) -> Entry:
            return Entry(**{**d, "events": tuple(d.get("events", ())), "rests_on": tuple(d.get("rests_on", ()))})

        return cls([entry(d) for d in data.get("entries", [])], {k: entry(v) for k, v in data.get("facts", {}).items()})

    def latest_year(self) -> int | None:
        """The last year a stated entry names (a figure's knowledge cannot reach past its own latest event)."""
        years = [e.hi for e in self.entries if e.how != "derived"]
        return max(years) if years else None


@lru_cache(maxsize=1)
def _event_patterns() -> dict[str, dict[str, re.Pattern[str]]]:
    data = tomllib.loads(resources.files("agent").joinpath("data/events.toml").read_text(encoding="utf-8"))
    return {event: {lang: re.compile("|".join(pats), re.I if lang == "en" else 0) for lang, pats in langs.items()}
            for event, langs in data.items()}


def events_in(sentence: str, language: str) -> tuple[str, ...]:
    """The events a sentence speaks of, by the vocabulary of ``agent/data/events.toml``."""
    text = fold(sentence) if language == "zh" else sentence
    return tuple(event for event, pats in _event_patterns().items() if language in pats and pats[language].search(text))


def _anchor(figure: Figure) -> tuple[int, int] | None:
    born, died = figure.born.year, figure.died.year if figure.died.year is not None else figure.cutoff
    if born is not None and died is not None:
        return born, died
    if died is not None:
        return died - 90, died
    if born is not None:
        return born, born + 90
    return dynasty_window(figure.era)


def build_chronology(figure: Figure, documents: list[Document], chunks: list[Chunk]) -> Chronology:
    """The chronology of ``figure`` from its documents (each read whole, in order); each sentence is cited by
    the chunk that holds it."""
    anchor = _anchor(figure)
    entries: list[Entry] = []
    facts: dict[str, Entry] = {}
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    # facts come first from the sources themselves, then from histories about them, then from team notes
    rank = {"primary": 0, "secondary": 1, "team-written": 2}
    for doc in sorted(documents, key=lambda d: rank.get(d.kind, 3)):
        doc_chunks = by_doc.get(doc.doc_id, [])
        found_in_doc: list[tuple[str, list[Chunk], list[Entry]]] = []
        for section in doc.sections:
            text = section.text
            locator = doc.locator(section)
            section_chunks = [c for c in doc_chunks if c.locator == locator] or doc_chunks
            found = _section_entries(figure, doc, text, section_chunks, anchor)
            entries += found
            found_in_doc.append((text, section_chunks, found))
            if doc.language == "zh" and section.number == 1:
                _opening(facts, text, doc, section_chunks, figure)
            elif doc.language == "en" and _opens_with_name(doc, figure):
                _native_en(facts, text, doc, section_chunks)
        if doc.kind != "team-written" and _opens_with_name(doc, figure):
            _derive(facts, found_in_doc, doc, _own_names(figure))
    entries.sort(key=lambda e: (e.lo, e.hi))
    return Chronology(entries, facts)


def _passage(chunks: list[Chunk], sentence: str, doc: Document) -> tuple[str, str]:
    """The id and locator of the chunk holding ``sentence`` (the first that holds its start)."""
    probe = sentence[:24]
    for c in chunks:
        if probe in c.text:
            return c.id, c.locator
    return (chunks[0].id, chunks[0].locator) if chunks else (doc.doc_id, doc.citation_name)


def _section_entries(figure: Figure, doc: Document, text: str, chunks: list[Chunk],
                     anchor: tuple[int, int] | None) -> list[Entry]:
    explicit = extract_dates(text, anchor=anchor, born=figure.born.year)
    implied = implied_dates(text, explicit) if doc.language == "zh" else []
    spans = sentence_spans(text)
    out = []
    for m in sorted([*explicit, *implied], key=lambda m: m.start):
        if m.kind in ("age", "century", "decade") or m.hi - m.lo > PRECISE_YEARS:
            continue
        start, end = next(((a, b) for a, b in spans if a <= m.start < b), (m.start, m.end))
        sentence = text[start:end]
        pid, locator = _passage(chunks, sentence, doc)
        how = getattr(m, "kind", "") if getattr(m, "kind", "") in ("regnal", "relative") else "stated"
        shown = getattr(m, "spelled", "") or m.text
        out.append(Entry(m.lo, m.hi, shown, sentence, pid, locator, events_in(sentence, doc.language), how))
    return out


def _derive(facts: dict[str, Entry], sections: list[tuple[str, list[Chunk], list[Entry]]], doc: Document,
            names: tuple[str, ...]) -> None:
    """The death year, the age at death and the birth year, from the dated entries of one document: a biography
    tells of other deaths first (a father's, a rival's), so the figure's own is its last."""
    if "died" in facts:
        return
    deaths = []  # (section text, its chunks, sentence span, the dated entry, how it was found)
    for text, chunks, found in sections:
        spans = sentence_spans(text)
        dated = {e.sentence for e in found}
        for i, (a, b) in enumerate(spans):
            sentence = text[a:b]
            if not _own_death(sentence, doc.language, names):
                continue
            own = [e for e in found if e.sentence == sentence and e.lo == e.hi]
            if doc.language != "zh" and (len(own) != 1 or not _same_clause(sentence, own[0].date)):
                own = []  # an English sentence with several dates, or the date in another clause, is no death date
            previous = text[spans[i - 1][0]:spans[i - 1][1]] if i else None
            before = [e for e in found if e.sentence == previous and e.lo == e.hi]
            if own:
                deaths.append((text, chunks, spans, i, own[-1], "the year of the sentence that says he died"))
            elif before and sentence not in dated and doc.language == "zh":  # 是歲卒, or 卒 alone
                deaths.append((text, chunks, spans, i, before[-1],
                               "the year of the sentence before the one that says he died"))
    if not deaths:
        return
    text, chunks, spans, i, death, how = deaths[-1]
    a, b = spans[i]
    sentence = text[a:b]
    pid, locator = _passage(chunks, sentence, doc)
    rests = tuple(dict.fromkeys((death.passage_id, pid)))
    facts["died"] = Entry(death.lo, death.hi, death.date, sentence, pid, locator, ("died",), "derived",
                          f"{how}: {death.date}", rests)
    window = text[a:spans[min(i + 1, len(spans) - 1)][1]]
    for age in age_mentions(prepare_text(window)):
        if not (AGE_RANGE[0] <= age.lo == age.hi <= AGE_RANGE[1]):
            continue
        facts["age_at_death"] = Entry(age.lo, age.lo, str(age.lo), sentence, pid, locator, ("died",), "derived",
                                      f"the age the sentence gives: {window[age.start:age.end]}", (pid,))
        if death.lo == death.hi and "born" not in facts:
            # in 虛歲 (and "in his Nth year") one is counted at birth: the completed years are one fewer
            completed = age.lo - 1 if age.sui else age.lo
            year = shift_year(death.lo, -completed)
            rule = (f"died {death.year_text} − age {age.lo} + 1 (counted from 1 at birth, 虛歲; the Western year may"
                    " be one earlier)" if age.sui else f"died {death.year_text} − age {age.lo}")
            facts["born"] = Entry(shift_year(year, -1), year, _year_text(year), sentence, pid, locator, ("born",),
                                  "derived", rule, rests)
        break


def _own_names(figure: Figure) -> tuple[str, ...]:
    """The figure's names as a Chinese biography refers to it: its names and aliases, their given names (the
    name without its one-character surname) and 公, folded, longest first."""
    names = {fold(n) for n in (*figure.names.values(), *figure.aliases) if n and not n.isascii()}
    names |= {n[1:] for n in names if len(n) >= 2} | {"公"}
    return tuple(sorted(names, key=len, reverse=True))


def _own_death(sentence: str, language: str, names: tuple[str, ...] = ()) -> bool:
    """The sentence says that the figure died: not a relative, and in Chinese nothing but the figure's names, a
    date, an age or a word of time or manner before the death word in its clause."""
    pattern = _event_patterns()["died"].get(language)
    text = fold(sentence) if language == "zh" else sentence
    for m in pattern.finditer(text) if pattern else ():
        if _KIN_BEFORE_RE.search(text[:m.start()]):
            continue
        if language != "zh":
            return True
        lead = _CLAUSE_END_RE.split(text[:m.start()])[-1]
        for d in sorted(extract_dates(lead), key=lambda d: d.start, reverse=True):
            lead = lead[:d.start] + lead[d.end:]
        for name in names:
            lead = lead.replace(name, "")
        if _DEATH_LEAD_RE.fullmatch(lead) and (len(m.group(0)) > 1 or _DEATH_TAIL_RE.match(text, m.end())):
            return True
    return False


def _same_clause(sentence: str, date: str) -> bool:
    """The date stands in a clause (between commas, semicolons or colons) that says someone died."""
    pattern = _event_patterns()["died"]["en"]
    return any(date in clause and pattern.search(clause) for clause in re.split(r"[,;:]", sentence))


def _opens_with_name(doc: Document, figure: Figure) -> bool:
    """The document is a life of the figure: it names the figure in its opening (a biography does; the figure's
    own poems, letters and speeches, and histories of other people, mostly do not)."""
    names = [fold(n) for n in (*figure.names.values(), *figure.aliases) if n]
    head = fold(doc.sections[0].text[:OPENING_CHARS]) if doc.sections else ""
    return any(n in head for n in names)


def _year_text(year: int) -> str:
    return f"{-year} BC" if year < 0 else str(year)


def _opening(facts: dict[str, Entry], text: str, doc: Document, chunks: list[Chunk], figure: Figure) -> None:
    """The courtesy name and native place of a Chinese biography that opens with the figure's name, from its
    first sentence (王測，字子試，越州山陰人。)."""
    names = [n for n in (*figure.names.values(), *figure.aliases) if n and not n.isascii()]
    first = text[:text.find("。") + 1] if "。" in text[:OPENING_CHARS] else text[:OPENING_CHARS]
    if not any(first.startswith(n) or first.startswith(fold(n)) for n in names):
        return
    pid, locator = _passage(chunks, first, doc)
    m = _COURTESY_RE.search(first)
    if m and "courtesy_name" not in facts:
        facts["courtesy_name"] = Entry(None, None, m.group(1), first, pid, locator, (), "derived",
                                       f"the opening of the biography: {m.group(0).rstrip('，,。；')}", (pid,))
    for clause in re.split(r"[，。；：\n]", first):
        native = _NATIVE_RE.match(clause.strip())
        if native and "native_place" not in facts:
            facts["native_place"] = Entry(None, None, native.group(1), first, pid, locator, (), "derived",
                                          f"the opening of the biography: {clause.strip()}", (pid,))
            break


def courtesy_aliases(name: str, text: str) -> list[str]:
    """The courtesy name a Chinese biography gives in its opening (字子瞻), alone and after the surname."""
    m = _COURTESY_RE.search(text[:40])
    return [m.group(1), name[0] + m.group(1)] if m and len(name) >= 2 else []


def _native_en(facts: dict[str, Entry], text: str, doc: Document, chunks: list[Chunk]) -> None:
    m = _EN_NATIVE_RE.search(text)
    if m and "native_place" not in facts:
        start, end = next(((a, b) for a, b in sentence_spans(text) if a <= m.start() < b), (m.start(), m.end()))
        sentence = text[start:end]
        pid, locator = _passage(chunks, sentence, doc)
        facts["native_place"] = Entry(None, None, m.group(1), sentence, pid, locator, (), "derived",
                                      f"the sentence: {m.group(0)}", (pid,))


__all__ = ["AGE_RANGE", "CHRONOLOGY_VERSION", "Chronology", "Entry", "build_chronology", "courtesy_aliases",
           "events_in"]
