"""Give every question of a set a half, dev or test, fixed by a seed: the dev half is read while rules change, the
test half only scored. A question that has a half keeps it; the others are split by the SHA-256 of the seed and their
id (by question), or of the seed and their figure with ``--by figure`` (half the figures).

    python eval/split.py eval/questions/*.jsonl            # seed 23, by question
    python eval/split.py --by figure --seed 23 SET.jsonl

Each file is rewritten atomically; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.files import write_text_atomic  # noqa: E402

SEED = 23


def half(key: str, seed: int = SEED) -> str:
    """The half of ``key`` (a question id or a figure id) under ``seed``: dev or test, about one in two each."""
    return "dev" if hashlib.sha256(f"{seed}:{key}".encode()).digest()[0] % 2 == 0 else "test"


def split_file(path: Path, seed: int = SEED, by: str = "question") -> tuple[int, int]:
    """Adds a ``split`` to the records of ``path`` that have none; returns (dev, test) counts over all records."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, counts = [], {"dev": 0, "test": 0}
    for line in lines:
        if not line.strip():
            continue
        rec = json.loads(line)
        if "split" not in rec:
            rec["split"] = half(rec["id"] if by == "question" else rec["figure"], seed)
        counts[rec["split"]] += 1
        out.append(json.dumps(rec, ensure_ascii=False))
    write_text_atomic(path, "\n".join(out) + "\n")
    return counts["dev"], counts["test"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--by", choices=("question", "figure"), default="question")
    args = parser.parse_args(argv)
    for path in args.files:
        dev, test = split_file(path, args.seed, args.by)
        print(f"{path}: {dev} dev, {test} test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
