"""Batch answers as Parquet. A Parquet file cannot be appended to safely, so a run writes its answers to a JSONL
sidecar beside it (``OUT.parquet.partial.jsonl``, one fsynced line per answer, as for a JSONL output) and turns
sidecar and any earlier Parquet rows into a new Parquet file at the end, through a temporary file and
``os.replace``: a run killed half way leaves the old Parquet file whole and its answers in the sidecar, and the
next run resumes from both. pyarrow is an optional dependency (``pip install -e ".[parquet]"``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from agent.errors import InputError

CITATION_FIELDS = ("marker", "passage_id", "source_title", "locator", "quote")
COLUMNS = ("id", "figure", "figure_name", "question", "text", "abstained", "abstain_reason", "citations", "language",
           "total_s")


def require_pyarrow() -> Any:
    """The pyarrow module, or a one-line InputError that says how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError("a .parquet answers file needs pyarrow",
                         hint='pip install pyarrow, or pip install -e ".[parquet]"; or write .jsonl or .csv') from None
    return pyarrow


def sidecar(out: Path) -> Path:
    """Where a run writes the answers that are not yet in the Parquet file ``out``."""
    return out.with_name(out.name + ".partial.jsonl")


def _schema(pa: Any) -> Any:
    citation = pa.struct([(name, pa.string()) for name in CITATION_FIELDS])
    return pa.schema([("id", pa.string()), ("figure", pa.string()), ("figure_name", pa.string()),
                      ("question", pa.string()), ("text", pa.string()), ("abstained", pa.bool_()),
                      ("abstain_reason", pa.string()), ("citations", pa.list_(citation)), ("language", pa.string()),
                      ("total_s", pa.float64())])


def _read(out: Path) -> Any:
    """The rows already in ``out`` as a table of our schema, or None when there is no such file."""
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    if not out.is_file():
        return None
    try:
        return pq.read_table(out, columns=list(COLUMNS)).cast(_schema(pa))
    except (pa.ArrowException, OSError, ValueError, KeyError) as exc:
        raise InputError(f"{out}: not a Parquet answers file of this tool ({str(exc).splitlines()[0]})",
                         hint="choose another -o, or move the file away") from None


def parquet_ids(out: Path) -> set[str]:
    """Ids of the answers already in the Parquet file ``out``."""
    table = _read(out)
    return set() if table is None else {str(v) for v in table.column("id").to_pylist()}


def _row(record: dict) -> dict:
    timings = record.get("timings") if isinstance(record.get("timings"), dict) else {}
    return {
        "id": str(record["id"]),
        "figure": str(record.get("figure") or ""),
        "figure_name": str(record.get("figure_name") or ""),
        "question": str(record.get("question") or ""),
        "text": str(record.get("text") or ""),
        "abstained": bool(record.get("abstained")),
        "abstain_reason": record.get("abstain_reason"),
        "citations": [{k: str(c.get(k) or "") for k in CITATION_FIELDS}
                      for c in record.get("citations") or [] if isinstance(c, dict)],
        "language": str(record.get("language") or ""),
        "total_s": float(timings.get("total") or 0.0),
    }


def _sidecar_rows(path: Path, skip: set[str]) -> list[dict]:
    rows: list[dict] = []
    seen = set(skip)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
                row = _row(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a torn last line of a killed run
            if row["id"] not in seen:
                seen.add(row["id"])
                rows.append(row)
    return rows


def finish_parquet(out: Path, partial: Path) -> int:
    """Move the answers of ``partial`` into the Parquet file ``out`` (replaced atomically), then remove
    ``partial``. Returns the number of rows ``out`` holds."""
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    old = _read(out)
    if not partial.is_file():
        return 0 if old is None else old.num_rows
    have = set() if old is None else {str(v) for v in old.column("id").to_pylist()}
    new = pa.Table.from_pylist(_sidecar_rows(partial, have), schema=_schema(pa))
    table = new if old is None else pa.concat_tables([old, new])
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    partial.unlink(missing_ok=True)  # killed before this line: the next run finds these ids in both, and keeps one
    return table.num_rows


__all__ = ["COLUMNS", "finish_parquet", "parquet_ids", "require_pyarrow", "sidecar"]
