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

import httpx
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from ..costs import Price
from ..errors import InvalidOutputError, RefusalError, TruncatedOutputError
from ..models import Usage
from ..strings import one_line
from ..untrusted import json_object, loads
from ..usage import read_usage

__all__ = [
    "Completion",
    "InvalidAnswer",
    "MalformedBody",
    "answer_text",
    "completion_in",
    "read_answer",
    "repeated",
    "shape_problem",
    "strip_reasoning",
    "usage_of",
]

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


class Function(BaseModel):
    """A tool call's function: its arguments are the answer in tools mode."""

    name: str | None = None
    arguments: str

    @field_validator("arguments", mode="before")
    @classmethod
    def _object_as_text(cls, value: Any) -> Any:
        """Some servers send the arguments as a JSON object rather than its text."""
        return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


class ToolCall(BaseModel):
    function: Function


class Message(BaseModel):
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCall] | None = None


class Choice(BaseModel):
    message: Message
    finish_reason: str | None = None


class Completion(BaseModel):
    """A chat completion in the shape the API documents, as far as this tool reads it: the one
    boundary every answer passes (digest.llm.client validates each 200 into it; a body that is
    not this shape is a malformed answer, never a crash). Usage is kept as sent and read
    leniently (:func:`usage_of`): a bad count must not throw away a good answer."""

    choices: list[Choice] = Field(min_length=1)
    usage: Any = None  # any shape: digest.usage.read_usage takes what it can believe
    # What the transport knows of the request, never read from the body (see asked):
    _tools: bool = PrivateAttr(False)
    _set_aside: list[Completion] = PrivateAttr(default_factory=list)

    def asked(self, *, tools: bool, set_aside: list[Completion]) -> Completion:
        """This answer, knowing whether it was asked for in tools mode, and the answers set
        aside before it for this request (paid for: a mode the endpoint ignored)."""
        self._tools, self._set_aside = tools, list(set_aside)
        return self

    def called_a_tool(self) -> bool:
        """Whether the answer is a tool call, as tools mode forces; a refusal or a filtered
        answer counts as one (it is not the server ignoring tools)."""
        choice = self.choices[0]
        return bool(choice.message.tool_calls or choice.message.refusal) or (
            choice.finish_reason == "content_filter"
        )


class MalformedBody(Exception):
    """A 200 whose body is not a chat completion: retried like a transport error."""


def completion_in(response: httpx.Response) -> Completion:
    """The response's body as a Completion, or MalformedBody saying what is wrong in one line
    (a body that is not a JSON object, or nests too deep, reads as {}: digest.untrusted)."""
    body = json_object(response.content)
    try:
        return Completion.model_validate(body)
    except ValidationError as err:  # an HTML page, a cut stream, another shape
        if not body:
            raise MalformedBody(f"the body starts with {one_line(response.text[:60])!r}") from None
        raise MalformedBody(f"at {shape_problem(err)}") from None


def usage_of(completion: Completion, price: Price | None) -> Usage:
    """The tokens one answer cost, as the endpoint counted them, with those of the answers set
    aside before it (digest.usage.read_usage: a count that is not a plausible number of tokens
    is 0, and the answer is counted as uncounted)."""
    spent = Usage()
    for answer in [*completion._set_aside, completion]:
        counted = read_usage(answer.usage)
        spent += Usage(
            prompt_tokens=counted.prompt_tokens,
            completion_tokens=counted.completion_tokens,
            attempts=1,
            uncounted=int(counted.ignored),
        )
    if price is not None:
        spent.cost_usd = price.cost(spent)
    return spent


def answer_text(completion: Completion) -> str:
    """The answer as sent, what the store keeps and a re-ask shows the model: the tool call's
    arguments (tools mode), else the message's content."""
    message = completion.choices[0].message
    if message.tool_calls:
        return message.tool_calls[0].function.arguments
    return message.content or ""


def read_answer(
    completion: Completion,
    schema: type[M],
    context: dict[str, Any],
    label: str,
    max_output_tokens: int,
) -> M:
    """The answer, whatever the mode: finish reason, refusal, then the JSON (tool arguments or
    content, reasoning text and code fences removed), validated with `context`."""
    choice = completion.choices[0]
    cut = choice.finish_reason == "length"
    if completion._tools and not completion.called_a_tool():
        raise InvalidOutputError(
            f"{label}: the endpoint answered with text, no tool call"
            + (f" (cut at {max_output_tokens} output tokens)" if cut else "")
            + ": it ignores tools and tool_choice; use --structured auto or json_object"
        )
    if cut:
        loop = repeated(answer_text(completion))
        if loop is not None:
            raise TruncatedOutputError(
                f"{label}: the answer was cut at {max_output_tokens} output tokens while the "
                f"model repeated {loop} over and over: it was looping, which more output tokens "
                "would not mend; try another model"
            )
        raise TruncatedOutputError(
            f"{label}: the answer was cut at {max_output_tokens} output tokens; "
            "raise --max-output-tokens or use a model with a larger output limit"
        )
    if choice.finish_reason == "content_filter":
        raise RefusalError(f"{label}: the endpoint's content filter rejected the answer")
    if choice.message.refusal:
        raise RefusalError(f"{label}: the model refused: {one_line(choice.message.refusal)}")
    text = strip_reasoning(answer_text(completion))
    if not text:
        raise InvalidAnswer("- answer: empty; fill every field of the schema", text)
    try:
        data = loads(text)
    except json.JSONDecodeError as err:
        complaint = f"- answer: not a JSON object ({err.msg}); answer with JSON only"
        raise InvalidAnswer(complaint, text) from err
    try:
        return schema.model_validate(data, context=context)
    except ValidationError as err:
        raise InvalidAnswer(_describe(err), text) from err


# A cut answer looping: one stretch of 1-200 characters said LOOP_TIMES times in a row over at
# least LOOP_CHARS (an author's name, a list item, whitespace), in the last LOOP_TAIL characters.
# A faithful answer repeats nothing: each name, institution and quote is given once.
LOOP_TIMES, LOOP_CHARS, LOOP_TAIL = 8, 160, 4000
_LOOP = re.compile(rf"(.{{1,200}}?)\1{{{LOOP_TIMES - 1},}}", re.DOTALL)


def repeated(text: str) -> str | None:
    """What a looping answer kept repeating (shown short, quoted), or None."""
    for found in _LOOP.finditer(text[-LOOP_TAIL:]):
        if len(found.group(0)) >= LOOP_CHARS:
            unit = found.group(1)
            return repr(unit if len(unit) <= 40 else unit[:37] + "...")
    return None


def shape_problem(err: ValidationError) -> str:
    """Where a body breaks the completion's shape, in one short line."""
    first = err.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return one_line(f"{where}: {first['msg']}")[:160]


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"]) or "answer"
        lines.append(f"- {where}: {e['msg']}")
    return "\n".join(lines)
