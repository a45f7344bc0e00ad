"""The public entry object: ``load_agent(figure) -> Agent``; ``Agent.ask(question) -> Answer``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import prompts
from .answer import Answer, DateCheck, ModelInfo, Passage, Timings
from .boundary import AFTER_MY_TIME, NOT_PRESENT, KnowledgeBoundary, LaterItem, PassageDates, later_works, names_after_death
from .citations import attach_citations, split_answer
from .claims import asks_for_date, asks_several
from .config import Settings, load_settings
from .corpus import read_specs
from .embeddings import Embedder, make_embedder
from .errors import InputError
from .figures import Figure, get_figure
from .guard import Verifier, failing, hedge, strip_instructions
from .trim import trim_dates, trim_glosses, trim_premises
from .index import FigureIndex, ensure_index
from .llm import ChatModel, Message
from .modelfile import resolve_model
from .retrieval import HybridRetriever, make_langchain_retriever
from .silence import says_silent, states_silence
from .textutil import detect_language, fold, is_simplified, to_simplified, to_traditional
from .timeline import load_timeline

MAX_QUESTION_CHARS = 2000
NOT_IN_SOURCES = "not_in_sources"


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
        self._dating: dict[int | None, PassageDates] = {}
        self._reference: list[Passage] | None = None
        self._after_death: tuple[str, ...] | None = None
        self._works: tuple[LaterItem, ...] | None = None
        self._verifiers: dict[int | None, Verifier] = {}
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

    def ask(
        self,
        question: str,
        *,
        on_token: Callable[[str], None] | None = None,
        guard: bool | None = None,
        as_of: int | None = None,
    ) -> Answer:
        """Answer in character from retrieved passages; abstain in character when they are silent.

        With the guard on (``settings.guard.enabled``, or ``guard=True``) the figure keeps to its knowledge
        cutoff (death, or ``as_of``), passages are stripped of instructions, and every date and number of the
        draft is checked against the sources: the model is asked once more, then failing sentences are
        hedged or dropped. ``on_token`` then receives the checked answer at the end instead of the draft.
        """
        question = _check_question(question)
        llm = self.llm  # resolves (and on first use assembles) the model file; the weights load later
        gs = self.settings.guard
        guarded = gs.enabled if guard is None else guard
        boundary = self.boundary(gs.as_of if as_of is None else as_of, notes=guarded)
        start = time.perf_counter()
        lang = prompts.language_key(detect_language(question))
        answer = Answer(figure=self.figure.id, question=question, text="", language=lang)
        answer.model = ModelInfo(file=llm.model_file.name, sha256=llm.model_file.sha256)
        streamed: list[str] = []

        def finish(text: str | None = None, reason: str | None = None, evidence: str = "") -> Answer:
            if reason:
                template = {AFTER_MY_TIME: prompts.ABSTAIN_AFTER_MY_TIME if evidence else prompts.ABSTAIN_AFTER_MY_TIME_PLAIN,
                            NOT_PRESENT: prompts.ABSTAIN_NOT_PRESENT}.get(reason, prompts.ABSTAIN_NOT_IN_SOURCES)
                text = template[lang].format(name=self.figure.name(lang), evidence=evidence)
                answer.abstained, answer.abstain_reason, answer.citations = True, reason, []
            answer.text = self._script(text or "", question)
            if on_token and not streamed:
                on_token(answer.text)
            answer.timings.total = round(time.perf_counter() - start, 4)
            return answer

        finding = boundary.check_question(question) if guarded else None
        if finding and finding.reason == AFTER_MY_TIME:
            return finish(reason=AFTER_MY_TIME, evidence=finding.evidence)
        passages = self.retriever.retrieve(question)
        answer.timings = Timings(retrieval=round(time.perf_counter() - start, 4))
        answer.passages = passages
        min_rel = self.settings.retrieval.min_relevance
        later: list[Passage] = []
        if guarded:
            dating = self._passage_dates(boundary)
            later = [p for p in passages if dating.after_cutoff(p.id)]
            passages = [strip_instructions(p) for p in passages if p not in later]
        relevant = [p for p in passages if p.relevance >= min_rel]
        if finding and finding.reason == NOT_PRESENT and not boundary.speaks_of([p.text for p in relevant], finding.year):
            return finish(reason=NOT_PRESENT, evidence=finding.evidence)
        if not relevant:
            if any(p.relevance >= min_rel for p in later):
                return finish(reason=AFTER_MY_TIME)
            return finish(reason=NOT_IN_SOURCES)
        answer.passages = relevant
        messages = self.build_messages(question, relevant)

        def stream(token: str) -> None:
            streamed.append(token)
            on_token(self._script(token, question))

        generation = llm.generate(messages, on_token=stream if on_token and not guarded else None)
        answer.timings.first_token = None if generation.first_token_s is None else round(generation.first_token_s, 4)
        self._count(answer, generation)
        raw = self._script(generation.text.strip(), question)
        if not raw or _is_cannot_answer(raw, lang):
            return finish(reason=NOT_IN_SOURCES)
        text, citations, supports = self._cite(raw, relevant)
        if not citations:
            # Nothing the model said is supported by a passage: the sources are silent on this.
            return finish(reason=NOT_IN_SOURCES)
        if guarded:
            if all(says_silent(s.sentence) for s in supports):  # "史料中未載。[1]" is an abstention, not an answer
                return finish(reason=NOT_IN_SOURCES)
            text, citations, checks = self._verify(answer, messages, raw, text, citations, supports, relevant, boundary)
            answer.date_checks = checks
            if citations and all(says_silent(s) for s, _ in split_answer(text)):
                citations = []  # asked again, the model said only that the sources are silent
            if not citations:  # every sentence failed its checks; the draft's dates are not repeated
                # A draft that spoke of a time after the figure's own marks the question as about later times,
                # unless the question asked for the date: "I was born in 1444" is a wrong answer, not the asker's
                # question reaching past the death.
                after = not asks_for_date(question) and any(
                    c.status == "contradicted" and c.note.startswith("after") for c in checks)
                return finish(reason=AFTER_MY_TIME if after else NOT_IN_SOURCES)
        answer.citations = citations
        return finish(text)

    @staticmethod
    def _count(answer: Answer, generation) -> None:
        answer.timings.generation = round(answer.timings.generation + generation.total_s, 4)
        answer.timings.tokens += generation.completion_tokens

    def _verify(self, answer, messages, raw, text, citations, supports, passages, boundary):
        """The guard's policy: check the draft; if a date or number fails, ask once more; hedge what still fails."""
        question, lang = answer.question, answer.language
        verifier = self._verifier(boundary)
        checks = verifier.check(supports, passages, question)
        joiner = "" if lang == "zh" else " "
        if not failing(checks):
            return _cite_evidence(text, citations, supports, checks, passages, joiner)
        gs = self.settings.guard
        earlier: list[DateCheck] = []
        if gs.regenerate:
            request = _feedback(failing(checks), lang, verifier.hints(failing(checks), passages))
            retry = [*messages, Message("assistant", raw), Message("user", request)]
            generation = self.llm.generate(retry)
            self._count(answer, generation)
            raw2 = self._script(generation.text.strip(), question)
            if raw2 and not _is_cannot_answer(raw2, lang):
                text2, citations2, supports2 = self._cite(raw2, passages)
                checks2 = verifier.check(supports2, passages, question) if citations2 else []
                if citations2 and not failing(checks2):
                    text2, citations2, checks2 = _cite_evidence(text2, citations2, supports2, checks2, passages, joiner)
                    return text2, citations2, [replace(c, action="regenerated") for c in checks] + checks2
                # Hedge whichever draft keeps more sentences that pass (the second when they tie): asked again,
                # the model sometimes drops the one supported sentence it had.
                if citations2 and _passing(supports2, checks2) >= _passing(supports, checks):
                    earlier = [replace(c, action="regenerated") for c in checks]
                    text, citations, supports, checks = text2, citations2, supports2, checks2
                else:
                    earlier = [replace(c, action="regenerated") for c in checks2]
        supports, checks = trim_glosses(verifier, supports, checks, passages, question)
        supports, checks = trim_premises(verifier, supports, checks, passages, question)
        supports, checks = trim_dates(verifier, supports, checks, passages, question)
        checks += _unanswered(verifier, supports, checks, passages, question)
        text, citations, checks = hedge(supports, checks, passages, prompts.HEDGE[lang], drop=gs.on_failure == "drop",
                                        joiner=joiner, claim_hedge_text=prompts.HEDGE_CLAIM[lang])
        return text, citations, earlier + checks

    def boundary(self, as_of: int | None = None, *, notes: bool = False) -> KnowledgeBoundary:
        """What the figure can know, up to its cutoff or up to ``as_of``; with ``notes``, also the names its own
        biographies and notes place after its death (this loads the index)."""
        fig = self.figure
        if as_of is not None:
            end = fig.died.year if fig.died.year is not None else fig.cutoff
            if end is not None and as_of > end:
                raise InputError(f"--as-of {as_of} is after {fig.name('en')}'s death ({end})", hint=f"pick a year up to {end}")
            if fig.born.year is not None and as_of < fig.born.year:
                raise InputError(f"--as-of {as_of} is before {fig.name('en')}'s birth ({fig.born.year})",
                                 hint=f"pick a year from {fig.born.year}")
        if notes and self._after_death is None:
            self._after_death = names_after_death(fig, [p.text for p in self.reference_passages()])
        if self._works is None:
            self._works = later_works(fig, read_specs(fig))
        return KnowledgeBoundary(fig, as_of, later_names=self._after_death if notes else (), works=self._works)

    def reference_passages(self) -> list[Passage]:
        """The figure's secondary and team-written passages: its biographies and notes, in each language."""
        if self._reference is None:
            self._reference = [Passage(id=c.id, text=c.text, source=c.source_title, locator=c.locator, score=0.0,
                                   kind=c.kind, language=c.language)
                           for c in self.index.chunks if c.kind != "primary"]
        return self._reference

    def silence_notes(self) -> list[Passage]:
        """The reference passages that may say what the sources do not give."""
        return [p for p in self.reference_passages() if states_silence(p.text)]

    def _verifier(self, boundary: KnowledgeBoundary) -> Verifier:
        """One verifier per cutoff, kept across questions: the timeline, the notes of silence and what it read
        from each passage are read once."""
        if boundary.cutoff not in self._verifiers:
            dating = self._passage_dates(boundary)
            reference = [p for p in self.reference_passages() if not dating.after_cutoff(p.id)]
            self._verifiers[boundary.cutoff] = Verifier(boundary, load_timeline(self.figure), notes=self.silence_notes(),
                                                        reference=reference)
        return self._verifiers[boundary.cutoff]

    def _passage_dates(self, boundary: KnowledgeBoundary) -> PassageDates:
        key = boundary.cutoff
        if key not in self._dating:
            self._dating[key] = PassageDates(boundary, self.index.chunks)
        return self._dating[key]

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
        self._count(answer, generation)
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


def _cite_evidence(text, citations, supports, checks: list[DateCheck], passages, joiner: str):
    """A draft that passed, also citing the retrieved passages its dates and numbers were found in (``hedge``
    with nothing to hedge); unchanged when every one was found in a passage it cites already."""
    if not any(c.where == "retrieved" for c in checks):
        return text, citations, checks
    return hedge(supports, checks, passages, "", joiner=joiner)


def _passing(supports, checks: list[DateCheck]) -> int:
    """How many cited sentences of a draft pass every check."""
    bad = {c.sentence for c in failing(checks)}
    return sum(1 for s in supports if s.passage_numbers and s.sentence not in bad and not says_silent(s.sentence))


def _unanswered(verifier: Verifier, supports, checks: list[DateCheck], passages, question: str) -> list[DateCheck]:
    """The checks that fail once the failing sentences are gone: what is left must still answer the question (a
    year asked for and the sentence with the year hedged leaves "The man who shot me was an assassin's hand.")."""
    bad = {c.sentence for c in failing(checks)}
    kept = [s for s in supports if s.sentence not in bad]
    if not bad or not kept or asks_several(question):  # a question in parts may be answered in part
        return []
    return failing(verifier.check(kept, passages, question))


def _feedback(failed: list[DateCheck], lang: str, hints: list[str] = ()) -> str:
    """The guard's request to answer again, naming what failed: dates and numbers (with what the passages state
    instead, ``hints``), else the sentences."""
    quote = (lambda t: t) if lang == "zh" else (lambda t: f'"{t}"')
    sep = "、" if lang == "zh" else ", "
    dated = [c.text for c in failed if c.kind != "claim"]
    if dated:
        text = prompts.REGENERATE[lang].format(items=sep.join(dict.fromkeys(quote(t) for t in dated)))
        if hints:
            text += prompts.REGENERATE_HINT[lang].format(items=sep.join(quote(h) for h in hints))
        return text
    return prompts.REGENERATE_CLAIM[lang].format(items=sep.join(dict.fromkeys(quote(c.sentence) for c in failed)))


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
