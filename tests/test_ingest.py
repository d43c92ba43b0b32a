"""Tests of the ingest stage: clean.py tables, error mapping, fixtures and the shared corpus."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from digest.errors import CorruptPDFError, EncryptedPDFError, NotAPDFError, NoTextError
from digest.ingest import parse_pdf
from digest.ingest.clean import (
    Vocabulary,
    clean_paragraph,
    is_noise_line,
    join_lines,
    normalize,
    repeated_lines,
    strip_marks,
)
from digest.ingest.score import ABSTRACT_MIN, abstract_ratio, title_match
from digest.ingest.sections import section_kind
from digest.models import Paper

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

DOC = (
    "we study computation and networking in open settings with a large vocabulary; "
    "self reflection helps. the mobile setting is specific. science matters. "
    "we use a pre-trained model and a dual encoder"
)


# --- clean.py -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["compu-", "tation"], "computation"),  # joined form known
        (["Net-", "working"], "Networking"),
        (["sys-", "tems"], "systems"),  # halves are not words
        (["open-", "vocabulary"], "open-vocabulary"),  # both words, joined unknown
        (["self-", "reflection"], "self-reflection"),
        (["mobile-", "specific"], "mobile-specific"),
        (["pre-", "trained"], "pre-trained"),  # hyphenated form seen elsewhere
        (["Lucene-", "BM25 system"], "Lucene-BM25 system"),  # capitalised second part
        (["token-", "and sentence-level"], "token- and sentence-level"),
        (["a simple dual-", "encoder framework"], "a simple dual-encoder framework"),
        (["wrapped line", "and the next"], "wrapped line and the next"),
    ],
)
def test_join_lines_hyphenation(lines: list[str], expected: str) -> None:
    assert join_lines(lines, Vocabulary([DOC])) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﬁne-tuning of ﬂows, eﬀect, eﬃcient", "fine-tuning of flows, effect, efficient"),
        ("Zolt´an Gy¨ongyi", "Zoltán Gyöngyi"),
        ("Barlas O˘guz", "Barlas Oğuz"),
        ("Lenka Zdeborová", "Lenka Zdeborová"),
        ("Fran¸cois", "François"),
        ("2.8× faster, 96.2% and 161× at 9 ms", "2.8× faster, 96.2% and 161× at 9 ms"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("code is publicly available 1 .", "code is publicly available."),
        ("on the benchmark.1 We then", "on the benchmark. We then"),
        ("strong results†.", "strong results."),
        ("Qwen3-Embed 0.6B reaches 96.2% [11].", "Qwen3-Embed 0.6B reaches 96.2% [11]."),
        ("a 161× compression and 9 ms latency.", "a 161× compression and 9 ms latency."),
    ],
)
def test_strip_marks(raw: str, expected: str) -> None:
    assert strip_marks(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sebastian Goldt1, Madhu S. Advani2", "Sebastian Goldt, Madhu S. Advani"),
        ("Arman Cohan†∗ Sergey Feldman†", "Arman Cohan Sergey Feldman"),
    ],
)
def test_strip_marks_names(raw: str, expected: str) -> None:
    assert strip_marks(raw, names=True) == expected


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        ("arXiv:2202.00535v1  [cs.CL]  1 Feb 2022", True),
        ("12", True),
        ("Page 3 of 10", True),
        ("1 Introduction", False),
        ("We report 96.2% accuracy.", False),
    ],
)
def test_is_noise_line(line: str, noise: bool) -> None:
    assert is_noise_line(line) is noise


def test_clean_paragraph_full() -> None:
    lines = [
        "Representation learning is a critical ingre-",
        "dient of open-",
        "vocabulary systems 1 .",
    ]
    vocab = Vocabulary(["ingredient", "open", "vocabulary"])
    assert clean_paragraph(lines, vocab) == (
        "Representation learning is a critical ingredient of open-vocabulary systems."
    )


def test_inline_hyphen_fixed() -> None:
    vocab = Vocabulary(["science", "computer"])
    assert clean_paragraph(["Department of Computer Sci- ence"], vocab) == (
        "Department of Computer Science"
    )


def test_repeated_lines_found() -> None:
    pages = [["Running Head 2024", f"text {i}", "more", str(i)] for i in range(4)]
    assert "running head #" in repeated_lines(pages)


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("1 Introduction", "introduction"),
        ("III. METHOD", "method"),
        ("3 Proposed Approach", "method"),
        ("5 Experiments and Results", "experiments"),
        ("Evaluation", "experiments"),
        ("Conclusions and Future Work", "conclusion"),
        ("2. Related Work", "other"),
    ],
)
def test_section_kind(heading: str, kind: str) -> None:
    assert section_kind(heading) == kind


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("empty.pdf", NotAPDFError),
        ("not-a-pdf.pdf", NotAPDFError),
        ("truncated.pdf", CorruptPDFError),
        ("password-protected-not-a-paper.pdf", EncryptedPDFError),
        ("image-only.pdf", NoTextError),
    ],
)
def test_bad_inputs(name: str, error: type[Exception]) -> None:
    path = FIXTURES / "bad" / name
    with pytest.raises(error) as info:
        parse_pdf(path)
    assert info.value.path == path  # type: ignore[attr-defined]
    assert name in str(info.value)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(NotAPDFError):
        parse_pdf(tmp_path / "nope.pdf")


def test_pypdf_error_is_wrapped(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer <<>>\n")
    with pytest.raises(CorruptPDFError) as info:
        parse_pdf(bad)
    assert info.value.__cause__ is not None


# --- fixtures -----------------------------------------------------------------------------


def test_fixture_paper_fields() -> None:
    path = FIXTURES / "papers" / "dpr-emnlp2020-p1-2.pdf"
    paper = parse_pdf(str(path))
    assert isinstance(paper, Paper)
    assert paper.source == str(path)
    assert paper.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert paper.title == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert "Barlas Oğuz" in paper.authors
    assert paper.affiliations == ["Facebook AI", "University of Washington", "Princeton University"]
    assert paper.abstract.startswith("Open-domain question answering relies on efficient passage")
    assert "dual-encoder" in paper.abstract and "benchmarks.1" not in paper.abstract
    assert paper.pages_total == 2 and paper.pages_read == [1, 2]
    assert paper.section("introduction") is not None
    assert "Dense Passage Retrieval" in paper.first_page


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "papers").glob("*.pdf")))
def test_fixture_papers_parse(name: str) -> None:
    paper = parse_pdf(FIXTURES / "papers" / name)
    assert paper.title and paper.authors and paper.abstract
    assert not [w for w in paper.warnings if "abstract" in w]


def test_blank_page_is_no_text(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(NoTextError):
        parse_pdf(path)


# --- the shared corpus --------------------------------------------------------------------

_RECORDS = json.loads((CORPUS / "metadata.json").read_text()) if CORPUS.is_dir() else []
_HEADER = [r for r in _RECORDS if r["expected_outcome"] == "header"]
_ERRORS = {
    "error:password-required": EncryptedPDFError,
    "error:malformed-pdf": CorruptPDFError,
    "no-text:ocr-needed": NoTextError,
    "no-text:not-a-paper": NoTextError,
}


def _corpus_params(records: list[dict]) -> list:  # type: ignore[type-arg]
    return [pytest.param(r, id=r["file"], marks=pytest.mark.corpus) for r in records]


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.mark.parametrize("record", _corpus_params(_HEADER))
def test_corpus_header(corpus: Path, record: dict) -> None:  # type: ignore[type-arg]
    paper = parse_pdf(corpus / record["file"])
    assert title_match(paper.title, record["title"]), paper.title
    assert len(paper.authors) == len(record["authors"]), paper.authors
    if record["abstract"]:
        assert abstract_ratio(paper.abstract, record["abstract"]) >= ABSTRACT_MIN, paper.abstract
    assert paper.pages_read and paper.pages_read[0] == 1
    assert len(set(a.lower() for a in paper.affiliations)) == len(paper.affiliations)
    if paper.pages_total >= 4:  # a whole paper: the parts the LLM input is built from
        kinds = {s.kind for s in paper.sections}
        assert {"introduction", "conclusion"} <= kinds, [s.heading for s in paper.sections]
        assert all("ﬁ" not in s.heading and "\n" not in s.heading for s in paper.sections)


@pytest.mark.parametrize(
    "record", _corpus_params([r for r in _RECORDS if r["expected_outcome"] in _ERRORS])
)
def test_corpus_errors(corpus: Path, record: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(_ERRORS[record["expected_outcome"]]):
        parse_pdf(corpus / record["file"])


def test_corpus_is_present_when_expected(corpus: Path) -> None:
    assert _HEADER, "metadata.json lists no header papers"
