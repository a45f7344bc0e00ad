"""Time to the first verified sentence: streamed answers, warm in the process and restored from disk.

    .venv/bin/python eval/stream_bench.py --whole ID,ID,... [--large li-bai,abraham-lincoln] [-o out.json]
    .venv/bin/python eval/stream_bench.py --home LIBRARY_HOME --sample 10     # whole-source figures of a library

Three measurements with the configured model and guard, in one run:

- ``whole``: figures whose sources fit the prompt whole (most 列傳 figures; ``--home`` samples only those).
  Each figure's fixed prompt prefixes are evaluated first (``Agent.warm`` for Chinese and for English questions,
  as ``agent index build --warm`` does), then each question is streamed (``Agent.stream``): seconds to the first
  ``Sentence`` (a sentence that passed the guard) and to the whole ``Answer``.
- ``large``: figures whose passages change with every question (li-bai, Lincoln): one question first so the model
  and the instructions are loaded, then the same timings.
- ``disk``: for a few of the whole-source figures, a new process loads the model (timed apart), restores the saved
  prefix from ``$AGENT_HOME/cache/prefix`` and streams the first question: seconds to the first sentence after the
  model is loaded, and whether the answer is the same text as the warm one (temperature 0).

Questions are written for this benchmark (none is an evaluation question). Abstentions (the figure says its
sources are silent) are counted apart from the timings of answers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZH_WHOLE = ["你的家乡在哪里？", "你是哪一年去世的？", "你的字是什么？"]
EN_WHOLE = ["Where was your home town?"]
LARGE = {
    "li-bai": ["你第一次到长安是哪一年？", "高力士为什么恨你？", "In what year did you first reach Chang'an?"],
    "abraham-lincoln": ["Where did you grow up?", "What did you think of the war with Mexico?", "你在哪里长大？"],
}


def timed_stream(agent, question: str) -> dict:
    """Stream one answer: seconds to the first verified sentence (None when none came) and to the whole answer."""
    from agent.answer import Done, Held, Revised, Sentence

    start = time.perf_counter()
    first = None
    held = revised = 0
    answer = None
    for event in agent.stream(question):
        if isinstance(event, Sentence) and first is None:
            first = time.perf_counter() - start
        held += isinstance(event, Held)
        revised += isinstance(event, Revised)
        if isinstance(event, Done):
            answer = event.answer
    total = time.perf_counter() - start
    return {"question": question, "first_sentence_s": None if first is None else round(first, 3),
            "total_s": round(total, 3), "abstained": answer.abstained, "context": answer.context,
            "held": held, "revised": revised, "text": answer.text}  # fmt: skip


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "p50": round(statistics.median(ordered), 2), "p95": round(p95, 2),
            "max": round(ordered[-1], 2)}  # fmt: skip


def summarise(rows: list[dict]) -> dict:
    """Timings over the answers the model spoke; abstentions (decided before the model, or hedges) apart."""
    spoke = [r for r in rows if r["first_sentence_s"] is not None and not r["abstained"]]
    return {"first_sentence_s": quantiles([r["first_sentence_s"] for r in spoke]),
            "total_s": quantiles([r["total_s"] for r in spoke]),
            "abstained": sum(r["abstained"] for r in rows),
            "abstained_s": quantiles([r["total_s"] for r in rows if r["abstained"]]),
            "no_sentence": sum(r["first_sentence_s"] is None for r in rows), "held": sum(r["held"] for r in rows),
            "revised": sum(r["revised"] for r in rows)}  # fmt: skip


def disk_child(figure: str, question: str) -> None:
    """In a new process: load the model, then stream ``question`` (the prefix restored from disk)."""
    from agent.config import load_settings
    from agent.core import load_agent
    from agent.generate.llm import make_chat_model

    settings = load_settings()
    start = time.perf_counter()
    llm = make_chat_model(settings)
    _ = llm.llama  # loads the weights
    load_s = time.perf_counter() - start
    agent = load_agent(figure, settings, llm=llm)
    _ = agent.index  # the index and embedder load before the clock, as in a running REPL
    agent.embedder.embed_query("warm up")
    row = timed_stream(agent, question)
    print(json.dumps({"model_load_s": round(load_s, 2), **row}, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--whole", default="", help="comma-separated whole-source figure ids")
    ap.add_argument("--home", type=Path, help="with --sample: take whole-source figures from this AGENT_HOME")
    ap.add_argument("--sample", type=int, default=10, help="figures sampled from --home (seeded)")
    ap.add_argument("--large", default="li-bai,abraham-lincoln", help="comma-separated top-k figure ids ('' for none)")
    ap.add_argument("--disk", type=int, default=3, help="whole-source figures also asked from a new process")
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        return disk_child(*args._child)
    if args.home:
        os.environ["AGENT_HOME"] = str(args.home.resolve())
    from agent.config import load_settings
    from agent.pool import AgentPool

    settings = load_settings()
    whole = [f for f in args.whole.split(",") if f]
    if args.home and not whole:
        ids = sorted(p.name for p in (settings.home / "figures").iterdir() if (p / "figure.toml").is_file())
        random.Random(0).shuffle(ids)
        whole = ids
    pool = AgentPool(settings)
    out: dict = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                 "whole_figures": whole, "rows": {"whole": [], "large": [], "disk": []}}  # fmt: skip
    warm_answers = {}
    kept = []
    for fid in whole:
        if args.home and len(kept) >= args.sample:
            break
        agent = pool.get(fid)
        if agent.whole_source() is None:
            continue  # sampling a library: only figures shown whole count here
        kept.append(fid)
        start = time.perf_counter()
        state = [agent.warm(lang) for lang in ("zh", "en")]  # as index build --warm: each language asked in
        print(f"{fid}: prefixes {state} in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
        for question in ZH_WHOLE + EN_WHOLE:
            row = {"figure": fid, **timed_stream(agent, question)}
            out["rows"]["whole"].append(row)
            warm_answers.setdefault(fid, row)
            print(f"  {question} first {row['first_sentence_s']} total {row['total_s']} {row['context']}",
                  file=sys.stderr, flush=True)  # fmt: skip
    for fid in [f for f in args.large.split(",") if f]:
        agent = pool.get(fid)
        agent.ask("你好")  # loads the index and the model's instructions
        for question in LARGE.get(fid, LARGE["li-bai"]):
            row = {"figure": fid, **timed_stream(agent, question)}
            out["rows"]["large"].append(row)
            print(f"  {fid} {question} first {row['first_sentence_s']} total {row['total_s']}", file=sys.stderr,
                  flush=True)  # fmt: skip
    out["whole_figures"] = whole = kept
    for fid in whole[: args.disk]:
        want = warm_answers[fid]
        proc = subprocess.run([sys.executable, __file__, "--_child", fid, want["question"]], capture_output=True,
                              text=True, env=os.environ.copy())  # fmt: skip
        if proc.returncode != 0:
            sys.exit(f"the new process for {fid} failed:\n{proc.stderr[-1500:]}")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row |= {"figure": fid, "same_as_warm": row["text"] == want["text"]}
        out["rows"]["disk"].append(row)
        print(f"  disk {fid}: load {row['model_load_s']} s, first {row['first_sentence_s']}, same {row['same_as_warm']}",
              file=sys.stderr, flush=True)  # fmt: skip
    out["summary"] = {kind: summarise(rows) for kind, rows in out["rows"].items() if rows}
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(json.dumps(out["summary"], ensure_ascii=False, indent=2))
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
