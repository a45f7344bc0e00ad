"""The baseline ``agent eval --mode model-only`` measures the sources against: the model alone, in character."""

from __future__ import annotations

import time

from agent.answer import Answer, ModelInfo, Timings
from agent.generate import prompts
from agent.generate.llm import ChatModel, Message
from agent.ingest.figures import Figure
from agent.text.script import detect_language, in_script_of


def model_only_answer(figure: Figure, llm: ChatModel, question: str) -> Answer:
    """The model's answer with no retrieval: no passages, no citations, no guard."""
    start = time.perf_counter()
    lang = prompts.language_key(detect_language(question))
    system = prompts.MODEL_ONLY_SYSTEM[lang].format(
        name=figure.name(lang), life=figure.life, era=figure.era, voice=figure.voice_for(lang))
    generation = llm.generate([Message("system", system, fixed=len(system)), Message("user", question)])
    answer = Answer(figure=figure.id, question=question, text=in_script_of(generation.text.strip(), question),
                    language=lang, model=ModelInfo(file=llm.model_file.name, sha256=llm.model_file.sha256))
    first = generation.first_token_s
    answer.timings = Timings(first_token=None if first is None else round(first, 4),
                             total=round(time.perf_counter() - start, 4))
    answer.timings.generation = round(generation.total_s, 4)
    answer.timings.tokens = generation.completion_tokens
    return answer


__all__ = ["model_only_answer"]
