"""Exceptions raised by paper-digest.

Every error the library raises on purpose derives from :class:`DigestError`. A message says what
failed, on which input, and how to fix it where there is a fix. Only the CLI catches them and turns
them into one line and an exit code.

    DigestError
    ├── ConfigError               settings that cannot work (no key, bad budget, missing prompt)
    │   └── PromptError           a prompt file is missing or its variables do not match
    ├── StoreError                the store file is corrupt, locked or unwritable
    ├── ArxivError                the arXiv API could not answer (after paced retries)
    ├── InputError                one paper cannot be read; the batch goes on without it
    │   ├── FileNameError         its name is not valid UTF-8 (cannot be printed or stored)
    │   ├── NotAPDFError          the file is not a PDF at all (or is empty)
    │   ├── ParserDiedError       reading it killed the parser process (out of memory?)
    │   ├── TooLargeError         larger than any paper (a PDF over 200 MB, a text over 20 MB)
    │   ├── TooDeepError          a JSON file nested deeper than any paper's data
    │   ├── CorruptPDFError       it claims to be a PDF but pypdf cannot parse it
    │   ├── EncryptedPDFError     it needs a password
    │   ├── NoTextError           no usable text layer (scanned / image-only)
    │   └── GarbledTextError      a text layer that is not text (broken font encoding)
    └── ExtractionError           the LLM did not give usable facts for one paper
        ├── LLMRequestError       the request failed after the SDK's own retries
        │   └── EndpointError     the endpoint cannot answer any paper (key, URL, quota)
        ├── TruncatedOutputError  the answer was cut at the token limit
        ├── RefusalError          the model refused to answer
        ├── NotStartedError       not asked: the run's cost budget or quota was used up
        └── InvalidOutputError    the answer failed validation after every re-ask
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .strings import shown_path

if TYPE_CHECKING:
    from .models import Usage

__all__ = [
    "ArxivError",
    "BatchAPIError",
    "ConfigError",
    "CorruptPDFError",
    "DigestError",
    "EncryptedPDFError",
    "EndpointError",
    "ExtractionError",
    "FileNameError",
    "GarbledTextError",
    "InputError",
    "InvalidOutputError",
    "LLMRequestError",
    "LookupFailedError",
    "LookupUnavailableError",
    "NoTextError",
    "NotAPDFError",
    "NotAnsweredError",
    "NotStartedError",
    "ParserDiedError",
    "PromptError",
    "RefusalError",
    "StoreError",
    "TooDeepError",
    "TooLargeError",
    "TruncatedOutputError",
]


class DigestError(Exception):
    """Root of every error paper-digest raises on purpose."""


class ConfigError(DigestError):
    """The settings cannot work; the message says which one and how to set it."""


class PromptError(ConfigError):
    """A prompt file is missing, or the variables it uses differ from the ones the code passes."""


class BatchAPIError(DigestError):
    """The provider's files or batches endpoint refused or could not be reached (run --batch).
    Every step taken before is in the store: the same command resumes from there."""


class StoreError(DigestError):
    """The store cannot be used; the message names the file and what to do."""


class ArxivError(DigestError):
    """The arXiv API did not answer usefully after the allowed retries; names the IDs."""


class LookupFailedError(DigestError):
    """A metadata service (Crossref) did not answer one lookup usefully; the PDF's own reading
    stands and the lookup is asked again on a later run."""


class LookupUnavailableError(LookupFailedError):
    """The metadata service cannot be reached at all (no network, DNS failure), or not within
    the few seconds a run gives lookups: noted once per run, and no later lookup of the run
    tries."""


class InputError(DigestError):
    """One input file cannot be read. Carries the file so the message always names it."""

    reason = "cannot be read"
    hint = ""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = detail
        message = f"{shown_path(self.path)}: {self.reason}"
        if detail:
            message += f" ({detail})"
        if self.hint:
            message += f"; {self.hint}"
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InputError], tuple[Path, str]]:
        # Parsing runs in worker processes: rebuild from the fields, not from the message.
        return type(self), (self.path, self.detail)


class NotAPDFError(InputError):
    reason = "not a PDF file"


class TooLargeError(InputError):
    reason = "too large to read as a paper"


class TooDeepError(InputError):
    reason = "nested too deeply to be read"


class ParserDiedError(InputError):
    reason = "the PDF reader's process died while reading it, twice"
    hint = "it may need more memory than there is (the other papers were read)"


class FileNameError(InputError):
    reason = "the file name is not valid UTF-8"
    hint = "rename the file (e.g. convmv -f latin1 -t utf8 --notest NAME) and run again"


class CorruptPDFError(InputError):
    reason = "corrupt or malformed PDF"


class EncryptedPDFError(InputError):
    reason = "encrypted PDF that needs a password"
    hint = "decrypt it first, e.g. qpdf --decrypt --password=... in.pdf out.pdf"


class NoTextError(InputError):
    reason = "no extractable text"
    hint = "it looks scanned or image-only; run OCR first, e.g. ocrmypdf in.pdf out.pdf"


class GarbledTextError(InputError):
    reason = "the text layer is garbled (a font encoding that does not map to letters)"
    hint = "the page images are fine but the text is not; run OCR first, e.g. ocrmypdf --force-ocr"


class ExtractionError(DigestError):
    """The LLM step failed for one paper; the paper is reported as failed, the batch goes on.

    `usage` holds the tokens spent before the failure, so a failed paper's cost is not lost.
    """

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage


class LLMRequestError(ExtractionError):
    """The HTTP request failed after the SDK's own retries (network, auth, rate limit, 5xx)."""


class EndpointError(LLMRequestError):
    """The endpoint cannot answer any paper (the key refused, nothing at the URL or for the
    model, the quota used up, unreachable before any answer): the run starts no other paper,
    and when nothing could be done it stops with this as its one line."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # the message without the paper's name


class TruncatedOutputError(ExtractionError):
    """The model stopped at its output token limit before finishing the JSON."""


class RefusalError(ExtractionError):
    """The model refused to fill the schema."""


class NotStartedError(ExtractionError):
    """The paper was not sent: the run's --max-cost-usd or the provider's quota was used up.
    Nothing is lost: a later run (with a larger budget, or after the quota resets) does it.
    `reason`: why, alike for every paper it stops (said once for all of them)."""

    def __init__(self, message: str, usage: Usage | None = None, *, reason: str = "") -> None:
        super().__init__(message, usage)
        self.reason = reason


class NotAnsweredError(ExtractionError):
    """A `run --batch` report: the Batch API has not answered the paper (yet); the message
    says where its request stands. Nothing was sent or spent for it in this run."""


class InvalidOutputError(ExtractionError):
    """The model's answer still failed validation after the allowed re-asks."""
