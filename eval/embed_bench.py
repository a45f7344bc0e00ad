"""Embedder backends side by side: speed, closeness to torch fp32, and whether retrieval picks the same passages.

Run (from the repository root):
  .venv/bin/python eval/embed_bench.py                        # torch, onnx, onnx-int8; ~300 zh + ~100 en chunks
  .venv/bin/python eval/embed_bench.py --rounds 1 --zh 60 --en 20 --backends torch,onnx-int8   # a quick look
  .venv/bin/python eval/embed_bench.py --team /tmp/team-idx --backends torch,onnx-int8  # recall@k, MRR, team sets

Passages: the first three chunks of dynastic biographies (``../shared/sources/zh/dynastic_bios``, spread over the
collection, until ``--zh`` chunks) and ``--en`` chunks spread over the Lincoln papers (``../shared/sources/en/lincoln_papers_pg3253.txt``),
chunked by the project's chunker with the default settings. Every backend embeds the same passages ``--rounds``
times, the backends taking turns so that other load on the machine falls on all of them; the best round counts
(chunks/s), with its CPU seconds. Cosine: each passage's vector against torch fp32's. Retrieval: 100 questions
written for this script (50 in Chinese, each naming one of the biographies in the pool; 50 about Lincoln's papers),
each backend searching the whole pool with its own vectors: recall@5 is the share of torch's top 5 that the backend
also ranks in its top 5, Jaccard the overlap of the two sets. Export of the ONNX files (first use) is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared" / "sources"
ZH_DIR = SHARED / "zh" / "dynastic_bios"
EN_FILE = SHARED / "en" / "lincoln_papers_pg3253.txt"
BACKENDS = ("torch", "onnx", "onnx-int8")
PER_BIO = 3  # chunks taken from each biography: the opening ones, which name the person and say where they came from

# Questions written for this benchmark: generic questions about a person, asked of one biography each.
ZH_TEMPLATES = ["{n}是哪里人？", "{n}的字是什么？", "{n}做过什么官？", "{n}是怎么死的？", "{n}年轻时喜欢读什么书？",
                "{n}和皇帝说过什么？", "{n}被贬到哪里？", "{n}的父亲是谁？", "{n}打过什么仗？", "{n}死后谥号是什么？"]  # fmt: skip
EN_QUESTIONS = [
    "What did Lincoln think about slavery in the territories?", "How did Lincoln answer Douglas on popular sovereignty?",
    "What did Lincoln say about the Dred Scott decision?", "Why did Lincoln oppose the Mexican War?",
    "What did Lincoln write about the tariff?", "How did Lincoln describe the Union in his inaugural address?",
    "What did Lincoln say about secession?", "What did Lincoln write to his generals about McClellan?",
    "How did Lincoln justify suspending habeas corpus?", "What did Lincoln say about emancipation as a war measure?",
    "What did Lincoln promise about colonization of freed slaves?", "How did Lincoln speak of the Declaration of Independence?",
    "What did Lincoln say at Gettysburg?", "What did Lincoln write to Horace Greeley about saving the Union?",
    "How did Lincoln view the Kansas-Nebraska Act?", "What did Lincoln say about a house divided?",
    "What advice did Lincoln give to young lawyers?", "What did Lincoln write about temperance?",
    "How did Lincoln describe his own education?", "What did Lincoln say about internal improvements?",
    "What did Lincoln tell Congress about compensated emancipation?", "How did Lincoln respond to the fall of Fort Sumter?",
    "What did Lincoln say about the draft?", "What did Lincoln write about Grant?",
    "How did Lincoln speak about reconstruction of the Southern states?", "What did Lincoln say about the Know-Nothings?",
    "What did Lincoln write about the Constitution and the slave trade?", "How did Lincoln describe his time in Congress?",
    "What did Lincoln say in his second inaugural address about malice?", "What did Lincoln write to a grieving mother?",
    "How did Lincoln view the Whig party?", "What did Lincoln say about labor and capital?",
    "What did Lincoln write about the blockade of Southern ports?", "How did Lincoln treat requests for pardons of soldiers?",
    "What did Lincoln say about Black soldiers in the army?", "What did Lincoln write about Missouri?",
    "How did Lincoln describe Henry Clay?", "What did Lincoln say about the Supreme Court's power?",
    "What did Lincoln write about the election of 1864?", "How did Lincoln talk about Kentucky's neutrality?",
    "What did Lincoln say about the National Bank?", "What did Lincoln write to his stepbrother about money?",
    "How did Lincoln explain the purpose of the war?", "What did Lincoln say about the founders' intentions on slavery?",
    "What did Lincoln write about Fremont's proclamation?", "How did Lincoln address the Springfield Lyceum?",
    "What did Lincoln say about foreign intervention in the war?", "What did Lincoln write about Vicksburg?",
    "How did Lincoln speak of the right of revolution?", "What did Lincoln say on leaving Springfield?",
]  # fmt: skip


def _chunker():
    from agent.config import ChunkingSettings
    from agent.index.chunking import SentenceChunker

    return SentenceChunker(ChunkingSettings())


def load_passages(n_zh: int, n_en: int) -> tuple[list[str], list[str], list[set[int]]]:
    """(passages, questions, each question's own passages): the first PER_BIO chunks of biographies spread over the
    collection until n_zh chunks, then n_en chunks spread over the Lincoln papers; 50 Chinese questions, each naming
    one biography of the pool (its chunks are its own passages), then the 50 English ones (none marked)."""
    chunker = _chunker()
    files = sorted(ZH_DIR.glob("*.txt"))
    zh: list[str] = []
    bios: list[tuple[str, set[int]]] = []
    for path in files[:: max(1, len(files) * PER_BIO // max(1, 2 * n_zh))]:
        text = path.read_text(encoding="utf-8")
        if not (m := re.match(r"([\u4e00-\u9fff]{2,3})(?:，|字|本名)", text)):
            continue  # an annals chapter, not a biography that opens with its subject's name
        chunks = chunker.split_text(text)[: min(PER_BIO, n_zh - len(zh))]
        bios.append((m.group(1), set(range(len(zh), len(zh) + len(chunks)))))
        zh += chunks
        if len(zh) >= n_zh:
            break
    body = EN_FILE.read_text(encoding="utf-8-sig")
    body = body[body.find("*** START") : body.rfind("*** END")] if "*** START" in body else body
    en_all = chunker.split_text(body)
    en = [en_all[int(i)] for i in np.linspace(len(en_all) * 0.05, len(en_all) - 1, n_en)] if n_en else []
    asked = bios[:: max(1, len(bios) // 50)][:50]
    questions = [ZH_TEMPLATES[i % len(ZH_TEMPLATES)].format(n=name) for i, (name, _) in enumerate(asked)]
    return zh + en, questions + EN_QUESTIONS[:50], [own for _, own in asked] + [set()] * len(EN_QUESTIONS[:50])


def _make(backend: str, models_dir: Path):
    from agent.config import EmbeddingSettings
    from agent.index.embeddings import make_embedder

    return make_embedder(EmbeddingSettings(backend=backend), models_dir)


def measure(backends: list[str], passages: list[str], questions: list[str], own: list[set[int]], rounds: int,
            models_dir: Path) -> dict:  # fmt: skip
    embedders = {b: _make(b, models_dir) for b in backends}
    for emb in embedders.values():  # load (and export on first use) before any clock starts
        emb.embed_documents(passages[:4])
    best = {b: (float("inf"), 0.0) for b in backends}
    docs: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for b, emb in embedders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            docs[b] = emb.embed_documents(passages)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[b] = min(best[b], (wall, cpu))
            print(f"  {b}: {len(passages) / wall:.1f} chunks/s ({cpu:.0f} CPU s)", file=sys.stderr, flush=True)
    ref = "torch" if "torch" in backends else backends[0]
    top = {}
    for b, emb in embedders.items():
        queries = np.stack([emb.embed_query(q) for q in questions])
        top[b] = np.argsort(-(queries @ docs[b].T), axis=1, kind="stable")[:, :5]
    asked = [i for i, o in enumerate(own) if o]
    rows = {}
    for b in backends:
        cos = (docs[b] * docs[ref]).sum(1)
        inter = np.array([len(set(x) & set(y)) for x, y in zip(top[b], top[ref])])
        rows[b] = {"chunks_per_s": len(passages) / best[b][0], "cpu_s": best[b][1], "speedup": best[ref][0] / best[b][0],
                   "cos_mean": float(cos.mean()), "cos_min": float(cos.min()), "recall5": float((inter / 5).mean()),
                   "jaccard5": float((inter / (10 - inter)).mean()), "top1": float((top[b][:, 0] == top[ref][:, 0]).mean()),
                   "own5": float(np.mean([bool(set(top[b][i]) & own[i]) for i in asked])) if asked else float("nan"),
                   "id": embedders[b].id}  # fmt: skip
    return rows


def team_retrieval(backends: list[str], index_root: Path, question_files: list[Path]) -> dict:
    """recall@k and MRR of each backend on the team question sets (answerable questions that name their gold
    passages), each backend searching indexes of its own under ``index_root/<backend>`` (built on first use)."""
    from agent.config import load_settings
    from agent.core import load_agent
    from agent.eval.scoring import retrieval_scores
    from agent.index.embeddings import make_embedder

    questions = [json.loads(line) for f in question_files for line in f.read_text(encoding="utf-8").splitlines()
                 if line.strip()]  # fmt: skip
    questions = [q for q in questions if q.get("kind") == "answerable" and q.get("passages")]
    rows = {}
    for b in backends:
        settings = load_settings(overrides={"embedding": {"backend": b}, "index_dir": str(index_root / b)})
        embedder = make_embedder(settings.embedding, settings.models_dir)
        agents: dict = {}
        recall, rr = [], []
        for q in questions:
            agent = agents.get(q["figure"]) or agents.setdefault(q["figure"], load_agent(q["figure"], settings,
                                                                                         embedder=embedder))
            r, reciprocal = retrieval_scores(q["passages"], agent.retrieve(q["question"], k=settings.retrieval.top_k))
            recall.append(r)
            rr.append(reciprocal)
        rows[b] = {"questions": len(questions), "recall_at_k": float(np.mean(recall)), "mrr": float(np.mean(rr)),
                   "k": settings.retrieval.top_k}  # fmt: skip
        print(f"  {b}: recall@{rows[b]['k']} {rows[b]['recall_at_k']:.3f}, MRR {rows[b]['mrr']:.3f}", file=sys.stderr)
    return rows


def _machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for pkg in ("torch", "onnxruntime", "sentence-transformers"):
        try:
            out.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


def markdown(rows: dict, n_passages: int, n_questions: int, rounds: int, load: tuple[float, float]) -> str:
    lines = [f"Machine: {_machine()}; {_versions()}; load average {load[0]:.1f} before, {load[1]:.1f} after.",
             f"{n_passages} chunks, best of {rounds} rounds; {n_questions} questions, top 5 over the whole pool. "
             "Agreement is with the first row; own@5: a Chinese question finds a chunk of the biography it names.", "",
             "| backend | chunks/s | CPU s | speed-up | cosine mean | cosine min | recall@5 | Jaccard@5 | top-1 same "
             "| own@5 | embedder id |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for b, r in rows.items():
        lines.append(f"| {b} | {r['chunks_per_s']:.1f} | {r['cpu_s']:.0f} | {r['speedup']:.2f}x | {r['cos_mean']:.4f} | "
                     f"{r['cos_min']:.4f} | {r['recall5']:.3f} | {r['jaccard5']:.3f} | {r['top1']:.2f} | "
                     f"{r['own5']:.2f} | `{r['id']}` |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zh", type=int, default=300, help="Chinese chunks (the opening chunks of biographies)")
    ap.add_argument("--en", type=int, default=100, help="English chunks (Lincoln papers)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds per backend, taking turns; the best counts")
    ap.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated; the first is the reference "
                    "unless torch is among them")  # fmt: skip
    ap.add_argument("--models-dir", type=Path, help="models folder (default: the configured one)")
    ap.add_argument("--team", type=Path, metavar="INDEX_ROOT", help="instead: recall@k and MRR on the team question "
                    "sets (eval/questions) per backend, with indexes built under INDEX_ROOT/<backend>")  # fmt: skip
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from agent.config import load_settings

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.team:
        rows = team_retrieval(backends, args.team.resolve(), sorted((REPO / "eval" / "questions").glob("*.jsonl")))
        print("| backend | questions | recall@k | MRR |\n|---|---:|---:|---:|")
        for b, r in rows.items():
            print(f"| {b} | {r['questions']} | {r['recall_at_k']:.3f} | {r['mrr']:.3f} |")
        return
    models_dir = args.models_dir or load_settings().models_dir
    passages, questions, own = load_passages(args.zh, args.en)
    if "torch" in backends:  # the reference first
        backends.insert(0, backends.pop(backends.index("torch")))
    before = os.getloadavg()[0]
    rows = measure(backends, passages, questions, own, max(1, args.rounds), models_dir)
    print(markdown(rows, len(passages), len(questions), args.rounds, (before, os.getloadavg()[0])))


if __name__ == "__main__":
    main()
