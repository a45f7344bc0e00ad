"""The typed results every interface serialises: REPL, batch, eval and the Python API."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


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
    retrieval: float = 0.0
    first_token: float | None = None
    total: float = 0.0


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
    date_checks: list[dict] = field(default_factory=list)
    model: ModelInfo | None = None
    timings: Timings = field(default_factory=Timings)

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
        return cls(**data)


__all__ = ["Answer", "Citation", "ModelInfo", "Passage", "Timings"]
