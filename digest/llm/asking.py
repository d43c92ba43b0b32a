"""Asking: one structured answer, re-asked while it fails validation, every attempt counted.

Two retry layers that never overlap:

- transport (network, 429 with Retry-After, 5xx, timeouts) is retried by the SDK itself
  (``max_retries``, see client.Transport); when it gives up, :class:`LLMRequestError`.
- an answer that parses but fails our validation (not JSON, a field missing) is re-asked by a
  tenacity loop, a bounded number of times, with the model's last answer and the validation
  errors appended to a fresh copy of the messages.

Every attempt's tokens are counted, including the attempts whose answer was rejected: the body
is read for ``usage`` before the answer is validated. Whether a valid answer is also true of the
paper is the extractor's question (digest.llm.extractor), asked once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from ..costs import Price
from ..errors import ExtractionError, InvalidOutputError, NotStartedError
from ..models import Usage
from ..prompts import Prompt
from ..settings import Settings
from ..strings import one_line
from .answer import InvalidAnswer, answer_text, read_answer, usage_of

if TYPE_CHECKING:
    from .client import Transport

__all__ = ["Admit", "Asker"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Admit = Callable[[list[dict[str, str]]], None]  # raises NotStartedError: no room for a request


class Asker:
    """Sends structured requests through the run's transport and takes the answers in."""

    def __init__(
        self, transport: Transport | None, settings: Settings, reask: Prompt, price: Price | None
    ) -> None:
        self.transport, self.settings, self.reask, self.price = transport, settings, reask, price

    def again(
        self, messages: list[dict[str, str]], answer: str, errors: str
    ) -> list[dict[str, str]]:
        """The messages of a re-ask: the question, the answer, what was wrong with it."""
        return [
            *messages,
            {"role": "assistant", "content": answer},
            {"role": "user", "content": self.reask.render(errors=errors)},
        ]

    async def structured(
        self,
        messages: list[dict[str, str]],
        schema: type[M],
        context: dict[str, Any],
        label: str,
        admit: Admit | None = None,
        *,
        first_admitted: bool = False,
    ) -> tuple[M, Usage, str]:
        """The validated answer, the usage of every attempt, and the accepted raw answer.
        Every request is first put to `admit`, except the first when `first_admitted`."""
        usage = Usage()
        last: InvalidAnswer | None = None
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.attempts),
            retry=retry_if_exception_type(InvalidAnswer),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    sent = messages if last is None else self.again(messages, last.answer,
                                                                    last.errors)  # fmt: skip
                    if admit is not None and (last is not None or not first_admitted):
                        _admitted(admit, sent, last, label)
                    try:
                        result, spent, raw = await self._ask(sent, schema, context, label)
                    except InvalidAnswer as invalid:
                        usage += invalid.usage
                        last = invalid
                        log.info("%s: answer rejected, re-asking:\n%s", label, invalid.errors)
                        raise
                    usage += spent
                    return result, usage, raw
        except InvalidAnswer as invalid:
            raise InvalidOutputError(
                f"{label}: the model's answer failed validation after "
                f"{self.settings.attempts} attempts: {one_line(invalid.errors)}",
                usage=usage,
            ) from invalid
        except ExtractionError as err:
            err.usage = usage + (err.usage or Usage())
            raise
        raise AssertionError("unreachable: tenacity either returns or reraises")

    async def _ask(
        self, messages: list[dict[str, str]], schema: type[M], context: dict[str, Any], label: str
    ) -> tuple[M, Usage, str]:
        """One answer: validated, with its usage and raw text; errors carry the usage."""
        assert self.transport is not None, "an Extractor without a client cannot call"
        completion = await self.transport.send(messages, schema, label)
        spent = usage_of(completion, self.price)
        limit = self.settings.max_output_tokens
        try:
            answer = read_answer(completion, schema, context, label, limit)
            return answer, spent, answer_text(completion)
        except (InvalidAnswer, ExtractionError) as err:
            err.usage = spent
            raise


def _admitted(
    admit: Admit, sent: list[dict[str, str]], last: InvalidAnswer | None, label: str
) -> None:
    """Put one request to the run's limits; a re-ask they leave no room for fails the answer."""
    try:
        admit(sent)
    except NotStartedError as stop:
        if last is None:
            raise
        raise InvalidOutputError(
            f"{label}: the answer failed validation and the run's limits leave no room to "
            f"re-ask ({stop}): {one_line(last.errors)}"
        ) from stop
