"""What becomes of a sentence that fails its checks: an in-character hedge in its place, or nothing; the sentences
that stand keep their citations."""

from __future__ import annotations

from dataclasses import replace

from agent.answer import Citation, DateCheck, Passage
from agent.verify.citations import SentenceSupport, best_quote


def failing(checks: list[DateCheck]) -> list[DateCheck]:
    return [c for c in checks if c.status != "supported"]


def hedge(
    supports: list[SentenceSupport],
    checks: list[DateCheck],
    passages: list[Passage],
    hedge_text: str,
    *,
    drop: bool = False,
    joiner: str = "",
    claim_hedge_text: str | None = None,
) -> tuple[str, list[Citation], list[DateCheck]]:
    """Rewrite each sentence with a failing check into ``hedge_text`` (``claim_hedge_text`` when only its content
    failed; one hedge in a row), or drop it. A kept sentence also cites the retrieved passages that support its
    dates and numbers, so that every date the answer states stands in a passage it cites.

    Returns the new text with its markers, the citations still used, and the checks with their action.
    """
    bad = {c.sentence for c in failing(checks)}
    dated = {c.sentence for c in failing(checks) if c.kind != "claim"}
    number_of = {p.id: n for n, p in enumerate(passages, start=1)}
    evidence: dict[str, list[int]] = {}
    for c in checks:
        if c.status == "supported" and c.where == "retrieved" and c.evidence in number_of:
            evidence.setdefault(c.sentence, []).append(number_of[c.evidence])
    parts: list[str] = []
    used: dict[int, Citation] = {}
    for s in supports:
        if s.sentence in bad:
            line = hedge_text if s.sentence in dated or claim_hedge_text is None else claim_hedge_text
            if not drop and (not parts or parts[-1] not in (hedge_text, claim_hedge_text)):
                parts.append(line)
            continue
        numbers = list(dict.fromkeys([*s.passage_numbers, *evidence.get(s.sentence, [])]))
        parts.append(s.sentence + "".join(f"[{n}]" for n in numbers))
        for n in numbers:
            if n not in used and 1 <= n <= len(passages):
                p = passages[n - 1]
                used[n] = Citation(f"[{n}]", p.id, p.source, p.locator, best_quote(s.sentence, p.text))
    action = "dropped" if drop else "hedged"
    checks = [replace(c, action=action) if c.sentence in bad and c.action != "dropped" else c for c in checks]
    return joiner.join(parts), [used[n] for n in sorted(used)], checks


__all__ = ["failing", "hedge"]
