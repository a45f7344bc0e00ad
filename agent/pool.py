"""Agents for many figures in one process (batch and eval): one embedder and one chat model shared by all.

The factories are looked up on their modules when called, not bound at import: a module first imported while a
test has replaced a factory must not keep the replacement."""

from __future__ import annotations

from agent.answer import Answer
from agent.config import Settings
from agent.core import Agent
from agent.generate import llm as chat
from agent.generate.llm import ChatModel
from agent.index import embeddings
from agent.index.embeddings import Embedder
from agent.ingest.figures import get_figure


class AgentPool:
    """Agents for several figures sharing one embedder and one chat model (batch and eval)."""

    def __init__(self, settings: Settings, *, progress: bool = False, embedder: Embedder | None = None,
                 llm: ChatModel | None = None) -> None:
        """``embedder`` and ``llm`` default to the configured ones, made on the first question."""
        self.settings = settings
        self.progress = progress
        self._agents: dict[str, Agent] = {}
        self._embedder = embedder
        self._llm = llm

    def get(self, figure_id: str) -> Agent:
        if figure_id not in self._agents:
            figure = get_figure(self.settings, figure_id)
            if self._embedder is None:
                self._embedder = embeddings.make_embedder(self.settings.embedding, self.settings.models_dir)
            if self._llm is None:
                self._llm = chat.make_chat_model(self.settings)
            self._agents[figure_id] = Agent(
                figure, self.settings, embedder=self._embedder, llm=self._llm, progress=self.progress
            )
        return self._agents[figure_id]

    def ask(self, figure_id: str, question: str) -> Answer:
        return self.get(figure_id).ask(question)


__all__ = ["AgentPool"]
