"""Bar charts comparing evaluation modes (model-only, rag, guarded), written as PNG files.

``write_mode_charts(summaries, out_dir)`` takes, per mode, the output of ``agent.eval.report.summarize``
(group -> metrics, with the group ``"all"`` over every figure) and writes:

- ``overall.png``: the rates of the ``all`` group (accuracy, date precision, unsupported-year share,
  abstain recall, false refusal, after-death refusal), one bar per mode;
- ``unsupported_years_by_figure.png``: the unsupported-year share of each figure, one bar per mode;
- ``latency.png``: latency p50 and p95 per mode.

A metric that is None (nothing to measure) is drawn as no bar with an "n/a" label, never as zero.
The same input gives the same bytes: no date or software version is written into the files.
matplotlib is imported only when charts are drawn.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from agent.errors import InputError

RATES = (  # (summary key, label): the 0-1 rates on the overall chart
    ("accuracy", "accuracy"),
    ("date_precision", "date precision"),
    ("unsupported_year_share", "unsupported-year share"),
    ("abstain_recall", "abstain recall"),
    ("false_refusal", "false refusal"),
    ("after_death_refusal", "after-death refusal"),
)
MODE_COLOURS = {"model-only": "#8c8c8c", "rag": "#1f77b4", "guarded": "#2ca02c"}
_OTHER_COLOURS = ("#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
ALL = "all"


def _colours(modes: list[str]) -> dict[str, str]:
    spare = iter(_OTHER_COLOURS * (len(modes) // len(_OTHER_COLOURS) + 1))
    return {m: MODE_COLOURS.get(m) or next(spare) for m in modes}


def _grouped_bars(ax, categories: list[str], series: dict[str, list[float | None]], colours: dict[str, str],
                  *, fmt: str = "{:.2f}", top: float | None = None, rotation: int = 20) -> None:
    """One group of bars per category, one bar per series; None is a gap labelled n/a."""
    n = max(len(series), 1)
    width = 0.8 / n
    finite = [v for values in series.values() for v in values if v is not None]
    height = top if top is not None else (max(finite) if finite else 1.0) or 1.0
    for i, (name, values) in enumerate(series.items()):
        xs = [c + (i - (n - 1) / 2) * width for c in range(len(categories))]
        present = [(x, v) for x, v in zip(xs, values) if v is not None]
        if present:
            bars = ax.bar([x for x, _ in present], [v for _, v in present], width, label=name, color=colours[name])
            ax.bar_label(bars, labels=[fmt.format(v) for _, v in present], fontsize=7, padding=1)
        else:  # keep the mode in the legend even when it has no value anywhere
            ax.bar([xs[0]], [0], width, label=name, color=colours[name])
        for x, v in zip(xs, values):
            if v is None:
                ax.text(x, height * 0.02, "n/a", ha="center", va="bottom", fontsize=7, rotation=90, color="#555555")
    ax.set_xticks(range(len(categories)))
    ax.set_xlim(-0.5, len(categories) - 0.5)  # n/a labels do not widen the axis by themselves
    ax.set_xticklabels(categories, rotation=rotation, ha="right" if rotation else "center", fontsize=8)
    ax.set_axisbelow(True)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _save(fig, path: Path) -> Path:
    """Write a PNG atomically, with no software or date metadata, then release the figure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_mode_charts(summaries: dict[str, dict[str, dict]], out_dir: Path, *, title: str = "") -> list[Path]:
    """Write the mode-comparison charts into ``out_dir``; returns the paths written.

    ``summaries`` maps a mode name to ``agent.eval.report.summarize(rows)`` for that mode's run.
    """
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: nothing is registered globally, nothing is left open

    if not summaries:
        raise InputError("no evaluation runs to chart", hint="give at least one run folder")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    modes = list(summaries)
    colours = _colours(modes)
    prefix = f"{title}: " if title else ""
    def chart(name, size, categories, series, *, ylim, ylabel, chart_title, **bars) -> Path:
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        _grouped_bars(ax, categories, series, colours, **bars)
        ax.set_ylim(0, ylim)
        ax.set_ylabel(ylabel)
        ax.set_title(f"{prefix}{chart_title}", fontsize=10)
        fig.tight_layout()
        return _save(fig, out_dir / name)

    def upper(series, floor: float, headroom: float) -> float:
        return max(floor, max((v for vs in series.values() for v in vs if v is not None), default=0) * headroom)

    figures = sorted({g for m in modes for g in summaries[m] if g != ALL})
    overall = {m: [(summaries[m].get(ALL) or {}).get(key) for key, _ in RATES] for m in modes}
    per_figure = {m: [(summaries[m].get(g) or {}).get("unsupported_year_share") for g in figures] for m in modes}
    latency = {m: [(summaries[m].get(ALL) or {}).get(k) for k in ("latency_p50_s", "latency_p95_s")] for m in modes}
    with matplotlib.rc_context({"svg.hashsalt": "figure-agent", "font.family": "DejaVu Sans"}):
        return [
            chart("overall.png", (9, 4.5), [label for _, label in RATES], overall, top=1.0, ylim=1.08,
                  ylabel="rate (0–1)", chart_title="overall rates by mode"),
            chart("unsupported_years_by_figure.png", (max(6, 1.1 * len(figures) + 3), 4.5), figures, per_figure,
                  top=1.0, ylim=upper(per_figure, 0.1, 1.2), ylabel="share of answers stating an unsupported year",
                  chart_title="unsupported-year share by figure"),
            chart("latency.png", (6, 4), ["p50", "p95"], latency, fmt="{:.1f}", rotation=0,
                  ylim=upper(latency, 1.0, 1.15), ylabel="seconds per answer", chart_title="answer latency by mode"),
        ]


def read_answer_rows(path: Path) -> list[dict]:
    """The rows of a run's answers.jsonl, read only; a torn last line (a run still writing) is skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"no answers file at {path}", hint="give the folder of an 'agent eval' run") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if number == len(lines):
                break
            raise InputError(f"{path}:{number}: not valid JSON") from None
    return rows


def load_summaries(run_dirs: dict[str, Path]) -> dict[str, dict[str, dict]]:
    """Mode -> ``summarize`` of the rows in that run folder's answers.jsonl."""
    from agent.eval.report import summarize

    return {mode: summarize(read_answer_rows(Path(d) / "answers.jsonl")) for mode, d in run_dirs.items()}


__all__ = ["load_summaries", "read_answer_rows", "write_mode_charts"]
