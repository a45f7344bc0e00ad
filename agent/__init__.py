"""A retrieval-grounded historical-figure agent.

>>> from agent import load_agent
>>> li_bai = load_agent("li-bai")
>>> answer = li_bai.ask("你何时入长安？")
"""

__version__ = "0.1.0"

from .answer import Answer, Citation, ModelInfo, Passage, Timings  # noqa: E402
from .config import Settings, load_settings  # noqa: E402
from .core import Agent, load_agent  # noqa: E402
from .errors import AgentError  # noqa: E402

__all__ = [
    "Agent",
    "AgentError",
    "Answer",
    "Citation",
    "ModelInfo",
    "Passage",
    "Settings",
    "Timings",
    "__version__",
    "load_agent",
    "load_settings",
]
