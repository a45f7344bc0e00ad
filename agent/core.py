"""The public entry object: ``load_agent(figure) -> Agent``; ``Agent.ask(question) -> Answer``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agent.answer import Answer, Done, ModelInfo, Passage, StreamEvent, TextCheck, Timings
from agent.config import Settings, load_settings
from agent.conversation import Conversation
from agent.errors import InputError
from agent.generate import prompts
from agent.generate.baseline import model_only_answer
from agent.generate.figure_prompt import FigurePrompt
from agent.generate.llm import ChatModel, Message, make_chat_model
from agent.index.chronology import Chronology
from agent.index.embeddings import Embedder, make_embedder
from agent.index.store import FigureIndex, ensure_index
from agent.ingest.corpus import read_specs
from agent.ingest.figures import Figure, get_figure
from agent.ingest.timeline import load_timeline
from agent.retrieve.hybrid import HybridRetriever, make_langchain_retriever
from agent.text.script import detect_language, in_script_of, script_sample
from agent.verify.age_at import age_at, age_passage, answer_age_at
from agent.verify.boundary import (
    AFTER_MY_TIME,
    NOT_PRESENT,
    KnowledgeBoundary,
    LaterItem,
    PassageDates,
    later_works,
    names_after_death,
)
from agent.verify.chronology import CHRONOLOGY_KIND, answer_from_chronology, asked_passage
from agent.verify.citations import cite_answer
from agent.verify.claims import asked_fact, asks_for_date
from agent.verify.guard import Guard, only_silence
from agent.verify.injection import strip_instructions
from agent.verify.release import SentenceGate, stream_events
from agent.verify.scholar import MAX_CHECK_CHARS, check_text
from agent.verify.silence import says_silent, states_silence
from agent.verify.trim import cut_repetition, drop_leading_questions
from agent.verify.verifier import Verifier

MAX_QUESTION_CHARS = 2000
NOT_IN_SOURCES = "not_in_sources"


class Agent(FigurePrompt):
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
        self._dating: dict[int | None, PassageDates] = {}
        self._reference: list[Passage] | None = None
        self._after_death: tuple[str, ...] | None = None
        self._works: tuple[LaterItem, ...] | None = None
        self._verifiers: dict[int | None, Verifier] = {}
        self._passage_years: dict[tuple, list] = {}  # the dates read in a shown passage, by life anchor and text
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

    def chronology(self) -> Chronology:
        """The figure's chronology, computed by code from its sources when its index was built: every dated
        sentence with its year and events, and the facts derived from them (birth year from the death year and
        the age at death, native place, courtesy name), each with the passages it rests on."""
        return self.index.chronology

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
        on_event: Callable[[StreamEvent], None] | None = None,
        history: Sequence[Answer] = (),
    ) -> Answer:
        """Answer in character from retrieved passages; abstain in character when they are silent.

        With the guard on (``settings.guard.enabled``, or ``guard=True``) the figure keeps to its knowledge
        cutoff (death, or ``as_of``), passages are stripped of instructions, and every date and number of the
        draft is checked against the sources: the model is asked once more, then failing sentences are
        hedged or dropped. ``on_token`` then receives the checked answer at the end instead of the draft.
        ``on_event`` receives the answer sentence by sentence as each passes the checks (``SentenceGate``), then
        ``Done``; ``stream`` yields the same events. ``history``: the earlier answers of a conversation
        (``Conversation``), which retrieval and the model take into account.
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
        scripted = script_sample(question, [a.question for a in history])  # 那是哪一年？ follows the conversation
        gate = SentenceGate(cite=None, check=None, emit=on_event or (lambda event: None),
                            convert=lambda text: in_script_of(text, scripted),
                            stopped=getattr(on_event, "stopped", lambda: False))

        def finish(text: str | None = None, reason: str | None = None, evidence: str = "") -> Answer:
            if reason:
                template = {AFTER_MY_TIME: prompts.ABSTAIN_AFTER_MY_TIME if evidence else prompts.ABSTAIN_AFTER_MY_TIME_PLAIN,
                            NOT_PRESENT: prompts.ABSTAIN_NOT_PRESENT}.get(reason, prompts.ABSTAIN_NOT_IN_SOURCES)
                text = template[lang].format(name=self.figure.name(lang), evidence=evidence)
                answer.abstained, answer.abstain_reason, answer.citations = True, reason, []
            answer.text = in_script_of(text or "", scripted)
            if on_token and not streamed:
                on_token(answer.text)
            answer.timings.total = round(time.perf_counter() - start, 4)
            if on_event:
                gate.finish(answer)
                on_event(Done(answer))
            return answer

        age = None  # the figure's age at the event asked about, from its birth year (with the guard on)

        def refuse() -> Answer:
            """Not in the sources, unless the chronology holds the fact asked for (with the guard on)."""
            found = answer_from_chronology(self.chronology(), question, lang, boundary) if guarded else None
            if found is None and age is not None:  # the age at an event, from the birth year
                passage = age_passage(age, lang)
                told, cited, told_checks = answer_age_at(age, passage, lang)
                found = (told, passage, cited, told_checks)
            if found is None:
                return finish(reason=NOT_IN_SOURCES)
            text, passage, citation, checks = found
            answer.passages = [passage, *(p for p in answer.passages if p.id != passage.id)]
            answer.citations = [citation]
            answer.date_checks = [*answer.date_checks, *checks]
            return finish(text)

        finding = boundary.check_question(question) if guarded else None
        if finding and finding.reason == AFTER_MY_TIME:
            return finish(reason=AFTER_MY_TIME, evidence=finding.evidence)
        passages = self._retrieve(question, history)
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
        # the chronology's fact the question asks for is relevant, whatever words the question uses
        fact = asked_passage(self.chronology(), question, lang, boundary)
        age = age_at(self.chronology(), question, boundary, history) if guarded and fact is None else None
        if age is not None:
            fact = age_passage(age, lang)
        if not relevant and fact is None:
            # later passages answer a question about later times, never one about the figure's own birth or origin
            if any(p.relevance >= min_rel for p in later) and asked_fact(question) is None:
                return finish(reason=AFTER_MY_TIME)
            return refuse()
        relevant, answer.context = self._context(relevant, fact, boundary, guarded)
        answer.passages = relevant
        messages = self.build_messages(question, relevant, boundary, context=answer.context, history=history)

        gate.cite = lambda text: self._cite(text, relevant)
        gate.check = (lambda supports: self._verifier(boundary).check(supports, relevant, question)) if guarded else None

        def stream(token: str) -> None:
            if on_event:
                gate.feed(token)
            if on_token and not guarded:
                streamed.append(token)
                on_token(in_script_of(token, scripted))

        generation = llm.generate(messages, on_token=stream if on_event or (on_token and not guarded) else None)
        answer.timings.first_token = None if generation.first_token_s is None else round(generation.first_token_s, 4)
        self._count(answer, generation)
        raw = drop_leading_questions(cut_repetition(in_script_of(generation.text.strip(), scripted)))
        if not raw or prompts.declines(raw, lang):
            return refuse()
        text, citations, supports = self._cite(raw, relevant)
        if not citations:
            # Nothing the model said is supported by a passage: the sources are silent on this.
            return refuse()
        if guarded:
            if all(says_silent(s.sentence) for s in supports):  # "史料中未載。[1]" is an abstention, not an answer
                return refuse()
            guard_ = self._guard(boundary, answer, scripted, lang)
            text, citations, checks = guard_.review(question, lang, messages, raw, (text, citations, supports), relevant)
            # a date or number that a chronology passage supports says so: it rests on a computation, not a quotation
            answer.date_checks = [replace(c, where=CHRONOLOGY_KIND) if c.status == "supported" and
                                  (c.evidence or "").startswith(CHRONOLOGY_KIND + ":") else c for c in checks]
            if citations and only_silence(text):
                citations = []  # asked again, the model said only that the sources are silent
            if not citations:  # every sentence failed its checks; the draft's dates are not repeated
                # A draft that spoke of a time after the figure's own marks the question as about later times,
                # unless the question asked for the date: "I was born in 1444" is a wrong answer, not the asker's
                # question reaching past the death.
                after = not asks_for_date(question) and any(
                    c.status == "contradicted" and c.note.startswith("after") for c in checks)
                return finish(reason=AFTER_MY_TIME) if after else refuse()
        answer.citations = citations
        return finish(text)

    @staticmethod
    def _count(answer: Answer, generation) -> None:
        answer.timings.generation = round(answer.timings.generation + generation.total_s, 4)
        answer.timings.tokens += generation.completion_tokens

    def _guard(self, boundary: KnowledgeBoundary, answer: Answer, question: str, lang: str) -> Guard:
        """The guard for this answer: asking again counts toward the answer's timings."""

        def redraft(messages: list[Message]) -> str:
            generation = self.llm.generate(messages)
            self._count(answer, generation)
            return cut_repetition(in_script_of(generation.text.strip(), question))

        return Guard(self._verifier(boundary), self.settings.guard, redraft, self._cite,
                     lambda text: prompts.declines(text, lang))

    def boundary(self, as_of: int | None = None, *, notes: bool = False) -> KnowledgeBoundary:
        """What the figure can know, up to its cutoff or up to ``as_of``; with ``notes``, also the names its own
        biographies and notes place after its death (this loads the index). A figure whose figure.toml gives no
        death year or cutoff (one made with ``agent figure add`` and no ``--died``) ends where its chronology does:
        the death year derived from its sources, else its latest dated event."""
        fig = self._dated_figure()
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

    def _dated_figure(self) -> Figure:
        fig = self.figure
        if fig.cutoff is not None or fig.died.year is not None:
            return fig
        chronology = self.chronology()
        died = chronology.facts.get("died")
        end = died.hi if died is not None and died.hi is not None else chronology.latest_year()
        return fig if end is None else replace(fig, cutoff=end)

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

    def stream(self, question: str, *, guard: bool | None = None, as_of: int | None = None) -> Iterator[StreamEvent]:
        """The answer as events, while it is made: each ``Sentence`` as soon as it has passed the guard, a ``Held``
        sentence that failed, a ``Revised`` answer where the guard changed what was shown, and last ``Done`` with
        the ``Answer`` that ``ask`` returns. Stopping the iteration early leaves the answer to finish unseen."""
        return stream_events(lambda emit: self.ask(question, guard=guard, as_of=as_of, on_event=emit))

    def conversation(self, *, as_of: int | None = None, guard: bool | None = None) -> Conversation:
        """A ``Conversation`` with this figure: questions answered with the earlier turns in mind."""
        return Conversation(self, as_of=as_of, guard=guard)

    def check(self, text: str, *, as_of: int | None = None) -> TextCheck:
        """Check a text someone else wrote against the figure's sources: every date, number and claim, supported,
        contradicted or unsupported, with the passage that decides it."""
        if not isinstance(text, str) or not text.strip():
            raise InputError("the text to check is empty", hint="give a paragraph about the figure")
        if len(text) > MAX_CHECK_CHARS:
            raise InputError(f"the text is {len(text)} characters long; the limit is {MAX_CHECK_CHARS}",
                             hint="check it a page at a time")
        return check_text(self, text.strip(), as_of)

    def ask_model_only(self, question: str) -> Answer:
        """The model alone, in character, with no retrieval (the eval baseline): no passages, no citations."""
        return model_only_answer(self.figure, self.llm, _check_question(question))

    # -- steps
    def _cite(self, text: str, passages: list[Passage]):
        return cite_answer(text, passages, self.embedder, self.index)


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty", hint="ask something, e.g. 你几时到的长安？")
    question = question.strip()
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"the question has a character that is not text at position {exc.start + 1} "
                         f"({question[exc.start]!a})", hint="retype the question") from None
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return question


def load_agent(
    figure: str,
    config: Settings | Path | None = None,
    *,
    embedder: Embedder | None = None,
    llm: ChatModel | None = None,
    progress: bool = False,
) -> Agent:
    """Build the agent for ``figure``: an id such as ``"li-bai"``, or a name or alias that one figure has
    (``"李白"``). Nothing heavy loads until first use."""
    from agent.library.catalog import resolve

    settings = config if isinstance(config, Settings) else load_settings(config)
    return Agent(get_figure(settings, resolve(settings, figure)), settings, embedder=embedder, llm=llm,
                 progress=progress)


__all__ = ["Agent", "load_agent"]
