"""Answer-latency benchmark: our Agent.ask against a bare llama-cpp-python call with the same prompt.

Run:  .venv/bin/python eval/bench_answer.py [--figure li-bai] [--repeat 1] [-o eval/results/answer-bench.md]

For each question it times ``Agent.ask`` (retrieval, first token, total) and then a bare
``Llama.create_chat_completion`` on exactly the messages the agent sent, with the same
max_tokens and temperature, in the same process and run.  The KV cache is reset before
each of the two calls so neither reuses the other's prompt.  The ratio of the two totals is
the overhead of retrieval, prompting and citation mapping.  Peak RSS is the process maximum.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTIONS = [
    "你何时入长安？",
    "你母亲梦见了什么？",
    "高力士为什么恨你？",
    "你为什么被流放夜郎？",
    "When did you come to Chang'an?",
    "What did He Zhizhang call you?",
    "你的手机号码是多少？",
]


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", default="li-bai")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, default=Path("eval/results/answer-bench.md"))
    args = parser.parse_args()

    from agent import load_agent

    agent = load_agent(args.figure)
    t0 = time.perf_counter()
    agent.retrieve("warm up")
    _ = agent.llm.llama
    load_s = time.perf_counter() - t0
    rows = []
    for _ in range(args.repeat):
        for q in QUESTIONS:
            agent.llm.llama.reset()  # no KV-cache reuse between the two runs: both start cold
            ans = agent.ask(q)
            row = {"q": q, "ours": ans.timings.total, "ttft": ans.timings.first_token, "retrieval": ans.timings.retrieval,
                   "abstained": ans.abstained, "bare": None}
            if not ans.abstained:
                relevant = [p for p in agent.retrieve(q) if p.relevance >= agent.settings.retrieval.min_relevance]
                if relevant:
                    messages = agent.build_messages(q, relevant)
                    gen = agent.settings.generation
                    agent.llm.llama.reset()
                    start = time.perf_counter()
                    agent.llm.llama.create_chat_completion(
                        messages=[{"role": m.role, "content": m.content} for m in messages],
                        max_tokens=gen.max_tokens, temperature=gen.temperature, seed=gen.seed,
                    )
                    row["bare"] = time.perf_counter() - start
            rows.append(row)
            print(f"{q[:28]:30} ours {row['ours']:.2f}s  bare {row['bare'] or 0:.2f}s  ttft {row['ttft']}", flush=True)

    generated = [r for r in rows if r["bare"]]
    ratio = statistics.median(r["ours"] / r["bare"] for r in generated) if generated else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"# Answer latency: {args.figure}",
        "",
        f"- machine: {machine()}",
        f"- model: {agent.llm.model_file.name} sha256 {agent.llm.model_file.sha256[:16]}…",
        f"- embedder: {agent.embedder.id}; commit {git_commit()}; {time.strftime('%Y-%m-%d')}",
        f"- load (embedder + index + chat model): {load_s:.1f} s; peak RSS {peak_mb:.0f} MB",
        f"- median ratio ours / bare llama-cpp-python call (same messages, max_tokens, temperature): **{ratio:.2f}**",
        "",
        "| question | abstained | retrieval s | first token s | ours total s | bare call s |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        bare = f"{r['bare']:.2f}" if r["bare"] else "—"
        ttft = f"{r['ttft']:.2f}" if r["ttft"] else "—"
        lines.append(f"| {r['q']} | {r['abstained']} | {r['retrieval']:.3f} | {ttft} | {r['ours']:.2f} | {bare} |")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
