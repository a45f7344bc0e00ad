"""The options shared by the commands: settings (--config, --model, --embedder) and the guard (--no-guard,
--as-of)."""

from __future__ import annotations

import functools
from pathlib import Path

import click


def settings_options(func):
    """--config, --model and --embedder, shared by every command that loads a figure."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML config (default: $AGENT_HOME/config.toml).")
    @click.option("--model", "model", help="Chat model: a GGUF path, 'default' (1.5B) or 'small' (0.5B).")
    @click.option("--embedder", "embedder", help="Embedder: a sentence-transformers name or directory.")
    @functools.wraps(func)
    def wrapper(*args, config_path=None, model=None, embedder=None, **kwargs):
        from agent.config import load_settings

        overrides: dict = {}
        if model:
            overrides.setdefault("generation", {})["model"] = model
        if embedder:
            overrides.setdefault("embedding", {})["model"] = embedder
        return func(*args, settings=load_settings(config_path, overrides), **kwargs)

    return wrapper


def guard_options(func):
    """--no-guard and --as-of, for the commands that answer questions (below @settings_options)."""

    @click.option("--no-guard", "no_guard", is_flag=True,
                  help="Turn the truthfulness guard off (no date checks, no knowledge cutoff), to compare.")
    @click.option("--as-of", "as_of", type=int, metavar="YEAR",
                  help="Talk to the figure as of this year of its life (BC negative); later events are unknown to it.")
    @functools.wraps(func)
    def wrapper(*args, settings, no_guard=False, as_of=None, **kwargs):
        update = {"enabled": not no_guard and settings.guard.enabled}
        if as_of is not None:
            update["as_of"] = as_of
        settings = settings.model_copy(update={"guard": settings.guard.model_copy(update=update)})
        return func(*args, settings=settings, **kwargs)

    return wrapper


__all__ = ["guard_options", "settings_options"]
