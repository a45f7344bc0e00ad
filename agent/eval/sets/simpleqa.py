"""Chinese SimpleQA (history and literature) asked of a built-in figure: every question is unanswerable from
its records.

What each builder writes, and where: the ``agent.eval.sets`` package docstring.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from agent.config import Settings
from agent.errors import InputError
from agent.eval.sets.common import (
    EvalSet,
    check_out,
    question_record,
    read_json,
    sample_items,
    start_set,
    write_outputs,
)
from agent.text.terms import fold

__all__ = ["build_simpleqa"]

SIMPLEQA_FILE = Path("eval/chinese_simpleqa_history_literature.json")


# -- Chinese SimpleQA


def _simpleqa_items(path: Path) -> list[dict]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of questions")
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k].strip()
                                                 for k in ("id", "question", "answer")):
            raise InputError(f"{path}: record {i}: needs non-empty strings id, question and answer")
    return data


def _short_ids(ids: list[str], size: int = 8) -> dict[str, str]:
    """Each id cut to ``size`` characters; a later id whose cut collides gets "-2", "-3", ... (file order)."""
    out, seen = {}, Counter()
    for full in ids:
        cut = full[:size]
        seen[cut] += 1
        out[full] = cut if seen[cut] == 1 else f"{cut}-{seen[cut]}"
    return out


def build_simpleqa(shared: Path, out: Path, *, figure: str = "li-bai", limit: int | None = None, seed: int = 0,
                   settings: Settings | None = None) -> EvalSet:
    """Chinese SimpleQA (history and literature) asked of a built-in figure: every question is unanswerable
    from its records. Questions naming the figure (its names and aliases) in the question or the answer are left
    out; questions whose answer occurs in the figure's sources are kept and listed in the notes."""
    from agent.config import load_settings
    from agent.ingest.corpus import figure_documents
    from agent.ingest.figures import get_figure

    check_out(out)
    path = Path(shared) / SIMPLEQA_FILE
    items = _simpleqa_items(path)
    settings = settings or load_settings()
    fig = get_figure(settings, figure)
    names = {fold(n) for n in (*fig.names.values(), *fig.aliases) if len(n) >= 2}  # 李白, 太白, Li Po ...
    corpus = fold("\n".join(s.heading + "\n" + s.text for d in figure_documents(fig) for s in d.sections))
    _, qdir = start_set(out, "simpleqa", False)
    short = _short_ids([item["id"] for item in items])
    kept, excluded, overlap = [], [], []
    for item in items:
        q, a = fold(item["question"]), fold(item["answer"])
        named = sorted(n for n in names if n in q or n in a)
        sid = f"simpleqa-{short[item['id']]}"
        if named:
            excluded.append(f"{sid} ({'/'.join(named)}: {item['question']} -> {item['answer']})")
            continue
        if len(re.findall(r"[\u4e00-\u9fff]", a)) >= 2 and a in corpus:
            overlap.append(f"{sid} ({item['question']} -> {item['answer']})")
        kept.append((sid, item))
    chosen = sample_items(kept, limit, seed)
    records = [question_record(sid, fig.id, item["question"].strip(), "zh", "unanswerable") for sid, item in chosen]
    counts = {"questions": len(records), "unanswerable": len(records), "excluded_naming_figure": len(excluded),
              "answer_in_sources": len(overlap)}
    notes = [
        f"Chinese SimpleQA ({SIMPLEQA_FILE.name}): {len(records)} of {len(items)} questions asked of the built-in "
        f"figure {fig.id}" + (f" (sample of {limit}, seed {seed})" if limit is not None else "")
        + "; all unanswerable (the right reply: not in my records). Ids are simpleqa-<first 8 characters of the "
        "data set's id>, with -2 added to a later id whose first 8 characters repeat an earlier one.",
        f"Left out, {len(excluded)}: the question or its answer names the figure ({', '.join(sorted(names))}): "
        + ("; ".join(excluded) or "none") + ".",
        f"Kept as unanswerable but worth a look by hand, {len(overlap)}: the answer (two or more Chinese "
        f"characters) occurs somewhere in {fig.id}'s sources (a name or a word his poems use), while the question "
        "asks about a work, date or person his records do not cover: " + ("; ".join(overlap) or "none") + ".",
    ]
    result = EvalSet("simpleqa", None, qdir / "simpleqa.jsonl", [fig.id], notes, counts)
    write_outputs(out, "simpleqa", records, result, {"figure": figure, "limit": limit, "seed": seed})
    return result
