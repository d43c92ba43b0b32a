"""Extract: one structured-output call per paper, re-asked while the answer fails validation.

Two retry layers that never overlap:

- transport (network, 429 with Retry-After, 5xx, timeouts) is retried by the SDK itself
  (``max_retries``, see client.Transport); when it gives up, :class:`LLMRequestError`.
- an answer that parses but fails our validation (e.g. a phrase that is not Chinese) is re-asked
  by a tenacity loop, a bounded number of times, with the model's last answer and the validation
  errors appended to a fresh copy of the messages; an answer that validates but fails the checks
  against the paper (digest.checks) is re-asked once with the complaints.

Every attempt's tokens are counted, including the attempts whose answer was rejected: the body
is read for ``usage`` before the answer is validated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from ..checks import check_facts, complaint, fitting_chinese_name
from ..costs import price_for
from ..errors import ExtractionError, InvalidOutputError, NotStartedError
from ..excerpt import Budget
from ..facts import PaperFacts, ReportTopic
from ..models import Excerpt, Extraction, Paper, Unsupported, Usage
from ..prompts import load_prompt
from ..settings import Settings
from ..strings import one_line
from .answer import Completion, InvalidAnswer, answer_text, read_answer, usage_of

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from .client import Transport

__all__ = ["Extractor"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Admit = Callable[[list[dict[str, str]]], None]  # raises NotStartedError: no room for a request

NO_CANDIDATES = "（无）"  # the prompt's list of institution candidates when the parser found none


class Extractor:
    """Asks the LLM for structured facts. Holds the transport and prompts of one run."""

    def __init__(self, client: AsyncOpenAI | None, settings: Settings) -> None:
        """`client` None: prompts, hashes and counts only (digest estimate): no call, and the
        openai package is not even imported."""
        self.settings = settings
        directory = settings.prompts_dir
        self.system = load_prompt("extract_system", directory)
        self.user = load_prompt("extract_user", directory)
        self.reask = load_prompt("reask", directory)
        self.topic_system = load_prompt("topic_system", directory)
        self.topic_user = load_prompt("topic_user", directory)
        self.json_mode = load_prompt("json_mode", directory)  # the schema's frame, json_object
        self.price = price_for(settings.model)
        self.transport: Transport | None = None
        if client is not None:
            from .client import Transport

            self.transport = Transport(client, settings, self.json_mode)

    def render_user(self, paper: Paper, excerpt: Excerpt) -> str:
        """The user message: title, the parser's institution candidates, the excerpt. Paper text
        is data: it travels inside <paper> delimiters it cannot close (see _as_data)."""
        candidates = "\n".join(f"- {_as_data(a)}" for a in paper.affiliations) or NO_CANDIDATES
        return self.user.render(
            title=_as_data(paper.title), institutions=candidates, excerpt=_as_data(excerpt.text)
        )

    @cached_property
    def budget(self) -> Budget:
        """How this extractor's requests cut and count a paper: what a parse worker needs to
        prepare the excerpt (digest.excerpt.Budget), the prompts around it included."""
        settings = self.settings
        prompts = (self.system.text, self.user.text)
        return Budget(settings.model, settings.encoding, settings.token_budget, prompts)

    @property
    def overhead_tokens(self) -> int:
        """Tokens a request adds to the paper's excerpt: the budget's prompts (the system prompt
        and the template), counted once, as a parse worker counts them for a prepared excerpt."""
        return self.budget.prompt_tokens

    @cached_property
    def prompt_sha256(self) -> str:
        """Hash of everything that shapes the answer: every prompt a paper's request may carry
        (json_mode frames the schema in json_object mode) and the response schema."""
        prompts = (self.system, self.user, self.reask, self.json_mode)
        return _sha256(*(p.text for p in prompts), _schema_text(PaperFacts))

    @cached_property
    def topic_prompt_sha256(self) -> str:
        """The same for the call that names the report: its prompts and its schema."""
        prompts = (self.topic_system, self.topic_user, self.reask, self.json_mode)
        return _sha256(*(p.text for p in prompts), _schema_text(ReportTopic))

    def messages(self, paper: Paper, excerpt: Excerpt) -> list[dict[str, str]]:
        """The request's messages: the system prompt and the paper as data."""
        return [
            {"role": "system", "content": self.system.render()},
            {"role": "user", "content": self.render_user(paper, excerpt)},
        ]

    def request_body(self, paper: Paper, excerpt: Excerpt) -> dict[str, Any]:
        """The body the online call would send for this paper, in the transport's mode: a
        Batch API line carries it unchanged."""
        return self.body_of(self.messages(paper, excerpt))

    async def facts(self, paper: Paper, excerpt: Excerpt, admit: Admit | None = None) -> Extraction:
        """The facts of one paper. Raises an ExtractionError subclass naming the paper.

        `admit(messages)` is asked before every request after the first (re-asks), and raises
        NotStartedError when the run's limits leave no room for it (see LlmEngine)."""
        messages = self.messages(paper, excerpt)
        facts, usage, raw = await self._structured(
            messages, PaperFacts, _context(paper, excerpt), paper.source, admit,
            first_admitted=True,
        )  # fmt: skip
        problems = _problems(paper, excerpt, facts)
        first = self._extraction(excerpt, facts, raw, usage, problems)
        if not problems:
            return first
        complaints = [complaint(p) for p in problems]  # re-asked once with the complaints
        log.info("%s: checks failed, re-asking once:\n%s", paper.source, "\n".join(complaints))
        again = self._again(messages, raw, _listed(complaints))
        return await self._reask_online(paper, excerpt, again, first, Usage(), admit)

    async def facts_from(
        self,
        paper: Paper,
        excerpt: Excerpt,
        completion: Completion,
        *,
        reask: bool,
        admit: Admit | None = None,
    ) -> Extraction:
        """The facts of a paper from a Batch API answer, priced at the batch rate and checked
        like an online answer. With `reask`, what fails is re-asked online; without, an invalid
        answer fails the paper and the parts the checks do not support are left out, noted."""
        first, again, usage = self.batch_answer(paper, excerpt, completion, reasking=not reask)
        if again is None and first is not None:
            return first
        assert again is not None  # an invalid answer not to be re-asked raised already
        return await self._reask_online(paper, excerpt, again, first, usage, admit)

    async def _reask_online(
        self,
        paper: Paper,
        excerpt: Excerpt,
        again: list[dict[str, str]],
        first: Extraction | None,
        spent_before: Usage,
        admit: Admit | None,
    ) -> Extraction:
        """Ask `again` online: the answer if it is valid and no worse than `first` (fewer or as
        many unsupported parts), else `first`, which was paid for and stands, its unsupported
        parts left out as after a stubborn re-ask. Every cost is counted on what is returned."""
        paid = (first.usage if first is not None else Usage()) + spent_before
        try:
            facts, spent, raw = await self._structured(
                again, PaperFacts, _context(paper, excerpt), paper.source, admit
            )
        except ExtractionError as err:  # refused, cut, endpoint down, budget spent...
            if first is None:
                err.usage = paid + (err.usage or Usage())
                raise
            log.warning("re-ask failed, the first answer stands: %s", one_line(str(err)))
            return first.model_copy(update={"usage": paid + (err.usage or Usage())})
        problems = _problems(paper, excerpt, facts)
        if first is not None and len(problems) > len(first.unsupported):
            return first.model_copy(update={"usage": paid + spent})
        return self._extraction(excerpt, facts, raw, paid + spent, problems)

    def batch_answer(
        self,
        paper: Paper,
        excerpt: Excerpt,
        completion: Completion,
        *,
        first: Extraction | None = None,
        reasking: bool = False,
    ) -> tuple[Extraction | None, list[dict[str, str]] | None, Usage]:
        """A Batch API answer, read without a request: (the checked extraction, None when the
        answer is invalid; the messages of its re-ask when one is due; what the answer cost).
        A re-ask's answer (`reasking`) is weighed against the `first` one: the one with fewer
        unsupported parts stands, carrying both costs, and nothing more is due; raises
        InvalidOutputError when neither is usable."""
        usage = usage_of(completion, self.price.batch() if self.price else None)
        label = paper.source
        try:
            facts = read_answer(
                completion, PaperFacts, _context(paper, excerpt), label,
                self.settings.max_output_tokens,
            )  # fmt: skip
            raw = answer_text(completion)
        except (InvalidAnswer, ExtractionError) as err:
            if first is not None:  # the first answer stands; the re-ask was paid for too
                return first.model_copy(update={"usage": first.usage + usage}), None, usage
            if isinstance(err, ExtractionError):  # refused, cut
                err.usage = usage
                raise
            if reasking:
                raise InvalidOutputError(
                    f"{label}: the batch answer failed validation: {one_line(err.errors)}",
                    usage=usage,
                ) from err
            again = self._again(self.messages(paper, excerpt), err.answer, err.errors)
            return None, again, usage
        problems = _problems(paper, excerpt, facts)
        if first is not None and len(problems) > len(first.unsupported):
            return first.model_copy(update={"usage": first.usage + usage}), None, usage
        total = usage + (first.usage if first is not None else Usage())
        extraction = self._extraction(excerpt, facts, raw, total, problems)
        if not problems or reasking:
            return extraction, None, usage
        complaints = _listed([complaint(p) for p in problems])
        return extraction, self._again(self.messages(paper, excerpt), raw, complaints), usage

    def body_of(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The request body of these messages (a re-ask's) in the transport's mode."""
        assert self.transport is not None, "an Extractor without a client has no transport"
        return self.transport.body(self.transport.mode, messages, PaperFacts)

    def _again(
        self, messages: list[dict[str, str]], answer: str, errors: str
    ) -> list[dict[str, str]]:
        """The messages of a re-ask: the question, the answer, what was wrong with it."""
        return [
            *messages,
            {"role": "assistant", "content": answer},
            {"role": "user", "content": self.reask.render(errors=errors)},
        ]

    def _extraction(
        self,
        excerpt: Excerpt,
        facts: PaperFacts,
        raw: str,
        usage: Usage,
        problems: list[Unsupported],
    ) -> Extraction:
        return Extraction(
            facts=_supported(facts, problems),
            model=self.settings.model,
            prompt_sha256=self.prompt_sha256,
            usage=usage,
            input_tokens=excerpt.tokens,
            raw_response=raw,
            warnings=[complaint(p) for p in problems],
            unsupported=problems,
        )

    async def topic(self, titles: list[str], admit: Admit | None = None) -> tuple[str, Usage]:
        """A short Chinese name for the field the batch belongs to."""
        listing = "\n".join(f"- {t}" for t in titles)
        messages = [
            {"role": "system", "content": self.topic_system.render()},
            {"role": "user", "content": self.topic_user.render(titles=listing)},
        ]
        answer, usage, _raw = await self._structured(
            messages, ReportTopic, {}, "report title", admit, first_admitted=True
        )
        return answer.topic, usage

    async def _structured(
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
                    sent = list(messages)
                    if last is not None:
                        sent += [
                            {"role": "assistant", "content": last.answer},
                            {"role": "user", "content": self.reask.render(errors=last.errors)},
                        ]
                    if admit is not None and (last is not None or not first_admitted):
                        try:
                            admit(sent)
                        except NotStartedError as stop:
                            if last is None:
                                raise
                            raise InvalidOutputError(
                                f"{label}: the answer failed validation and the run's limits "
                                f"leave no room to re-ask ({stop}): {one_line(last.errors)}"
                            ) from stop
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


_DELIMITER = re.compile(r"<\s*/?\s*paper\b[^>]*>", re.IGNORECASE)  # with any attributes


def _as_data(text: str) -> str:
    """Text from a paper, unable to close or reopen the <paper> block it is sent in."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _schema_text(schema: type[BaseModel]) -> str:
    return json.dumps(schema.model_json_schema(), sort_keys=True)


def _listed(complaints: list[str]) -> str:
    return "\n".join(f"- {c}" for c in complaints)


def _supported(facts: PaperFacts, problems: list[Unsupported]) -> PaperFacts:
    """The facts with the institutions the paper does not support taken out, and each
    institution's Chinese name from a checked source (the known-names table, else the model's
    when it fits the English name, else none: the English name is printed). The phrases stay as
    answered; the brief leaves out the unsupported ones (digest.compose)."""
    invented = {p.value for p in problems if p.reason == "institution"}
    kept = [
        i.model_copy(update={"name_zh": fitting_chinese_name(i)})
        for i in facts.institutions
        if i.name not in invented
    ]
    return facts.model_copy(update={"institutions": kept})


def _context(paper: Paper, excerpt: Excerpt) -> dict[str, Any]:
    """How an answer is taken in: a new answer (its phrases may not be empty), validated
    against the text sent, its phrases Chinese."""
    source = f"{paper.title}\n{excerpt.text}"
    return {"answer": True, "source_text": source, "require_chinese": True}


def _problems(paper: Paper, excerpt: Excerpt, facts: PaperFacts) -> list[Unsupported]:
    """What the paper's text does not support in these facts (digest.checks)."""
    source = _context(paper, excerpt)["source_text"]
    whole = "\n".join([paper.first_page, paper.abstract, *(s.text for s in paper.sections)])
    return check_facts(facts, source, paper.affiliations, whole)
