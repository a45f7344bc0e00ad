"""What the model is sent for one question: the figure's system prompt, then the passages that fit the token
budget left after the prompt, the question and the answer's own tokens, then the question."""

from __future__ import annotations

from agent.answer import Passage
from agent.config import GenerationSettings
from agent.generate import prompts
from agent.generate.llm import ChatModel, Message
from agent.ingest.figures import Figure
from agent.text.script import detect_language, is_simplified

# Tokens kept free beside the system prompt and the question for the chat template's own markup.
TEMPLATE_TOKENS = 48
# A passage that does not fit whole is cut to the budget left, when at least this many tokens are left.
MIN_CUT_PASSAGE_TOKENS = 32


def system_prompt(figure: Figure, question: str) -> str:
    """The figure's system prompt in the question's language (and, for Chinese, its script)."""
    lang = prompts.language_key(detect_language(question))
    script = "simplified" if lang == "zh" and is_simplified(question) else "traditional"
    return prompts.SYSTEM[lang].format(name=figure.name(lang), life=figure.life, era=figure.era,
                                       voice=figure.voice_for(lang), script=prompts.SCRIPT_NAME[script])


def build_messages(figure: Figure, question: str, passages: list[Passage], llm: ChatModel,
                   generation: GenerationSettings) -> list[Message]:
    """The chat messages for this question and these passages, the passages budgeted in the model's tokens."""
    lang = prompts.language_key(detect_language(question))
    system = system_prompt(figure, question)
    fixed = llm.count_tokens(system) + llm.count_tokens(question) + TEMPLATE_TOKENS
    budget = max(0, generation.n_ctx - generation.max_tokens - fixed)
    blocks: list[str] = []
    for n, p in enumerate(passages, start=1):
        block = prompts.PASSAGE.format(n=n, locator=p.locator, text=p.text)
        cost = llm.count_tokens(block) + 1
        if cost > budget:
            if budget > MIN_CUT_PASSAGE_TOKENS:
                blocks.append(llm.truncate_to_tokens(block, budget))
            break
        blocks.append(block)
        budget -= cost
    user = prompts.USER[lang].format(passages="\n".join(blocks), question=question)
    return [Message("system", system), Message("user", user)]


__all__ = ["build_messages", "system_prompt"]
