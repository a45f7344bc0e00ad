"""What the model is sent for one question: the figure's system prompt, then the passages that fit the token
budget left after the prompt, the question and the answer's own tokens, then the question.

Passages come in the order given and are numbered by their place in it, so that the figure's fixed passages (its
whole sources) form a prefix that is the same for every question. A chronology passage (a fact computed by code)
is always shown: its tokens are set aside before the others are budgeted. Every reign-era or 干支 date in a
passage carries its Western year in brackets (天聖九年〔1031〕), read by the same date reader as the guard's, so the
model copies a year instead of computing one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agent.answer import CHRONOLOGY_KIND, Passage
from agent.config import GenerationSettings
from agent.dates import DateMention
from agent.generate import prompts
from agent.generate.llm import ChatModel, Message
from agent.ingest.figures import Figure
from agent.text.script import detect_language, is_simplified
from agent.verify.citations import MARKER_RE

# Tokens kept free beside the system prompt and the question for the chat template's own markup.
TEMPLATE_TOKENS = 48
# A passage that does not fit whole is cut to the budget left, when at least this many tokens are left.
MIN_CUT_PASSAGE_TOKENS = 32
# Dates that get a bracketed Western year: those a reader of the passage cannot turn into one without a table.
BRACKETED_KINDS = frozenset({"era", "sexagenary"})
PINNED_KINDS = frozenset({CHRONOLOGY_KIND})
# A date followed this closely by its Western year in digits (天寶元年（742年）, 天寶元年即742年) gets no bracket.
GIVEN_YEAR_CHARS = 6


def with_western_years(text: str, dates: Sequence[DateMention]) -> str:
    """``text`` with the Western year in brackets after every reign-era or 干支 date that names one year
    (天聖九年 -> 天聖九年〔1031〕; 前 for BC); dates spanning several years, and dates the text follows with
    their year already, are left as written."""
    out, at = [], 0
    for d in sorted(dates, key=lambda d: d.start):
        if d.kind not in BRACKETED_KINDS or d.lo != d.hi or d.start < at:
            continue
        if str(abs(d.lo)) in text[d.end:d.end + GIVEN_YEAR_CHARS + len(str(abs(d.lo)))]:
            continue
        year = f"前{-d.lo}" if d.lo < 0 else str(d.lo)
        out += [text[at:d.end], f"〔{year}〕"]
        at = d.end
    return "".join(out) + text[at:]


def _history_block(history: Sequence[tuple[str, str]], lang: str, llm: ChatModel, budget: int) -> str:
    """The latest turns that fit ``budget`` tokens, oldest first, their answers without citation markers."""
    turns: list[str] = []
    for question, answer in reversed(list(history)):
        turn = prompts.TURN[lang].format(question=question, answer=MARKER_RE.sub("", answer).strip())
        cost = llm.count_tokens(turn) + 1
        if cost > budget:
            break
        turns.insert(0, turn)
        budget -= cost
    return prompts.HISTORY[lang].format(turns="\n".join(turns)) if turns else ""


def system_prompt(figure: Figure, question: str, script: str = "traditional") -> str:
    """The figure's system prompt in the question's language. A Chinese one asks for ``script``, the script of
    the figure's own sources, whatever the question's: the prompt stays the same for every question, and the answer
    is written in the question's script by code (``in_script_of``)."""
    lang = prompts.language_key(detect_language(question))
    return prompts.SYSTEM[lang].format(name=figure.name(lang), life=figure.life, era=figure.era,
                                       voice=figure.voice_for(lang), script=prompts.SCRIPT_NAME[script])


def sources_script(texts: Sequence[str]) -> str:
    """'simplified' when the figure's sources are written in simplified characters, else 'traditional'."""
    sample = "".join(texts)[:4000]
    return "simplified" if detect_language(sample) == "zh" and is_simplified(sample) else "traditional"


def build_messages(figure: Figure, question: str, passages: list[Passage], llm: ChatModel,
                   generation: GenerationSettings, dates: Callable[[str], Sequence[DateMention]] | None = None,
                   *, fixed_passages: int = 0, script: str = "traditional", history: Sequence[tuple[str, str]] = (),
                   ) -> list[Message]:
    """The chat messages for this question and these passages, the passages budgeted in the model's tokens;
    ``dates`` reads a passage's dates for the bracketed Western years (none without it). The first
    ``fixed_passages`` passages are the same for every question (a whole-source figure's): the messages mark the
    system prompt and those passages, where shown whole, as their fixed prefix. ``history`` is the conversation's
    earlier (question, answer) pairs, oldest first: shown after the passages, the latest first kept within
    ``generation.history_tokens``, so the passages keep their budget."""
    lang = prompts.language_key(detect_language(question))
    system = system_prompt(figure, question, script)
    earlier = _history_block(history, lang, llm, generation.history_tokens)
    reserved = llm.count_tokens(system) + llm.count_tokens(question) + llm.count_tokens(earlier) + TEMPLATE_TOKENS
    blocks = {n: prompts.PASSAGE.format(n=n, locator=p.locator,
                                        text=with_western_years(p.text, dates(p.text)) if dates else p.text)
              for n, p in enumerate(passages, start=1)}
    pinned = [n for n, p in enumerate(passages, start=1) if p.kind in PINNED_KINDS]
    budget = max(0, generation.n_ctx - generation.max_tokens - reserved
                 - sum(llm.count_tokens(blocks[n]) + 1 for n in pinned))
    shown: list[str] = []
    whole = 0  # leading fixed passages shown whole
    for n, block in blocks.items():
        if n in pinned:
            shown.append(block)
            continue
        cost = llm.count_tokens(block) + 1
        if cost > budget:
            if budget > MIN_CUT_PASSAGE_TOKENS:
                shown.append(llm.truncate_to_tokens(block, budget))
            budget = 0
            continue
        shown.append(block)
        budget -= cost
        whole += n == whole + 1 and n <= fixed_passages
    user = prompts.USER[lang].format(passages="\n".join(shown), history=earlier, question=question)
    head = prompts.USER[lang].split("{passages}")[0]
    fixed = len(head) + (len("\n".join(shown[:whole])) + 1 if whole else 0)
    return [Message("system", system, fixed=len(system)), Message("user", user, fixed=min(fixed, len(user)))]


__all__ = ["build_messages", "sources_script", "system_prompt", "with_western_years"]
