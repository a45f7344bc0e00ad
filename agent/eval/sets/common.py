"""What the evaluation-set builders share: the :class:`EvalSet` record, reading the shared data, the output
folder and its temporary figures, question records and seeded sampling.

What each builder writes, and where: the ``agent.eval.sets`` package docstring.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from agent.config import CHECKOUT_DIR
from agent.errors import InputError
from agent.files import toml_text
from agent.generate.prompts import DEFAULT_VOICE

__all__ = ["EVAL_SETS", "EvalSet"]

EVAL_SETS = ("timeqa", "liezhuan", "simpleqa")
MARKER = ".evalset"


@dataclass
class EvalSet:
    """What a builder wrote. ``notes`` say how gold was decided and what was skipped (for RESULTS.md)."""

    name: str
    corpora_dir: Path | None  # the folder of temporary figures; None when the set uses built-in figures
    questions: Path  # the JSONL written
    figures: list[str]
    notes: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # questions per kind, and other tallies

    def to_dict(self) -> dict:
        return {"name": self.name, "corpora_dir": self.corpora_dir and str(self.corpora_dir),
                "questions": str(self.questions), "figures": self.figures, "counts": self.counts,
                "notes": self.notes}


# -- shared helpers


def need_file(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"evaluation data not found: {path}", hint="the shared folder (../shared) must be present")
    return path


def read_json(path: Path):
    try:
        return json.loads(need_file(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid UTF-8 JSON ({exc})") from None


def read_source_text(path: Path) -> str:
    try:
        return need_file(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def check_out(out: Path) -> Path:
    """The output folder, resolved; the repository's own figures and question files are off limits."""
    out = Path(out).expanduser().resolve()
    for forbidden in (CHECKOUT_DIR / "corpora", CHECKOUT_DIR / "eval", CHECKOUT_DIR / "agent"):
        if out == forbidden or forbidden in out.parents:
            raise InputError(f"will not build an evaluation set inside {forbidden}",
                             hint="give a temporary output folder outside the repository's corpora/ and eval/")
    return out


def start_set(out: Path, name: str, with_corpora: bool) -> tuple[Path, Path]:
    """Create ``out/questions`` (and ``out/corpora``), removing figures an earlier build of this set left."""
    out = check_out(out)
    corpora, questions = out / "corpora", out / "questions"
    questions.mkdir(parents=True, exist_ok=True)
    if corpora.is_dir():
        for sub in sorted(corpora.iterdir()):
            marker = sub / MARKER
            if marker.is_file() and marker.read_text(encoding="utf-8").strip() == name:
                shutil.rmtree(sub)
    if with_corpora:
        corpora.mkdir(parents=True, exist_ok=True)
    return corpora, questions


def figure_toml(figure_id: str, *, names: dict[str, str], aliases: list[str], born: int | str, died: int | str,
                era: str, languages: list[str], comment: str, cutoff: int | None = None) -> str:
    data = {"id": figure_id, "born": born, "died": died, "cutoff": cutoff, "era": era, "languages": languages,
            "default_language": languages[0], "names": {**names, **({"aliases": aliases} if aliases else {})},
            "voice": {lang: DEFAULT_VOICE[lang] for lang in languages}}
    return f"# {comment}\n" + toml_text(data)


def write_figure(corpora: Path, figure_id: str, set_name: str, files: dict[str, str]) -> None:
    root = corpora / figure_id
    if root.exists():
        raise InputError(f"{root} already exists and was not made by the {set_name} builder",
                         hint="use an empty output folder")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / MARKER).write_text(set_name + "\n", encoding="utf-8")


def write_outputs(out: Path, name: str, records: list[dict], result: EvalSet, params: dict) -> None:
    result.questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = check_out(out)
    manifest = {**result.to_dict(), "params": params}  # paths relative to out: the same build, the same bytes
    manifest["questions"] = str(result.questions.relative_to(out))
    manifest["corpora_dir"] = result.corpora_dir and str(result.corpora_dir.relative_to(out))
    (out / f"{name}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")


def question_record(qid: str, figure: str, question: str, lang: str, kind: str, *, answers=(), years=(),
                    passages=(), split: str = "") -> dict:
    rec = {"id": qid, "figure": figure, "question": question, "lang": lang, "kind": kind}
    if split:
        rec["split"] = split
    if answers:
        rec["answers"] = list(dict.fromkeys(answers))
    if years:
        rec["years"] = list(years)
    if passages:
        rec["passages"] = list(dict.fromkeys(passages))
    return rec


def sample_items(items: list, n: int | None, seed: int) -> list:
    """``n`` items drawn with ``random.Random(seed)`` from the (already sorted) list, kept in list order."""
    if n is None or n >= len(items):
        return list(items)
    if n < 0:
        raise InputError(f"cannot take {n} items; give a number of 0 or more")
    keep = set(random.Random(seed).sample(range(len(items)), n))
    return [item for i, item in enumerate(items) if i in keep]
