"""Scoring one answer against its gold question: retrieval recall, the years stated and whether a passage gives
them, citation validity and precision, abstention, correctness."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.answer import Answer, Passage
from agent.cli.batch import read_question_text
from agent.dates import DateMention, extract_dates
from agent.errors import InputError
from agent.eval.second_reader import unsupported_dates
from agent.text.script import CJK_RE, detect_language
from agent.text.terms import content_terms, fold
from agent.verify.boundary import KnowledgeBoundary
from agent.verify.citations import lexical_share, passage_tokens, split_answer
from agent.verify.support import date_supports

KINDS = ("answerable", "unanswerable", "after_death", "injection")
MODES = ("model-only", "rag", "guarded")


@dataclass
class EvalQuestion:
    id: str
    figure: str
    question: str
    lang: str
    kind: str
    answers: list[str] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)  # inclusive ranges; a single year is (y, y)
    passages: list[str] = field(default_factory=list)
    source: str = ""  # "path:line", for messages
    split: str = ""  # "dev" or "test" where the set has halves; rules are never tuned on the test half
    dialogue: str = ""  # the dialogue this question is a turn of; asked after the turns before it, in one conversation
    turn: int = 0  # 1, 2, 3… within its dialogue


def read_eval_questions(path: Path) -> list[EvalQuestion]:
    """Questions of one JSONL file (format: corpora/FORMAT.md); any bad line raises ``path:line: why``."""
    path = Path(path)
    text = read_question_text(path)
    out: list[EvalQuestion] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                q = _question(line)
                q.source = f"{path}:{number}"
                out.append(q)
            except ValueError as exc:
                raise InputError(f"{path}:{number}: {exc}") from None
    return out


def _question(line: str) -> EvalQuestion:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(rec, dict):
        raise ValueError("expected a JSON object")
    for key in ("id", "figure", "question", "lang", "kind"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            raise ValueError(f"missing {key} (a non-empty string)")
    if rec["lang"] not in ("zh", "en"):
        raise ValueError(f"lang {rec['lang']!r} is not zh or en")
    if rec["kind"] not in KINDS:
        raise ValueError(f"unknown kind {rec['kind']!r}; expected one of {', '.join(KINDS)}")
    for key in ("answers", "passages"):
        value = rec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{key} must be a list of non-empty strings")
    split = rec.get("split", "")
    if split not in ("", "dev", "test"):
        raise ValueError(f"split {split!r} is not dev or test")
    years = rec.get("years", [])
    if not isinstance(years, list) or not all(_is_year(y) for y in years):
        raise ValueError("years must be a list of integers or [start, end] ranges")
    dialogue, turn = rec.get("dialogue", ""), rec.get("turn", 0)
    if not isinstance(dialogue, str) or type(turn) is not int or bool(dialogue) != (turn >= 1):
        raise ValueError("a dialogue turn needs both 'dialogue' (an id) and 'turn' (1, 2, …)")
    return EvalQuestion(
        rec["id"].strip(), rec["figure"].strip(), rec["question"].strip(), rec["lang"], rec["kind"],
        list(rec.get("answers", [])), [(y, y) if isinstance(y, int) else (y[0], y[1]) for y in years],
        list(rec.get("passages", [])), split=split, dialogue=dialogue.strip(), turn=turn,
    )


def _is_year(y: object) -> bool:
    return type(y) is int or (isinstance(y, list) and len(y) == 2 and all(type(v) is int for v in y) and y[0] <= y[1])


# -- scoring

_LATIN_WORD = re.compile(r"[A-Za-z]+")


def answer_language(text: str) -> str:
    """The language an answer is written in: English when its English words are at least as many as its Chinese
    ones (a CJK character counting half a word), so an English sentence that quotes a Chinese place or era
    ("I died in 1500 (弘治十三年).") is English; else as ``detect_language`` says."""
    text = _CITATION_RE.sub("", text)
    if len(_LATIN_WORD.findall(text)) >= len(CJK_RE.findall(text)) / 2 and _LATIN_WORD.search(text):
        return "en"
    return detect_language(text)


_CITATION_RE = re.compile(r"\[\d+\]")


def stated_dates(text: str) -> list[DateMention]:
    """The dates an answer states: years in Arabic or Chinese numerals, BC/AD, reign eras (天寶元年 = 742),
    centuries, ranges (``agent.dates``); citation markers like ``[2]`` never count."""
    return extract_dates(_CITATION_RE.sub(lambda m: " " * len(m.group(0)), text))


def extract_years(text: str) -> list[int]:
    """The first year of every date stated in ``text``, in order (BC negative)."""
    return [d.lo for d in stated_dates(text)]


def passage_matches(passage: Passage, gold: str) -> bool:
    """True when the passage's id is ``gold``, or its locator equals or starts with it (at a word break)."""
    if passage.id == gold:
        return True
    locator, gold = fold(passage.locator).strip(), fold(gold).strip()
    if locator == gold:
        return True
    return bool(gold) and locator.startswith(gold) and not (gold[-1].isalnum() and locator[len(gold)].isalnum())


def retrieval_scores(gold: list[str], retrieved: list[Passage]) -> tuple[float, float]:
    """(recall, reciprocal rank): the share of the ``gold`` locators among the ``retrieved`` passages, and 1 / the
    rank of the first retrieved passage that matches one (0 when none does)."""
    hits = [any(passage_matches(p, g) for p in retrieved) for g in gold]
    ranks = [i for i, p in enumerate(retrieved, 1) if any(passage_matches(p, g) for g in gold)]
    return sum(hits) / len(hits), 1 / ranks[0] if ranks else 0.0


def _citation_pairs(answer: Answer) -> list[tuple[str, Passage]]:
    """(sentence, cited passage) for every marker in the answer; markers number ``answer.passages``."""
    pairs = []
    for sentence, numbers in split_answer(answer.text):
        for n in dict.fromkeys(numbers):
            if 1 <= n <= len(answer.passages):
                pairs.append((sentence, answer.passages[n - 1]))
    return pairs


CITATION_PRECISION_SHARE = 0.5


def _precise(sentence: str, passage: Passage) -> bool:
    """The cited passage holds the sentence's support: half its content terms and every date it states."""
    if lexical_share(content_terms(sentence), passage_tokens(passage.text)) < CITATION_PRECISION_SHARE:
        return False
    have = extract_dates(passage.text)
    return all(any(date_supports(h, d) for h in have) for d in stated_dates(sentence))


def score(question: EvalQuestion, answer: Answer, retrieved: list[Passage] | None,
          boundary: KnowledgeBoundary | None = None) -> dict:
    """Flat scores of one answer; a score that does not apply is None (retrieval scores when ``retrieved`` is None).

    An abstention states no dates (its fixed text may echo the question's). A stated date is supported when a
    passage the answer cites states a date whose range contains it, or, given the figure's ``boundary``, when
    the date is a single year of the figure's life that a cited passage writes as a bare number ("the China
    Biographical Database gives 701"); model-only answers cite nothing.
    """
    recall = rr = None
    if question.passages and retrieved is not None:
        recall, rr = retrieval_scores(question.passages, retrieved)
    stated = [] if answer.abstained else stated_dates(answer.text)
    correct = wrong_date = None
    if question.answers or question.years:
        text = fold(answer.text)
        hit_year = any(d.lo <= hi and lo <= d.hi for d in stated for lo, hi in question.years)
        correct = not answer.abstained and (any(fold(a) in text for a in question.answers) or hit_year)
        if question.years and stated:
            wrong_date = not hit_year
    by_id = {p.id: p for p in answer.passages}
    cited_texts = [by_id[c.passage_id].text if c.passage_id in by_id else c.quote for c in answer.citations]
    cited_dates = [d for text in cited_texts for d in extract_dates(text)]
    bare = {n for text in cited_texts for n in boundary.lifetime_numbers(text)} if boundary else set()
    unsupported = [d for d in stated
                   if not any(date_supports(c, d) for c in cited_dates) and not (d.lo == d.hi and d.lo in bare)]
    window = boundary.anchor if boundary else None
    second = [] if answer.abstained else unsupported_dates(answer.text, cited_texts, window)
    pairs = [] if answer.abstained else _citation_pairs(answer)
    return {
        "recall_at_k": recall, "reciprocal_rank": rr, "k": None if retrieved is None else len(retrieved),
        "answer_correct": correct, "wrong_date": wrong_date,
        "years_stated": [d.text for d in stated], "unsupported_years": [d.text for d in unsupported],
        "unsupported_years_second": second,
        "citation_valid": all(c.passage_id in by_id for c in answer.citations) if answer.citations else None,
        "citation_precision": sum(_precise(s, p) for s, p in pairs) / len(pairs) if pairs else None,
        "abstained": answer.abstained, "abstain_reason": answer.abstain_reason,
        "language_match": answer.abstained or answer_language(answer.text) == question.lang,
        "latency_s": answer.timings.total, "first_token_s": answer.timings.first_token,
        "tokens": answer.timings.tokens, "generation_s": answer.timings.generation,
        "guard_changed": any(c.action != "kept" for c in answer.date_checks),
    }


__all__ = ["CITATION_PRECISION_SHARE", "KINDS", "MODES", "EvalQuestion", "extract_years", "passage_matches", "retrieval_scores",
           "read_eval_questions", "score", "stated_dates"]
