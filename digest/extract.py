"""Extract: one structured-output call per paper, re-asked while the answer fails validation.

The only module that imports ``openai``. Two retry layers that never overlap:

- transport (network, 429 with Retry-After, 5xx, timeouts) is retried by the SDK itself
  (``max_retries``); when it gives up, :class:`LLMRequestError`.
- an answer that parses but fails our validation (e.g. a result citing a number the paper does not
  contain) is re-asked by a tenacity loop, a bounded number of times, with the model's last answer
  and the validation errors appended to a fresh copy of the messages.

Every attempt's tokens are counted, including the attempts whose answer was rejected: the raw HTTP
body is read for ``usage`` before the SDK parses it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from .checks import check_facts
from .compose import institution_disagreements
from .costs import price_for
from .errors import (
    ExtractionError,
    InvalidOutputError,
    LLMRequestError,
    RefusalError,
    TruncatedOutputError,
)
from .models import Excerpt, Extraction, Paper, PaperFacts, ReportTopic, Usage
from .prompts import load_prompt
from .select import get_counter
from .settings import Settings

__all__ = ["MODES", "Extractor", "build_client", "strip_reasoning"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


def build_client(
    settings: Settings,
    http_client: httpx.AsyncClient | None = None,
    hooks: dict[str, list[Any]] | None = None,
) -> AsyncOpenAI:
    """The one client of a run. Pass `http_client` to control transport (tests, proxies);
    `hooks` (httpx event hooks, see digest.limits) see every request, retries included."""
    key = settings.require_key()
    if hooks:
        http_client = http_client or openai.DefaultAsyncHttpxClient()
        http_client.event_hooks = hooks
    return AsyncOpenAI(
        api_key=key.get_secret_value(),
        base_url=settings.base_url,
        max_retries=settings.sdk_retries,
        timeout=settings.timeout,
        http_client=http_client,
    )


MODES = ("json_schema", "json_object", "tools")  # the order --structured auto tries them in
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_UNSUPPORTED = re.compile(
    r"response_format|json_schema|json_object|structured|tool|function|not support|unsupported|"
    r"unavailable|invalid.parameter",
    re.IGNORECASE,
)


def strip_reasoning(text: str) -> str:
    """The answer without a reasoning model's <think> block or a ```json fence around it."""
    text = _THINK.sub("", text).strip()
    if text.lower().startswith("<think>"):  # never closed: all of it is reasoning, no answer
        return ""
    fenced = _FENCE.match(text)
    return fenced.group(1).strip() if fenced else text


def _unsupported(err: openai.APIStatusError) -> bool:
    """A 400/422 that names the structured-output feature: try the next mode."""
    return err.status_code in (400, 422) and bool(_UNSUPPORTED.search(_api_message(err)))


class _MalformedBody(Exception):
    """A 200 whose body is not a chat completion: retried like a transport error."""


class _Invalid(Exception):
    """One answer failed validation; carries what to tell the model on the next attempt."""

    def __init__(self, errors: str, answer: str) -> None:
        super().__init__(errors)
        self.errors = errors
        self.answer = answer
        self.usage = Usage()


class Extractor:
    """Asks the LLM for structured facts. Holds the client and prompts of one run."""

    def __init__(self, client: AsyncOpenAI | None, settings: Settings) -> None:
        """`client` None: prompts, hashes and counts only (digest estimate); no call."""
        self.client = client
        self.settings = settings
        directory = settings.prompts_dir
        self.system = load_prompt("extract_system", directory)
        self.user = load_prompt("extract_user", directory)
        self.reask = load_prompt("reask", directory)
        self.topic_system = load_prompt("topic_system", directory)
        self.topic_user = load_prompt("topic_user", directory)
        self.json_mode = load_prompt("json_mode", directory)
        self.price = price_for(settings.model)
        self.mode = settings.structured if settings.structured != "auto" else MODES[0]
        self.on_mode: Callable[[str], None] | None = None  # told when auto steps down

    def render_user(self, paper: Paper, excerpt: Excerpt) -> str:
        """The user message: title, the parser's institution candidates, the excerpt. Paper text
        is data: it travels inside <paper> delimiters it cannot close (see _as_data)."""
        candidates = "\n".join(f"- {_as_data(a)}" for a in paper.affiliations) or "（无）"
        return self.user.render(
            title=_as_data(paper.title), institutions=candidates, excerpt=_as_data(excerpt.text)
        )

    @property
    def overhead_tokens(self) -> int:
        """Tokens a request adds to the paper's excerpt: the system prompt and the template."""
        counter = get_counter(self.settings.model, self.settings.encoding)
        return counter.count(self.system.text) + counter.count(self.user.text)

    @property
    def prompt_sha256(self) -> str:
        """Hash of everything that shapes the answer: prompts and the response schema."""
        schema = json.dumps(PaperFacts.model_json_schema(), sort_keys=True)
        joined = "\n".join((self.system.text, self.user.text, self.reask.text, schema))
        return hashlib.sha256(joined.encode()).hexdigest()

    async def facts(self, paper: Paper, excerpt: Excerpt) -> Extraction:
        """The facts of one paper. Raises an ExtractionError subclass naming the paper."""
        messages = [
            {"role": "system", "content": self.system.render()},
            {"role": "user", "content": self.render_user(paper, excerpt)},
        ]
        source = f"{paper.title}\n{excerpt.text}"
        context = {"source_text": source, "require_chinese": True}
        facts, usage, raw = await self._structured(messages, PaperFacts, context, paper.source)
        complaints = check_facts(facts, source, paper.affiliations)
        if complaints:  # re-asked once with the complaints; what still fails is shown, not hidden
            log.info("%s: checks failed, re-asking once:\n%s", paper.source, "\n".join(complaints))
            again = [
                *messages,
                {"role": "assistant", "content": raw},
                {"role": "user", "content": self.reask.render(errors=_listed(complaints))},
            ]
            try:
                second, spent, raw2 = await self._structured(
                    again, PaperFacts, context, paper.source
                )
            except InvalidOutputError as err:
                usage += err.usage or Usage()
            else:
                usage += spent
                left = check_facts(second, source, paper.affiliations)
                if len(left) <= len(complaints):
                    facts, raw, complaints = second, raw2, left
        return Extraction(
            facts=_without_invented_institutions(facts, paper.affiliations),
            model=self.settings.model,
            prompt_sha256=self.prompt_sha256,
            usage=usage,
            input_tokens=excerpt.tokens,
            raw_response=raw,
            warnings=complaints,
        )

    async def topic(self, titles: list[str]) -> tuple[str, Usage]:
        """A short Chinese name for the field the batch belongs to."""
        listing = "\n".join(f"- {t}" for t in titles)
        messages = [
            {"role": "system", "content": self.topic_system.render()},
            {"role": "user", "content": self.topic_user.render(titles=listing)},
        ]
        answer, usage, _raw = await self._structured(messages, ReportTopic, {}, "report title")
        return answer.topic, usage

    @property
    def topic_prompt_sha256(self) -> str:
        joined = "\n".join((self.topic_system.text, self.topic_user.text, self.reask.text))
        return hashlib.sha256(joined.encode()).hexdigest()

    async def _structured(
        self, messages: list[dict[str, str]], schema: type[M], context: dict[str, Any], label: str
    ) -> tuple[M, Usage, str]:
        """The validated answer, the usage of every attempt, and the accepted raw answer."""
        usage = Usage()
        last: _Invalid | None = None
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.attempts),
            retry=retry_if_exception_type(_Invalid),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    sent = list(messages)
                    if last is not None:
                        sent += [
                            {"role": "assistant", "content": last.answer},
                            {"role": "user", "content": self.reask.render(errors=last.errors)},
                        ]
                    try:
                        result, spent, raw = await self._once(sent, schema, context, label)
                    except _Invalid as invalid:
                        usage += invalid.usage
                        last = invalid
                        log.info("%s: answer rejected, re-asking:\n%s", label, invalid.errors)
                        raise
                    usage += spent
                    return result, usage, raw
        except _Invalid as invalid:
            raise InvalidOutputError(
                f"{label}: the model's answer failed validation after "
                f"{self.settings.attempts} attempts: {_one_line(invalid.errors)}",
                usage=usage,
            ) from invalid
        except ExtractionError as err:
            err.usage = usage + (err.usage or Usage())
            raise
        raise AssertionError("unreachable: tenacity either returns or reraises")

    async def _once(
        self, messages: list[dict[str, str]], schema: type[M], context: dict[str, Any], label: str
    ) -> tuple[M, Usage, str]:
        """One answer. A 200 whose body is not JSON (a broken proxy, a truncated stream) is
        retried like a transport error, with the SDK's retry count and a short backoff."""
        for attempt in range(self.settings.sdk_retries + 1):
            try:
                return await self._request(messages, schema, context, label)
            except _MalformedBody as err:
                if attempt == self.settings.sdk_retries:
                    raise LLMRequestError(
                        f"{label}: the endpoint answered 200 with a body that is not a chat "
                        f"completion ({attempt + 1} tries): {err}"
                    ) from err
                log.info("%s: malformed answer body, retrying", label)
                await asyncio.sleep(min(0.5 * 2**attempt, 8.0))
        raise AssertionError("unreachable")

    async def _request(
        self, messages: list[dict[str, str]], schema: type[M], context: dict[str, Any], label: str
    ) -> tuple[M, Usage, str]:
        """One request: the checked answer, its usage and raw text; errors carry the usage."""
        raw = await self._send(messages, schema, label)
        body = _json_body(raw.http_response)
        if not body.get("choices"):  # an HTML error page, a cut stream: not a chat completion
            raise _MalformedBody(f"the body starts with {raw.http_response.text[:60]!r}")
        counted = body.get("usage") or {}
        spent = Usage(
            prompt_tokens=int(counted.get("prompt_tokens") or 0),
            completion_tokens=int(counted.get("completion_tokens") or 0),
            attempts=1,
        )
        if self.price is not None:
            spent.cost_usd = self.price.cost(spent)
        answer = _answer_text(body)
        try:
            return self._check(body, schema, context, label), spent, answer
        except (_Invalid, ExtractionError) as err:
            err.usage = spent
            raise

    async def _send(self, messages: list[dict[str, str]], schema: type[M], label: str) -> Any:
        """Send in the current structured-output mode; with --structured auto, step down to the
        next mode when the endpoint says it does not support this one, and remember it."""
        assert self.client is not None, "an Extractor without a client cannot call"
        while True:
            mode = self.mode
            try:
                return await self._send_as(mode, messages, schema)
            except openai.APIStatusError as err:
                following = MODES[MODES.index(mode) + 1 :]
                if self.settings.structured == "auto" and following and _unsupported(err):
                    if self.mode == mode:  # another paper may have stepped down already
                        log.warning(
                            "%s does not take %s structured output (%s); using %s",
                            self.settings.model, mode,
                            self._scrub(_one_line(_api_message(err)))[:120],
                            following[0],
                        )  # fmt: skip
                        self.mode = following[0]
                        if self.on_mode is not None:
                            self.on_mode(self.mode)
                    continue
                raise LLMRequestError(
                    f"{label}: LLM request failed with HTTP {err.status_code}: "
                    f"{self._scrub(_api_message(err))}"
                ) from err
            except openai.APIError as err:  # connection errors and timeouts, after SDK retries
                raise LLMRequestError(
                    f"{label}: LLM request failed: {self._scrub(str(err))} "
                    f"(endpoint {self.settings.base_url or 'https://api.openai.com/v1'})"
                ) from err

    async def _send_as(self, mode: str, messages: list[dict[str, str]], schema: type[M]) -> Any:
        assert self.client is not None
        completions = self.client.chat.completions.with_raw_response
        sent: Any = messages
        model, limit = self.settings.model, self.settings.max_output_tokens
        if mode == "json_schema":
            return await completions.parse(
                model=model, messages=sent, response_format=schema, max_completion_tokens=limit
            )
        if mode == "json_object":
            schema_text = json.dumps(schema.model_json_schema(), ensure_ascii=False)
            instruction = self.json_mode.render(schema=schema_text)
            first = {"role": "system", "content": f"{messages[0]['content']}\n\n{instruction}"}
            with_schema: Any = [first, *messages[1:]]
            return await completions.create(
                model=model,
                messages=with_schema,
                response_format={"type": "json_object"},
                max_completion_tokens=limit,
            )
        tool = openai.pydantic_function_tool(schema)
        return await completions.create(
            model=model,
            messages=sent,
            tools=[tool],
            tool_choice={"type": "function", "function": {"name": tool["function"]["name"]}},
            max_completion_tokens=limit,
        )

    def _check(
        self, body: dict[str, Any], schema: type[M], context: dict[str, Any], label: str
    ) -> M:
        """The answer in the body, whatever the mode: finish reason, refusal, then the JSON
        (tool arguments or content, reasoning text and code fences removed), validated."""
        choice = body["choices"][0]
        message = choice.get("message") or {}
        if choice.get("finish_reason") == "length":
            raise TruncatedOutputError(
                f"{label}: the answer was cut at {self.settings.max_output_tokens} output tokens; "
                "raise --max-output-tokens or use a model with a larger output limit"
            )
        if choice.get("finish_reason") == "content_filter":
            raise RefusalError(f"{label}: the endpoint's content filter rejected the answer")
        if message.get("refusal"):
            raise RefusalError(f"{label}: the model refused: {_one_line(message['refusal'])}")
        calls = message.get("tool_calls") or []
        text = calls[0]["function"]["arguments"] if calls else str(message.get("content") or "")
        text = strip_reasoning(text)
        if not text:
            raise _Invalid("- answer: empty; fill every field of the schema", text)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            complaint = f"- answer: not a JSON object ({err.msg}); answer with JSON only"
            raise _Invalid(complaint, text) from err
        try:
            return schema.model_validate(data, context=context)
        except ValidationError as err:
            raise _Invalid(_describe(err), text) from err

    def _scrub(self, text: str) -> str:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return text.replace(key, "***") if key else text


_DELIMITER = re.compile(r"<\s*/?\s*paper\s*>", re.IGNORECASE)


def _as_data(text: str) -> str:
    """Text from a paper, unable to close or reopen the <paper> block it is sent in."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def _json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _answer_text(body: dict[str, Any]) -> str:
    try:
        return str(body["choices"][0]["message"]["content"] or "")
    except (KeyError, IndexError, TypeError):
        return ""


def _api_message(err: openai.APIStatusError) -> str:
    body = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return err.message


def _listed(complaints: list[str]) -> str:
    return "\n".join(f"- {c}" for c in complaints)


def _without_invented_institutions(facts: PaperFacts, candidates: list[str]) -> PaperFacts:
    """The facts with any institution the paper does not list removed (when it lists any)."""
    if not candidates:
        return facts
    kept = [
        i
        for i in facts.institutions
        if not institution_disagreements([i.name], candidates)
        or not institution_disagreements([i.name], candidates)[0].startswith("LLM institutions")
    ]
    return facts.model_copy(update={"institutions": kept})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"]) or "answer"
        lines.append(f"- {where}: {e['msg']}")
    return "\n".join(lines)
