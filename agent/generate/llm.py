"""One small adapter over ``llama_cpp.Llama``: explicit context, CPU threads, temperature 0, streaming."""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from agent.config import GenerationSettings, Settings
from agent.errors import ModelError
from agent.generate.modelfile import ModelFile, resolve_model
from agent.generate.prefix import PrefixStore

# A prefix shorter than this is read afresh: saving and restoring it would cost more than it saves.
MIN_PREFIX_TOKENS = 32
# Marks where the fixed part of a message ends while the chat template is applied (never in a prompt).
_CUT = "\x00\x01prefix-end\x01\x00"


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
    """One chat message; its first ``fixed`` characters are the same for every question to the figure (the
    system prompt, a whole-source figure's passages), so the model's state after reading them can be kept."""

    role: str
    content: str
    fixed: int = 0


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float | None
    total_s: float


class ChatModel:
    """A local GGUF chat model, loaded on first use, using the chat template stored in the file."""

    def __init__(self, model_file: ModelFile, settings: GenerationSettings, cache_dir: Path | None = None) -> None:
        self.model_file = model_file
        self.settings = settings
        self.cache_dir = cache_dir
        self._llama = None
        self._formatter = None
        self._prefixes: PrefixStore | None = None
        self._repack = False

    @property
    def llama(self):
        if self._llama is None:
            from llama_cpp import Llama

            threads = self.settings.threads or max(1, os.cpu_count() or 1)
            repack = self.settings.weight_repack == "on" or (self.settings.weight_repack == "auto" and not cpu_has_amx())
            self._repack = repack
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

    def _chat_formatter(self):
        """The Jinja formatter of the model's own chat template, as llama-cpp-python builds it; None when the model
        uses another chat format."""
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llama = self.llama
            template = llama.metadata.get("tokenizer.chat_template")
            if llama.chat_format != "chat_template.default" or not template:
                self._formatter = False
            else:
                eos, bos = llama.token_eos(), llama.token_bos()
                self._formatter = Jinja2ChatFormatter(
                    template=template, eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
                    bos_token=llama._model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos])
        return self._formatter or None

    def _tokens(self, formatted) -> list[int]:
        return self.llama.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)

    def _prompt_tokens(self, messages: Sequence[Message]):
        """The prompt's tokens, the tokens of its fixed prefix (the messages' ``fixed`` parts, up to the first
        message that is not wholly fixed) and the formatter's response; None without a Jinja chat template."""
        formatter = self._chat_formatter()
        if formatter is None:
            return None
        response = formatter(messages=[{"role": m.role, "content": m.content} for m in messages])
        tokens = self._tokens(response)
        head: list[dict] = []
        for m in messages:
            if m.fixed < len(m.content):
                # cut after the fixed part's last letter or digit: the tokenizer joins a run of punctuation and
                # line breaks into one token with what follows, which differs from question to question
                end = m.fixed
                while end and not m.content[end - 1].isalnum():
                    end -= 1
                head.append({"role": m.role, "content": m.content[:end] + _CUT})
                break
            head.append({"role": m.role, "content": m.content})
        else:
            return tokens, [], response
        cut = formatter(messages=head)
        ahead = self._tokens(replace(cut, prompt=cut.prompt[:cut.prompt.index(_CUT)]))
        n = 0
        for a, b in zip(ahead, tokens):  # tokens at the cut may merge differently: keep the common part
            if a != b:
                break
            n += 1
        return tokens, tokens[:max(0, n - 1)] if n >= MIN_PREFIX_TOKENS else [], response

    def _runtime(self) -> str:
        import llama_cpp

        return f"{self.model_file.sha256}|llama-cpp-python {llama_cpp.__version__}|n_ctx {self.settings.n_ctx}|" \
               f"repack {self._repack}"

    @property
    def prefixes(self) -> PrefixStore:
        if self._prefixes is None:
            self.llama  # noqa: B018 - loads the model, which decides the weight layout the key records
            s = self.settings
            folder = self.cache_dir if s.prefix_cache and self.cache_dir is not None else None
            self._prefixes = PrefixStore(folder, self._runtime(), max_bytes=s.prefix_cache_mb * 1024 * 1024,
                                         memory_items=s.prefix_cache_memory if s.prefix_cache else 0)
        return self._prefixes

    def _hold_prefix(self, prefix: list[int]) -> str:
        """Make the model's state hold exactly ``prefix`` (unless it already starts with it): restored from a saved
        state, or read afresh and saved. The prefix is always evaluated on its own, so an answer is the same token
        for token whether its prefix was cached or not. Says which: 'none', 'warm', 'restored' or 'computed'."""
        if not prefix:
            return "none"
        llama = self.llama
        n = len(prefix)
        if llama.n_tokens >= n and list(llama.input_ids[:n]) == list(prefix):
            return "warm"  # what follows the prefix may match too (asking again after a draft): llama.cpp keeps it
        state = self.prefixes.get(prefix)
        if state is not None and self._restore(prefix, state):
            return "restored"
        llama.reset()
        llama.eval(prefix)
        self.prefixes.put(prefix, self._snapshot())
        return "computed"

    def _snapshot(self) -> bytes:
        import llama_cpp

        ctx = self.llama._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_get_data(ctx, buffer, size)
        return bytes(buffer[:written])

    def _restore(self, prefix: list[int], state: bytes) -> bool:
        import llama_cpp

        llama = self.llama
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, len(state)) != len(state):
            llama.reset()
            return False
        llama.input_ids[:len(prefix)] = prefix
        llama.n_tokens = len(prefix)
        return True

    def warm(self, messages: Sequence[Message]) -> str:
        """Evaluate and keep the fixed prefix of ``messages`` without generating: 'none' when they have none long
        enough to keep, else as ``_hold_prefix`` says."""
        prompt = self._prompt_tokens(messages)
        return self._hold_prefix(prompt[1]) if prompt is not None else "none"

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
        prompt = self._prompt_tokens(messages)
        if prompt is None:  # a chat format without a Jinja template: llama-cpp-python applies it, no saved prefix
            stream: Iterator[dict] = self.llama.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=max_tokens, temperature=self.settings.temperature, seed=self.settings.seed, stream=True,
                **kwargs,
            )
        else:
            tokens, prefix, response = prompt
            self._hold_prefix(prefix)
            stream = self.llama.create_completion(
                prompt=tokens, max_tokens=max_tokens, temperature=self.settings.temperature, seed=self.settings.seed,
                stream=True, stop=response.stop, stopping_criteria=response.stopping_criteria, **kwargs,
            )
        pieces: list[str] = []
        first: float | None = None
        completion_tokens = 0
        for event in stream:
            choice = event["choices"][0]
            delta = choice["text"] if "text" in choice else choice.get("delta", {}).get("content")
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
    return ChatModel(resolve_model(settings.generation.model, settings.models_dir), settings.generation,
                     cache_dir=settings.home / "cache" / "prefix")


__all__ = ["ChatModel", "Generation", "Message", "make_chat_model"]
