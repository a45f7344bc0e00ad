"""Assemble the mode comparison tables (and charts) of the eval runs for eval/RESULTS.md and the README.

    .venv/bin/python eval/report.py [--runs eval/runs] [--charts eval/charts]

Each set is a folder holding one sub-folder per mode (model-only, rag, guarded), as `agent eval --mode all`
writes them. The eight team sets and the probes are also reported together ("team + probes"), the
figure the truthfulness issue's targets are stated on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agent.eval.plots import read_answer_rows, write_mode_charts
from agent.eval.report import comparison_markdown, summarize
from agent.eval.scoring import MODES

SETS = {  # folder -> title
    "team": "eight team question sets",
    "probes": "probes (dates, unanswerable, after-death, injection)",
    "liezhuan": "列傳 low-resource figures",
    "timeqa": "TimeQA dev half, all 129 documents (500 questions)",
    "_previous/timeqa20": "TimeQA dev half, the earlier 20-document sample (71 questions)",
    "simpleqa": "Chinese SimpleQA history/literature, asked of 李白",
}


def _rows(folder: Path) -> dict[str, list[dict]]:
    return {m: read_answer_rows(folder / m / "answers.jsonl") for m in MODES if (folder / m / "answers.jsonl").is_file()}


def _commits(folder: Path) -> str:
    parts = []
    for m in MODES:
        run = folder / m / "run.json"
        if run.is_file():
            data = json.loads(run.read_text(encoding="utf-8"))
            parts.append(f"{m} {data.get('git_commit', '?')}")
    return ", ".join(parts)


def report(runs: Path, charts: Path | None) -> str:
    out = []
    combined: dict[str, list[dict]] = {}
    for name, title in SETS.items():
        folder = runs / name
        rows = _rows(folder)
        if not rows:
            continue
        if name in ("team", "probes"):
            for m, r in rows.items():
                combined.setdefault(m, []).extend(r)
        ids = [{r["id"] for r in r_} for r_ in rows.values()]
        common = set.intersection(*ids)
        if any(i != common for i in ids):  # a run still under way: compare the questions every mode answered
            rows = {m: [r for r in r_ if r["id"] in common] for m, r_ in rows.items()}
            title += f"; the {len(common)} questions every mode has answered so far"
        out.append(f"### {title} (`{name}`; commits: {_commits(folder)})\n")
        out.append(comparison_markdown({m: summarize(r) for m, r in rows.items()}))
        out.append("")
    if combined:
        summaries = {m: summarize(r) for m, r in combined.items()}
        out.insert(0, "### team sets + probes together\n\n" + comparison_markdown(summaries) + "\n")
        if charts is not None:
            paths = write_mode_charts(summaries, charts, title="team sets + probes")
            out.insert(1, "".join(f"![{p.stem}]({p.as_posix()})\n" for p in paths) + "\n")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=Path("eval/runs"))
    parser.add_argument("--charts", type=Path, default=None, help="write the team+probes charts here")
    args = parser.parse_args()
    print(report(args.runs, args.charts))


if __name__ == "__main__":
    main()
