"""Reading an answer: from a chat-completion body to a validated model, or a named error.

Whatever the structured-output mode, the answer is the tool call's arguments or the message's
content, with a reasoning model's ``<think>`` block and a ```json fence removed. A cut answer
(finish_reason ``length``) and a refusal are distinct errors; an answer that is not JSON or breaks
the schema is :class:`InvalidAnswer`, which carries what to tell the model when it is re-asked.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..costs import Price
from ..errors import RefusalError, TruncatedOutputError
from ..models import Usage
from ..strings import one_line

__all__ = ["InvalidAnswer", "answer_text", "read_answer", "strip_reasoning", "usage_of"]

M = TypeVar("M", bound=BaseModel)

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class InvalidAnswer(Exception):
    """One answer failed validation; carries what to tell the model on the next attempt."""

    def __init__(self, errors: str, answer: str) -> None:
        super().__init__(errors)
        self.errors = errors
        self.answer = answer
        self.usage = Usage()


def strip_reasoning(text: str) -> str:
    """The answer without a reasoning model's <think> block or a ```json fence around it."""
    text = _THINK.sub("", text).strip()
    if text.lower().startswith("<think>"):  # never closed: all of it is reasoning, no answer
        return ""
    fenced = _FENCE.match(text)
    return fenced.group(1).strip() if fenced else text


def usage_of(body: dict[str, Any], price: Price | None) -> Usage:
    """The tokens one answer cost, as the endpoint counted them."""
    counted = body.get("usage") or {}
    spent = Usage(
        prompt_tokens=int(counted.get("prompt_tokens") or 0),
        completion_tokens=int(counted.get("completion_tokens") or 0),
        attempts=1,
    )
    if price is not None:
        spent.cost_usd = price.cost(spent)
    return spent


def answer_text(body: dict[str, Any]) -> str:
    """The answer as sent, what the store keeps and a re-ask shows the model: the tool call's
    arguments (tools mode), else the message's content."""
    try:
        message = body["choices"][0]["message"]
        calls = message.get("tool_calls") or []
        if calls:
            return str(calls[0]["function"]["arguments"] or "")
        return str(message["content"] or "")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def read_answer(
    body: dict[str, Any],
    schema: type[M],
    context: dict[str, Any],
    label: str,
    max_output_tokens: int,
) -> M:
    """The answer in the body, whatever the mode: finish reason, refusal, then the JSON (tool
    arguments or content, reasoning text and code fences removed), validated with `context`."""
    choice = body["choices"][0]
    message = choice.get("message") or {}
    if choice.get("finish_reason") == "length":
        raise TruncatedOutputError(
            f"{label}: the answer was cut at {max_output_tokens} output tokens; "
            "raise --max-output-tokens or use a model with a larger output limit"
        )
    if choice.get("finish_reason") == "content_filter":
        raise RefusalError(f"{label}: the endpoint's content filter rejected the answer")
    if message.get("refusal"):
        raise RefusalError(f"{label}: the model refused: {one_line(message['refusal'])}")
    calls = message.get("tool_calls") or []
    text = calls[0]["function"]["arguments"] if calls else str(message.get("content") or "")
    text = strip_reasoning(text)
    if not text:
        raise InvalidAnswer("- answer: empty; fill every field of the schema", text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        complaint = f"- answer: not a JSON object ({err.msg}); answer with JSON only"
        raise InvalidAnswer(complaint, text) from err
    try:
        return schema.model_validate(data, context=context)
    except ValidationError as err:
        raise InvalidAnswer(_describe(err), text) from err


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"]) or "answer"
        lines.append(f"- {where}: {e['msg']}")
    return "\n".join(lines)
