"""Evaluation sets built from the shared data: TimeQA, 列傳 (dynastic biographies checked against CBDB
dates) and Chinese SimpleQA.

Each builder reads ``../shared`` in place and writes only under an explicit output folder:

- ``out/corpora/<figure-id>/``: temporary figures (``figure.toml`` plus ``sources/`` or a ``sources.toml``
  that names the shared file by its absolute path), each with an ``.evalset`` marker naming its set;
- ``out/questions/<set>.jsonl``: questions in the format of corpora/FORMAT.md;
- ``out/<set>.json``: what was built (parameters, figures, counts, notes).

``agent eval`` then runs the questions with ``corpora_dirs=[out/"corpora", <the usual folders>]``.
Selection is deterministic: sorted input, and a ``random.Random(seed)`` sample where a subset is taken.
Nothing from ``../shared`` belongs in the repository: building into the repository's ``corpora/`` or
``eval/`` is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agent.errors import InputError
from agent.eval.sets.common import EVAL_SETS, EvalSet
from agent.eval.sets.common import MARKER as MARKER
from agent.eval.sets.liezhuan import ANSWER_WINDOW_YEARS as ANSWER_WINDOW_YEARS
from agent.eval.sets.liezhuan import BIOS_DIR as BIOS_DIR
from agent.eval.sets.liezhuan import BUILTIN_CBDB_IDS as BUILTIN_CBDB_IDS
from agent.eval.sets.liezhuan import CBDB_FILE as CBDB_FILE
from agent.eval.sets.liezhuan import CONFLICT_YEARS as CONFLICT_YEARS
from agent.eval.sets.liezhuan import DYNASTY_EN as DYNASTY_EN
from agent.eval.sets.liezhuan import DYNASTY_YEARS as DYNASTY_YEARS
from agent.eval.sets.liezhuan import LIEZHUAN_QUESTIONS as LIEZHUAN_QUESTIONS
from agent.eval.sets.liezhuan import build_liezhuan, liezhuan_gold
from agent.eval.sets.simpleqa import SIMPLEQA_FILE as SIMPLEQA_FILE
from agent.eval.sets.simpleqa import build_simpleqa
from agent.eval.sets.timeqa import TIMEQA_FILE as TIMEQA_FILE
from agent.eval.sets.timeqa import build_timeqa, timeqa_life

# common holds what the builders share; timeqa, liezhuan and simpleqa build one set each. The names imported
# "as" themselves (MARKER, the data paths, the 列傳 tables) are not in __all__ but stay reachable here, as
# they were before the split.


BUILDERS: dict[str, Callable[..., EvalSet]] = {"timeqa": build_timeqa, "liezhuan": build_liezhuan,
                                               "simpleqa": build_simpleqa}


def build_eval_set(name: str, shared: Path, out: Path, **kw) -> EvalSet:
    """Build one set by name (timeqa, liezhuan, simpleqa); ``kw`` goes to its builder."""
    if name not in BUILDERS:
        raise InputError(f"unknown evaluation set {name!r}", hint=f"choose one of: {', '.join(EVAL_SETS)}")
    return BUILDERS[name](Path(shared), Path(out), **kw)


__all__ = ["EVAL_SETS", "EvalSet", "build_eval_set", "build_liezhuan", "build_simpleqa", "build_timeqa",
           "liezhuan_gold", "timeqa_life"]
