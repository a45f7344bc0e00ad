"""TimeQA: each Wikipedia document becomes an English figure with a section per paragraph; gold passages are
the sections holding the answer spans.

What each builder writes, and where: the ``agent.eval.sets`` package docstring.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections import Counter
from pathlib import Path

from agent.errors import InputError
from agent.eval.sets.common import (
    EvalSet,
    check_out,
    figure_toml,
    question_record,
    read_json,
    sample_items,
    start_set,
    write_figure,
    write_outputs,
)
from agent.files import toml_text
from agent.index.chunking import MIN_CONTENT_CHARS

__all__ = ["build_timeqa", "timeqa_life"]

TIMEQA_FILE = Path("eval/timeqa_human_test_dev_half.json")


# -- TimeQA

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_YEAR = re.compile(rf"(?:{_MONTHS})\s*(?:\d{{1,2}}\s*,\s*)?(\d{{4}})")
_BARE_YEAR = re.compile(r"(?<!\d)(\d{3,4})(?!\d)")
_DASH = re.compile(r"[–—−]| - ")


def _years_in(text: str) -> list[tuple[int, int]]:
    """(position, year) of each year in ``text``; "June 180012 May" (a lost dash) still gives 1800."""
    found = {m.start(1): int(m.group(1)) for m in _MONTH_YEAR.finditer(text)}
    for m in _BARE_YEAR.finditer(text):
        found.setdefault(m.start(1), int(m.group(1)))
    return sorted(found.items())


def timeqa_life(paragraph: str) -> tuple[str | int, str | int]:
    """Birth and death years from the first parenthesis of a Wikipedia opening paragraph, else "?".

    "( born 3 March 1950 )" -> (1950, "?"); "( 1700 – 2 May 1760 )" -> (1700, 1760);
    "( c . 1600 - 1650 )" -> ("c. 1600", 1650); a span under 15 or over 110 years is not a life.
    """
    m = re.search(r"\(([^()]*)\)", paragraph[:400])
    if not m:
        return "?", "?"
    paren = m.group(1)
    circa = "c. " if re.search(r"\bc\s?\.", paren) else ""
    born_kw = re.search(r"\b(?:born|baptised|baptized|b\s?\.)", paren)
    died_kw = re.search(r"\b(?:died|d\s?\.)\s", paren)
    dash = _DASH.search(paren)
    years = _years_in(paren)
    born = died = None
    if died_kw:
        died = next((y for pos, y in years if pos > died_kw.end() - 1), None)
        born = next((y for pos, y in years if pos < died_kw.start()), None)
    elif dash:
        born = next((y for pos, y in years if pos < dash.start()), None)
        died = next((y for pos, y in years if pos > dash.start()), None)
    elif born_kw:
        born = next((y for pos, y in years if pos > born_kw.start()), None)
    elif len(years) >= 2:
        born, died = years[0][1], years[-1][1]
    if born is not None and died is not None and not 15 <= died - born <= 110:
        return "?", "?"
    if born is not None and not 100 <= born <= 2025 or died is not None and not 100 <= died <= 2025:
        return "?", "?"
    return (f"{circa}{born}" if circa and born is not None else born if born is not None else "?",
            died if died is not None else "?")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _timeqa_era(born, died) -> str:
    years = [int(str(y).removeprefix("c. ")) for y in (born, died) if y != "?"]
    if not years:
        return "the subject of an English Wikipedia article"
    first = (min(years) - 1) // 100 + 1
    last = (max(years) - 1) // 100 + 1 if died != "?" else max(first, 21)
    if first == last:
        return f"a person of the {_ordinal(first)} century"
    return f"a person of the {_ordinal(first)} to {_ordinal(last)} centuries"


def _slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "doc"


def _timeqa_docs(path: Path) -> list[dict]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of documents")
    for i, doc in enumerate(data):
        where = f"{path}: record {i}"
        if not isinstance(doc, dict):
            raise InputError(f"{where}: expected a JSON object")
        link, paras, questions = doc.get("link"), doc.get("paras"), doc.get("questions")
        if not isinstance(link, str) or not link.startswith("/wiki/"):
            raise InputError(f"{where}: link must be a string starting with /wiki/")
        if not isinstance(paras, list) or len(paras) < 2 or not all(isinstance(p, str) for p in paras):
            raise InputError(f"{where}: paras must be a list of strings (a title and at least one paragraph)")
        if not isinstance(questions, list):
            raise InputError(f"{where}: questions must be a list")
        for j, q in enumerate(questions):
            ok = isinstance(q, list) and len(q) == 2 and isinstance(q[0], str) and bool(q[0].strip())
            ok = ok and isinstance(q[1], list) and all(
                isinstance(a, dict) and isinstance(a.get("answer"), str) and type(a.get("para")) is int
                and 0 <= a["para"] < len(paras) for a in q[1])
            if not ok:
                raise InputError(f"{where}: question {j} must be [question, [{{para, from, end, answer}}, ...]] "
                                 f"with para an index into paras")
    return data


def _timeqa_markdown(title: str, cite_as: str, url: str, paras: list[str]) -> str:
    """One ``## N.`` section per paragraph, so section N (locator "<cite_as> §N") is TimeQA's paragraph N."""
    front = ["+++", toml_text({"title": title, "cite_as": cite_as, "kind": "secondary",
                              "licence": "CC BY-SA (Wikipedia text, as distributed in the TimeQA data set, BSD-3)",
                              "origin": url, "language": "en"}).rstrip("\n"), "+++"]
    body = []
    for n, para in enumerate(paras[1:], start=1):
        text = " ".join(para.split()) or "(empty paragraph)"
        body += [f"## {n}. paragraph {n}", " " + text if text.startswith(("#", "+++")) else text, ""]
    return "\n".join(front + body)


def _chunkable(paragraph: str) -> bool:
    """Whether chunking keeps any passage of this paragraph (it drops near-empty pieces)."""
    return sum(c.isalnum() for c in paragraph) >= MIN_CONTENT_CHARS


def build_timeqa(shared: Path, out: Path, *, limit_docs: int | None = None, seed: int = 0) -> EvalSet:
    """TimeQA (human-annotated test, half): each Wikipedia document becomes an English figure whose one source
    has a section per paragraph; each question's gold passages are the sections holding its answer spans."""
    check_out(out)
    path = Path(shared) / TIMEQA_FILE
    docs = sorted(_timeqa_docs(path), key=lambda d: d["link"])
    chosen = sample_items(docs, limit_docs, seed)
    corpora, qdir = start_set(out, "timeqa", True)
    records, figures, used = [], [], set()
    tally: Counter = Counter()
    for doc in chosen:
        page = urllib.parse.unquote(doc["link"].removeprefix("/wiki/"))
        full_name = page.replace("_", " ")
        name = re.sub(r"\s*\([^()]*\)\s*$", "", full_name).strip() or full_name
        figure_id = base = f"tq-{_slug(page)}"
        k = 2
        while figure_id in used:
            figure_id, k = f"{base}-{k}", k + 1
        used.add(figure_id)
        born, died = timeqa_life(doc["paras"][1])
        tally["docs_with_life_dates"] += born != "?" or died != "?"
        cite_as = f"Wikipedia: {name}"
        write_figure(corpora, figure_id, "timeqa", {
            "figure.toml": figure_toml(
                figure_id, names={"en": name}, aliases=[full_name] if full_name != name else [], born=born,
                died=died, era=_timeqa_era(born, died), languages=["en"],
                comment=f"TimeQA evaluation figure ({TIMEQA_FILE}, {doc['link']}); temporary, not for the repo"),
            "sources/wikipedia.md": _timeqa_markdown(full_name, cite_as, "https://en.wikipedia.org" + doc["link"],
                                                     doc["paras"]),
        })
        figures.append(figure_id)
        for n, (question, spans) in enumerate(doc["questions"], start=1):
            answers = [s["answer"].strip() for s in spans if s["answer"].strip()]
            qid = f"{figure_id}-{n:02d}"
            if not answers:
                records.append(question_record(qid, figure_id, question.strip(), "en", "unanswerable"))
                continue
            paras = set()
            for p in sorted({s["para"] for s in spans if s["answer"].strip() and s["para"] > 0}):
                if not _chunkable(doc["paras"][p]):  # a heading ("LSU ."): no passage; take the text under it
                    tally["answer_in_heading"] += 1
                    p = next((k for k in range(p + 1, len(doc["paras"])) if _chunkable(doc["paras"][k])), None)
                if p is not None:
                    paras.add(p)
            paras = sorted(paras)
            if not paras:
                tally["answer_in_title_only"] += 1
            records.append(question_record(qid, figure_id, question.strip(), "en", "answerable", answers=answers,
                                     passages=[f"{cite_as} §{p}" for p in paras]))
    kinds = Counter(r["kind"] for r in records)
    counts = {"figures": len(figures), "questions": len(records), **kinds, **tally}
    notes = [
        f"TimeQA ({TIMEQA_FILE.name}): {len(figures)} of {len(docs)} documents"
        + (f" (sample of {limit_docs}, seed {seed})" if limit_docs is not None else "")
        + f", {len(records)} questions: {kinds['answerable']} answerable, {kinds['unanswerable']} unanswerable.",
        "Each document is a figure (id tq-<slug of the Wikipedia link>, English only); its source is the article "
        "with TimeQA paragraph N as section N, so the gold passage of an answer in paragraph N is "
        "'Wikipedia: <name> §N'. Paragraph 0 (the title) is not a section.",
        "Gold: a question with no non-empty answer span is unanswerable; otherwise answerable with answers = the "
        "distinct answer strings and passages = the sections holding them. No gold years (TimeQA asks about a "
        "time scope, the answer is not a year).",
        f"{tally['answer_in_heading']} answer span(s) are a section heading too short to become a passage "
        "(e.g. a team's name alone): the gold passage is then the next paragraph, the text under that heading. "
        f"{tally['answer_in_title_only']} answerable question(s) have their only answer span in the title, so no "
        "gold passage (they count towards accuracy, not recall).",
        f"Life dates: parsed from the first parenthesis of paragraph 1 ('born <year>', '<year> – <year>') for "
        f"{tally['docs_with_life_dates']} documents; the rest (organisations, clubs, ships, places and a few people) "
        "have born = died = '?'. Many documents are not people: the figure then speaks as the article's subject. "
        "The died year sets the guard's cutoff; questions about a time after it were not re-labelled.",
    ]
    result = EvalSet("timeqa", corpora, qdir / "timeqa.jsonl", figures, notes, counts)
    write_outputs(out, "timeqa", records, result, {"limit_docs": limit_docs, "seed": seed})
    return result
