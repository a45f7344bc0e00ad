"""列傳: lesser figures of the dynastic biographies, each asked its birth year, death year and native place;
gold only where the biography supports CBDB (:func:`liezhuan_gold`, :func:`implied_dates`).

What each builder writes, and where: the ``agent.eval.sets`` package docstring.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from agent.dates.dynasties import DYNASTY_EN, DYNASTY_YEARS
from agent.dates.implied import implied_dates
from agent.dates.numerals import number_value
from agent.errors import InputError
from agent.eval.sets.common import (
    EvalSet,
    check_out,
    figure_toml,
    question_record,
    read_source_text,
    sample_items,
    start_set,
    write_figure,
    write_outputs,
)
from agent.files import toml_text
from agent.index.chronology import courtesy_aliases
from agent.library.books import book_facts, book_name
from agent.text.sentences import sentence_spans
from agent.text.terms import fold

__all__ = ["build_liezhuan", "liezhuan_gold"]

BIOS_DIR = Path("sources/zh/dynastic_bios")
CBDB_FILE = Path("eval/cbdb_bio_dates.tsv")
BUILTIN_CBDB_IDS = frozenset({"32540", "3767", "93956", "10018"})  # 李白, 蘇軾, 孟浩然, 錢乙: built-in figures


# -- 列傳 (dynastic biographies) with CBDB dates

ANSWER_WINDOW_YEARS = 1  # CBDB and the text may differ by a year (a lunar year's last months fall in the next)
CONFLICT_YEARS = 10  # a death-sentence date this close to CBDB's year but not matching: they disagree
_DEATH = re.compile(r"[卒薨死終歿殁殂]|伏誅|遇害|被殺|見殺|遇弒|棄市|自經|自縊|誅之")
_BIRTH_AFTER = re.compile(r"^[^，。；]{0,3}?[生誕诞]")
_AGE = re.compile(r"(?:享年|年)([一二三四五六七八九十百]{1,5})(?![一二三四五六七八九十百年月日載餘余有])(?:歲|岁)?")
_SETTLED = re.compile(r"世居|家於|家于|徙居|遷居|徙家|寓居|占籍|遂家|因家|[乃遂因始][遷徙]")
_PLACE_SUFFIX = re.compile(r"[州郡府路縣县軍军道衛卫部城]$")
_NATIVE_CLAUSE = re.compile(  # 臨江新喻人, 其先金華之潛溪人; not 通事舍人, 夫人, 門人 ...
    r"^(?:其先|先世|世為)?[\u4e00-\u9fff]{2,7}(?<![舍夫門家宮美才庶罪聖大故時世國鄉里主仙])人(?:也)?$")
_NUMERAL_ONLY = re.compile(r"^[元正一二三四五六七八九十百]+[年載载]$")
# The questions asked (agent/data/liezhuan_questions.toml); every other figure is also asked one in English, the
# kind turning with the figure: an English question to a figure whose sources are all Chinese.
_QUESTIONS = tomllib.loads(resources.files("agent").joinpath("data/liezhuan_questions.toml").read_text(encoding="utf-8"))
LIEZHUAN_QUESTIONS: dict[str, str] = _QUESTIONS["zh"]
ENGLISH_QUESTIONS: dict[str, str] = _QUESTIONS["en"]
# The figures of the first 60-figure draw, on which the chronology's rules were examined, are all in the dev
# half; the test half is drawn from the others by a hash of the CBDB id, and no rule is tuned on it.
EXAMINED_FIGURES = 60


def _hash(cid: str) -> str:
    return hashlib.sha256(cid.encode()).hexdigest()


def _draw(pool: list[dict], n: int, seed: int) -> tuple[list[dict], dict[str, str]]:
    """``n`` figures: the first draw of ``EXAMINED_FIGURES`` and more from the rest, in pool order; and each one's
    split (dev or test): the examined figures are dev, half of the whole set is test."""
    examined = sample_items(pool, min(n, EXAMINED_FIGURES), seed)
    seen = {r["id"] for r in examined}
    rest = [r for r in pool if r["id"] not in seen]
    chosen = sorted([*examined, *sample_items(rest, max(n - len(examined), 0), seed)], key=lambda r: int(r["id"]))
    others = sorted((r["id"] for r in chosen if r["id"] not in seen), key=_hash)
    test = set(others[:len(chosen) // 2])
    return chosen, {r["id"]: "test" if r["id"] in test else "dev" for r in chosen}


def _year(value: str, where: str) -> int | None:
    value = value.strip()
    if value in ("", "0"):
        return None  # CBDB writes 0 or nothing for an unknown year
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{where}: year {value!r} is not an integer") from None


def _read_cbdb(path: Path) -> list[dict]:
    text = read_source_text(path)
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    wanted = {"cbdb_id", "name", "born_year", "died_year", "dynasty", "jiguan", "bio_chars"}
    if not wanted <= set(reader.fieldnames or ()):
        raise InputError(f"{path}: header must have the columns {', '.join(sorted(wanted))}")
    rows = []
    for i, row in enumerate(reader):
        where = f"{path}: record {i} (line {i + 2})"
        if None in row or any(row.get(k) is None for k in wanted):
            raise InputError(f"{where}: expected {len(reader.fieldnames)} tab-separated fields")
        if not row["cbdb_id"].strip().isdigit() or not row["bio_chars"].strip().isdigit():
            raise InputError(f"{where}: cbdb_id and bio_chars must be integers")
        rows.append({"id": row["cbdb_id"].strip(), "name": row["name"].strip(),
                     "born": _year(row["born_year"], where), "died": _year(row["died_year"], where),
                     "dynasty": row["dynasty"].strip(), "jiguan": row["jiguan"].strip(),
                     "chars": int(row["bio_chars"])})
    return rows


def _read_bio_index(path: Path) -> dict[str, dict]:
    """index.tsv: id, length, first clause, name, book, chapter; a first clause may run over several lines."""
    text = read_source_text(path)
    records: list[str] = []
    for line in text.split("\n")[1:]:
        if re.match(r"^\d+\t\d+\t", line):
            records.append(line)
        elif records:
            records[-1] += "\n" + line
        elif line.strip():
            raise InputError(f"{path}: record 0: does not start with an id and a length")
    out = {}
    for i, rec in enumerate(records):
        cid, _, rest = rec.rstrip("\n").split("\t", 2)
        parts = rest.rsplit("\t", 3)
        name, book, chapter = (parts[1:] + ["", "", ""])[:3] if len(parts) == 4 else ("", "", "")
        out[cid] = {"name": name.strip(), "book": book.strip(), "chapter": chapter.strip()}
    return out


def _span_of(spans: list[tuple[int, int]], pos: int) -> int:
    return next((i for i, (a, b) in enumerate(spans) if a <= pos < b), len(spans) - 1)


def _precise(m) -> bool:
    return m.kind != "age" and m.lo is not None and m.hi is not None and m.hi - m.lo <= 2


def _near(m, year: int) -> bool:
    return m.lo <= year + ANSWER_WINDOW_YEARS and m.hi >= year - ANSWER_WINDOW_YEARS


def _place_candidates(jiguan: str) -> list[str]:
    out = [jiguan]
    stem = _PLACE_SUFFIX.sub("", jiguan) if len(jiguan) > 2 else jiguan
    if len(stem) >= 2:
        out += [stem, stem[-2:]]
    return list(dict.fromkeys(out))


def liezhuan_gold(text: str, row: dict, extract: Callable, era_candidates: Callable | None = None) -> dict:
    """Decide, from the biography alone, which of CBDB's birth year, death year and native place it supports.

    ``extract`` is agent.dates.extract_dates and ``era_candidates`` agent.dates.era_candidates (the default).
    Returns ``{"died": ..., "born": ..., "place": ...}``, each a dict with ``status`` (answerable, unanswerable,
    or skip with a reason) and, when answerable, ``years``/``answers``/``evidence``.
    """
    # the anchor only picks among reign eras of one name (上元, 至元 ...): the 70 years before CBDB's death
    dynasty = DYNASTY_YEARS.get(row["dynasty"])
    anchor = ((row["died"] - 70, row["died"] + 5) if row["died"] is not None
              else (dynasty[0] - 30, dynasty[1] + 30) if dynasty else None)
    explicit = sorted(extract(text, anchor=anchor), key=lambda m: m.start)
    mentions = sorted(explicit + implied_dates(text, explicit, era_candidates), key=lambda m: m.start)
    spans = sentence_spans(text)
    gold: dict[str, dict] = {}

    # death: a date precise to 3 years or less in a sentence that says 卒/薨/死 ... (or, when that sentence
    # names no date, the last such date of the sentence before), within ±1 of CBDB's death year. A date of
    # the death sentence itself within 10 years that does not match: the source and CBDB disagree
    # (skipped); further off: about something else (another person's death, a battle).
    died = row["died"]
    by_sentence: dict[int, list] = {}
    for m in mentions:
        if _precise(m):
            by_sentence.setdefault(_span_of(spans, m.start), []).append(m)
    candidates: list[tuple[int, object, bool]] = []  # (death sentence, date, in that sentence itself)
    for i, (a, b) in enumerate(spans):
        if _DEATH.search(text[a:b]):
            if by_sentence.get(i):
                candidates += [(i, m, True) for m in by_sentence[i]]
            else:
                candidates += [(i, m, False) for m in by_sentence.get(i - 1, [])[-1:]]
    match = [(i, m) for i, m, _ in candidates if died is not None and _near(m, died)]
    conflict = [m for _, m, own in candidates if own and died is not None and not _near(m, died)
                and min(abs(m.lo - died), abs(m.hi - died)) <= CONFLICT_YEARS]
    death_sentence, death_mention = match[-1] if match else (None, None)
    if died is None:
        gold["died"] = {"status": "skip", "reason": "CBDB gives no death year"}
    elif death_mention:
        lo, hi = min(died, death_mention.lo), max(died, death_mention.hi)
        era_text = getattr(death_mention, "spelled", "") or (
            death_mention.text if not _NUMERAL_ONLY.match(death_mention.text) and death_mention.kind != "relative"
            else "")
        gold["died"] = {"status": "answerable", "years": [died] if lo == hi else [[lo, hi]],
                        "answers": [str(died)] + ([era_text] if era_text else []), "evidence": death_mention.text}
    elif conflict:
        gold["died"] = {"status": "skip", "reason": "a date of the death sentence disagrees with CBDB"}
    else:
        gold["died"] = {"status": "unanswerable"}

    # birth: the age at death stated in the death sentence (or the next), from a single death year:
    # born = died - age + 1 (sui); or a precise date followed within a few characters by 生/誕
    born = row["born"]
    computed: list[tuple[int, str]] = []
    if death_mention:
        i = death_sentence
        window = text[spans[i][0]:spans[min(i + 1, len(spans) - 1)][1]]
        for m in _AGE.finditer(window):
            age = number_value(m.group(1))
            if age and 10 <= age <= 110:
                if death_mention.lo != death_mention.hi:
                    computed.append((None, "an age at death with an approximate death year"))
                else:
                    computed.append((death_mention.lo - age + 1, m.group(0)))
                break
    for m in explicit:
        if _precise(m) and _BIRTH_AFTER.match(text[m.end:m.end + 6]):
            computed.append((m.lo if m.lo == m.hi else None, m.text))
    good = [(y, ev) for y, ev in computed if y is not None and born is not None
            and abs(y - born) <= ANSWER_WINDOW_YEARS]
    if born is None:
        gold["born"] = {"status": "skip", "reason": "CBDB gives no birth year"}
    elif good:
        y, ev = good[0]
        lo, hi = min(y, born), max(y, born)
        gold["born"] = {"status": "answerable", "years": [born] if lo == hi else [[lo, hi]],
                        "answers": list(dict.fromkeys([str(born), str(y)])), "evidence": ev}
    elif computed:
        gold["born"] = {"status": "skip", "reason": "the text gives another or only an approximate birth year"}
    else:
        gold["born"] = {"status": "unanswerable"}

    # native place: CBDB's jiguan (or its name without 州/郡/府 ..., or that name's last two characters) in a
    # clause that says where he came from: an opening "…人" clause (臨江新喻人, 其先金華之潛溪人) or one that
    # says where the family lived (世居, 家於, 徙居 ...). Named only elsewhere (權知開封府): not evidence.
    jiguan = row["jiguan"]
    clauses = [c for c in re.split(r"[，。；：\n]", text) if c]
    opening = [c for c in re.split(r"[，。；：\n]", text[:120]) if _NATIVE_CLAUSE.match(c)]
    origin = [fold(c) for c in opening + [c for c in clauses if _SETTLED.search(c)]]
    candidates = _place_candidates(jiguan) if jiguan else []
    found = next((c for c in candidates if any(fold(c) in o for o in origin)), None)
    if not jiguan:
        gold["place"] = {"status": "skip", "reason": "CBDB gives no native place"}
    elif found:
        gold["place"] = {"status": "answerable", "answers": list(dict.fromkeys([jiguan, found])), "evidence": found}
    elif opening:
        gold["place"] = {"status": "skip", "reason": "the text names a native place other than CBDB's"}
    elif any(fold(c) in fold(text) for c in candidates):
        gold["place"] = {"status": "skip", "reason": "CBDB's place is named, but not as where he came from"}
    else:
        gold["place"] = {"status": "unanswerable"}
    return gold


def build_liezhuan(shared: Path, out: Path, *, n_figures: int = 200, seed: int = 0,
                   min_chars: int = 300, max_chars: int = 3000) -> EvalSet:
    """列傳: ``n_figures`` lesser figures (biographies of ``min_chars``-``max_chars`` characters, drawn with ``seed``),
    each asked its birth year, death year and native place (every other one also once in English); gold only where
    the biography supports CBDB. Each question carries its figure's split: dev or test (half the figures)."""
    check_out(out)
    from agent.dates import extract_dates

    shared = Path(shared)
    bios = shared / BIOS_DIR
    rows = _read_cbdb(shared / CBDB_FILE)
    index = _read_bio_index(bios / "index.tsv")
    pool = sorted((r for r in rows if r["name"] and r["id"] not in BUILTIN_CBDB_IDS and r["died"] is not None
                   and min_chars <= r["chars"] <= max_chars and (bios / f"{r['id']}.txt").is_file()),
                  key=lambda r: int(r["id"]))
    chosen, splits = _draw(pool, n_figures, seed)
    corpora, qdir = start_set(out, "liezhuan", True)
    records, figures = [], []
    tally: Counter = Counter()
    reasons: Counter = Counter()
    for number, row in enumerate(chosen):
        path = (bios / f"{row['id']}.txt").resolve()
        text = read_source_text(path)
        gold = liezhuan_gold(text, row, extract_dates)
        figure_id = f"cbdb-{row['id']}"
        entry = index.get(row["id"], {})
        book = book_name(entry.get("book", ""))
        tally["book_unknown"] += not book
        cite_as = f"{book or '正史'}·{row['name']}傳"
        _, author, year = book_facts(book)
        written = str(year or "")
        spec = {"path": str(path), "format": "text", "title": cite_as, "cite_as": cite_as, "author": author,
                "date_written": written, "kind": "primary", "licence": "public domain",
                "origin": "China-dynastic-histories open data (CBDB project)", "language": "zh"}
        # The prompt shows born-died, so died stays "?" (the model must find it in the biography); the CBDB
        # death year only sets the guard's knowledge cutoff, which the model never sees.
        tally["died_set"] += gold["died"]["status"] == "answerable"
        dynasty = row["dynasty"]
        era = f"{dynasty} {DYNASTY_EN[dynasty]} dynasty" if dynasty in DYNASTY_EN else (dynasty or "正史所載人物")
        aliases = courtesy_aliases(row["name"], text)
        if entry.get("name") and entry["name"] != row["name"]:
            aliases.append(entry["name"])
        write_figure(corpora, figure_id, "liezhuan", {
            "figure.toml": figure_toml(
                figure_id, names={"zh": row["name"]}, aliases=aliases, born="?", died="?", era=era,
                languages=["zh"], cutoff=row["died"],
                comment=f"列傳 evaluation figure (CBDB person {row['id']}); temporary, not for the repo. born and "
                        "died are '?' so the prompt does not give the answer; cutoff (CBDB's death year) bounds "
                        "the figure's knowledge"),
            "sources.toml": toml_text({"source": [{k: v for k, v in spec.items() if v}]}),
        })
        figures.append(figure_id)
        english = tuple(ENGLISH_QUESTIONS)[number // 2 % 3] if number % 2 == 0 else None
        split = splits[row["id"]]
        tally[f"figures_{split}"] += 1
        for key in ("born", "died", "place"):
            g = gold[key]
            tally[f"{key}_{g['status']}"] += 1
            if g["status"] == "skip":
                reasons[f"{key}: {g['reason']}"] += 1
                continue
            asked = [(f"{figure_id}-{key}", LIEZHUAN_QUESTIONS[key], "zh")]
            if key == english:
                asked.append((f"{figure_id}-{key}-en", ENGLISH_QUESTIONS[key], "en"))
            for qid, question, lang in asked:
                if g["status"] == "unanswerable":
                    records.append(question_record(qid, figure_id, question, lang, "unanswerable", split=split))
                else:
                    records.append(question_record(qid, figure_id, question, lang, "answerable", answers=g["answers"],
                                                   years=g.get("years", ()), passages=[cite_as], split=split))
    kinds = Counter(r["kind"] for r in records)
    counts = {"figures": len(figures), "pool": len(pool), "questions": len(records), **kinds, **tally}

    def line(key: str, label: str) -> str:
        return (f"{label}: {tally[key + '_answerable']} answerable, {tally[key + '_unanswerable']} unanswerable, "
                f"{tally[key + '_skip']} skipped")

    skipped = "; ".join(f"{k} ({v})" for k, v in sorted(reasons.items())) or "none"
    notes = [
        f"列傳: {len(figures)} figures drawn (seed {seed}) from {len(pool)} biographies of {min_chars}-{max_chars} "
        f"characters with a name and a death year in {CBDB_FILE.name} (the built-in figures' ids "
        f"{', '.join(sorted(BUILTIN_CBDB_IDS))} left out); {len(records)} questions: {kinds['answerable']} "
        f"answerable, {kinds['unanswerable']} unanswerable.",
        f"Splits: {tally['figures_dev']} dev figures ({sum(r['split'] == 'dev' for r in records)} questions), "
        f"{tally['figures_test']} test figures ({sum(r['split'] == 'test' for r in records)} questions). The "
        f"{min(n_figures, EXAMINED_FIGURES)} figures of the first draw (seed {seed}), on which the chronology's rules "
        "were examined, are dev; the test half is the others that sort first by the SHA-256 of their CBDB id.",
        f"English: every other figure is also asked one of {', '.join(ENGLISH_QUESTIONS.values())} (in turn), "
        f"{sum(r['lang'] == 'en' for r in records)} questions; the gold is the same as the Chinese question's.",
        line("born", "birth year (你是哪一年出生的？)"), line("died", "death year (你是哪一年去世的？)"),
        line("place", "native place (你是哪里人？)"),
        "Gold rule: the biography must support CBDB's value; CBDB itself is never shown to the agent.",
        "Death year: answerable when a date precise to 3 years or less (天禧初 counts) stands in a sentence "
        "(split at 。！？) saying 卒/薨/死/終/歿/殁/殂/伏誅/遇害 ... -- or, if that sentence has none, is the last "
        f"date of the sentence before -- and falls within ±{ANSWER_WINDOW_YEARS} of CBDB's death year. Dates are "
        "those of agent.dates.extract_dates (anchored on the 70 years before CBDB's death year, which only "
        "chooses among reign eras of one name) plus the years the text implies: a bare 三年 opening a clause is "
        "year 3 of the era last named (if that era lasted so long), 明年/翌年/次年 the year after the last date, "
        "是年/是歲/其年 that year. A non-matching date in the death sentence itself within "
        f"{CONFLICT_YEARS} years means the text and CBDB disagree (skipped); further off it is about something "
        "else (another man's death, a battle).",
        "Birth year: answerable when the death year is and the death sentence (or the next) states the age at "
        "death (年N / 享年N; 年N餘 is too vague), giving born = died - age + 1 (sui) within "
        f"±{ANSWER_WINDOW_YEARS} of CBDB; or when a date directly followed by 生/誕 matches.",
        "Native place: answerable when CBDB's jiguan, the jiguan without a trailing 州/郡/府/路/縣/軍/道/衛/部/城, "
        "or that name's last two characters stand in a clause saying where he came from -- an opening '…人' "
        "clause (within 120 characters) or one with 世居/家於/徙居/遷居/寓居/乃遷 ... (traditional and simplified "
        "folded); a place named only in another role (an office held there) does not count.",
        "Answerable questions carry years = CBDB's year (a [lo, hi] range also covering the text's year where "
        "that differs by one or is approximate, e.g. 天禧初), answers = the year in digits plus the era date as "
        "the text writes it (death), or the jiguan and the form found (place), and passages = the biography's "
        "locator (its cite_as: one section, so no §).",
        "Not supported -> unanswerable (the right reply abstains or hedges). Skipped, not asked: CBDB has no "
        "value (born/died 0 or empty, jiguan empty), or the text gives a value that disagrees with CBDB (a date "
        "in the death sentence, an age giving another birth year, an opening '…人' naming another place), or "
        f"names CBDB's place only in another role: {skipped}.",
        "figure.toml: born and died '?' always, so the system prompt never gives the answer away; cutoff = "
        f"CBDB's death year bounds the figure's knowledge (the text itself dates {tally['died_set']} deaths). Source: the shared biography, read in place through sources.toml (absolute path); cite_as "
        f"'<book>·<name>傳' from index.tsv ('正史·<name>傳' for the {tally['book_unknown']} with no book there).",
        "CBDB data (CC BY-NC-SA) decides gold only: its years sit in these temporary files (gold years, cutoff) "
        "and must never go into the repository.",
    ]
    result = EvalSet("liezhuan", corpora, qdir / "liezhuan.jsonl", figures, notes, counts)
    write_outputs(out, "liezhuan", records, result,
                   {"n_figures": n_figures, "seed": seed, "min_chars": min_chars, "max_chars": max_chars})
    return result
