"""Replay the guard offline on a stored rag run: the model's drafts come from the run, not from the model.

Run (from the repository root), after ``agent eval --mode rag QUESTIONS... -o RAG_RUN``:
  .venv/bin/python eval/replay.py RAG_RUN QUESTIONS... -o OUT_RUN [--compare GUARDED_RUN]

Every question of the rag run is asked again with the guard on. Retrieval and the embedder are the real ones;
the chat model is replaced by one that returns the rag draft for that question, so the guard checks exactly what
the model said without the guard. A regeneration gets the same draft back: the live guard's second draft may be
better or worse, so a replay estimates a guarded run and never replaces one. Answers are scored as
``agent eval`` scores them and written to OUT_RUN (``answers.jsonl``, ``metrics.md``), so
``agent eval --rescore`` and the comparison tools read it too. ``--compare`` prints the questions whose
correctness or abstention differs from another run (an earlier replay, or a live guarded run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agent.config import load_settings
from agent.core import load_agent
from agent.eval.plots import read_answer_rows
from agent.eval.runner import run_eval
from agent.generate import prompts
from agent.generate.llm import Generation
from agent.generate.modelfile import ModelFile
from agent.index.embeddings import make_embedder
from agent.verify.citations import MARKER_RE


class ReplayModel:
    """A chat model whose reply to a question is the stored rag draft of that question (markers removed), for
    one figure (two figures are asked the same question: "When were you born?")."""

    def __init__(self, drafts: dict[str, str]) -> None:
        self.drafts = drafts
        self.model_file = ModelFile(Path("replay.gguf"), "0" * 64)
        self.calls = 0

    def count_tokens(self, text: str) -> int:
        return len(text.encode("utf-8")) // 3 + 1

    def truncate_to_tokens(self, text: str, max_tokens: int) -> str:
        return text.encode("utf-8")[: max_tokens * 3].decode("utf-8", "ignore")

    def generate(self, messages, *, max_tokens=None, on_token=None) -> Generation:
        self.calls += 1
        user = messages[1].content
        # the question closes the prompt (prompts.USER); a passage may hold another question's words
        question = max((q for q in self.drafts if user.rstrip().endswith(q)), key=len, default=None)
        if question is None:
            raise KeyError(f"no stored draft for this prompt: {user[-200:]!r}")
        text = self.drafts[question]
        return Generation(text, 0, len(text), 0.0, 0.0)


def drafts_of(rag_run: Path) -> dict[str, dict[str, str]]:
    """Figure -> question text -> the rag draft (its citation markers removed; a refusal as the model's words)."""
    drafts: dict[str, dict[str, str]] = {}
    for row in read_answer_rows(rag_run / "answers.jsonl"):
        answer = row["answer"]
        lang = prompts.language_key(answer["language"])
        text = prompts.CANNOT_ANSWER_MARKERS[lang][0] if answer["abstained"] else MARKER_RE.sub("", answer["text"])
        drafts.setdefault(answer["figure"], {})[answer["question"]] = text.strip()
    return drafts


def compare(new: Path, old: Path) -> list[str]:
    """One line per question whose correctness or abstention differs between two runs."""
    a, b = ({r["id"]: r for r in read_answer_rows(run / "answers.jsonl")} for run in (old, new))
    lines = []
    for qid in sorted(set(a) & set(b)):
        ka = (a[qid].get("answer_correct"), a[qid]["abstained"])
        kb = (b[qid].get("answer_correct"), b[qid]["abstained"])
        if ka != kb:
            lines.append(f"{qid} [{a[qid]['kind']}]: correct {ka[0]} -> {kb[0]}, abstained {ka[1]} -> {kb[1]}\n"
                         f"    was: {a[qid]['answer']['text'][:160]}\n    now: {b[qid]['answer']['text'][:160]}")
    return lines


def replay(rag_run: Path, questions: list[Path], out_dir: Path, make_agent) -> dict:
    """Ask ``questions`` guarded, the model replaced by the drafts of ``rag_run``; ``make_agent(figure, model)``
    builds a figure's agent around that model. Returns ``run_eval``'s result."""
    drafts, agents = drafts_of(rag_run), {}

    def get_agent(figure: str):
        if figure not in agents:
            agents[figure] = make_agent(figure, ReplayModel(drafts.get(figure, {})))
        return agents[figure]

    return run_eval(questions, get_agent, mode="guarded", out_dir=out_dir)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rag_run", type=Path)
    ap.add_argument("questions", type=Path, nargs="+")
    ap.add_argument("-o", "--output-dir", type=Path, required=True)
    ap.add_argument("--compare", type=Path, help="a run to list the differences against")
    ap.add_argument("--corpora", type=Path, help="a folder of extra figures (from 'agent evalset build')")
    args = ap.parse_args(argv)
    settings = load_settings(None)
    if args.corpora:
        settings = settings.model_copy(update={"corpora_dirs": [args.corpora, *settings.corpora_dirs],
                                               "index_dir": args.corpora.parent / "indexes"})
    embedder = make_embedder(settings.embedding, settings.models_dir)
    result = replay(args.rag_run, args.questions, args.output_dir,
                    lambda figure, model: load_agent(figure, settings, embedder=embedder, llm=model))
    print(json.dumps(result["metrics"].get("all", result["metrics"]), indent=1, ensure_ascii=False))
    if args.compare:
        print("\n".join(compare(args.output_dir, args.compare)) or "no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
