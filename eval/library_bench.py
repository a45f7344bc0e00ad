"""Benchmark a library: import a folder of biographies, list and find figures, answer one question per figure.

    .venv/bin/python eval/library_bench.py --home /tmp/lib-home [--limit N] [--ray [ADDRESS]] [--ask 100]

Runs the real commands (``agent library import``, ``agent figures``, ``agent batch --figures ... --question``) as
subprocesses in a fresh ``AGENT_HOME`` and measures: import wall time, passages per second, the peak memory of
the import process, disk and files per figure, listing time, answers per minute and how many answers name the
native place the biography gives (scored against CBDB, which is read here only to score). It ends with a
projection to 20,000 figures and a million questions from the measured per-figure costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
AGENT = [sys.executable, "-m", "agent"]


def run(args: list[str], env: dict, *, check: bool = True) -> tuple[float, str]:
    start = time.monotonic()
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if check and proc.returncode != 0:
        sys.exit(f"{' '.join(args[2:])} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout + proc.stderr


def disk(folder: Path) -> tuple[int, int, int]:
    """(bytes on disk, apparent bytes, files) under ``folder``."""
    used = apparent = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            used += st.st_blocks * 512
            apparent += st.st_size
            files += 1
    return used, apparent, files


def limited_copy(source: Path, limit: int, dest: Path) -> Path:
    """The first ``limit`` rows of the source table, with their files, in ``dest``."""
    sys.path.insert(0, str(ROOT))
    from agent.library.table import Row, read_rows

    rows = [r for r in read_rows(source)[0] if isinstance(r, Row)][:limit]
    dest.mkdir(parents=True, exist_ok=True)
    lines = ["cbdb_id\tname\tbook\tchapter"]
    for r in rows:
        (dest / r.file.name).write_bytes(r.file.read_bytes())
        lines.append("\t".join([r.key, r.name, r.book, r.chapter]))
    (dest / "index.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def score_place(answers: Path, home: Path) -> dict:
    """Answered, and right: the answer names the native place CBDB gives where the biography states it."""
    sys.path.insert(0, str(ROOT))
    from agent.dates import extract_dates
    from agent.eval.sets.liezhuan import CBDB_FILE, _read_cbdb, liezhuan_gold
    from agent.text.terms import fold

    cbdb = {r["id"]: r for r in _read_cbdb(SHARED / CBDB_FILE)}
    tally = {"asked": 0, "answered": 0, "gold": 0, "right": 0, "unanswerable": 0, "unanswerable_refused": 0}
    for line in answers.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        fid = record["figure"]
        key = fid.split("-", 1)[1]
        tally["asked"] += 1
        answered = not record["abstained"]
        tally["answered"] += answered
        row = cbdb.get(key)
        src = home / "figures" / fid / "files" / f"{key}.txt"
        if row is None or not src.is_file():
            continue
        gold = liezhuan_gold(src.read_text(encoding="utf-8"), row, extract_dates)["place"]
        if gold["status"] == "answerable":
            tally["gold"] += 1
            text = fold(record["text"])
            tally["right"] += answered and any(fold(a) in text for a in gold["answers"])
        elif gold["status"] == "unanswerable":
            tally["unanswerable"] += 1
            tally["unanswerable_refused"] += not answered
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="A new AGENT_HOME for the library.")
    parser.add_argument("--source", type=Path, default=SHARED / "sources/zh/dynastic_bios")
    parser.add_argument("--limit", type=int, help="Import only the first N rows.")
    parser.add_argument("--ray", nargs="?", const="local", help="Import on Ray (local or ADDRESS).")
    parser.add_argument("--ask", type=int, default=100, help="Figures asked their native place (seeded sample).")
    parser.add_argument("--models", type=Path, help="A models folder to link (the converted embedder, the GGUF).")
    parser.add_argument("--backend", choices=["torch", "onnx", "onnx-int8"],
                        help="[embedding] backend written to the home's config.toml (default: the configured one).")
    parser.add_argument("-o", "--output", type=Path, help="Write the results as JSON here.")
    args = parser.parse_args()

    home = args.home.resolve()
    if (home / "figures").exists() and any((home / "figures").iterdir()):
        sys.exit(f"{home} already holds figures; give a new --home so the import is timed from nothing")
    home.mkdir(parents=True, exist_ok=True)
    if args.models and not (home / "models").exists():
        (home / "models").symlink_to(args.models.resolve())
    if args.backend:
        (home / "config.toml").write_text(f'[embedding]\nbackend = "{args.backend}"\n', encoding="utf-8")
    env = {**os.environ, "AGENT_HOME": str(home), "PYTHONPATH": str(ROOT)}
    source = args.source
    if args.limit:
        source = limited_copy(source, args.limit, home / "source")
    out: dict = {"source": str(args.source), "limit": args.limit, "ray": args.ray, "backend": args.backend,
                 "cpus": os.cpu_count()}

    cmd = [*AGENT, "library", "import", str(source)] + (["--ray", args.ray] if args.ray else [])
    wall, log = run(cmd, env)
    out["import_s"] = round(wall, 1)
    out["import_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    out["import_summary"] = next((line for line in log.splitlines() if " figures from " in line), "")
    manifests = list((home / "indexes").glob("*/manifest.json"))
    chunks = sum(json.loads(m.read_text(encoding="utf-8"))["n_chunks"] for m in manifests)
    out.update(figures=len(manifests), chunks=chunks, chunks_per_s=round(chunks / wall, 1))
    for name in ("figures", "indexes"):
        used, apparent, files = disk(home / name)
        out[f"{name}_disk_kb_per_figure"] = round(used / 1024 / max(1, len(manifests)), 1)
        out[f"{name}_apparent_kb_per_figure"] = round(apparent / 1024 / max(1, len(manifests)), 1)
        out[f"{name}_files_per_figure"] = round(files / max(1, len(manifests)), 1)

    out["list_cold_s"] = round(run([*AGENT, "figures", "--no-status"], env)[0], 2)
    out["list_warm_s"] = round(run([*AGENT, "figures", "--no-status"], env)[0], 2)
    out["search_s"] = round(run([*AGENT, "figures", "--search", "王", "--no-status"], env)[0], 2)
    out["python_start_s"] = round(run([*AGENT, "--version"], env)[0], 2)

    if args.ask:
        sys.path.insert(0, str(ROOT))
        from agent.eval.sets import LIEZHUAN_QUESTIONS

        ids = sorted(m.parent.name for m in manifests)
        sample = sorted(random.Random(0).sample(ids, min(args.ask, len(ids))))
        answers = home / "place.jsonl"
        questions = home / "place-questions.jsonl"
        questions.write_text("".join(json.dumps({"id": f"{fid}-place", "figure": fid,
                                                 "question": LIEZHUAN_QUESTIONS["place"]}, ensure_ascii=False) + "\n"
                                     for fid in sample), encoding="utf-8")
        wall, _ = run([*AGENT, "batch", str(questions), "-o", str(answers)], env)
        out["ask_s"] = round(wall, 1)
        out["answers_per_min"] = round(len(sample) / wall * 60, 1)
        out["place"] = score_place(answers, home)

    per_fig_s = out["import_s"] / max(1, out["figures"])
    disk_kb = out["figures_disk_kb_per_figure"] + out["indexes_disk_kb_per_figure"]
    out["projection"] = {
        "figures_20000_disk_gb": round(disk_kb * 20000 / 1024 / 1024, 2),
        "figures_20000_import_h_one_machine": round(per_fig_s * 20000 / 3600, 2),
        "workers_for_1m_questions_in_24h": (round(1_000_000 / (out["answers_per_min"] * 60 * 24), 1)
                                            if out.get("answers_per_min") else None),
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
