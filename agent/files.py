"""Files written so that nothing is lost: atomic writes, a folder swapped in whole, a lock that makes a second
process wait, and TOML written by ``tomli-w``. One implementation each, for every stage."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from agent.errors import AgentError, CorpusError

# How long a second process waits for a lock before it says which file it is waiting on.
LOCK_TIMEOUT_S = 3600.0


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def swap_dir(stage: Path, target: Path) -> None:
    """Put the folder ``stage`` in place of ``target``; the old folder is removed only once the new one is there
    (restored if the swap fails)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(stage, target)
    except OSError:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# The hidden folders a multi-step change leaves beside (or inside) what it changes: `.NAME.tmp-PID`, the new
# folder being made; `.NAME.old-PID`, the folder it replaces, until the new one is in place.
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)(?:-\d+)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def recover_swaps(folder: Path) -> None:
    """Finish what a killed process left in ``folder``: a folder that was moved aside and never replaced (the
    process died between the two renames of ``swap_dir``) is put back; leftover new and old copies are removed.
    Folders of a process still running are left alone."""
    try:
        entries = [e for e in folder.iterdir() if e.name.startswith(".") and e.is_dir()]
    except OSError:
        return
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if not m or _alive(int(m.group("pid"))):
            continue
        target = folder / m.group("name")
        with contextlib.suppress(OSError):
            if m.group("kind") == "old" and not target.exists():
                os.replace(entry, target)
            else:
                shutil.rmtree(entry)


@contextmanager
def locked(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a ``.lock`` file beside what it guards); a second process waits here,
    then finds the work done. ``what`` names the work in the error when the wait is too long."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(path), timeout=LOCK_TIMEOUT_S):
            yield
    except Timeout:
        raise AgentError(f"waited {LOCK_TIMEOUT_S:.0f} s for another process to finish {what}",
                         hint=f"if no other agent command is running, remove {path}") from None


def toml_text(data: dict[str, Any]) -> str:
    """``data`` as TOML (None values left out)."""
    import tomli_w

    return tomli_w.dumps(_without_none(data))


def write_toml(path: Path, data: dict[str, Any]) -> None:
    write_text_atomic(path, toml_text(data))


def read_toml(path: Path) -> dict:
    """A TOML file's data (figure.toml, sources.toml, timeline.toml); bad TOML is a CorpusError naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid TOML: {exc}") from None


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


__all__ = ["LOCK_TIMEOUT_S", "locked", "read_toml", "swap_dir", "toml_text", "write_text_atomic", "write_toml"]
