"""The public entry object: ``load_agent(figure) -> Agent``; ``Agent.ask(question) -> Answer``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import prompts
from .answer import Answer, ModelInfo, Passage, Timings
from .citations import attach_citations, split_answer
from .config import Settings, load_settings
from .embeddings import Embedder, make_embedder
from .errors import InputError
from .figures import Figure, get_figure
from .index import FigureIndex, ensure_index
from .llm import ChatModel, Message
from .modelfile import resolve_model
from .retrieval import HybridRetriever, make_langchain_retriever
from .textutil import detect_language, fold, is_simplified, to_simplified, to_traditional

MAX_QUESTION_CHARS = 2000


class Agent:
    """A historical figure that answers from its retrieved sources, in character, with citations.

    Collaborators are injected or built lazily from settings on first use.
    """

    def __init__(
        self,
        figure: Figure,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        llm: ChatModel | None = None,
        index: FigureIndex | None = None,
        progress: bool = False,
    ) -> None:
        self.figure = figure
        self.settings = settings
        self._embedder = embedder
        self._llm = llm
        self._index = index
        self._retriever: HybridRetriever | None = None
        self._positions: dict[str, int] | None = None
        self._progress = progress

    # -- collaborators
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedding, self.settings.models_dir)
        return self._embedder

    @property
    def llm(self) -> ChatModel:
        if self._llm is None:
            self._llm = make_chat_model(self.settings)
        return self._llm

    @property
    def index(self) -> FigureIndex:
        if self._index is None:
            self._index = ensure_index(self.figure, self.settings, self.embedder, progress=self._progress)
        return self._index

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            self._retriever = HybridRetriever(self.index, self.embedder, self.figure, self.settings.retrieval)
        return self._retriever

    # -- public API
    def retrieve(self, question: str, k: int | None = None) -> list[Passage]:
        """Passages for a question, best first, each with its fused score and relevance."""
        return self.retriever.retrieve(_check_question(question), k)

    def as_retriever(self, k: int | None = None) -> Any:
        """A LangChain ``BaseRetriever`` over this figure's sources."""
        return make_langchain_retriever(self.retriever, k)

    def ask(self, question: str, *, on_token: Callable[[str], None] | None = None) -> Answer:
        """Answer in character from retrieved passages; abstain in character when they are silent."""
        question = _check_question(question)
        llm = self.llm  # resolves (and on first use assembles) the model file; the weights load later
        start = time.perf_counter()
        language = detect_language(question)
        lang = prompts.language_key(language)
        passages = self.retriever.retrieve(question)
        retrieval_s = time.perf_counter() - start
        relevant = [p for p in passages if p.relevance >= self.settings.retrieval.min_relevance]
        answer = Answer(figure=self.figure.id, question=question, text="", language=lang, passages=passages)
        answer.model = ModelInfo(file=llm.model_file.name, sha256=llm.model_file.sha256)
        answer.timings = Timings(retrieval=round(retrieval_s, 4))
        if not relevant:
            answer.text = self._script(prompts.ABSTAIN_NOT_IN_SOURCES[lang].format(name=self.figure.name(lang)), question)
            answer.abstained, answer.abstain_reason = True, "not_in_sources"
            if on_token:
                on_token(answer.text)
            answer.timings.total = round(time.perf_counter() - start, 4)
            return answer
        answer.passages = relevant
        messages = self.build_messages(question, relevant)
        stream = (lambda token: on_token(self._script(token, question))) if on_token else None
        generation = llm.generate(messages, on_token=stream)
        raw = self._script(generation.text.strip(), question)
        if raw and not _is_cannot_answer(raw, lang):
            answer.text, answer.citations, _ = self._cite(raw, relevant)
        if not answer.citations:
            # Nothing the model said is supported by a passage: the sources are silent on this.
            answer.text = self._script(prompts.ABSTAIN_NOT_IN_SOURCES[lang].format(name=self.figure.name(lang)), question)
            answer.abstained, answer.abstain_reason = True, "not_in_sources"
        answer.timings.first_token = None if generation.first_token_s is None else round(generation.first_token_s, 4)
        answer.timings.total = round(time.perf_counter() - start, 4)
        return answer

    def ask_model_only(self, question: str) -> Answer:
        """The model alone, in character, with no retrieval (the eval baseline): no passages, no citations."""
        question = _check_question(question)
        llm = self.llm
        start = time.perf_counter()
        lang = prompts.language_key(detect_language(question))
        system = prompts.MODEL_ONLY_SYSTEM[lang].format(
            name=self.figure.name(lang), life=self.figure.life, era=self.figure.era, voice=self.figure.voice_for(lang)
        )
        generation = llm.generate([Message("system", system), Message("user", question)])
        answer = Answer(figure=self.figure.id, question=question, text=self._script(generation.text.strip(), question),
                        language=lang, model=ModelInfo(file=llm.model_file.name, sha256=llm.model_file.sha256))
        first = generation.first_token_s
        answer.timings = Timings(first_token=None if first is None else round(first, 4),
                                 total=round(time.perf_counter() - start, 4))
        return answer

    # -- steps
    def build_messages(self, question: str, passages: list[Passage]) -> list[Message]:
        """The chat messages sent to the model for this question and these passages (token-budgeted)."""
        lang = prompts.language_key(detect_language(question))
        script = "simplified" if lang == "zh" and is_simplified(question) else "traditional"
        system = prompts.SYSTEM[lang].format(
            name=self.figure.name(lang),
            life=self.figure.life,
            era=self.figure.era,
            voice=self.figure.voice_for(lang),
            script=prompts.SCRIPT_NAME[script],
        )
        budget = self._passage_budget(system, question)
        blocks: list[str] = []
        for n, p in enumerate(passages, start=1):
            block = prompts.PASSAGE.format(n=n, locator=p.locator, text=p.text)
            cost = self.llm.count_tokens(block) + 1
            if cost > budget:
                if budget > 32:
                    blocks.append(self.llm.truncate_to_tokens(block, budget))
                break
            blocks.append(block)
            budget -= cost
        user = prompts.USER[lang].format(passages="\n".join(blocks), question=question)
        return [Message("system", system), Message("user", user)]

    def _passage_budget(self, system: str, question: str) -> int:
        gen = self.settings.generation
        fixed = self.llm.count_tokens(system) + self.llm.count_tokens(question) + 48
        return max(0, gen.n_ctx - gen.max_tokens - fixed)

    def _cite(self, text: str, passages: list[Passage]):
        sentences = [sentence for sentence, _ in split_answer(text)]
        if not sentences:
            return attach_citations(text, passages)
        svecs = self.embedder.embed_documents(sentences)
        pvecs = np.vstack([self.index.dense.reconstruct(self._chunk_pos(p.id)) for p in passages])
        return attach_citations(text, passages, sentence_vectors=svecs, passage_vectors=pvecs)

    def _chunk_pos(self, passage_id: str) -> int:
        if self._positions is None:
            self._positions = {c.id: i for i, c in enumerate(self.index.chunks)}
        return self._positions[passage_id]

    @staticmethod
    def _script(text: str, question: str) -> str:
        """Write a Chinese answer in the script of the question."""
        if detect_language(question) != "zh" or detect_language(text) != "zh":
            return text
        return to_simplified(text) if is_simplified(question) else to_traditional(text)


def _is_cannot_answer(text: str, lang: str) -> bool:
    folded = fold(text)
    return any(fold(m) in folded for m in prompts.CANNOT_ANSWER_MARKERS[lang])


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty", hint="ask something, e.g. 你何时入长安？")
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return question


class AgentPool:
    """Agents for several figures sharing one embedder and one chat model (batch and eval)."""

    def __init__(self, settings: Settings, *, progress: bool = False) -> None:
        self.settings = settings
        self.progress = progress
        self._agents: dict[str, Agent] = {}
        self._embedder: Embedder | None = None
        self._llm: ChatModel | None = None

    def get(self, figure_id: str) -> Agent:
        if figure_id not in self._agents:
            figure = get_figure(self.settings, figure_id)
            if self._embedder is None:
                self._embedder = make_embedder(self.settings.embedding, self.settings.models_dir)
            if self._llm is None:
                self._llm = make_chat_model(self.settings)
            self._agents[figure_id] = Agent(
                figure, self.settings, embedder=self._embedder, llm=self._llm, progress=self.progress
            )
        return self._agents[figure_id]

    def ask(self, figure_id: str, question: str) -> Answer:
        return self.get(figure_id).ask(question)


def make_chat_model(settings: Settings) -> ChatModel:
    """The configured chat model: the file is resolved (assembled on first use); weights load on first call."""
    return ChatModel(resolve_model(settings.generation.model, settings.models_dir), settings.generation)


def load_agent(
    figure: str,
    config: Settings | Path | None = None,
    *,
    embedder: Embedder | None = None,
    llm: ChatModel | None = None,
    progress: bool = False,
) -> Agent:
    """Build the agent for ``figure`` (an id such as ``"li-bai"``). Nothing heavy loads until first use."""
    settings = config if isinstance(config, Settings) else load_settings(config)
    return Agent(get_figure(settings, figure), settings, embedder=embedder, llm=llm, progress=progress)


__all__ = ["Agent", "AgentPool", "load_agent", "make_chat_model"]
