"""One small adapter over ``llama_cpp.Llama``: explicit context, CPU threads, temperature 0, streaming."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from agent.config import GenerationSettings, Settings
from agent.errors import ModelError
from agent.generate.modelfile import ModelFile, resolve_model


def cpu_has_amx(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """True when the CPU advertises Intel AMX (``amx_int8``); False where that cannot be read."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            return any(line.startswith("flags") and " amx_int8" in line for line in fh)
    except OSError:
        return False


_PARAMS_LOCK = threading.Lock()


@contextlib.contextmanager
def _extra_buffers(enabled: bool) -> Iterator[None]:
    """Load a model with llama.cpp's extra weight buffers (AMX, CPU repack) on or off. ``Llama`` does not take
    ``use_extra_bufts``, so the default model parameters it starts from are wrapped while it loads."""
    if enabled:
        yield
        return
    from llama_cpp import llama_cpp as lib

    with _PARAMS_LOCK:
        original = lib.llama_model_default_params

        def params():
            p = original()
            p.use_extra_bufts = False
            return p

        lib.llama_model_default_params = params
        try:
            yield
        finally:
            lib.llama_model_default_params = original


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float | None
    total_s: float


class ChatModel:
    """A local GGUF chat model, loaded on first use, using the chat template stored in the file."""

    def __init__(self, model_file: ModelFile, settings: GenerationSettings) -> None:
        self.model_file = model_file
        self.settings = settings
        self._llama = None

    @property
    def llama(self):
        if self._llama is None:
            from llama_cpp import Llama

            threads = self.settings.threads or max(1, os.cpu_count() or 1)
            repack = self.settings.weight_repack == "on" or (self.settings.weight_repack == "auto" and not cpu_has_amx())
            try:
                with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull), _extra_buffers(repack):
                    self._llama = Llama(
                        model_path=str(self.model_file.path),
                        n_ctx=self.settings.n_ctx,
                        n_threads=threads,
                        n_threads_batch=threads,
                        seed=self.settings.seed,
                        verbose=False,
                    )
            except (ValueError, RuntimeError) as exc:
                raise ModelError(
                    f"cannot load model {self.model_file.path}: {exc}",
                    hint="check that the file is a complete GGUF chat model",
                ) from None
        return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def truncate_to_tokens(self, text: str, max_tokens: int) -> str:
        tokens = self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(tokens) <= max_tokens:
            return text
        return self.llama.detokenize(tokens[:max_tokens]).decode("utf-8", errors="ignore")

    def chat_overhead(self, messages: list[Message]) -> int:
        """Tokens the chat template adds around the messages (approximate: role tags per turn)."""
        return 8 * len(messages) + 4

    def _check_grammar(self, grammar: str) -> None:
        """llama.cpp crashes on an invalid grammar at sampling time; parse it first to fail cleanly."""
        import llama_cpp

        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
            sampler = llama_cpp.llama_sampler_init_grammar(self.llama._model.vocab, grammar.encode("utf-8"), b"root")
        if not sampler:
            raise ModelError("generation.grammar is not a valid GBNF grammar", hint="check it with llama.cpp's grammar docs")
        llama_cpp.llama_sampler_free(sampler)

    def generate(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Generation:
        import time

        from llama_cpp import LlamaGrammar

        max_tokens = max_tokens or self.settings.max_tokens
        prompt_tokens = sum(self.count_tokens(m.content) for m in messages) + self.chat_overhead(messages)
        if prompt_tokens + max_tokens > self.settings.n_ctx:
            raise ModelError(
                f"prompt of about {prompt_tokens} tokens plus {max_tokens} to generate exceeds n_ctx={self.settings.n_ctx}",
                hint="raise generation.n_ctx or lower retrieval.top_k",
            )
        kwargs = {}
        if self.settings.grammar:
            self._check_grammar(self.settings.grammar)
            kwargs["grammar"] = LlamaGrammar.from_string(self.settings.grammar, verbose=False)
        start = time.perf_counter()
        stream: Iterator[dict] = self.llama.create_chat_completion(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            max_tokens=max_tokens,
            temperature=self.settings.temperature,
            seed=self.settings.seed,
            stream=True,
            **kwargs,
        )
        pieces: list[str] = []
        first: float | None = None
        completion_tokens = 0
        for event in stream:
            delta = event["choices"][0].get("delta", {}).get("content")
            if not delta:
                continue
            completion_tokens += 1
            if first is None:
                first = time.perf_counter() - start
            pieces.append(delta)
            if on_token is not None:
                on_token(delta)
        return Generation("".join(pieces), prompt_tokens, completion_tokens, first, time.perf_counter() - start)


def make_chat_model(settings: Settings) -> ChatModel:
    """The configured chat model: the file is resolved (assembled on first use); weights load on first call."""
    return ChatModel(resolve_model(settings.generation.model, settings.models_dir), settings.generation)


__all__ = ["ChatModel", "Generation", "Message", "make_chat_model"]
