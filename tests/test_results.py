"""A PaperResult from a paper and its answer (digest.pipeline.results): the institutions the
report names, when the answer named none."""

from __future__ import annotations

import pytest

from digest.facts import PaperFacts
from digest.models import Extraction, Paper, Usage
from digest.offline import offline_facts
from digest.pipeline.results import succeeded


def nothing_named() -> PaperFacts:
    parts = ("method", "problem", "result")
    values = {**dict.fromkeys(parts, "一种方法"), **{f"{p}_evidence": "a quote" for p in parts}}
    return PaperFacts.model_validate({"title": "", "authors": [], "institutions": [], **values})


@pytest.mark.parametrize(
    ("affiliations", "named"),
    [
        (["Department of computer Sciences, NUST"], ["NUST"]),
        (["Department of Electronic Engineering"], []),  # no institution, and no department
        (["Corgenix, Inc.", "Turing Center, University of Washington"],
         ["Corgenix", "University of Washington"]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("engine", ["llm", "offline"])
def test_unnamed_institutions_are_the_parsers_reduced_never_a_raw_line(
    affiliations: list[str], named: list[str], engine: str
) -> None:
    paper = Paper(source="x.pdf", sha256="0", title="T", affiliations=affiliations)
    facts = nothing_named() if engine == "llm" else offline_facts(paper)
    extraction = Extraction(facts=facts, model="m", engine=engine)
    result = succeeded(paper, extraction, [], Usage(), started=0.0)
    assert result.institutions == named
