"""The token budget: long papers never overflow it, short ones are not padded."""

from __future__ import annotations

import logging

import pytest
import tiktoken

from digest import Paper, Section, get_counter, select
from digest.tokens import approximate_tokens, forget_counters

SENTENCE = "We propose a method that reduces the decoding latency of large models by 30%. "


def paper(abstract_sentences: int, intro_sentences: int, conclusion_sentences: int) -> Paper:
    return Paper(
        source="x.pdf",
        sha256="0",
        title="A Title",
        authors=["A B"],
        abstract=SENTENCE * abstract_sentences,
        first_page="A Title\nA B\nSome University\nAbstract\n" + SENTENCE * abstract_sentences,
        sections=[
            Section(
                kind="introduction",
                heading="1 Introduction",
                text="Background. " * 5
                + "\n\n"
                + "Our contributions are: "
                + SENTENCE * intro_sentences,
            ),
            Section(kind="method", heading="3 Method", text="Math. " * 500),
            Section(
                kind="conclusion", heading="6 Conclusion", text=SENTENCE * conclusion_sentences
            ),
        ],
    )


def test_short_paper_goes_whole_and_unpadded() -> None:
    counter = get_counter("gpt-4o-mini")
    excerpt = select(paper(3, 2, 2), token_budget=3000, counter=counter)
    assert [p.name for p in excerpt.parts] == ["header", "abstract", "contributions", "conclusion"]
    assert not any(p.truncated for p in excerpt.parts)
    assert excerpt.tokens == sum(counter.count(p.text) for p in excerpt.parts) < 400
    assert "Math." not in excerpt.text  # the method section is not padding
    assert excerpt.encoding == "o200k_base" and not excerpt.approximate


@pytest.mark.parametrize("budget", [300, 800, 3000])
def test_long_paper_never_exceeds_the_budget(budget: int) -> None:
    counter = get_counter("gpt-4o-mini")
    excerpt = select(paper(200, 300, 300), token_budget=budget, counter=counter)
    assert excerpt.tokens <= budget
    assert excerpt.tokens > budget * 0.8  # and it uses what it is given
    assert all(p.truncated for p in excerpt.parts if p.name != "header")
    for part in excerpt.parts:  # cut at sentence boundaries
        assert part.text.rstrip().endswith((".", "%.")) or part.name == "header"


def test_encoding_follows_the_model() -> None:
    assert get_counter("gpt-4").encoding == "cl100k_base"
    assert get_counter("deepseek-chat").encoding == "o200k_base"  # unknown model: the default


def test_offline_fallback_is_approximate_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def offline(name: str) -> None:
        raise ConnectionError("no network")

    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    monkeypatch.setenv("DIGEST_CACHE_DIR", "")  # no tables kept from an earlier load either
    forget_counters()
    caplog.set_level(logging.WARNING)
    excerpts = [
        select(paper(200, 300, 300), token_budget=1000, counter=get_counter("gpt-4o")) for _ in "ab"
    ]
    assert all(e.approximate and e.tokens <= 1000 for e in excerpts)
    for model in ("gpt-4", "gpt-4.1", "deepseek-chat"):  # other encodings: still one warning
        assert get_counter(model).approximate
    warnings = [r for r in caplog.records if "approximately" in r.message]
    assert len(warnings) == 1


def test_approximation_overestimates_english_and_counts_cjk() -> None:
    enc = tiktoken.get_encoding("o200k_base")
    text = SENTENCE * 20
    assert approximate_tokens(text) >= len(enc.encode(text))
    assert approximate_tokens("你好世界") == 4
