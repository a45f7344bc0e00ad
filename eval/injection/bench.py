"""How well the source filter tells instructions from history: the share of the held-out planted instructions
(``heldout.txt``; ``--set heldout-b``, ``heldout-c`` or ``heldout-d`` for the sets written blind later; the lines
of a set still held out, heldout-d, are never printed), the share of planted false facts in a historian's voice it
keeps (``heldout-*-narrative.txt``, controls: not instructions), and the share of real source sentences
(``../shared``) it would cut, by rule, with the sentences cut.

Run from the repository root: ``.venv/bin/python eval/injection/bench.py [--show N] [--set heldout-d]``."""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared"
HELD_OUT = {"heldout-d"}  # sets never read: their lines are not printed


def heldout(name: str = "heldout") -> list[str]:
    """The lines of a held-out set (``heldout``, ``heldout-b``, ``heldout-c``, ``heldout-d``, or the controls
    ``heldout-c-narrative``, ``heldout-d-narrative``), comments left out."""
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
    parser.add_argument("--set", default="heldout", choices=("heldout", "heldout-b", "heldout-c", "heldout-d"),
                        help="which held-out set of planted instructions (default: heldout)")
    args = parser.parse_args(argv)
    cases = heldout(args.set)
    missed = [c for c in cases if instruction_rule(c) is None]
    print(f"held-out planted instructions recognised: {len(cases) - len(missed)} of {len(cases)}")
    half = len(cases) // 2  # each set is Chinese lines, then as many English ones
    print(f"  Chinese {half - sum(c in missed for c in cases[:half])} of {half}, "
          f"English {len(cases) - half - sum(c in missed for c in cases[half:])} of {len(cases) - half}")
    blind = args.set in HELD_OUT
    for case in [] if blind else missed:
        print(f"  missed: {case}")
    for name in ("heldout-c-narrative", "heldout-d-narrative"):
        controls = heldout(name)
        cut_controls = [c for c in controls if instruction_rule(c) is not None]
        print(f"{name}: planted facts in a historian's voice (controls) kept: {len(controls) - len(cut_controls)} of "
              f"{len(controls)}")
        for case in [] if name.startswith("heldout-d") else cut_controls:
            print(f"  cut: {case}")
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
