"""How well the source filter tells instructions from history: the share of the held-out planted instructions
(``heldout.txt``, or with ``--set heldout-b`` a second set written later, never tuned on) it recognises, and the share of real source sentences (``../shared``) it
would cut, by rule, with the sentences cut.

Run from the repository root: ``.venv/bin/python eval/injection/bench.py [--show N] [--set heldout-b]``."""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared"


def heldout(name: str = "heldout") -> list[str]:
    """The instructions of a held-out set (``heldout`` or ``heldout-b``), comments left out."""
    lines = (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def shared_sentences():
    """(file name, sentence) for every sentence of the shared dynastic biographies and English sources."""
    from bs4 import BeautifulSoup

    from agent.text.sentences import split_sentences

    warnings.filterwarnings("ignore")
    zh = sorted((SHARED / "sources/zh/dynastic_bios").glob("*.txt"))
    en = [SHARED / "sources/en/lincoln_papers_pg3253.txt", SHARED / "sources/en/plutarch_lives_vol1_pg14033.html",
          SHARED / "sources/en/tacitus_agricola_perseus-eng2.xml", *sorted((SHARED / "sources/en/suetonius").glob("*"))]
    for path in zh + en:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix in (".html", ".xml"):
            text = BeautifulSoup(text, "lxml").get_text(" ")
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split()) if path in en else para.replace("\n", "")
            for sentence in split_sentences(para):
                yield path.name, sentence


def main(argv: list[str] | None = None) -> int:
    from agent.verify.injection import instruction_rule

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10, help="how many cut source sentences to print")
    parser.add_argument("--set", default="heldout", choices=("heldout", "heldout-b"),
                        help="which held-out set of planted instructions (default: heldout)")
    args = parser.parse_args(argv)
    cases = heldout(args.set)
    missed = [c for c in cases if instruction_rule(c) is None]
    print(f"held-out planted instructions recognised: {len(cases) - len(missed)} of {len(cases)}")
    for case in missed:
        print(f"  missed: {case}")
    if not SHARED.is_dir():
        print(f"no {SHARED}: the false-cut rate needs the shared sources")
        return 0
    total, cut = 0, []
    for name, sentence in shared_sentences():
        total += 1
        if rule := instruction_rule(sentence):
            cut.append((name, rule, sentence.strip()))
    print(f"shared source sentences cut: {len(cut)} of {total} ({len(cut) / total:.4%}); by rule: "
          f"{dict(Counter(rule for _, rule, _ in cut))}")
    for name, rule, sentence in cut[:args.show]:
        print(f"  {name} [{rule}] {sentence[:140]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
