"""What the evaluation-set builders share: the :class:`EvalSet` record, reading the shared data, the output
folder and its temporary figures, question records and seeded sampling.

What each builder writes, and where: the ``agent.evalsets`` package docstring.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CHECKOUT_DIR
from ..errors import InputError
from ..prompts import DEFAULT_VOICE

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


def _need(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"evaluation data not found: {path}", hint="the shared folder (../shared) must be present")
    return path


def _read_json(path: Path):
    try:
        return json.loads(_need(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid UTF-8 JSON ({exc})") from None


def _read_text(path: Path) -> str:
    try:
        return _need(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def _check_out(out: Path) -> Path:
    """The output folder, resolved; the repository's own figures and question files are off limits."""
    out = Path(out).expanduser().resolve()
    for forbidden in (CHECKOUT_DIR / "corpora", CHECKOUT_DIR / "eval", CHECKOUT_DIR / "agent"):
        if out == forbidden or forbidden in out.parents:
            raise InputError(f"will not build an evaluation set inside {forbidden}",
                             hint="give a temporary output folder outside the repository's corpora/ and eval/")
    return out


def _start(out: Path, name: str, with_corpora: bool) -> tuple[Path, Path]:
    """Create ``out/questions`` (and ``out/corpora``), removing figures an earlier build of this set left."""
    out = _check_out(out)
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


def _toml(value) -> str:
    """A TOML value: JSON string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _figure_toml(figure_id: str, *, names: dict[str, str], aliases: list[str], born: int | str, died: int | str,
                 era: str, languages: list[str], comment: str, cutoff: int | None = None) -> str:
    lines = [f"# {comment}", f"id = {_toml(figure_id)}", f"born = {_toml(born)}", f"died = {_toml(died)}",
             *([f"cutoff = {cutoff}"] if cutoff is not None else []),
             f"era = {_toml(era)}", f"languages = {_toml(languages)}", f"default_language = {_toml(languages[0])}",
             "", "[names]"]
    lines += [f"{lang} = {_toml(name)}" for lang, name in names.items()]
    if aliases:
        lines.append(f"aliases = {_toml(aliases)}")
    lines += ["", "[voice]"] + [f"{lang} = {_toml(DEFAULT_VOICE[lang])}" for lang in languages]
    return "\n".join(lines) + "\n"


def _write_figure(corpora: Path, figure_id: str, set_name: str, files: dict[str, str]) -> None:
    root = corpora / figure_id
    if root.exists():
        raise InputError(f"{root} already exists and was not made by the {set_name} builder",
                         hint="use an empty output folder")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / MARKER).write_text(set_name + "\n", encoding="utf-8")


def _write_outputs(out: Path, name: str, records: list[dict], result: EvalSet, params: dict) -> None:
    result.questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = _check_out(out)
    manifest = {**result.to_dict(), "params": params}  # paths relative to out: the same build, the same bytes
    manifest["questions"] = str(result.questions.relative_to(out))
    manifest["corpora_dir"] = result.corpora_dir and str(result.corpora_dir.relative_to(out))
    (out / f"{name}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")


def _question(qid: str, figure: str, question: str, lang: str, kind: str, *, answers=(), years=(),
              passages=()) -> dict:
    rec = {"id": qid, "figure": figure, "question": question, "lang": lang, "kind": kind}
    if answers:
        rec["answers"] = list(dict.fromkeys(answers))
    if years:
        rec["years"] = list(years)
    if passages:
        rec["passages"] = list(dict.fromkeys(passages))
    return rec


def _sample(items: list, n: int | None, seed: int) -> list:
    """``n`` items drawn with ``random.Random(seed)`` from the (already sorted) list, kept in list order."""
    if n is None or n >= len(items):
        return list(items)
    if n < 0:
        raise InputError(f"cannot take {n} items; give a number of 0 or more")
    keep = set(random.Random(seed).sample(range(len(items)), n))
    return [item for i, item in enumerate(items) if i in keep]
