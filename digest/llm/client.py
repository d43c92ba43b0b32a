"""The LLM client and its transport: the only module that imports ``openai``.

build_client  the one AsyncOpenAI client of a run (key, endpoint, SDK retries, httpx hooks)
Transport     one chat-completion request in the current structured-output mode:

  - the request for each mode: ``json_schema`` (the strict schema), ``json_object`` (the
    schema in the system prompt) or ``tools`` (one forced function call); the schema carries
    length bounds (a grammar-decoding server cannot run past them) except for OpenAI's own
    endpoint, whose strict mode refuses them;
  - the step-down: with ``--structured auto``, an endpoint that answers 400/422 naming the feature
    gets the next mode, one that answers tools mode with text (no tool call) another mode,
    remembered through ``on_mode``;
  - the output-token limit goes in ``max_completion_tokens`` (OpenAI's current field); a server
    that rejects that field by name (vLLM before 0.6.4, some Ollama builds) gets ``max_tokens``
    with ``--max-tokens-field auto``, remembered through ``on_token_field``;
  - transport errors after the SDK's own retries (network, 429, 5xx) become LLMRequestError;
    a 200 whose body is not a chat completion (an HTML page, a cut stream) is retried like one.

Every 200 is validated into a :class:`~digest.llm.answer.Completion` here, the one boundary:
usage is read from what was sent even when the answer is then rejected, and a body of any other
shape is a malformed answer (retried, then the paper's failure), never a crash. The API key
never appears in a message: every error text is masked (digest.redact).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
from openai import AsyncOpenAI
from pydantic import BaseModel

from ..errors import BatchAPIError, EndpointError, LLMRequestError
from ..limits import quota_used_up
from ..prompts import Prompt
from ..redact import REDACT, hide, hide_url_password, mask
from ..settings import Settings
from ..strings import one_line
from .answer import Completion, MalformedBody, completion_in
from .body import CUT, answer_cap, bound
from .endpoint import DEFAULT_ENDPOINT, address, endpoint_of, redirected_to, sent_credentials
from .request import as_tool_turns, without_bounds

__all__ = ["MODES", "TOKEN_FIELDS", "Transport", "api_message", "batch_step", "build_client"]

log = logging.getLogger(__name__)

MODES = ("json_schema", "json_object", "tools")  # the order --structured auto tries them in
TOKEN_FIELDS = ("max_completion_tokens", "max_tokens")  # the order auto tries them in
CONNECT_TIMEOUT = 10.0  # seconds to open a connection
DOWN_AFTER = 3  # papers failing with 5xx, before any answer, that show the endpoint is down
OPENAI_HOSTS = frozenset({"api.openai.com"})
_NOT_REDIRECTED: openai.RequestOptions = {"follow_redirects": False}  # said, not followed
_UNSUPPORTED = re.compile(
    r"response_format|json_schema|json_object|structured|tool|function|not support|unsupported|"
    r"unavailable|invalid.parameter",
    re.IGNORECASE,
)


def build_client(
    settings: Settings,
    http_client: httpx.AsyncClient | None = None,
    hooks: dict[str, list[Any]] | None = None,
) -> AsyncOpenAI:
    """The one client of a run. Pass `http_client` to control transport (tests, proxies);
    `hooks` (httpx event hooks, see digest.limits) see every request, retries included."""
    key = settings.require_key()
    hide(key.get_secret_value())
    hide_url_password(settings.base_url or DEFAULT_ENDPOINT)
    http_client = http_client or openai.DefaultAsyncHttpxClient()
    bound(http_client, settings.timeout, answer_cap(settings.max_output_tokens))  # see body.py
    if hooks:
        http_client.event_hooks = hooks
    base_url, auth = address(settings.base_url or DEFAULT_ENDPOINT)
    if auth is not None:  # the URL's credentials, sent as the server asks: see endpoint.py
        http_client.auth = auth
    return AsyncOpenAI(
        api_key=key.get_secret_value(),
        base_url=base_url,
        max_retries=settings.sdk_retries,
        # an endpoint that does not accept the connection is known within seconds; an answer
        # may take as long as --timeout
        timeout=httpx.Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout)),
        http_client=http_client,
    )


for _name in (  # a filter acts on the logger a record is made by, not on its parents
    "httpx", "openai", "openai._base_client", "openai._response", "openai._legacy_response",
    "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
):  # fmt: skip
    logging.getLogger(_name).addFilter(REDACT)


class Transport:
    """Sends one structured-output request, in the mode the endpoint takes."""

    def __init__(self, client: AsyncOpenAI, settings: Settings, json_mode: Prompt) -> None:
        hide(settings.api_key.get_secret_value() if settings.api_key else None)  # for mask()
        hide_url_password(settings.base_url or DEFAULT_ENDPOINT)
        self.client = client
        self.settings = settings
        self.json_mode = json_mode
        self.mode = settings.structured if settings.structured != "auto" else MODES[0]
        self.on_mode: Callable[[str], None] | None = None  # told when a step-down worked
        # OpenAI's strict mode refuses length keywords; servers that decode by grammar enforce
        # them, so a run-on field cannot happen there
        self.bounded = httpx.URL(endpoint_of(settings)).host not in OPENAI_HOSTS
        chosen = settings.max_tokens_field
        self.token_field = chosen if chosen != "auto" else TOKEN_FIELDS[0]
        self.on_token_field: Callable[[str], None] | None = None  # told when a switch worked
        self._stepped_down = self._switched_field = False  # and not yet told (see _worked)
        self._stepped_from = self.mode
        self._ruled_out: set[str] = set()  # modes refused or ignored since the last start
        self._answered = False  # whether any answer came back from this endpoint yet
        self._down = 0  # papers failed with 5xx before any answer

    async def send(
        self, messages: list[dict[str, str]], schema: type[BaseModel], label: str
    ) -> Completion:
        """One answer, validated into a Completion. A 200 that is not a chat completion is
        retried with the SDK's retry count and a short backoff, then LLMRequestError."""
        retries, set_aside = self.settings.sdk_retries, list[Completion]()
        for attempt in range(retries + 1):
            try:
                return await self._send(messages, schema, label, set_aside)
            except MalformedBody as err:
                if attempt == retries:
                    raise LLMRequestError(
                        f"{label}: the endpoint answered 200 with a body that is not a chat "
                        f"completion ({attempt + 1} {'try' if attempt == 0 else 'tries'}): {err}"
                    ) from err
                log.info("%s: malformed answer body, retrying", label)
                await asyncio.sleep(min(0.5 * 2**attempt, 8.0))
        raise AssertionError("unreachable")

    async def _send(
        self,
        messages: list[dict[str, str]],
        schema: type[BaseModel],
        label: str,
        set_aside: list[Completion],
    ) -> Completion:
        """Send in the current mode; with --structured auto, step down to another mode when
        the endpoint says it does not support this one, or answers tools mode with no tool call
        (remembered once it works). An answer set aside so was paid for: it goes in
        `set_aside`, which the answer returned carries (digest.llm.answer.usage_of counts it)."""
        while True:
            mode, field = self.mode, self.token_field
            try:
                raw = await self._send_as(mode, messages, schema)
            except openai.APIStatusError as err:
                if self._token_field_refused(err, field):
                    continue
                said = mask(one_line(api_message(err)))[:120]
                why = f"does not take {mode} structured output ({said})"
                if _unsupported(err) and self._step_down(mode, why):
                    continue
                self._start_over(mode)
                unusable = self._unusable(err)
                if unusable is not None:
                    raise EndpointError(f"{label}: {unusable}", unusable) from err
                raise LLMRequestError(
                    f"{label}: LLM request failed with HTTP {err.status_code}: "
                    f"{mask(api_message(err))}"
                ) from err
            except openai.APIError as err:  # connection errors and timeouts, after SDK retries
                raise self._unreached(err, label) from err
            if raw.extensions.get(CUT):  # abandoned unread past the cap: no retry reads less
                self._answered = True
                raise LLMRequestError(
                    f"{label}: the endpoint's answer was larger than {raw.extensions[CUT]:,} "
                    "bytes (an answer for this schema is a few KB); it was abandoned unread"
                )
            completion = completion_in(raw)  # or MalformedBody: an HTML page, a cut stream
            self._answered = True
            ignored = mode == "tools" and not completion.called_a_tool()
            if ignored and self._step_down(mode, "answers tools mode with text", ignored=True):
                set_aside.append(completion)
                continue
            if ignored:  # an answer, but not in this mode: nothing worked (see read_answer)
                self._start_over(mode)
            else:
                self._worked(mode, field)
            return completion.asked(tools=mode == "tools", set_aside=set_aside)

    def _step_down(self, mode: str, why: str, ignored: bool = False) -> bool:
        """Whether --structured auto has another mode to try after `mode` (the next one it
        was refused in, any other one it was ignored in): then switched to it and warned."""
        if self.settings.structured != "auto":
            return False
        self._ruled_out.add(mode)
        candidates = MODES if ignored else MODES[MODES.index(mode) + 1 :]
        following = [m for m in candidates if m not in self._ruled_out]
        if not following:
            return False
        if self.mode == mode:  # another paper may have stepped down already
            log.warning("%s %s; using %s", self.settings.model, why, following[0])
            if not self._stepped_down:
                self._stepped_from = mode
            self.mode, self._stepped_down = following[0], True
        return True

    def _start_over(self, mode: str) -> None:
        """No mode worked for this request: the next starts from where this one started."""
        if self._stepped_down and self.mode == mode:
            self.mode, self._stepped_down = self._stepped_from, False
            self._ruled_out.clear()

    def _unreached(self, err: openai.APIError, label: str) -> LLMRequestError:
        """No answer came back for this request, after the SDK's retries: the endpoint's
        problem (EndpointError) while none ever came back, else this paper's."""
        endpoint, tries = endpoint_of(self.settings), self.settings.sdk_retries + 1
        if isinstance(err, openai.APITimeoutError):
            said = (
                f"no whole answer from {endpoint} within --timeout {self.settings.timeout:g} s "
                f"({tries} {'try' if tries == 1 else 'tries'})"
            )
            hint = "raise --timeout for a slow model, or check the endpoint"
        else:
            said = f"cannot reach the LLM endpoint {endpoint}"
            said += f" ({mask(one_line(str(err.__cause__ or err)))})"
            hint = "check OPENAI_BASE_URL and the network"
        if not self._answered:  # nothing ever came back: the endpoint, not the paper
            return EndpointError(f"{label}: {said}; {hint}", f"{said}; {hint}")
        return LLMRequestError(f"{label}: LLM request failed: {said}")

    def _unusable(self, err: openai.APIStatusError) -> str | None:
        """Why no paper can be answered, when the status says so (None: this paper's error).
        A refused key or a URL with nothing behind it fails every request alike; a 403 only
        counts before any answer came back (later it may be about one request)."""
        status, said = err.status_code, mask(one_line(api_message(err)))[:160]
        if 300 <= status < 400:  # not followed: a redirect drops the key and re-sends the body
            return (
                f"the endpoint {endpoint_of(self.settings)} redirects to "
                f"{redirected_to(err.response)} (HTTP {status}); set OPENAI_BASE_URL to the "
                "address that answers"
            )
        if status == 401 and sent_credentials(err.response.request):
            return (
                f"the endpoint refused the user and password of OPENAI_BASE_URL (HTTP 401: "
                f"{said}); check them"
            )
        if status == 401:
            return f"the endpoint refused the API key (HTTP 401: {said}); check OPENAI_API_KEY"
        if status == 403 and not self._answered:
            return f"the endpoint denied access (HTTP 403: {said}); check the key's permissions"
        if status == 404:
            return (
                f"nothing answers at {endpoint_of(self.settings)}/chat/completions for model "
                f"{self.settings.model} (HTTP 404: {said}); check OPENAI_BASE_URL (it usually "
                "ends in /v1) and --model"
            )
        if status >= 500 and not self._answered:  # after the SDK's retries, for this paper
            self._down += 1
            if self._down >= DOWN_AFTER:
                return (
                    f"the endpoint {endpoint_of(self.settings)} answered only errors (HTTP "
                    f"{status} for {self._down} papers, after retries, and no answer yet); it "
                    "looks down: run the same command again later"
                )
        if status == 429 and quota_used_up(err.response):
            return (
                "the provider's quota is used up (HTTP 429 insufficient_quota); finished papers "
                "are kept: run the same command again once it is renewed"
            )
        return None

    def _worked(self, mode: str, field: str) -> None:
        """A step-down is remembered for the endpoint only once an answer came back with it:
        a 400 that named "unsupported" for another reason must not switch later runs."""
        if self._stepped_down and mode == self.mode:
            self._stepped_down = False
            if self.on_mode is not None:
                self.on_mode(mode)
        if self._switched_field and field == self.token_field:
            self._switched_field = False
            if self.on_token_field is not None:
                self.on_token_field(field)

    def _token_field_refused(self, err: openai.APIStatusError, field: str) -> bool:
        """Whether the endpoint refused the output-token field by name and auto may try the
        next one (then switched and warned; told once it works); False leaves the error to the
        caller."""
        if self.settings.max_tokens_field != "auto" or err.status_code not in (400, 422):
            return False
        if field not in api_message(err) or field == TOKEN_FIELDS[-1]:
            return False
        if self.token_field == field:  # another paper may have switched already
            self.token_field = TOKEN_FIELDS[TOKEN_FIELDS.index(field) + 1]
            self._switched_field = True
            log.warning(
                "%s does not take %s (%s); sending the output limit as %s",
                self.settings.model, field, mask(one_line(api_message(err)))[:120],
                self.token_field,
            )  # fmt: skip
        return True

    async def _send_as(
        self, mode: str, messages: list[dict[str, str]], schema: type[BaseModel]
    ) -> httpx.Response:
        """One request in `mode`. Sent with the client's `post` (its documented way to any
        path: same retries, timeouts and errors as `chat.completions.create`), because the
        first `client.chat` imports every resource module of the SDK (~0.4 s of start-up)."""
        body = self.body(mode, messages, schema)
        return await self.client.post(
            "/chat/completions", cast_to=httpx.Response, body=body, options=_NOT_REDIRECTED
        )

    def body(
        self, mode: str, messages: list[dict[str, str]], schema: type[BaseModel]
    ) -> dict[str, Any]:
        """The chat-completion request body for `mode`: what is sent online, and what a line of
        a Batch API file carries (digest.batch)."""
        body: dict[str, Any] = {
            "model": self.settings.model,
            self.token_field: self.settings.max_output_tokens,
        }
        tool = _strict_tool(schema)
        if not self.bounded:
            tool = {**tool, "function": {**tool["function"]}}
            tool["function"]["parameters"] = without_bounds(tool["function"]["parameters"])
        if mode == "json_schema":
            body["messages"] = messages
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": schema.__name__,
                    "schema": tool["function"]["parameters"],
                    "strict": True,
                },
            }
        elif mode == "json_object":
            schema_text = json.dumps(schema.model_json_schema(), ensure_ascii=False)
            instruction = self.json_mode.render(schema=schema_text)
            first = {"role": "system", "content": f"{messages[0]['content']}\n\n{instruction}"}
            body["messages"] = [first, *messages[1:]]
            body["response_format"] = {"type": "json_object"}
        else:
            name = tool["function"]["name"]
            body["messages"] = as_tool_turns(messages, name)
            body["tools"] = [tool]
            body["tool_choice"] = {"type": "function", "function": {"name": name}}
        return body


@functools.cache
def _strict_tool(schema: type[BaseModel]) -> Any:
    """The function tool of `schema` with its strict JSON schema, made once per schema (read
    only: callers copy before changing it)."""
    return openai.pydantic_function_tool(schema)


def _unsupported(err: openai.APIStatusError) -> bool:
    """A 400/422 that names the structured-output feature: try the next mode."""
    return err.status_code in (400, 422) and bool(_UNSUPPORTED.search(api_message(err)))


def api_message(err: openai.APIStatusError) -> str:
    """What the endpoint said about the error (its JSON body's message), else the SDK's."""
    body = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return err.message


_NO_BATCH_API = "this endpoint may not offer the Batch API (files and batches); run without --batch"
_BATCH_HINTS = {401: "check OPENAI_API_KEY", 404: _NO_BATCH_API, 405: _NO_BATCH_API}


@contextlib.contextmanager
def batch_step(what: str) -> Iterator[None]:
    """One Batch API step's SDK errors (digest.batch.api) as one line, masked: BatchAPIError."""
    try:
        yield
    except openai.APIStatusError as err:
        said, hint = mask(one_line(api_message(err)))[:200], _BATCH_HINTS.get(err.status_code)
        raise BatchAPIError(
            f"{what}: HTTP {err.status_code}: {said}" + (f"; {hint}" if hint else "")
        ) from None
    except openai.APIConnectionError as err:  # after the SDK's retries
        cause = mask(one_line(str(err.__cause__ or err)))[:200]
        raise BatchAPIError(
            f"{what}: cannot reach the endpoint ({cause}); check OPENAI_BASE_URL and the "
            "network, then run the same command again"
        ) from None
