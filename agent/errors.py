"""Typed errors. Each carries a message meant for a user and, where one exists, the fix.

Library code raises these; only the CLI and the REPL turn them into one-line messages.
"""

from __future__ import annotations


class AgentError(Exception):
    """Base class for every error a user can act on.

    ``hint`` says what to do about it (a command to run, a value to change).
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ConfigError(AgentError):
    """A configuration file or value is invalid."""


class FigureNotFound(AgentError):
    """No figure has the requested id."""


class CorpusError(AgentError):
    """A figure folder, figure.toml or source document is malformed."""


class ModelError(AgentError):
    """The chat model file is missing, corrupt, or cannot be loaded."""


class EmbedderError(AgentError):
    """The embedding model is missing or cannot be loaded or converted."""


class IndexError_(AgentError):
    """An index is missing, incomplete, or was built with other settings."""


class InputError(AgentError):
    """A question, question file or command-line value is invalid."""


__all__ = [
    "AgentError",
    "ConfigError",
    "CorpusError",
    "EmbedderError",
    "FigureNotFound",
    "IndexError_",
    "InputError",
    "ModelError",
]
