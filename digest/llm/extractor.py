"""Extract: one structured-output call per paper, its answer judged against the paper.

An answer is taken in by digest.llm.asking (validation re-asks, every attempt counted), then:

- mended where no question is needed (the method's name added, digest.checks.mend);
- checked against the text it was sent (quotes, figures, terms, form, institutions:
  digest.checks);
- with --verify (on for LLM runs), its meaning checked: one small request asks whether each
  phrase says what its quotes say (digest.llm.verify);

and what fails is re-asked once, with the complaints worded from data. The better of the two
answers stands (the one with fewer unsupported parts), carrying the cost of both; what it still
fails is left out of the brief with a note ("partly" supported phrases are kept, noted).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..checks import Source, check_facts, complaint, fitting_chinese_name, mend
from ..costs import price_for
from ..errors import ExtractionError, InvalidOutputError
from ..excerpt import Budget
from ..facts import PaperFacts, PhraseVerdicts, ReportTopic
from ..models import Excerpt, Extraction, Paper, Unsupported, Usage
from ..prompts import load_prompt
from ..settings import Settings
from ..strings import one_line
from .answer import Completion, InvalidAnswer, answer_text, read_answer, usage_of
from .asking import Admit, Asker
from .verify import Verifier

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from .client import Transport

__all__ = ["Extractor"]

log = logging.getLogger(__name__)

ANSWER = {"answer": True}  # how a new answer is taken in (digest.facts: an empty phrase fails)
NOT_REASKED = frozenset({"partly"})  # kept with a note: asking again would invite more words

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
        self.verify_system = load_prompt("verify_system", directory)
        self.verify_user = load_prompt("verify_user", directory)
        self.price = price_for(settings.model)
        self.transport: Transport | None = None
        if client is not None:
            from .client import Transport

            self.transport = Transport(client, settings, self.json_mode)
        self.asker = Asker(self.transport, settings, self.reask, self.price)
        self.verifier = Verifier(self.asker, self.verify_system, self.verify_user, self.transport)

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
        (json_mode frames the schema in json_object mode) and the response schema; with
        --verify, the meaning check's prompts and schema too (its verdicts shape the brief)."""
        prompts = [self.system, self.user, self.reask, self.json_mode]
        schemas = [_schema_text(PaperFacts)]
        if self.settings.verifies:
            prompts += [self.verify_system, self.verify_user]
            schemas.append(_schema_text(PhraseVerdicts))
        return _sha256(*(p.text for p in prompts), *schemas)

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

        `admit(messages)` is asked before every request after the first (re-asks, the meaning
        check), and raises NotStartedError when the run's limits leave no room for it."""
        messages = self.messages(paper, excerpt)
        facts, usage, raw = await self.asker.structured(
            messages, PaperFacts, ANSWER, paper.source, admit, first_admitted=True
        )
        first = await self._verified(self._checked(paper, excerpt, facts, raw, usage), admit)
        complaints = _complaints(first)
        if not complaints:
            return first
        log.info("%s: checks failed, re-asking once:\n%s", paper.source, complaints)
        again = self.asker.again(messages, raw, complaints)
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
        if first is not None and reask:  # online: the meaning check too (else the next batch)
            first = await self._verified(first, admit)
            complaints = _complaints(first) if again is None else ""
            if complaints:  # the meaning check found what the first look did not
                messages = self.messages(paper, excerpt)
                again = self.asker.again(messages, first.raw_response or "", complaints)
        if again is None and first is not None:
            return first
        assert again is not None  # an invalid answer not to be re-asked raised already
        unheld = usage if first is None else Usage()  # (a first answer carries its own cost)
        return await self._reask_online(paper, excerpt, again, first, unheld, admit)

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
            facts, spent, raw = await self.asker.structured(
                again, PaperFacts, ANSWER, paper.source, admit
            )
        except ExtractionError as err:  # refused, cut, endpoint down, budget spent...
            if first is None:
                err.usage = paid + (err.usage or Usage())
                raise
            log.warning("re-ask failed, the first answer stands: %s", one_line(str(err)))
            return first.model_copy(update={"usage": paid + (err.usage or Usage())})
        second = self._checked(paper, excerpt, facts, raw, paid + spent)
        second = await self._verified(second, admit)
        if first is None:
            return second
        checked = first.verify_usage + second.verify_usage
        better = first if len(second.unsupported) > len(first.unsupported) else second
        return better.model_copy(update={"usage": second.usage, "verify_usage": checked})

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
                completion, PaperFacts, ANSWER, label, self.settings.max_output_tokens
            )
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
            again = self.asker.again(self.messages(paper, excerpt), err.answer, err.errors)
            return None, again, usage
        total = usage + (first.usage if first is not None else Usage())
        extraction = self._checked(paper, excerpt, facts, raw, total)
        if first is not None and len(extraction.unsupported) > len(first.unsupported):
            return first.model_copy(update={"usage": first.usage + usage}), None, usage
        complaints = _complaints(extraction)
        if not complaints or reasking:
            return extraction, None, usage
        return extraction, self.asker.again(self.messages(paper, excerpt), raw, complaints), usage

    def body_of(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The request body of these messages (a re-ask's) in the transport's mode."""
        assert self.transport is not None, "an Extractor without a client has no transport"
        return self.transport.body(self.transport.mode, messages, PaperFacts)

    def _checked(
        self, paper: Paper, excerpt: Excerpt, facts: PaperFacts, raw: str, usage: Usage
    ) -> Extraction:
        """An answer mended and checked against the paper (digest.checks): what it does not
        support is kept as data, for the re-ask and the brief's notes."""
        source, verifies = _source(paper, excerpt), self.settings.verifies
        facts = mend(facts, source, meaning_checked=verifies)
        problems = check_facts(facts, source, meaning_checked=verifies)
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

    async def _verified(self, extraction: Extraction, admit: Admit | None) -> Extraction:
        """The extraction with the meaning check's verdicts (with --verify; digest.llm.verify):
        what they do not support joins its unsupported parts."""
        if not self.settings.verifies:
            return extraction
        return await self.verifier.check(extraction, admit)

    async def topic(self, titles: list[str], admit: Admit | None = None) -> tuple[str, Usage]:
        """A short Chinese name for the field the batch belongs to."""
        listing = "\n".join(f"- {t}" for t in titles)
        messages = [
            {"role": "system", "content": self.topic_system.render()},
            {"role": "user", "content": self.topic_user.render(titles=listing)},
        ]
        answer, usage, _raw = await self.asker.structured(
            messages, ReportTopic, {}, "report title", admit, first_admitted=True
        )
        return answer.topic, usage


_DELIMITER = re.compile(r"<\s*/?\s*paper\b[^>]*>", re.IGNORECASE)  # with any attributes


def _as_data(text: str) -> str:
    """Text from a paper, unable to close or reopen the <paper> block it is sent in."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _schema_text(schema: type[BaseModel]) -> str:
    return json.dumps(schema.model_json_schema(), sort_keys=True)


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


def _source(paper: Paper, excerpt: Excerpt) -> Source:
    """What an answer is checked against (digest.checks.Source)."""
    return Source(
        sent=f"{paper.title}\n{excerpt.text}",
        whole="\n".join([paper.first_page, paper.abstract, *(s.text for s in paper.sections)]),
        title=paper.title,
        headings=[s.heading for s in paper.sections],
        affiliations=paper.affiliations,
    )


def _complaints(extraction: Extraction) -> str:
    """What to tell the model when it is re-asked ("" when nothing calls for a re-ask)."""
    asked = [complaint(u) for u in extraction.unsupported if u.reason not in NOT_REASKED]
    return "\n".join(f"- {c}" for c in asked)
