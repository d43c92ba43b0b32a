"""The parts of a request body that need no SDK (digest.llm.client builds the rest).

without_bounds  the schema without its length keywords, for OpenAI's strict mode
as_tool_turns   a re-ask in tools mode, as the tool-calling protocol has it
"""

from __future__ import annotations

from typing import Any

from ..facts import BOUND_KEYWORDS

__all__ = ["as_tool_turns", "without_bounds"]


def without_bounds(schema: Any) -> Any:
    """The schema without length keywords (maxLength, maxItems, ...), at every depth."""
    if isinstance(schema, dict):
        return {k: without_bounds(v) for k, v in schema.items() if k not in BOUND_KEYWORDS}
    if isinstance(schema, list):
        return [without_bounds(v) for v in schema]
    return schema


def as_tool_turns(messages: list[dict[str, str]], name: str) -> Any:
    """A re-ask in tools mode as the protocol has it: the model's earlier answer is its call of
    the function (with the arguments it sent), and what to fix is that call's result."""
    out: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        previous = out[-1] if out else None
        if message["role"] == "assistant":
            call: dict[str, Any] = {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": name, "arguments": message["content"]},
            }
            out.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif message["role"] == "user" and previous is not None and "tool_calls" in previous:
            call_id = previous["tool_calls"][0]["id"]
            out.append({"role": "tool", "tool_call_id": call_id, "content": message["content"]})
        else:
            out.append(dict(message))
    return out
