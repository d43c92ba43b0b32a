"""The PDF's own metadata (digest/pdf/metadata.py) and the vote it has in the header: what an
encrypted copy of a paper reads, and the names the metadata spells better than the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES
from drawn import Sheet, encrypted_copy

from digest.models import Paper
from digest.pdf import read_header

ALGORITHMS = ["RC4-40", "RC4-128", "AES-128", "AES-256-R5", "AES-256"]


def _header(paper: Paper) -> tuple[object, ...]:
    return (
        paper.title, paper.authors, paper.affiliations, paper.abstract, paper.doi,
        paper.arxiv_id, paper.header_sources,
    )  # fmt: skip


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_an_encrypted_copy_reads_as_the_plain_file(tmp_path: Path, algorithm: str) -> None:
    """A copy that opens with the empty password (copying restricted) is the same paper."""
    plain = FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"
    copy = encrypted_copy(plain, tmp_path / "locked.pdf", algorithm)
    assert _header(read_header(copy)) == _header(read_header(plain))


def test_an_encrypted_copy_with_its_xmp_in_clear(tmp_path: Path) -> None:
    """/EncryptMetadata false: the XMP packet is not encrypted, so it must not be decrypted.
    Its names stand in for a name line the layout cannot read, as they do in the plain file."""
    sheet = Sheet().put(120, 720, "Feature Learning Order in Two-Layer Networks", 17, "B")
    sheet.put(120, 680, "by ada lovelace & alan turing", 11).put(72, 640, "Abstract", 11, "B")
    sheet.prose(72, 625, "We study how gradient descent trains two-layer networks. " * 5)
    plain = sheet.save(tmp_path / "plain.pdf", creators=["Ada Lovelace", "Alan Turing"])
    copy = encrypted_copy(plain, tmp_path / "locked.pdf", "AES-256", clear_metadata=True)
    read = read_header(copy)
    assert read.authors == ["Ada Lovelace", "Alan Turing"]
    assert _header(read) == _header(read_header(plain))


# --- names: the metadata spells, the page names -----------------------------------------------


def _names_page(tmp_path: Path, names: list[str], author: str) -> Paper:
    """One name a line, each beside its e-mail (an ICML-style block), `author` in /Author."""
    sheet = Sheet().put(120, 720, "Feature Learning Order in Two-Layer Networks", 17, "B")
    for k, name in enumerate(names):
        sheet.put(150, 680 - 13 * k, name, 10).put(330, 680 - 13 * k, f"n{k}@turin.edu", 10, "T")
    sheet.put(150, 630, "University of Turin, Italy", 9).put(72, 600, "Abstract", 11, "B")
    sheet.prose(72, 585, "We study how gradient descent trains two-layer networks. " * 5)
    return read_header(sheet.save(tmp_path / "names.pdf", {"/Author": author}))


def test_metadata_respells_names_the_text_layer_garbled(tmp_path: Path) -> None:
    """A font whose dot reads as a letter or a digit: "Ada Lw Lovelace", "Alan M5 Turing" (the
    surname then lost at the digit). The metadata has the same people, spelled right."""
    paper = _names_page(
        tmp_path, ["Ada Lw Lovelace", "Alan M5 Turing", "Grace Hopper"],
        "Ada L. Lovelace, Alan M. Turing, Grace Hopper",
    )  # fmt: skip
    assert paper.authors == ["Ada L. Lovelace", "Alan M. Turing", "Grace Hopper"]


@pytest.mark.parametrize(
    "author",
    [
        "A. Lovelace, A. Turing",  # drops the given names the page prints
        "Ada Lovelace Byron, Alan Mathison Turing",  # words the page does not print
        "Ada Lovelace, Alan Turing, Grace Hopper, Emmy Noether",  # a name the page lacks
        "ada lovelace; alan turing",  # not written as names
    ],
)
def test_metadata_never_names_what_the_page_does_not(tmp_path: Path, author: str) -> None:
    paper = _names_page(tmp_path, ["Ada Lovelace", "Alan Turing"], author)
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
