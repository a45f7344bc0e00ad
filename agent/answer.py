"""The typed results every interface serialises: REPL, batch, eval and the Python API."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# The kind of a passage computed by code from the figure's chronology (a derived fact with its derivation), which
# no index stores.
CHRONOLOGY_KIND = "chronology"


@dataclass
class Passage:
    """A retrieved passage. ``score`` is its fused retrieval score; ``relevance`` in [0, 1] decides abstention."""

    id: str
    text: str
    source: str
    locator: str
    score: float
    relevance: float = 0.0
    kind: str = ""
    language: str = ""


@dataclass
class Citation:
    marker: str
    passage_id: str
    source_title: str
    locator: str
    quote: str


@dataclass
class ModelInfo:
    file: str
    sha256: str


@dataclass
class Timings:
    """Seconds; ``generation`` and ``tokens`` add up every model call of the answer (a regeneration too)."""

    retrieval: float = 0.0
    first_token: float | None = None
    total: float = 0.0
    generation: float = 0.0
    tokens: int = 0


@dataclass
class DateCheck:
    """One date or number the answer stated, or one sentence whose content failed, and what the guard found.

    ``kind`` "claim" is a sentence-level finding (``agent.verify.claims``): ``text`` holds the content no passage
    holds, and ``note`` says why ("no passage says this", "the question asks for a date or a number; the
    answer gives none", "the answer only repeats the question"); ``lo`` and ``hi`` are 0.
    ``status``: supported, contradicted (after the figure's cutoff, or the cited passage dates it otherwise)
    or unsupported. ``where``: cited, retrieved or timeline, for a supported one. ``action``: kept, hedged,
    dropped, or regenerated (a draft the model was asked to answer again).
    """

    sentence: str
    text: str
    kind: str  # "date", "number" or "claim"
    lo: int
    hi: int
    status: str
    where: str | None = None
    evidence: str | None = None  # passage id, or "timeline: <year_text>"
    note: str = ""
    action: str = "kept"


@dataclass
class Answer:
    figure: str
    question: str
    text: str
    language: str
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abstained: bool = False
    abstain_reason: str | None = None
    date_checks: list[DateCheck] = field(default_factory=list)
    model: ModelInfo | None = None
    timings: Timings = field(default_factory=Timings)
    context: str = ""  # what the model was shown: "whole" (the figure's sources in order) or "top-k"

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> "Answer":
        data = dict(data)
        data["citations"] = [Citation(**c) for c in data.get("citations", [])]
        data["passages"] = [Passage(**p) for p in data.get("passages", [])]
        data["model"] = ModelInfo(**data["model"]) if data.get("model") else None
        data["timings"] = Timings(**data.get("timings", {}))
        data["date_checks"] = [DateCheck(**c) for c in data.get("date_checks", [])]
        return cls(**data)


@dataclass
class TextCheck:
    """A text someone else wrote, checked against a figure's sources (``Agent.check``): every date, number and
    claim, with what decides it (``DateCheck.evidence``: the passage id, or the timeline), and the passages
    retrieved for its sentences, in the order their numbers in ``text`` refer to."""

    figure: str
    text: str  # the checked text, each sentence followed by the markers of the passages that support it
    checks: list[DateCheck] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


# -- what ``Agent.stream`` yields, in order: sentences as they pass the guard, a revision where the guard changed
# what was shown, then the final Answer.


@dataclass
class Sentence:
    """One sentence of the answer, released as soon as it was complete and passed the guard's checks (with the guard
    off: as soon as it was complete), with its citation markers and their citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    verified: bool = True


@dataclass
class Held:
    """A sentence of the draft that failed a check: nothing more of the draft is shown; the guard decides the rest."""

    sentence: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Revised:
    """The guard's answer does not continue the sentences already shown (it asked again, or cut one of them): this
    is the whole answer as checked, which replaces them."""

    text: str


@dataclass
class Done:
    answer: Answer


StreamEvent = Sentence | Held | Revised | Done

__all__ = ["Answer", "Citation", "DateCheck", "Done", "Held", "ModelInfo", "Passage", "Revised", "Sentence",
           "StreamEvent", "TextCheck", "Timings"]
