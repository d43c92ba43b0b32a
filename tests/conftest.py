"""Shared fixtures. Every test is hermetic: no network, no real home or cache, a dummy key."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from digest.tokens import forget_counters

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))  # evaluation scoring (scripts/score.py) lives there
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
TIKTOKEN_DIR = SHARED / "tiktoken"

BASE_URL = "https://llm.test/v1"
API_KEY = "sk-test-SECRET-0123456789abcdef"


@pytest.fixture(scope="session")
def token_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of tiktoken's tables for the session (digest.tokens): each test that counts
    loads an encoding afresh (forget_counters), from this cache after the first."""
    return tmp_path_factory.mktemp("digest-cache")


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token_cache: Path) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    for var in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(home))
    for var in (
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
        "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "DIGEST_MODEL",
    ):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGEST_STORE", str(tmp_path / "store" / "digest.db"))
    monkeypatch.setenv("DIGEST_LOOKUP", "0")  # no Crossref unless a test replays it (respx)
    # no meaning check unless a test asks for it (tests/llm... test_verify.py): the canned
    # answers of the other tests stand for a paper's one extraction call
    monkeypatch.setenv("DIGEST_VERIFY", "off")
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(token_cache))
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    if TIKTOKEN_DIR.is_dir():
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_DIR))
    else:  # never download: an empty cache makes tiktoken fail fast, and we fall back
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "no-tiktoken"))
    forget_counters()
    yield
    forget_counters()


def completion_body(
    content: dict[str, Any] | str | None,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 900,
    completion_tokens: int = 120,
    refusal: str | None = None,
    model: str = "gpt-4o-mini",
) -> dict[str, Any]:
    """A chat.completions response body as the OpenAI API returns it."""
    text = json.dumps(content, ensure_ascii=False) if isinstance(content, dict) else content
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1760000000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


@pytest.fixture
def completion() -> Callable[..., httpx.Response]:
    """Factory: `completion({...facts...})` -> an httpx.Response for respx."""

    def make(content: dict[str, Any] | str | None, **kwargs: Any) -> httpx.Response:
        return httpx.Response(200, json=completion_body(content, **kwargs))

    return make


def facts(
    method: str = "FreeDave无损并行解码算法",
    problem: str = "扩散大语言模型并行解码性能下降的问题",
    result: str = "吞吐量提升2.8倍且无性能损失",
    institutions: list[tuple[str, str | None]] | None = None,
    title: str = "",
    authors: list[str] | None = None,
    evidence: tuple[str, str, str] = (
        "Free Draft-and-Verification (FreeDave), a novel fast sampling algorithm",
        "Diffusion Large Language Models (DLLMs) have emerged as a new paradigm",
        "the throughput of DLLMs can be boosted up to 2.8x",
    ),
) -> dict[str, Any]:
    """A valid answer; the defaults fit tests/test_extract.py's FreeDave paper (title and
    authors "not told" unless given: the parser's reading stands)."""
    default = [("University of Wisconsin-Madison", "威斯康星大学麦迪逊分校")]
    insts = institutions if institutions is not None else default
    return {
        "title": title,
        "authors": authors or [],
        "institutions": [{"name": n, "name_zh": z} for n, z in insts],
        "method": method,
        "problem": problem,
        "result": result,
        "method_evidence": evidence[0],
        "problem_evidence": evidence[1],
        "result_evidence": evidence[2],
    }


@pytest.fixture
def llm() -> Iterator[respx.MockRouter]:
    """respx router over the test endpoint; unmatched requests fail the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def sent_json(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content)
