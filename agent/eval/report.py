"""Summaries of scored answers: metrics per figure and overall, as Markdown and CSV tables, and the modes side by
side."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from agent.eval.scoring import KINDS

COLUMNS = (  # (summary key, table heading)
    ("n", "n"), ("recall_at_k", "recall@k"), ("mrr", "MRR"), ("accuracy", "accuracy"),
    ("date_precision", "date precision"), ("unsupported_year_share", "unsupported-date share"),
    ("unsupported_second_share", "unsupported-date share, second reader"), ("readers_disagree", "readers disagree"),
    ("wrong_date_share", "wrong-date share"),
    ("citation_validity", "citation validity"), ("citation_precision", "citation precision"),
    ("abstain_precision", "abstain precision"),
    ("abstain_recall", "abstain recall"), ("false_refusal", "false refusal"),
    ("after_death_refusal", "after-death refusal"), ("language_match", "language match"),
    ("latency_p50_s", "latency p50 s"), ("latency_p95_s", "latency p95 s"), ("tokens_per_s", "decode tokens/s"),
)


def _mean(values: Iterable) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    pos = (len(values) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def _metrics(rows: list[dict]) -> dict:
    answerable, unanswerable, after_death = ([r for r in rows if r["kind"] == k] for k in KINDS[:3])
    abstained = [r for r in rows if r["abstained"]]
    stated, unsupported = (sum(len(r[key]) for r in rows) for key in ("years_stated", "unsupported_years"))
    second = [r for r in rows if "unsupported_years_second" in r]  # runs scored before the second reader lack it
    return {
        "n": len(rows),
        "recall_at_k": _mean(r["recall_at_k"] for r in answerable),
        "mrr": _mean(r["reciprocal_rank"] for r in answerable),
        "accuracy": _mean(r["answer_correct"] for r in answerable),
        "date_precision": _ratio(stated - unsupported, stated),
        "unsupported_year_share": _ratio(sum(bool(r["unsupported_years"]) for r in rows), len(rows)),
        "unsupported_second_share": _ratio(sum(bool(r["unsupported_years_second"]) for r in second), len(second)),
        "readers_disagree": sum(bool(r["unsupported_years"]) != bool(r["unsupported_years_second"]) for r in second)
        if second else None,
        "wrong_date_share": _mean(r.get("wrong_date") for r in answerable),
        "citation_validity": _mean(r["citation_valid"] for r in rows),
        "citation_precision": _mean(r.get("citation_precision") for r in rows),
        "abstain_precision": _ratio(sum(r["kind"] == "unanswerable" for r in abstained), len(abstained)),
        "abstain_recall": _ratio(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "false_refusal": _ratio(sum(r["abstained"] for r in answerable), len(answerable)),
        "after_death_refusal": _ratio(sum(r["abstained"] for r in after_death), len(after_death)),
        "language_match": _mean(r["language_match"] for r in rows),
        "latency_p50_s": _percentile([r["latency_s"] for r in rows], 0.5),
        "latency_p95_s": _percentile([r["latency_s"] for r in rows], 0.95),
        "tokens_per_s": _decode_rate(rows),
    }


def _decode_rate(rows: list[dict]) -> float | None:
    """Generated tokens per second after the first token (prompt processing excluded), over the answers
    that called the model; a guarded answer that was regenerated counts its second call's prompt too."""
    timed = [r for r in rows if r.get("tokens") and r.get("first_token_s") is not None and r.get("generation_s")]
    return _ratio(sum(r["tokens"] for r in timed), sum(max(r["generation_s"] - r["first_token_s"], 0.0) for r in timed))


def summarize(rows: list[dict]) -> dict[str, dict]:
    """Metrics per figure (sorted), per half (``"split:dev"``, ``"split:test"``) where questions carry one, per
    language (``"lang:en"``) where there are several, for dialogues' opening turns and follow-ups
    (``"turn:first"``, ``"turn:follow-up"``), and over all rows (``"all"``); a metric with nothing to measure is
    None."""
    figures = sorted({r["figure"] for r in rows})
    out = {fig: _metrics([r for r in rows if r["figure"] == fig]) for fig in figures}
    for key in ("split", "lang"):
        values = sorted({r[key] for r in rows if r.get(key)})
        if key == "split" or len(values) > 1:
            out |= {f"{key}:{v}": _metrics([r for r in rows if r.get(key) == v]) for v in values}
    if any(r.get("dialogue") for r in rows):  # dialogues: opening turns, and follow-ups asked after them
        out["turn:first"] = _metrics([r for r in rows if r.get("dialogue") and r.get("turn") == 1])
        out["turn:follow-up"] = _metrics([r for r in rows if r.get("dialogue") and r.get("turn", 0) > 1])
    out["all"] = _metrics(rows)
    return out


def _cell(value, empty: str) -> str:
    return empty if value is None else str(value) if isinstance(value, int) else f"{value:.3f}"


def metrics_markdown(summary: dict[str, dict]) -> str:
    lines = ["| figure | " + " | ".join(title for _, title in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for group, m in summary.items():
        lines.append(f"| {group} | " + " | ".join(_cell(m[key], "–") for key, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def metrics_csv(summary: dict[str, dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["figure", *(key for key, _ in COLUMNS)])
    for group, m in summary.items():
        writer.writerow([group, *(_cell(m[key], "") for key, _ in COLUMNS)])
    return buf.getvalue()


COMPARE_KEYS = (  # the metrics a reader compares across modes
    ("accuracy", "accuracy"), ("unsupported_year_share", "unsupported-date share"),
    ("unsupported_second_share", "unsupported, second reader"),
    ("wrong_date_share", "wrong-date share"), ("date_precision", "date precision"),
    ("abstain_recall", "unanswerable refused"), ("false_refusal", "false refusal"),
    ("after_death_refusal", "after-death refused"), ("citation_precision", "citation precision"),
    ("recall_at_k", "recall@k"), ("latency_p50_s", "latency p50 s"),
)


def comparison_markdown(summaries: dict[str, dict[str, dict]], group: str = "all") -> str:
    """One row per mode, the key metrics of ``group`` (a figure id, or "all") side by side."""
    lines = ["| mode | n | " + " | ".join(t for _, t in COMPARE_KEYS) + " |", "|---" * (len(COMPARE_KEYS) + 2) + "|"]
    for mode, summary in summaries.items():
        m = summary.get(group) or {}
        lines.append(f"| {mode} | {m.get('n', 0)} | " + " | ".join(_cell(m.get(k), "–") for k, _ in COMPARE_KEYS) + " |")
    return "\n".join(lines) + "\n"


__all__ = ["COLUMNS", "COMPARE_KEYS", "comparison_markdown", "metrics_csv", "metrics_markdown", "summarize"]
