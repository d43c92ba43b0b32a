"""The brief's form is code, and the facts schema checks what the LLM fills."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from digest import Institution, PaperFacts, compose_brief, merge_institutions

SHAPE = re.compile(r"^(.+)发布了《(.+)》论文，使用(.+)，解决了(.+)，达成了(.+)的效果。$")


def make_facts(context: dict[str, object] | None = None, **kw: object) -> PaperFacts:
    values: dict[str, object] = {
        "institutions": [Institution(name="University of Limerick", name_zh="利默里克大学")],
        "method": "摄像头与雷达在BEV空间融合的轻量级地图分割架构",
        "problem": "地图分割难以兼顾高精度与实时性的问题",
        "result": "53.5 mIoU且推理时间较最强基线提升260%",
        "method_evidence": "a novel and efficient map segmentation architecture",
        "problem_evidence": "achieving high accuracy and meeting real-time performance",
        "result_evidence": "reaching 53.5 mIoU",
    }
    values.update(kw)
    answer = {"answer": True}  # a new LLM answer being taken in
    return PaperFacts.model_validate(values, context=answer if context is None else context)


def test_brief_has_the_seed_shape_and_the_full_title() -> None:
    title = "FIN: Fast Inference Network\nfor Map Segmentation"
    brief = compose_brief(title, make_facts())
    assert brief == (
        "利默里克大学发布了《FIN: Fast Inference Network for Map Segmentation》论文，"
        "使用摄像头与雷达在BEV空间融合的轻量级地图分割架构，"
        "解决了地图分割难以兼顾高精度与实时性的问题，"
        "达成了53.5 mIoU且推理时间较最强基线提升260%的效果。"
    )
    assert SHAPE.match(brief) and "\n" not in brief


@pytest.mark.parametrize(
    ("institutions", "who"),
    [
        ([], "相关研究机构"),
        ([("NVIDIA", "英伟达"), ("NVIDIA", "英伟达")], "英伟达"),
        (
            [("Meituan Inc", None), ("Shanghai Jiao Tong University", "上海交通大学")],
            "Meituan Inc、上海交通大学",
        ),
        (
            [("A University", None), ("B Lab", None), ("C Corp", None), ("D Inst", None)],
            "A University、B Lab、C Corp等机构",
        ),
    ],
)
def test_who(institutions: list[tuple[str, str | None]], who: str) -> None:
    facts = make_facts(institutions=[Institution(name=n, name_zh=z) for n, z in institutions])
    assert compose_brief("T", facts).startswith(f"{who}发布了《T》")


@pytest.mark.parametrize(
    ("names", "merged"),
    [
        (
            ["NVIDIA NVIDIA", "Sapienza University of Rome"],
            ["NVIDIA", "Sapienza University of Rome"],
        ),
        (["The University of Tokyo", "University of Tokyo"], ["The University of Tokyo"]),
        (["Stanford University", "stanford university ", ""], ["Stanford University"]),
        (
            ["Peking University", "Tsinghua University"],
            ["Peking University", "Tsinghua University"],
        ),
    ],
)
def test_merge_institutions(names: list[str], merged: list[str]) -> None:
    assert merge_institutions(names) == merged


def test_frame_words_and_punctuation_are_stripped() -> None:
    facts = make_facts(
        method="使用FreeDave算法。",
        problem="解决了解码慢的问题，",
        result="达成了2.8倍加速的效果。",
    )
    assert (facts.method, facts.problem, facts.result) == (
        "FreeDave算法",
        "解码慢的问题",
        "2.8倍加速",
    )


def test_an_empty_phrase_is_no_answer() -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        make_facts(method="")


def test_what_was_accepted_once_reads_back_whatever_its_form() -> None:
    """Issue 24.1: no context (reading a stored record back) refuses nothing; the form of a
    phrase is the checks' (digest.checks), which leave it out of the brief with a note."""
    wordy = "稠密段落检索" * 35
    stored = make_facts(context={"answer": True}, method=wordy, problem="an English problem")
    again = PaperFacts.model_validate_json(stored.model_dump_json())
    assert again.method == wordy and again.problem == "an English problem"


def test_one_quote_or_a_string_reads_as_a_list_of_quotes() -> None:
    """Evidence is 1-3 quotes per phrase; answers stored when it was one string read back."""
    facts = make_facts(result_evidence="reaching 53.5 mIoU")
    assert facts.result_evidence == ["reaching 53.5 mIoU"]
    two = make_facts(result_evidence=["reaching 53.5 mIoU", " reaching  53.5 mIoU", "260%"])
    assert two.result_evidence == ["reaching 53.5 mIoU", "260%"]
