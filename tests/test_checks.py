"""The checks against what real models write (digest.checks, digest.figures, digest.terms).

The phrases here are the seed report's (../shared/spec/seed-report.md: 25 briefs a real model
wrote) with sentences of their own abstracts: what issue 25 measured being flagged falsely.
"""

from __future__ import annotations

from typing import Any

import pytest

from digest.checks import Source, check_facts, mend
from digest.facts import PaperFacts
from digest.figures import figures_in, unsupported
from digest.models import Unsupported

GSM = (
    "To address this, we propose a hybrid architecture that combines shifted window "
    "self-attention for spatial context aggregation with Mamba-based selective scanning for "
    "efficient temporal propagation. Furthermore, we introduce Gather-Scatter Mamba (GSM), an "
    "alignment-aware mechanism that warps features toward a center anchor frame"
)
CDDM = (
    "The well-distilled CDDM retains 96.2% and 95.5% of the baseline model's ADE and FDE "
    "performance on pedestrian trajectories, while requiring only 231K parameters and 4 or 2 "
    "sampling steps, corresponding to 161× compression, 31× acceleration, and 9 ms latency."
)
SNN = (
    "we design a hybrid Spiking Neural Network (SNN) and Convolutional Neural Network (CNN) "
    "framework. Unlike fixed-group event segmentation methods"
)
TOOLBRAIN = (
    "Tool-Brain enables custom reward callables directly on an agent's execution traces or "
    "simply utilizes an automated LLM-as-ajudge system for reward generation."
)
INFVSR = "To break these limits, we propose InfVSR, which novelly reformulates VSR as an " \
    "autoregressive-onestep-diffusion paradigm."  # fmt: skip


def facts(**kw: Any) -> PaperFacts:
    values: dict[str, Any] = {
        "institutions": [],
        "method": "混合架构",
        "problem": "长序列建模效率低的问题",
        "result": "减少遮挡伪影",
        "method_evidence": [GSM[:120]],
        "problem_evidence": [GSM[:120]],
        "result_evidence": [GSM[-120:]],
    }
    return PaperFacts.model_validate({**values, **kw}, context={"answer": True})


def reasons(found: list[Unsupported], part: str) -> list[str]:
    return [u.reason for u in found if u.part == part]


def source(text: str, title: str = "A Title", headings: tuple[str, ...] = ()) -> Source:
    return Source(sent=f"{title}\n{text}", title=title, headings=list(headings))


def test_kept_english_terms_are_terms_not_english() -> None:
    """The seed's GSM method (48% Chinese by letters) failed the paper whole: its English words
    are the paper's own terms, printed in the abstract."""
    method = (
        "Gather-Scatter Mamba (GSM)机制（结合shifted window self-attention进行空间上下文聚合与"
        "Mamba-based selective scanning实现高效时序传播）"
    )
    found = check_facts(facts(method=method, method_evidence=[GSM]), source(GSM))
    assert reasons(found, "method") == []


@pytest.mark.parametrize(
    "method", ["a lossless parallel decoding algorithm 算法", "the proposed method"]
)
def test_english_of_its_own_is_not_a_chinese_phrase(method: str) -> None:
    found = check_facts(facts(method=method, method_evidence=[GSM]), source(GSM))
    assert "form" in reasons(found, "method")


def test_a_figure_quoted_from_the_wrong_sentence_gets_the_one_that_states_it() -> None:
    """With the meaning check to judge it, a figure the text states in another sentence than
    the phrase's quote brings that sentence as a quote; without it, the figure is flagged."""
    text = f"{GSM}. {CDDM}"
    result = "161×压缩、31×加速及9ms延迟"
    answer = facts(result=result, result_evidence=[GSM[:100]])
    mended = mend(answer, source(text), meaning_checked=True)
    assert mended.result_evidence == [GSM[:100], CDDM]
    assert reasons(check_facts(mended, source(text), meaning_checked=True), "result") == []
    assert reasons(check_facts(answer, source(text)), "result") == ["figure"]
    invented = facts(result="200×压缩", result_evidence=[GSM[:100]])  # stated nowhere
    assert mend(invented, source(text), meaning_checked=True).result_evidence == [GSM[:100]]


def test_figures_may_come_from_any_of_the_phrases_quotes() -> None:
    """The CDDM result: its figures span 226 characters of one sentence, over a quote's 200."""
    result = "保留96.2% ADE和95.5% FDE精度、161×压缩、31×加速及9ms延迟"
    quotes = [CDDM[:120], CDDM[120:]]
    found = check_facts(facts(result=result, result_evidence=quotes), source(CDDM))
    assert reasons(found, "result") == []
    alone = check_facts(facts(result=result, result_evidence=[CDDM[:120]]), source(CDDM))
    assert reasons(alone, "result") == ["figure"]


@pytest.mark.parametrize(
    ("phrase", "quote", "ok"),
    [
        ("吞吐量提升2.8倍", "boosted up to 2.8x", True),
        ("吞吐量提升2.8×", "boosted up to 2.8 times", True),
        ("速度提升三倍", "three times faster than the baseline", True),
        ("错误率降低百分之十", "reduces the error rate by 10%", True),
        ("约30%推理加速", "an inference speedup of 29.7%", True),
        ("近3倍加速", "up to 2.8x faster decoding", True),
        ("困惑度降低超14%", "reduces perplexity by more than 14%", True),
        ("整合GPT-2 XL与NVIDIA H100的流程", "employs GPT-2 XL on NVIDIA H100 GPUs", True),
        ("吞吐量提升3.5倍", "boosted up to 2.8x", False),
        ("速度提升两倍", "three times faster than the baseline", False),
        ("一种统一的框架", "a unified framework for decoding", True),
    ],
)
def test_figures_in_any_form(phrase: str, quote: str, ok: bool) -> None:
    assert (unsupported(phrase, [quote]) == []) is ok


def test_digits_inside_a_name_are_no_figures() -> None:
    assert figures_in("GPT-2 XL、Llama-3、H100、BGE-M3、Instant4D") == []
    assert [f.value for f in figures_in("top-20准确率提升9%-19%")] == [9.0, 19.0]


def test_a_compound_of_printed_terms_is_supported() -> None:
    method = "事件-图像知识蒸馏及混合SNN-CNN框架"
    found = check_facts(facts(method=method, method_evidence=[SNN]), source(SNN))
    assert reasons(found, "method") == []


def test_a_term_the_text_layer_garbled_by_one_letter_is_supported() -> None:
    method = "灵活的强化学习框架（支持LLM-as-judge奖励生成）"
    found = check_facts(facts(method=method, method_evidence=[TOOLBRAIN]), source(TOOLBRAIN))
    assert reasons(found, "method") == []
    other = "灵活的强化学习框架（支持RLHF-as-judge奖励生成）"  # not one letter away: not printed
    found = check_facts(facts(method=other, method_evidence=[TOOLBRAIN]), source(TOOLBRAIN))
    assert reasons(found, "method") == ["term"]


def test_the_title_in_the_brief_names_the_method() -> None:
    """A faithful InfVSR phrase that leaves out the name its quote gives: the brief's title
    says 《INFVSR: ...》, so nothing is missing and nothing is added."""
    title = "INFVSR: BREAKING LENGTH LIMITS OF GENERIC VIDEO SUPER-RESOLUTION"
    answer = facts(method="自回归单步扩散范式", method_evidence=[INFVSR])
    checked = source(INFVSR, title=title)
    assert mend(answer, checked, meaning_checked=True).method == "自回归单步扩散范式"
    assert reasons(check_facts(answer, checked), "method") == []


def test_a_missing_name_is_added_not_the_clause_dropped() -> None:
    """With the meaning check to judge the phrase as printed, the name its quote proposes is
    added; without it, the missing name is flagged (another paper's method lacks it)."""
    answer = facts(method="自回归单步扩散范式", method_evidence=[INFVSR])
    checked = source(INFVSR, title="Breaking Length Limits of Generic Video Super-Resolution")
    mended = mend(answer, checked, meaning_checked=True)
    assert mended.method == "InfVSR自回归单步扩散范式"
    assert reasons(check_facts(mended, checked, meaning_checked=True), "method") == []
    assert mend(answer, checked) == answer
    assert reasons(check_facts(answer, checked), "method") == ["name"]


def test_a_name_the_quote_only_mentions_is_not_the_methods() -> None:
    quote = "Unlike LoRA, which freezes the pretrained weights, our pruning keeps every rank"
    answer = facts(method="基于梯度的结构化剪枝技术", method_evidence=[quote])
    checked = source(quote)
    assert mend(answer, checked, meaning_checked=True).method == "基于梯度的结构化剪枝技术"
    assert reasons(check_facts(answer, checked), "method") == []


def test_the_title_or_a_heading_is_never_evidence() -> None:
    title = "Gather-Scatter Mamba: Accelerating Propagation with Efficient State Space Model"
    checked = source(GSM, title=title, headings=("3 Gather-Scatter Mamba for Video SR",))
    titled = facts(method="Gather-Scatter Mamba加速传播", method_evidence=[title])
    assert reasons(check_facts(titled, checked), "method") == ["quote"]
    headed = facts(method="GSM视频超分", method_evidence=["Gather-Scatter Mamba for Video SR"])
    assert reasons(check_facts(headed, checked), "method") == ["quote"]
    both = facts(method="混合架构", method_evidence=[title, GSM[:100]])  # one good quote will do
    assert reasons(check_facts(both, checked), "method") == []


def test_a_whole_sentence_is_a_quote_a_pasted_page_is_not() -> None:
    sentence = CDDM  # 258 characters: over the schema's 200, still one sentence
    result = "保留96.2% ADE和95.5% FDE精度"
    found = check_facts(facts(result=result, result_evidence=[sentence]), source(CDDM))
    assert reasons(found, "result") == []
    page = (CDDM + " ") * 3
    found = check_facts(facts(result=result, result_evidence=[page]), source(page))
    assert reasons(found, "result") == ["form"]
