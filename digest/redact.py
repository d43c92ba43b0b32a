"""Secrets never shown: the API key and a password in the endpoint's URL, masked in every log
line and traceback that passes the filter, and in any text given to :func:`mask`.

`hide` registers a secret for the process; `REDACT` is the logging filter, put on the loggers
of the HTTP stack (digest.llm.client) and on the command line's own log handler (digest.cli),
which every record passes whatever logger made it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

__all__ = ["REDACT", "hide", "hide_url_password", "mask"]


class _Redact(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[str, str] = {}  # secret -> what is shown instead

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if mask(message) != message:
            record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:  # a traceback may name the URL too
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True


REDACT = _Redact()


def hide(*secrets: str | None) -> None:
    """Never show these. One shorter than MIN_ALONE characters is not a real key or password
    and would match ordinary words: it is not masked (empty ones are ignored too)."""
    REDACT.secrets.update((s, "***") for s in secrets if s and len(s) >= MIN_ALONE)


def hide_url_password(url: str) -> None:
    """Never show the password of a URL (scheme://user:password@host): masked where it
    stands in a URL, and anywhere else when it is long enough to be found safely."""
    password = urlsplit(url).password
    if password:
        REDACT.secrets[f":{password}@"] = ":***@"
        if len(password) >= MIN_ALONE:
            hide(password)


MIN_ALONE = 6  # a shorter password is masked only inside a URL (it would match ordinary text)


def mask(text: str) -> str:
    """The text with every hidden secret masked."""
    for secret, shown in sorted(REDACT.secrets.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(secret, shown)
    return text
