"""The endpoint's address (digest.llm.endpoint): credentials in OPENAI_BASE_URL never replace
the key, and go only where the server asks for them; a redirect is said, not followed."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest
import respx
from conftest import API_KEY, completion_body, facts
from test_extract import run_facts
from test_pipeline import PAPERS
from typer.testing import CliRunner

from digest import Settings
from digest.cli import app
from digest.errors import EndpointError
from digest.redact import REDACT

PASSWORD = "gateway-Pa55word"
BEARER = f"Bearer {API_KEY}"
BASIC = "Basic " + base64.b64encode(f"proxy-user:{PASSWORD}".encode()).decode()
ROUTE = "https://llm.test/v1/chat/completions"
runner = CliRunner()


def with_credentials() -> Settings:
    return Settings.from_env(base_url=f"https://proxy-user:{PASSWORD}@llm.test/v1")


def test_credentials_in_the_url_never_replace_the_key() -> None:
    """httpx turned user:password@ into Basic auth over the SDK's Bearer key: an endpoint that
    wants the key answered 401 "You didn't provide an API key"."""

    def wants_the_key(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != BEARER:
            return httpx.Response(401, json={"error": {"message": "You didn't provide an API key"}})
        return httpx.Response(200, json=completion_body(facts()))

    with respx.mock() as mock:
        route = mock.post(ROUTE).mock(side_effect=wants_the_key)
        assert run_facts(with_credentials()).facts.method == facts()["method"]
    assert [c.request.headers["authorization"] for c in route.calls] == [BEARER]


def test_a_gateway_asking_for_basic_auth_gets_the_urls_credentials_from_then_on() -> None:
    """nginx's auth_basic in front of a keyless server: the 401 names Basic, the request goes
    again with the URL's user and password, and later requests carry them at once."""

    def gateway(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != BASIC:
            return httpx.Response(401, headers={"www-authenticate": 'Basic realm="llm"'})
        return httpx.Response(200, json=completion_body(facts()))

    settings = with_credentials()
    with respx.mock() as mock:
        route = mock.post(ROUTE).mock(side_effect=gateway)
        run_facts(settings)
    assert [c.request.headers["authorization"] for c in route.calls] == [BEARER, BASIC]


def test_refused_url_credentials_are_named_and_never_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    refused = httpx.Response(401, headers={"www-authenticate": "Basic"}, text="denied")
    caplog.set_level("DEBUG")
    with respx.mock() as mock:
        mock.post(ROUTE).mock(return_value=refused)
        with pytest.raises(EndpointError, match="refused the user and password of OPENAI_BASE_URL"):
            run_facts(with_credentials())
    for record in caplog.records:
        REDACT.filter(record)
    assert PASSWORD not in "\n".join(logging.Formatter().format(r) for r in caplog.records)


def test_a_redirect_is_said_with_where_it_points_not_followed() -> None:
    """A 307 was followed (the key dropped at the new host, the body re-sent) and reported as
    "cannot reach ... (Attempted to access streaming request content ...)"."""
    moved = httpx.Response(
        307, headers={"location": f"https://someone:{PASSWORD}@new.test/v1/chat/completions"}
    )
    with respx.mock(assert_all_called=False) as mock:
        old = mock.post("https://llm.test/v1/chat/completions").mock(return_value=moved)
        new = mock.post("https://new.test/v1/chat/completions").mock(
            return_value=httpx.Response(200, json=completion_body(facts()))
        )
        result = runner.invoke(
            app,
            ["run", str(PAPERS / "dpr-emnlp2020-p1-2.pdf"), "--concurrency", "1"],
            env={"OPENAI_BASE_URL": "https://llm.test/v1", "OPENAI_API_KEY": API_KEY},
        )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert "redirects to https://new.test/v1/chat/completions (HTTP 307)" in line
    assert "OPENAI_BASE_URL" in line and PASSWORD not in result.output
    assert old.call_count == 1 and new.call_count == 0
