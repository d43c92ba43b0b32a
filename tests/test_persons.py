"""One person in two readings of an author list, and where the first page prints a name."""

from __future__ import annotations

import pytest

from digest.persons import FirstPage, fold, pair, same_person, why_left_out

PAGE = FirstPage(
    "Proceedings of Things 2021\n"
    "Dense Retrieval at Scale\n"
    "Barlas Oğuz1, Jia-Wei Han2, Madhu S. Advani, Li Wei and Ter Doest, H.\n"
    "1 Department of Physics, University of Turin; 2 UIUC\n"
    "Edited by: Jane Roe, Richard Miles and Ann Lee\n"
    "Received: 3 May 2021 Published online. Communicated by Tom Brown (Editor)\n"
    "Editor: Kim Park Graph Nets for Everyone Sam Stone"
)


def test_fold_drops_accents_case_and_apostrophes() -> None:
    assert fold("Barlas Oğuz") == "barlas oguz"
    assert fold("Søren O’Neil") == "soren oneil"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("J. Smith", "John Smith", True),
        ("John Smith", "Jane Smith", False),
        ("Lenka Zdeborová", "Lenka Zdeborova", True),
        ("Jia-Wei Han", "Jiawei Han", True),
        ("J.-L. Picard", "Jean-Luc Picard", True),
        ("Li Wei", "Wei Li", True),
        ("Smith, John", "John Smith", True),
        ("Christian S Hardtke", "Christian Hardtke", True),
        ("Smith", "John Smith", True),  # a family name alone
        ("John Smith", "John Smyth", False),
        ("GTEx Consortium", "GTEx Consortium", True),
        ("", "John Smith", False),
    ],
)
def test_same_person(a: str, b: str, same: bool) -> None:
    assert same_person(a, b) is same
    assert same_person(b, a) is same


def test_pairs_are_one_to_one_and_same_spellings_first() -> None:
    assert pair(["Y. Zhang", "Yu Zhang"], ["Yu Zhang", "Yi Zhang"]) == [1, 0]
    assert pair(["J. Smith", "J. Smith"], ["John Smith"]) == [0, None]
    assert pair([], ["John Smith"]) == []


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Barlas Oğuz", True),
        ("Barlas Oguz", True),  # accents aside
        ("B. Oguz", True),  # an initial for the given name the page prints
        ("Jia-Wei Han", True),
        ("Madhu Advani", False),  # the page's middle initial is between: not this spelling
        ("Madhu S. Advani", True),
        ("Wei Li", True),  # family name first
        ("H. Ter Doest", True),  # "Ter Doest, H."
        ("Bill Gates", False),
        ("Wei Lin", False),  # never part of a longer word
    ],
)
def test_where_the_page_prints_a_name(name: str, printed: bool) -> None:
    assert PAGE.prints(name) is printed


@pytest.mark.parametrize(
    ("name", "editor"),
    [
        ("Jane Roe", True),
        ("Ann Lee", True),  # the third of the list "Edited by" opens
        ("Tom Brown", True),
        ("Kim Park", True),
        ("Sam Stone", False),  # a title stands between the cue and the name
        ("Barlas Oğuz", False),
        ("Li Wei", False),
    ],
)
def test_names_printed_as_editors(name: str, editor: bool) -> None:
    assert PAGE.as_editor(name) is editor


@pytest.mark.parametrize(
    ("name", "kept", "why"),
    [
        ("Department of Physics", [], "not a person's name"),
        ("vladk@fb.com", [], "not a person's name"),
        ("Barlas Oğuz Jia-Wei Han", ["Barlas Oğuz", "Jia-Wei Han"], "two names run together"),
        ("Bill Gates", [], "not printed on the first page"),
        ("Jane Roe", [], "printed as an editor"),
        ("Barlas Oğuz", [], None),  # a person printed as an author: no list may lack him
        ("Jia-Wei Han", ["Barlas Oğuz"], None),
    ],
)
def test_why_a_list_may_leave_a_name_out(name: str, kept: list[str], why: str | None) -> None:
    reason = why_left_out(name, PAGE, kept)
    assert reason == why if why is None else (reason or "").startswith(why)
