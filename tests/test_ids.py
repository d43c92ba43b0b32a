"""digest.ids: DOIs as pages and metadata print them."""

from __future__ import annotations

import pytest

from digest.ids import find_doi, find_dois, journal_doi

SICI = "10.1002/(sici)1098-1136(199809)24:1<39::aid-glia5>3.0.co;2-w"


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1002/(SICI)1098-1136(199809)24:1<39::AID-GLIA5>3.0.CO;2-W", SICI),
        (f"WPS-ARTICLEDOI {SICI.upper()}.", SICI),  # a sentence's full stop is the text's
        ("(see 10.1016/S0140-6736(20)30183-5).", "10.1016/s0140-6736(20)30183-5"),
        ("<https://doi.org/10.1000/abc>", "10.1000/abc"),  # brackets it never opened end it
        ("[doi:10.1000/abc]", "10.1000/abc"),
        ("doi: “10.1000/abc”", "10.1000/abc"),
        ("DOI 10.1109/LRA.2020.3015448", "10.1109/lra.2020.3015448"),
        ("https://doi.org/10.1371/journal.pone.0197919, and", "10.1371/journal.pone.0197919"),
    ],
)
def test_a_doi_is_read_whole(text: str, doi: str) -> None:
    assert find_doi(text) == doi


def test_no_doi_without_a_suffix() -> None:
    assert find_doi("doi:10.1000/ and 10.12/x") is None
    assert find_dois("") == []


def test_every_doi_in_order() -> None:
    text = "own 10.1111/imm.13445; cited doi:10.1038/s41591-021-01416-y."
    assert find_dois(text) == ["10.1111/imm.13445", "10.1038/s41591-021-01416-y"]


@pytest.mark.parametrize(
    ("doi", "journal"),
    [
        ("10.1002/(ISSN)1098-1136", True),
        ("10.1111/(issn)1365-2567", True),
        ("10.1111/issn.1365-2567", True),
        (SICI, False),
        ("10.1111/imm.13445", False),
        ("10.5901/mjss.2013.v4n13p867", False),
    ],
)
def test_a_journals_issn_doi_is_told_apart(doi: str, journal: bool) -> None:
    assert journal_doi(doi) is journal
