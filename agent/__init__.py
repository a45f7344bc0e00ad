"""A retrieval-grounded historical-figure agent.

>>> from agent import load_agent
>>> li_bai = load_agent("li-bai")
>>> answer = li_bai.ask("你几时到的长安？")
"""

__version__ = "0.1.0"

from agent.answer import Answer, Citation, ModelInfo, Passage, Timings  # noqa: E402
from agent.config import Settings, load_settings  # noqa: E402
from agent.core import Agent, load_agent  # noqa: E402
from agent.errors import AgentError  # noqa: E402

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
