"""The endpoint's address: named without credentials, the credentials it carries sent only as
the server asks, and where it redirects to, named safely.

``OPENAI_BASE_URL=http://user:password@host/v1`` is a gateway or proxy in front of the model
that wants HTTP authentication (nginx's or Caddy's basic auth). httpx turns a URL's
user:password into Basic auth on every request, which replaces the SDK's ``Authorization:
Bearer <key>``: an endpoint that wants the key answered 401 "You didn't provide an API key".
One Authorization header cannot carry both, so the address goes without its credentials and
:class:`AskedAuth` sends them as HTTP has it (RFC 7235): every request carries the key until
a 401 names Basic in its ``WWW-Authenticate``; that request is sent again with the URL's
credentials, and so is every later one. Refusing such URLs would break a keyless server behind
basic auth, which worked before (the Basic header was all it needed) and still does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import httpx

from ..redact import mask
from ..strings import one_line

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "DEFAULT_ENDPOINT",
    "AskedAuth",
    "address",
    "endpoint_of",
    "redirected_to",
    "sent_credentials",
    "split_credentials",
]

DEFAULT_ENDPOINT = "https://api.openai.com/v1"


def endpoint_of(settings: Settings) -> str:
    """The endpoint's address without credentials a URL might carry (user:pass@)."""
    return split_credentials(settings.base_url or DEFAULT_ENDPOINT)[0]


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without its user:password, and those (None when it carries none)."""
    parsed = httpx.URL(url)
    bare = str(parsed.copy_with(username=None, password=None))
    if not parsed.username and not parsed.password:
        return bare, None
    return bare, (parsed.username, parsed.password)


def address(url: str) -> tuple[str, AskedAuth | None]:
    """Where to send requests (the URL without credentials), and the auth that sends the
    credentials it carried when the server asks (None: it carried none)."""
    bare, credentials = split_credentials(url)
    return bare, AskedAuth(*credentials) if credentials is not None else None


class AskedAuth(httpx.Auth):
    """The URL's credentials, sent as Basic auth once the server asked for them."""

    def __init__(self, username: str, password: str) -> None:
        self.basic = httpx.BasicAuth(username, password)
        self.asked = False  # whether the server asked: later requests then carry them at once

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.asked:
            yield from self.basic.auth_flow(request)
            return
        response = yield request
        challenge = response.headers.get("www-authenticate", "")
        if response.status_code == 401 and challenge.strip().lower().startswith("basic"):
            self.asked = True
            yield from self.basic.auth_flow(request)


def sent_credentials(request: httpx.Request) -> bool:
    """Whether this request carried the URL's credentials (not the API key)."""
    return request.headers.get("authorization", "").startswith("Basic ")


def redirected_to(response: httpx.Response) -> str:
    """Where a 3xx points, resolved, without credentials, masked and on one line."""
    location = response.headers.get("location", "")
    try:
        target = str(response.request.url.join(location))
    except (httpx.InvalidURL, ValueError):
        target = location
    else:
        target = split_credentials(target)[0]
    return mask(one_line(target))[:200] or "an address it did not name"
