"""Answers from the chronology: when the model's drafts fail the guard (or the model is not asked) and the
figure's chronology holds the one fact the question asks for (its birth or death year, its age at death, its
native place or courtesy name), the figure states that fact in a plain sentence citing a chronology passage, which
says how the fact was computed and quotes the sentence it rests on."""

from __future__ import annotations

from agent.answer import CHRONOLOGY_KIND, Citation, DateCheck, Passage
from agent.dates.implied import RELATIVE_YEARS
from agent.generate import prompts
from agent.index.chronology import Chronology, Entry
from agent.verify.boundary import KnowledgeBoundary
from agent.verify.claims import asked_fact, asks_count

# The most dated appointments an offices passage lists (a long career keeps its first ones, in order of year).
MAX_OFFICES = 10
OFFICE_EVENTS = frozenset({"appointed", "exam"})


def fact_passage(chronology: Chronology, name: str, lang: str) -> Passage | None:
    """The chronology passage stating one derived fact, in ``lang``; None when the chronology lacks it."""
    fact = chronology.facts.get(name)
    if fact is None:
        return None
    texts = prompts.CHRONOLOGY_PASSAGE[lang]
    values = _values(fact, name)
    if name == "born":
        died, age = chronology.facts.get("died"), chronology.facts.get("age_at_death")
        if died is None or age is None:
            return None
        sui = "+ 1" in fact.derivation
        values |= {"died_year": died.year_text, "died_date": died.date, "age": age.lo}
        head = texts["born" if sui else "born_completed"].format(**values)
    else:
        head = texts[name].format(**values)
    age = chronology.facts.get("age_at_death")
    if name == "died" and age is not None:  # the age at death stands in the same sentence
        head += texts["age_at_death"].format(value=age.lo)
    text = head + texts["source"].format(locator=fact.locator, sentence=fact.sentence.strip())
    return Passage(id=f"chronology:{name}", text=text, source="chronology", locator=f"chronology, {fact.locator}",
                   score=1.0, relevance=1.0, kind=CHRONOLOGY_KIND, language=lang)


def offices_passage(chronology: Chronology, lang: str, boundary: KnowledgeBoundary) -> Passage | None:
    """The chronology passage listing the figure's dated appointments and examinations up to the cutoff, each
    with its date, Western year and sentence; None when the chronology dates none."""
    entries = [e for e in chronology.entries if OFFICE_EVENTS & set(e.events) and e.how != "derived"
               and e.lo is not None and not boundary.after_cutoff(e.lo)][:MAX_OFFICES]
    if not entries:
        return None
    texts = prompts.CHRONOLOGY_PASSAGE[lang]
    lines = [texts["office"].format(date=e.date, year=_values(e, "")["year"], sentence=e.sentence.strip())
             for e in entries]
    locators = list(dict.fromkeys(e.locator for e in entries))
    return Passage(id="chronology:offices", text=texts["offices"] + (" " if lang == "en" else "").join(lines),
                   source="chronology", locator="chronology, " + "; ".join(locators), score=1.0, relevance=1.0,
                   kind=CHRONOLOGY_KIND, language=lang)


def asked_passage(chronology: Chronology, question: str, lang: str, boundary: KnowledgeBoundary) -> Passage | None:
    """The chronology passage of the fact the question asks for; None when it asks for none, the chronology
    lacks it, or the fact lies after the cutoff (the figure at an earlier point of its life does not know its
    death)."""
    name = asked_fact(question)
    if name == "offices":
        return offices_passage(chronology, lang, boundary)
    passage = fact_passage(chronology, name, lang) if name else None
    if passage is None:
        return None
    fact = chronology.facts[name]
    if fact.lo is not None and name in ("died", "age_at_death") and boundary.after_cutoff(
            chronology.facts["died"].lo if "died" in chronology.facts else fact.lo):
        return None
    return passage


def answer_from_chronology(chronology: Chronology, question: str, lang: str, boundary: KnowledgeBoundary):
    """(text with its marker, the chronology passage, its citation, the date checks) for the fact the question
    asks, or None when the question asks for none, the chronology lacks it, or it lies after the cutoff."""
    passage = asked_passage(chronology, question, lang, boundary)
    name = passage.id.removeprefix("chronology:") if passage is not None else None
    if name not in chronology.facts:  # the offices list is for the model to read, not an answer by itself
        return None
    fact = chronology.facts[name]
    values = _values(fact, name)
    # a death the sources date only by its Western year is said once: "I died in 1873.", not "1873 (1873)"
    template = "died_year" if name == "died" and values["date"] == values["year"] else name
    sentence = prompts.CHRONOLOGY_ANSWER[lang][template].format(**values)
    checks = []
    age = chronology.facts.get("age_at_death")
    if name == "died" and age is not None and asks_count(question):  # 你哪一年去世，享年多少？
        told = prompts.CHRONOLOGY_ANSWER[lang]["age_at_death"].format(value=age.lo)
        sentence = f"{sentence}{'' if lang == 'zh' else ' '}{told}"
        checks.append(DateCheck(sentence=sentence, text=str(age.lo), kind="number", lo=age.lo, hi=age.hi,
                                status="supported", where=CHRONOLOGY_KIND, evidence=passage.id, note=age.derivation))
    if name in ("born", "died"):
        checks.append(DateCheck(sentence=sentence, text=fact.year_text, kind="date", lo=fact.lo, hi=fact.hi,
                                status="supported", where=CHRONOLOGY_KIND, evidence=passage.id, note=fact.derivation))
    elif name == "age_at_death":
        checks.append(DateCheck(sentence=sentence, text=str(fact.lo), kind="number", lo=fact.lo, hi=fact.hi,
                                status="supported", where=CHRONOLOGY_KIND, evidence=passage.id, note=fact.derivation))
    citation = Citation("[1]", passage.id, passage.source, passage.locator, fact.sentence.strip())
    return sentence + "[1]", passage, citation, checks


def _values(fact: Entry, name: str) -> dict:
    year = fact.hi
    shown = "" if year is None else f"{-year} BC" if year < 0 else str(year)
    # a relative year (明年, 是歲) says nothing by itself: the Western year stands alone
    date = shown if not fact.date or fact.date in RELATIVE_YEARS or fact.date.isdigit() else fact.date
    return {"year": shown, "date": date, "value": fact.date if name in ("native_place", "courtesy_name") else fact.lo}


__all__ = ["CHRONOLOGY_KIND", "MAX_OFFICES", "answer_from_chronology", "asked_passage", "fact_passage", "offices_passage"]
