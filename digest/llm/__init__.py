"""The LLM: structured facts from an OpenAI-compatible endpoint.

client.py     build_client and the Transport: request per mode, step-down, transport errors
              (the only module that imports openai)
request.py    the parts of a request body that need no SDK (schema bounds, tools-mode turns)
body.py       an answer's body read within bounds: --timeout for the whole, a size cap
endpoint.py   the endpoint's address: named without credentials, those sent as the server asks
answer.py     a chat-completion body -> a validated model, or a named error
extractor.py  Extractor: prompts, the re-ask loop, the checks against the paper

Names are loaded on first use, so `digest estimate` (prompts and counts, no call) never imports
the openai package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answer import strip_reasoning
    from .client import MODES, TOKEN_FIELDS, Transport, build_client
    from .endpoint import endpoint_of
    from .extractor import Extractor

__all__ = [
    "MODES",
    "TOKEN_FIELDS",
    "Extractor",
    "Transport",
    "build_client",
    "endpoint_of",
    "strip_reasoning",
]

_WHERE = {
    "MODES": "client",
    "TOKEN_FIELDS": "client",
    "Transport": "client",
    "build_client": "client",
    "endpoint_of": "endpoint",
    "strip_reasoning": "answer",
    "Extractor": "extractor",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
