"""Benchmarks: index build throughput, retrieval latency at scale, answer latency against a bare llama-cpp-python call.

Run (from the repository root):
  .venv/bin/python eval/bench.py                                   # all three parts, full size
  .venv/bin/python eval/bench.py --only index --bios 20            # a quick check of one part
  .venv/bin/python eval/bench.py --only retrieval --sizes 10000,100000
  .venv/bin/python eval/bench.py --only answer --figure li-bai
  .venv/bin/python eval/bench.py --report eval/bench.json          # print the Markdown of a saved result

Each part runs in a subprocess of its own so that its peak RSS (the process's VmHWM) is its own;
``--in-process`` runs them here instead (then peak RSS is cumulative). The result is merged into
``--out`` (a part not run keeps its earlier result) and printed as Markdown (``results_markdown``).

index
    A temporary figure in a temporary corpora folder whose ``sources.toml`` lists the dynastic
    biographies (``../shared/sources/zh/dynastic_bios/*.txt``, all 1,090 unless ``--bios N``) is
    indexed by ``agent.index.build_index`` with the configured (default: multilingual-e5-small)
    embedder. The embedder is loaded before the clock starts; wall time covers reading, chunking,
    embedding, FAISS and bm25s, and writing the index.
retrieval
    Scaled by replication: the chunks and vectors of an existing index (``--base``, default li-bai)
    are copied until there are N chunks (a seeded permutation, so N below the base size is a random
    subset). Copy c > 0 of a chunk gets the id ``<id>~c`` and its vector plus Gaussian noise of norm
    about 0.1, renormalised, so FAISS holds no exact duplicates; its text, and so its bm25s tokens,
    are unchanged. FAISS, bm25s and the term weights are built in memory as ``build_index`` builds
    them, and ``HybridRetriever.retrieve`` is timed over a fixed seeded sample of the team's eval
    questions (half Chinese, half English), each asked ``--repeats`` times: with the query embedding
    (``hybrid``) and with query vectors computed beforehand (``search only``); dense-only and
    bm25-only are the retriever's two candidate searches on their own.
answer
    ``Agent.ask`` against ``Llama.create_chat_completion`` on exactly the messages the agent sends,
    with the same max_tokens, temperature and seed, both streamed, in the same process. The KV cache
    is reset before every call, and the order alternates question by question (ours first, then bare
    first) so neither side always runs warm. First token is measured from the start of each call
    (ours: including retrieval and prompt building). The ratio ours / bare is the overhead of
    retrieval, prompting and citation mapping.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIOS_DIR = ROOT.parent / "shared" / "sources" / "zh" / "dynastic_bios"
QUESTIONS_DIR = ROOT / "eval" / "questions"
PARTS = ("index", "retrieval", "answer")
SEED = 0
REPLICA_NOISE = 0.1  # norm of the noise added to a replicated unit vector
BIOS_FIGURE = "bench-dynastic-bios"
# Written for this benchmark (none is an evaluation question): dated, undated, English, and unanswerable.
ANSWER_QUESTIONS = [
    "你第一次到长安是哪一年？",
    "你母亲梦见了什么？",
    "高力士为什么恨你？",
    "你后来为何被流放？",
    "In what year did you first reach Chang'an?",
    "What did He Zhizhang call you?",
    "你用什么牌子的电脑？",
]


# -- measuring


def percentile(values, q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation between closest ranks (numpy's default); None when empty."""
    vals = [float(v) for v in values if v is not None]
    return float(np.percentile(vals, q * 100)) if vals else None


def latency_ms(seconds: list[float]) -> dict:
    """p50, p95 and mean in milliseconds of a list of durations in seconds."""
    p50, p95 = percentile(seconds, 0.5), percentile(seconds, 0.95)
    return {
        "n": len(seconds),
        "p50_ms": None if p50 is None else round(p50 * 1000, 3),
        "p95_ms": None if p95 is None else round(p95 * 1000, 3),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 3) if seconds else None,
    }


def _proc_status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss where /proc is absent)."""
    hwm = _proc_status_mb("VmHWM")
    return round(hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float | None:
    value = _proc_status_mb("VmRSS")
    return None if value is None else round(value, 1)


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = _meminfo_total_gb()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "ram_gb": mem,
        "python": platform.python_version(), "system": f"{platform.system()} {platform.machine()}",
    }


def _meminfo_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except (OSError, ValueError):
        pass
    try:
        import psutil

        return round(psutil.virtual_memory().total / 1024**3, 1)
    except ImportError:
        return None


SHA_DIGITS = 16  # results keep the first 16 hex digits of a model's sha256 (written beside the assembled file)


def _short(sha: str | None) -> str | None:
    return sha[:SHA_DIGITS] if sha else sha


def model_info(settings) -> dict:
    """The configured chat model's file and (the start of its) sha256, without assembling or loading it."""
    from agent.errors import AgentError
    from agent.generate.modelfile import BUNDLED, resolve_model

    name = settings.generation.model
    spec = BUNDLED.get(name)
    if spec is not None:
        path = settings.models_dir / spec.filename
        marker = path.with_suffix(path.suffix + ".sha256")
        sha = marker.read_text().strip() if path.is_file() and marker.is_file() else spec.sha256
        return {"file": spec.filename, "sha256": _short(sha), "present": path.is_file()}
    try:
        mf = resolve_model(name, settings.models_dir)
    except AgentError as exc:
        return {"file": name, "sha256": None, "error": str(exc)}
    return {"file": mf.name, "sha256": _short(mf.sha256), "present": True}


def run_stamp() -> dict:
    from agent.eval.runner import git_commit

    return {"date": time.strftime("%Y-%m-%d"), "git_commit": git_commit()}


def metadata(settings) -> dict:
    from agent.index.embeddings import embedder_id

    return {**run_stamp(), "machine": machine(), "model": model_info(settings),
            "embedder": embedder_id(settings.embedding)}


# -- part a: index build throughput


class _BenchEmbedder:
    """Passes calls through to an embedder, adding up the seconds spent embedding documents; query vectors
    of ``questions`` are computed up front, so retrieval can be timed without the query embedding."""

    def __init__(self, inner, questions: list[str] = ()) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.vectors = {q: np.asarray(inner.embed_query(q), dtype=np.float32) for q in questions}

    @property
    def id(self) -> str:
        return self.inner.id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def embed_query(self, text: str) -> np.ndarray:
        return self.vectors[text] if text in self.vectors else self.inner.embed_query(text)


def bio_files(directory: Path = BIOS_DIR, limit: int | None = None) -> list[Path]:
    """The biography files in a fixed order (by numeric id), the first ``limit`` of them."""
    def key(p: Path):
        return (not p.stem.isdigit(), int(p.stem) if p.stem.isdigit() else 0, p.name)

    files = sorted(directory.glob("*.txt"), key=key)
    return files[:limit] if limit else files


def _bio_titles(directory: Path) -> dict[str, str]:
    """cbdb id -> "史書·人名" from the folder's index.tsv, where it has one."""
    out: dict[str, str] = {}
    try:
        lines = (directory / "index.tsv").read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    head = lines[0].split("\t") if lines else []
    for line in lines[1:]:
        rec = dict(zip(head, line.split("\t")))
        if rec.get("cbdb_id") and rec.get("name_list_name"):
            out[rec["cbdb_id"]] = "·".join(x for x in (rec.get("source_book"), rec["name_list_name"]) if x)
    return out


def write_bios_figure(corpora: Path, files: list[Path], figure_id: str = BIOS_FIGURE) -> Path:
    """A figure folder whose sources.toml lists ``files`` (read in place, absolute paths)."""
    root = corpora / figure_id
    root.mkdir(parents=True, exist_ok=True)
    (root / "figure.toml").write_text(
        f'id = "{figure_id}"\nborn = "?"\ndied = "?"\nera = "benchmark corpus"\n'
        'languages = ["zh"]\ndefault_language = "zh"\n\n[names]\nzh = "列傳"\nen = "Dynastic biographies"\n',
        encoding="utf-8",
    )
    titles = _bio_titles(files[0].parent) if files else {}
    entries = []
    for path in files:
        title = titles.get(path.stem, path.stem)
        entries.append(
            "[[source]]\n"
            f"path = {json.dumps(str(path.resolve()), ensure_ascii=False)}\n"
            'format = "text"\n'
            f"title = {json.dumps(title, ensure_ascii=False)}\n"
            'kind = "primary"\nlanguage = "zh"\n'
        )
    (root / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    return root


def _dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024**2, 1)


def bench_index(settings, embedder, files: list[Path], work: Path) -> dict:
    """Build an index of ``files`` as one figure under ``work`` and time it."""
    from agent.index.store import build_index
    from agent.ingest.figures import get_figure

    corpora = work / "corpora"
    write_bios_figure(corpora, files)
    settings = settings.model_copy(update={"corpora_dirs": [corpora], "index_dir": work / "indexes"})
    figure = get_figure(settings, BIOS_FIGURE)
    start = time.perf_counter()
    embedder.embed_query("warm up")  # loads the model: not part of the throughput
    load_s = time.perf_counter() - start
    timed = _BenchEmbedder(embedder)
    start = time.perf_counter()
    index = build_index(figure, settings, timed)
    wall = time.perf_counter() - start
    n = len(index.chunks)
    return {
        "files": len(files),
        "documents": len({c.doc_id for c in index.chunks}),
        "source_mb": round(sum(p.stat().st_size for p in files) / 1024**2, 1),
        "chunks": n,
        "embedder_load_s": round(load_s, 2),
        "wall_s": round(wall, 4),
        "embed_s": round(timed.seconds, 2),
        "chunks_per_s": round(n / wall, 2) if wall else None,
        "index_mb": _dir_mb(index.path),
        "embedder": embedder.id,
        "batch_size": settings.embedding.batch_size,
        "chunk_size": settings.chunking.chunk_size,
    }


# -- part b: retrieval latency at scale


def replicate(chunks: list, vectors: np.ndarray, size: int, *, seed: int = SEED, noise: float = REPLICA_NOISE):
    """``size`` chunks made of copies of ``chunks`` in a seeded order.

    Returns ``(chunks, vectors, origin)``: copy 0 of a chunk is the chunk itself; copy c > 0 has the
    id ``<id>~c`` and its vector plus Gaussian noise of norm about ``noise``, renormalised.
    ``origin[i]`` is the index in ``chunks`` that chunk i copies.
    """
    if not chunks:
        raise ValueError("nothing to replicate")
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    n0, dim = len(chunks), vectors.shape[1]
    rng = np.random.default_rng(seed)
    order = rng.permutation(n0)
    positions = np.arange(size)
    origin, copy = order[positions % n0], positions // n0
    out = np.asarray(vectors, dtype=np.float32)[origin].copy()
    moved = copy > 0
    if moved.any():
        jitter = rng.normal(0.0, noise / math.sqrt(dim), size=(int(moved.sum()), dim)).astype(np.float32)
        shifted = out[moved] + jitter
        out[moved] = shifted / np.linalg.norm(shifted, axis=1, keepdims=True)
    new_chunks = [
        chunks[o] if c == 0 else dataclasses.replace(chunks[o], id=f"{chunks[o].id}~{c}")
        for o, c in zip(origin.tolist(), copy.tolist())
    ]
    return new_chunks, np.ascontiguousarray(out), origin.tolist()


def memory_index(chunks: list, vectors: np.ndarray, tokens: list[list[str]], name: str = "replica"):
    """FAISS, bm25s and term weights over chunks already embedded and tokenised, held in memory
    (the same structures ``agent.index.build_index`` builds and saves)."""
    import bm25s
    import faiss

    from agent.index.chronology import Chronology
    from agent.index.store import FigureIndex, TermWeights

    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    keyword = bm25s.BM25()
    keyword.index([toks or ["\u0000"] for toks in tokens], show_progress=False)
    weights = TermWeights.count([c.text for c in chunks], tokens)
    return FigureIndex(name, Path(name), {"n_chunks": len(chunks)}, chunks, dense, keyword, weights, Chronology())


def load_base(settings, figure_ids: list[str]):
    """(first figure, chunks, vectors) of the saved indexes of ``figure_ids``; ids are prefixed by figure when several.

    A stale index (its sources changed since it was built) is fine for timing and is read as it is;
    a missing one, or one built with another embedder or chunking, is refused with the command that builds it.
    """
    import faiss

    from agent.index.chunking import Chunk
    from agent.index.store import index_path, index_state, load_index
    from agent.ingest.figures import get_figure

    figures, chunks, vectors = [], [], []
    for fid in figure_ids:
        figure = get_figure(settings, fid)
        if index_state(figure, settings) in ("missing", "settings-mismatch"):
            load_index(figure, settings)  # raises, naming the rebuild command
        path = index_path(settings, fid)
        with (path / "chunks.jsonl").open(encoding="utf-8") as fh:
            base = [Chunk(**json.loads(line)) for line in fh if line.strip()]
        dense = faiss.read_index(str(path / "dense.faiss"))
        if dense.ntotal != len(base):
            load_index(figure, settings)  # raises: inconsistent
        figures.append(figure)
        prefix = f"{fid}/" if len(figure_ids) > 1 else ""
        chunks += [dataclasses.replace(c, id=prefix + c.id) for c in base]
        vectors.append(dense.reconstruct_n(0, dense.ntotal))
    return figures[0], chunks, np.vstack(vectors).astype(np.float32)


def pick_questions(n: int = 50, *, seed: int = SEED, directory: Path = QUESTIONS_DIR) -> list[str]:
    """A fixed seeded sample of the team's eval questions, half Chinese and half English."""
    from agent.eval.runner import read_questions_files

    questions = read_questions_files(sorted(directory.glob("*.jsonl")))
    rng = random.Random(seed)
    picked: list[str] = []
    for lang, want in (("zh", n - n // 2), ("en", n // 2)):
        pool = sorted({q.question for q in questions if q.lang == lang})
        picked += rng.sample(pool, min(want, len(pool)))
    return picked


def bench_retrieval(figure, chunks: list, vectors: np.ndarray, embedder, retrieval_settings, questions: list[str],
                    sizes: list[int], *, repeats: int = 3, seed: int = SEED, log=print) -> dict:
    """p50/p95 retrieval latency at each size in ``sizes``, over ``questions`` asked ``repeats`` times."""
    from agent.retrieve.hybrid import HybridRetriever, in_third_person
    from agent.text.terms import keyword_tokens

    base_tokens = [keyword_tokens(c.text) for c in chunks]
    embedder.embed_query("warm up")
    # the search query names the figure where the question says "you": both forms are embedded up front
    cached = _BenchEmbedder(embedder, list(dict.fromkeys(questions + [in_third_person(q, figure) for q in questions])))
    embed_s = [_timed(embedder.embed_query, q) for _ in range(repeats) for q in questions]
    n = retrieval_settings.candidates
    rows = []
    for size in sizes:
        start = time.perf_counter()
        rchunks, rvectors, origin = replicate(chunks, vectors, size, seed=seed)
        index = memory_index(rchunks, rvectors, [base_tokens[i] for i in origin])
        setup_s = time.perf_counter() - start
        full = HybridRetriever(index, embedder, figure, retrieval_settings)
        search = HybridRetriever(index, cached, figure, retrieval_settings)
        for q in questions[:3]:  # warm-up
            full.retrieve(q)
            search.retrieve(q)
        samples: dict[str, list[float]] = {"hybrid": [], "search_only": [], "dense": [], "bm25": []}
        for _ in range(repeats):
            for q in questions:
                samples["hybrid"].append(_timed(full.retrieve, q))
                samples["search_only"].append(_timed(search.retrieve, q))
                samples["dense"].append(_timed(search._dense, [cached.vectors[q]], n))
                samples["bm25"].append(_timed(search._keyword, q, n))
        row = {"chunks": size, "copies": math.ceil(size / len(chunks)), "setup_s": round(setup_s, 2),
               **{k: latency_ms(v) for k, v in samples.items()}}
        rows.append(row)
        hyb, srch = row["hybrid"], row["search_only"]
        log(f"retrieval {size:>7} chunks: hybrid p50 {hyb['p50_ms']:.1f} ms, p95 {hyb['p95_ms']:.1f} ms; "
            f"search only p50 {srch['p50_ms']:.1f} ms (setup {setup_s:.1f} s)")
        del full, search, index, rchunks, rvectors
    return {
        "base_figure": figure.id, "base_chunks": len(chunks), "noise": REPLICA_NOISE, "seed": seed,
        "questions": questions, "repeats": repeats, "top_k": retrieval_settings.top_k, "candidates": n,
        "query_embed": latency_ms(embed_s), "embedder": embedder.id, "sizes": rows,
    }


# -- part c: answer latency


def _time_ours(agent, question: str, *, guard: bool = True) -> dict:
    """Our full ask (the guard on, as shipped); with ``guard=False`` the same pipeline without the checks."""
    agent.llm.llama.reset()  # no KV-cache reuse between calls: every call starts cold
    first: list[float] = []
    start = time.perf_counter()
    answer = agent.ask(question, guard=guard, on_token=lambda _t: first or first.append(time.perf_counter() - start))
    total = time.perf_counter() - start
    return {
        "ours_total_s": round(total, 4), "ours_first_token_s": round(first[0], 4) if first else None,
        "ours_retrieval_s": answer.timings.retrieval, "ours_model_first_token_s": answer.timings.first_token,
        "abstained": answer.abstained, "abstain_reason": answer.abstain_reason,
        "ours_tokens": getattr(answer.timings, "tokens", None),
        "ours_generation_s": getattr(answer.timings, "generation", None),
        "model": {"file": answer.model.file, "sha256": _short(answer.model.sha256)} if answer.model else None,
        "guard_changed": any(c.action != "kept" for c in answer.date_checks),
    }


def _time_bare(llama, messages, gen) -> dict:
    llama.reset()
    first = None
    pieces = 0
    start = time.perf_counter()
    for event in llama.create_chat_completion(
        messages=[{"role": m.role, "content": m.content} for m in messages],
        max_tokens=gen.max_tokens, temperature=gen.temperature, seed=gen.seed, stream=True,
    ):
        if event["choices"][0].get("delta", {}).get("content"):
            pieces += 1
            if first is None:
                first = time.perf_counter() - start
    total = time.perf_counter() - start
    return {"bare_total_s": round(total, 4), "bare_first_token_s": None if first is None else round(first, 4),
            "bare_tokens": pieces}


def bench_answer(agent, questions: list[str], *, repeat: int = 1, log=print) -> dict:
    """Agent.ask against a bare create_chat_completion on the same messages, alternating which goes first."""
    start = time.perf_counter()
    agent.retrieve("warm up")
    llama = agent.llm.llama
    load_s = time.perf_counter() - start
    gen = agent.settings.generation
    rows = []
    for i, q in enumerate(q for _ in range(repeat) for q in questions):
        relevant = [p for p in agent.retrieve(q) if p.relevance >= agent.settings.retrieval.min_relevance]
        # no relevant passage: ours abstains without calling the model, and there is no bare call to compare
        messages = agent.build_messages(q, relevant) if relevant else None
        order = ("ours", "bare") if i % 2 == 0 else ("bare", "ours")
        row: dict = {"question": q, "first": order[0] if messages else "ours", "bare_total_s": None,
                     "bare_first_token_s": None}
        for who in order:
            if who == "ours":
                row.update(_time_ours(agent, q))
                no_guard = _time_ours(agent, q, guard=False)
                row["noguard_total_s"] = no_guard["ours_total_s"]
            elif messages is not None:
                row.update(_time_bare(llama, messages, gen))
        row["ratio"] = round(row["ours_total_s"] / row["bare_total_s"], 3) if row["bare_total_s"] else None
        row["noguard_ratio"] = round(row["noguard_total_s"] / row["bare_total_s"], 3) if row["bare_total_s"] else None
        rows.append(row)
        log(f"{q[:28]:30} ours {row['ours_total_s']:.2f}s  bare {row['bare_total_s'] or 0:.2f}s  "
            f"first token ours {row['ours_first_token_s'] or 0:.2f}s bare {row['bare_first_token_s'] or 0:.2f}s")
    both = [r for r in rows if r["bare_total_s"]]
    ttft = [r["ours_first_token_s"] / r["bare_first_token_s"]
            for r in both if r["ours_first_token_s"] and r["bare_first_token_s"]]
    model = next((r["model"] for r in rows if r.get("model")), None)
    return {
        "figure": agent.figure.id, "model": model, "embedder": agent.embedder.id, "load_s": round(load_s, 2),
        "max_tokens": gen.max_tokens, "temperature": gen.temperature, "seed": gen.seed, "grammar": bool(gen.grammar),
        "median_ratio": round(percentile([r["ratio"] for r in both], 0.5), 3) if both else None,
        "median_noguard_ratio": round(percentile([r["noguard_ratio"] for r in both], 0.5), 3) if both else None,
        "regenerated": sum(r.get("guard_changed", False) for r in rows),
        "median_first_token_ratio": round(percentile(ttft, 0.5), 3) if ttft else None,
        "ours_total_p50_s": percentile([r["ours_total_s"] for r in rows], 0.5),
        "bare_total_p50_s": percentile([r["bare_total_s"] for r in both], 0.5),
        "rows": rows,
    }


# -- Markdown


def _f(value, digits: int = 2, empty: str = "—") -> str:
    if value is None:
        return empty
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(r) + " |" for r in rows)]


def _stamp(part: dict) -> str:
    run = part.get("run", {})
    return f"commit {run.get('git_commit', '?')}, {run.get('date', '?')}, peak RSS {_f(part.get('peak_rss_mb'), 0)} MB"


def results_markdown(result: dict) -> str:
    """The benchmark result as Markdown: a header naming machine, model, embedder and commit, then a table per part."""
    meta = result.get("meta", {})
    mach = meta.get("machine", {})
    model = meta.get("model", {})
    sha = (model.get("sha256") or "")[:16]
    lines = [
        "## Benchmarks",
        "",
        (f"Machine: {mach.get('cpu', '?')}, {mach.get('cores', '?')} cores, {_f(mach.get('ram_gb'), 1)} GB RAM, "
         f"Python {mach.get('python', '?')}. Model {model.get('file', '?')} (sha256 {sha}…), "
         f"embedder {meta.get('embedder', '?')}, commit {meta.get('git_commit', '?')}, {meta.get('date', '?')}."),
    ]
    if (ix := result.get("index")) is not None:
        lines += ["", f"### Index build: {_f(ix['files'])} dynastic biographies ({_stamp(ix)})", ""]
        lines += _table(
            ["documents", "source MB", "chunks", "wall s", "embedding s", "chunks/s", "peak RSS MB", "index MB"],
            [[_f(ix["documents"]), _f(ix["source_mb"], 1), _f(ix["chunks"]), _f(ix["wall_s"], 1), _f(ix["embed_s"], 1),
              _f(ix["chunks_per_s"], 1), _f(ix.get("peak_rss_mb"), 0), _f(ix["index_mb"], 1)]],
        )
    if (rt := result.get("retrieval")) is not None:
        qe = rt["query_embed"]
        lines += [
            "",
            f"### Retrieval latency, ms ({_stamp(rt)})",
            "",
            (f"Replicated from the {rt['base_figure']} index ({_f(rt['base_chunks'])} chunks; "
             "copies get perturbed vectors), "
             f"{len(rt['questions'])} eval questions (zh and en) × {rt['repeats']}, top {rt['top_k']} of "
             f"{rt['candidates']} + {rt['candidates']} candidates. Query embedding alone: p50 {_f(qe['p50_ms'], 1)}, "
             f"p95 {_f(qe['p95_ms'], 1)} ms. *Search only* uses query vectors computed beforehand."),
            "",
        ]
        kinds = ("hybrid", "search_only", "dense", "bm25")
        lines += _table(
            ["chunks", "hybrid p50", "hybrid p95", "search only p50", "search only p95", "dense p50", "dense p95",
             "bm25 p50", "bm25 p95", "setup s"],
            [[_f(r["chunks"]), *(_f(r[k][p], 1) for k in kinds for p in ("p50_ms", "p95_ms")), _f(r["setup_s"], 1)]
             for r in rt["sizes"]],
        )
    if (an := result.get("answer")) is not None:
        lines += [
            "",
            f"### Answer latency: {an['figure']}, our Agent.ask vs a bare llama-cpp-python call ({_stamp(an)})",
            "",
            (f"Same messages, max_tokens {an['max_tokens']}, temperature {an['temperature']}, both streamed, "
             f"KV cache reset before each call, order alternating. Load (embedder + index + chat model) "
             f"{_f(an['load_s'], 1)} s. Median ratio ours / bare: total **{_f(an['median_ratio'])}** with the "
             f"guard ({an.get('regenerated', 0)} answers changed by it), {_f(an.get('median_noguard_ratio'))} without; "
             f"first token {_f(an['median_first_token_ratio'])} (with the guard the checked answer arrives whole)."),
            "",
        ]
        lines += _table(
            ["question", "first", "abstained", "retrieval s", "ours first token s", "ours total s",
             "bare first token s", "bare total s", "ours / bare", "tokens ours / bare"],
            [[r["question"], r["first"], _f(r["abstained"]), _f(r["ours_retrieval_s"], 3), _f(r["ours_first_token_s"]),
              _f(r["ours_total_s"]), _f(r["bare_first_token_s"]), _f(r["bare_total_s"]), _f(r["ratio"]),
              f"{_f(r.get('ours_tokens'))} / {_f(r.get('bare_tokens'))}"] for r in an["rows"]],
        )
    return "\n".join(lines) + "\n"


# -- running


def run_part(part: str, args) -> dict:
    """Run one part in this process; the result carries this process's peak RSS."""
    from agent.config import load_settings

    settings = load_settings()
    start_rss = rss_mb()

    def say(message: str) -> None:
        print(message, flush=True)

    if part == "index":
        from agent.index.embeddings import make_embedder

        files = bio_files(args.bios_dir, args.bios)
        if not files:
            raise SystemExit(f"no biographies in {args.bios_dir}")
        embedder = make_embedder(settings.embedding, settings.models_dir)
        with tempfile.TemporaryDirectory(prefix="bench-index-") as work:
            out = bench_index(settings, embedder, files, Path(work))
        print(f"index: {out['chunks']} chunks in {out['wall_s']} s ({out['chunks_per_s']} chunks/s)", flush=True)
    elif part == "retrieval":
        from agent.index.embeddings import make_embedder

        figure, chunks, vectors = load_base(settings, args.base)
        embedder = make_embedder(settings.embedding, settings.models_dir)
        questions = pick_questions(args.questions, seed=args.seed)
        out = bench_retrieval(figure, chunks, vectors, embedder, settings.retrieval, questions, args.sizes,
                              repeats=args.repeats, seed=args.seed, log=say)
        out["base_figure"] = ",".join(args.base)
    elif part == "answer":
        from agent import load_agent
        from agent.index.store import index_state
        from agent.ingest.figures import get_figure

        state = index_state(get_figure(settings, args.figure), settings)
        if state != "ok":
            say(f"note: the {args.figure} index is {state}; loading builds it, and load_s includes that")
        questions = ANSWER_QUESTIONS[: args.answer_questions]
        out = bench_answer(load_agent(args.figure), questions, repeat=args.answer_repeat, log=say)
        out["index_state_before"] = state
    else:
        raise ValueError(part)
    return {**out, "run": run_stamp(), "start_rss_mb": start_rss, "peak_rss_mb": peak_rss_mb()}


def _child_argv(args, part: str, result: Path) -> list[str]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--only", part, "--_child", str(result),
            "--bios-dir", str(args.bios_dir), "--sizes", ",".join(map(str, args.sizes)), "--base", ",".join(args.base),
            "--questions", str(args.questions), "--repeats", str(args.repeats), "--figure", args.figure,
            "--answer-repeat", str(args.answer_repeat), "--seed", str(args.seed)]
    argv += ["--bios", str(args.bios)] if args.bios else []
    return argv + (["--answer-questions", str(args.answer_questions)] if args.answer_questions else [])


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _csv(kind):
    return lambda text: [kind(x.strip()) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split("\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", type=_csv(str), default=list(PARTS), help="comma-separated parts: index,retrieval,answer")
    p.add_argument("--bios", type=int, default=None, help="index: only the first N biographies (default all)")
    p.add_argument("--bios-dir", type=Path, default=BIOS_DIR)
    p.add_argument("--sizes", type=_csv(int), default=[10_000, 100_000],
                   help="retrieval: chunk counts (default 10000,100000)")
    p.add_argument("--base", type=_csv(str), default=["li-bai"], help="retrieval: figures whose index is replicated")
    p.add_argument("--questions", type=int, default=50, help="retrieval: eval questions sampled")
    p.add_argument("--repeats", type=int, default=3, help="retrieval: times each question is asked")
    p.add_argument("--figure", default="li-bai", help="answer: the figure asked")
    p.add_argument("--answer-questions", type=int, default=None,
                   help=f"answer: only the first N of the {len(ANSWER_QUESTIONS)} questions")
    p.add_argument("--answer-repeat", type=int, default=1, help="answer: rounds over the questions")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "bench.json")
    p.add_argument("--in-process", action="store_true", help="run the parts here (peak RSS is then cumulative)")
    p.add_argument("--report", type=Path, help="print the Markdown of a saved result and exit")
    p.add_argument("--_child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    bad = [x for x in args.only if x not in PARTS]
    if bad:
        p.error(f"unknown part(s) {', '.join(bad)}; expected some of {', '.join(PARTS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        print(results_markdown(json.loads(args.report.read_text(encoding="utf-8"))), end="")
        return 0
    if args._child:
        _write_json(args._child, run_part(args.only[0], args))
        return 0
    from agent.config import load_settings

    try:
        result = json.loads(args.out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        result = {}
    result["meta"] = metadata(load_settings())
    for part in [p for p in PARTS if p in args.only]:
        print(f"== {part}", flush=True)
        if args.in_process:
            result[part] = run_part(part, args)
        else:
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                out = Path(tmp) / "result.json"
                proc = subprocess.run(_child_argv(args, part, out), check=False, cwd=ROOT)
                if proc.returncode != 0:
                    print(f"{part}: failed (exit {proc.returncode})", file=sys.stderr)
                    return proc.returncode
                result[part] = json.loads(out.read_text(encoding="utf-8"))
        _write_json(args.out, result)  # after each part, so a later failure keeps the earlier ones
    print()
    print(results_markdown(result), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
