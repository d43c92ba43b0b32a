"""Tests of the ingest stage: clean.py tables, error mapping, fixtures and the shared corpus."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from score import (
    ABSTRACT_MIN,
    abstract_ratio,
    broken_hyphens,
    f1,
    institution_match,
    leftover_marks,
    match_counts,
    names_equal,
    title_exact,
    title_match,
    venue_match,
)

from digest.errors import (
    CorruptPDFError,
    EncryptedPDFError,
    GarbledTextError,
    NotAPDFError,
    NoTextError,
)
from digest.models import Paper
from digest.pdf import parse_pdf, read_header
from digest.pdf.affiliations import marked_records, trim_address
from digest.pdf.cells import repeat_cells
from digest.pdf.clean import (
    Vocabulary,
    clean_paragraph,
    garbled_reason,
    is_noise_line,
    join_lines,
    normalize,
    repeated_lines,
    split_run_together,
    strip_marks,
)
from digest.pdf.names import name_case
from digest.pdf.sections import section_kind

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "terms werecollectedfromPubMedandEMBASE daily",
            "terms were collected from PubMed and EMBASE daily",
        ),
        ("thromboprophylaxisinterpretability", "thromboprophylaxisinterpretability"),  # < 3 words
        ("internationalization matters", "internationalization matters"),  # known word
        ("ventionofDVTaftertraumawereidentified", "ventionofDVTaftertraumawereidentified"),
        (
            "see bitbucket.org/ werecollectedfromPubMed",
            "see bitbucket.org/ werecollectedfromPubMed",
        ),
        ("call DataCollectedFromPubMed", "call DataCollectedFromPubMed"),  # CamelCase
    ],
)
def test_split_run_together(text: str, expected: str) -> None:
    vocab = Vocabulary(
        [
            "we collected the data from PubMed and EMBASE, which were searched daily",
            "thromboprophylaxis and interpretability; internationalization, internationalization",
            "after trauma of DVT",
        ]
    )
    assert split_run_together(text, vocab) == expected


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


def test_read_header_matches_parse_pdf_on_corpus_errors(corpus: Path) -> None:
    for record in _RECORDS:
        if record["expected_outcome"] in _ERRORS:
            with pytest.raises(_ERRORS[record["expected_outcome"]]):
                read_header(corpus / record["file"])


@pytest.mark.parametrize("record", _corpus_params(_HEADER))
def test_corpus_text_is_not_garbled(corpus: Path, record: dict) -> None:  # type: ignore[type-arg]
    paper = read_header(corpus / record["file"])  # raises GarbledTextError if it trips
    assert paper.pages_read[0] == 1 and paper.title


# --- garbled text layers ------------------------------------------------------------------

PROSE = (
    "Deep neural networks achieve stellar generalisation even when they have enough parameters "
    "to easily fit all their training data. We study this phenomenon by analysing the dynamics "
    "and the performance of over-parameterised two-layer neural networks in the teacher-student "
    "setup, where one network, the student, is trained on data generated by another network, "
    "called the teacher. We show how the dynamics of stochastic gradient descent is captured by "
    "a set of differential equations and prove that this description is asymptotically exact."
)


def _caesar(text: str, shift: int) -> str:
    def one(ch: str) -> str:
        if "a" <= ch <= "z":
            return chr((ord(ch) - 97 + shift) % 26 + 97)
        if "A" <= ch <= "Z":
            return chr((ord(ch) - 65 + shift) % 26 + 65)
        return ch

    return "".join(map(one, text))


@pytest.mark.parametrize("shift", range(1, 26))
def test_garbled_caesar_shift_detected(shift: int) -> None:
    assert garbled_reason(_caesar(PROSE, shift)) is not None


@pytest.mark.parametrize(
    "text",
    [
        PROSE,
        PROSE.replace(" ", ""),  # words run together without spaces
        PROSE.upper(),
        "Les réseaux de neurones profonds atteignent une excellente généralisation même "
        "lorsqu'ils ont assez de paramètres pour apprendre toutes les données d'entraînement, "
        "et nous étudions la dynamique de la descente de gradient stochastique dans ce cadre.",
        "Tiefe neuronale Netze erreichen eine hervorragende Generalisierung, selbst wenn sie "
        "genug Parameter haben, um alle Trainingsdaten zu lernen; wir untersuchen die Dynamik "
        "des stochastischen Gradientenabstiegs in diesem Aufbau des Lehrers und des Schülers.",
        "深度神经网络即使有足够的参数来拟合所有训练数据，也能取得出色的泛化效果。" * 5,
        "short",
    ],
)
def test_real_text_is_not_garbled(text: str) -> None:
    assert garbled_reason(text) is None


def test_symbol_soup_is_garbled() -> None:
    assert garbled_reason("#$%& ()*+ ,-./ 0123 :;<= >?@[ \\]^_ {|}~ " * 20) is not None


def _text_pdf(path: Path, lines: list[str | tuple[str, int]]) -> Path:
    """A one-page PDF that draws ``lines`` in Helvetica, top down; a plain string is set in
    18 pt when it comes first (the title), else in 10 pt; (text, size) sets the size."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    ops = []
    y = 740.0
    for i, item in enumerate(lines):
        line, size = item if isinstance(item, tuple) else (item, 18 if i == 0 else 10)
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT /F1 {size} Tf 72 {y:.1f} Td ({escaped}) Tj ET")
        y -= 1.3 * size
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _prose_lines(text: str, width: int = 85) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current]


def _paper_lines(transform: Callable[[str], str]) -> list[str | tuple[str, int]]:
    head = ["Dynamics of Gradient Descent in Two-Layer Networks", "Ada Lovelace, Alan Turing"]
    body = ["Abstract", *_prose_lines(PROSE), "1 Introduction", *_prose_lines(PROSE)]
    return [transform(line) for line in head + body]


def test_synthetic_pdf_reads(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "plain.pdf", _paper_lines(lambda s: s))
    paper = read_header(path)
    assert paper.title == "Dynamics of Gradient Descent in Two-Layer Networks"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.abstract.startswith("Deep neural networks achieve stellar generalisation")
    assert parse_pdf(path).title == paper.title


@pytest.mark.parametrize("shift", [1, 3, 13])
def test_synthetic_caesar_pdf_is_garbled(tmp_path: Path, shift: int) -> None:
    path = _text_pdf(tmp_path / "garbled.pdf", _paper_lines(lambda s: _caesar(s, shift)))
    with pytest.raises(GarbledTextError, match="garbled"):
        read_header(path)
    with pytest.raises(GarbledTextError):
        parse_pdf(path)


# --- header heuristics --------------------------------------------------------------------

_ABSTRACT: list[str | tuple[str, int]] = ["Abstract", *_prose_lines(PROSE), "1 Introduction"]


def test_all_caps_names_in_normal_case(tmp_path: Path) -> None:
    lines = ["A Study of Things", "JEAN-LUC O'NEIL, MARY R. JONES AND ANA DE LA CRUZ", *_ABSTRACT]
    paper = read_header(_text_pdf(tmp_path / "caps.pdf", lines))
    # pypdf reads Helvetica's quote as ’
    assert paper.authors == ["Jean-Luc O’Neil", "Mary R. Jones", "Ana de la Cruz"]


def test_authors_above_the_title(tmp_path: Path) -> None:
    lines: list[str | tuple[str, int]] = [
        ("Ada Lovelace, Alan Turing", 11),
        ("A Study of Things Printed Under the Names", 18),
        "Department of Computer Science, University of Somewhere",
        "{ada, alan}@somewhere.edu",
        *_ABSTRACT,
    ]
    paper = read_header(_text_pdf(tmp_path / "above.pdf", lines))
    assert paper.title == "A Study of Things Printed Under the Names"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.abstract.startswith("Deep neural networks")
    assert paper.affiliations == ["Department of Computer Science, University of Somewhere"]


def test_abstract_on_page_two(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    one = _text_pdf(tmp_path / "one.pdf", ["A Study of Things", "Ada Lovelace, Alan Turing"])
    two = _text_pdf(tmp_path / "two.pdf", [("Contents", 12), *_ABSTRACT])
    writer = PdfWriter()
    for part in (one, two):
        writer.add_page(PdfReader(part).pages[0])
    path = tmp_path / "both.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    paper = read_header(path)
    assert paper.title == "A Study of Things" and paper.pages_read == [1, 2]
    assert paper.abstract.startswith("Deep neural networks")


def test_cover_page_before_the_header(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    cover = _text_pdf(
        tmp_path / "cover.pdf",
        [("Accepted Manuscript", 24), "Journal of Things, volume 3", "Please cite this article"],
    )
    header = _text_pdf(
        tmp_path / "paper.pdf",
        ["A Study of Things", "Ada Lovelace, Alan Turing", "University of Somewhere", *_ABSTRACT],
    )
    writer = PdfWriter()
    for part in (cover, header):
        writer.add_page(PdfReader(part).pages[0])
    path = tmp_path / "both.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    for paper in (read_header(path), parse_pdf(path)):
        assert paper.title == "A Study of Things"
        assert paper.authors == ["Ada Lovelace", "Alan Turing"]
        assert paper.affiliations == ["University of Somewhere"]
        assert paper.abstract.startswith("Deep neural networks")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DOUGLAS R. SMITH", "Douglas R. Smith"),
        ("JEAN-LUC O'NEIL AND ANA DE LA CRUZ", "Jean-Luc O'Neil and Ana de la Cruz"),
        ("ZOLTÁN GYÖNGYI", "Zoltán Gyöngyi"),
        (
            "ADA LOVELACE, ALAN M. TURING, AND GRACE HOPPER",
            "Ada Lovelace, Alan M. Turing, and Grace Hopper",
        ),
    ],
)
def test_name_case(raw: str, expected: str) -> None:
    assert name_case(raw) == expected


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        (
            "Stanford University Stanford University Yahoo! Inc.",
            ["Stanford University", "Stanford University", "Yahoo! Inc."],
        ),
        ("Stanford, CA 94305 Stanford, CA 94305", ["Stanford, CA 94305", "Stanford, CA 94305"]),
        ("MIT Media Lab Cambridge", ["MIT Media Lab Cambridge"]),
        ("Lab Lab", ["Lab Lab"]),  # one repeated word is not a column
    ],
)
def test_repeat_cells(line: str, cells: list[str]) -> None:
    assert repeat_cells(line) == cells


def test_marked_records_split_at_marks() -> None:
    text = (
        "1Department of Surgery, University of Calgary, Calgary, Canada. 2Department "
        "of Surgery, University of British Columbia, Vancouver, Canada."
    )
    assert marked_records(text) == [
        "Department of Surgery, University of Calgary",
        "Department of Surgery, University of British Columbia",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("University of Illinois, at Chicago", "University of Illinois, at Chicago"),
        (
            "Sorbonne Universités, Université Paris 6, 75005 Paris, France",
            "Sorbonne Universités, Université Paris 6",
        ),
        ("Yahoo! Inc., 701 First Avenue, Sunnyvale, CA 94089", "Yahoo! Inc."),
        (  # after a department, the last part is its institution, not a place
            "Research Department, Deutsche Bundesbank, 60431 Frankfurt am Main, Germany",
            "Research Department, Deutsche Bundesbank",
        ),
        (
            "Department of Economics, University of Toronto, Toronto",
            "Department of Economics, University of Toronto",
        ),
        (  # an old journal's note under the names
            "(From the Department of Physics, University of Cambridge)",
            "Department of Physics, University of Cambridge",
        ),
    ],
)
def test_trim_address(raw: str, expected: str) -> None:
    assert trim_address(raw) == expected


# --- score.py -----------------------------------------------------------------------------


def test_score_helpers() -> None:
    assert title_exact("LONGEVAL:  Guidelines", "LongEval: Guidelines")
    assert not title_exact("olmOCR 2 Unit Test", "olmOCR 2: Unit Test")
    assert names_equal("Zoltán GYÖNGYI", "Zoltan Gyongyi")
    assert names_equal("Wen-tau Yih", "Wen tau Yih")
    assert not names_equal("Kyle Lo", "Kyle Low")
    assert institution_match("University of Illinois", "University of Illinois, at Chicago")
    assert institution_match(
        "Department of Surgery, University of Calgary",
        "Department of Surgery, University of Calgary, Calgary, Canada",
    )
    assert not institution_match("Stanford University", "Stanford University, CS Department")
    assert not institution_match("Stanford University", "Yale University")
    assert match_counts(["a", "b", "b"], ["b", "c"], str.__eq__) == 1
    assert f1(1, 2, 2) == 0.5


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("in the teacher-student setup1. We", ["1"]),
        ("on the benchmark.1 We then", ["1"]),
        ("code is available 1 .", ["1"]),
        ("Arman Cohan†", ["†"]),
        ("GPT-3 and word2vec reach 96.2% at F1 on L2.", []),
    ],
)
def test_leftover_marks(text: str, marks: list[str]) -> None:
    assert leftover_marks(text) == marks


def test_broken_hyphens() -> None:
    page = Vocabulary(["a self-supervised model", "we compute the computation", "token- and"])
    assert broken_hyphens("compu- tation and token- and", page) == ["compu- tation"]
    assert broken_hyphens("compu-tation", page) == ["compu-tation"]
    assert broken_hyphens("selfsupervised", page) == ["selfsupervised"]
    assert broken_hyphens("self-supervised computation", page) == []


def test_venue_match() -> None:
    vldb = "Proceedings of the 30th VLDB Conference"
    assert venue_match(vldb.replace("30th", "30"), vldb)  # the superscript the layer drops
    assert venue_match("STOC’07", "STOC'07")
    assert venue_match("IEEE TRANSACTIONS ON X", "IEEE Transactions on X")
    assert venue_match(None, None)
    assert not venue_match("GLIA", None) and not venue_match(None, "GLIA")
    assert not venue_match("PLoS Negl Trop Dis", "PLOS Neglected Tropical Diseases")


# --- the eval's targets -------------------------------------------------------------------


def _eval_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "eval_metadata", REPO / "scripts/eval_metadata.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.parametrize(("folder", "papers"), [("corpus", 20), ("corpus-wide", 45)])
def test_corpus_meets_eval_targets(corpus: Path, folder: str, papers: int) -> None:
    """scripts/eval_metadata.py's accuracy targets (issues 6, 12 and 26) on the reference set: the
    20 papers of ../shared/corpus and the 45 of other fields and publishers in
    ../shared/corpus-wide, each folder alone (two tests, so they run side by side). The two
    together pass whenever each does: every rate target is a mean or a ratio of sums, which
    for the union lies between the folders' values, and the count targets are 0. Its speed
    target is measured and printed by the script, never asserted in a test (house rule)."""
    directory = corpus.parent / folder
    if not directory.is_dir():
        pytest.skip(f"shared corpus not found at {directory}")
    module = _eval_module()
    ev = module.evaluate(directory)
    assert all(
        ev.outcomes[r["file"]] == module.OUTCOME_ERRORS[r["expected_outcome"]]
        for r in ev.records
        if r["file"] in ev.outcomes
    ), ev.outcomes
    assert len(ev.scores) == papers
    accuracy = {k: v for k, v in ev.values.items() if k in module.TARGETS and "/s" not in k}
    assert "title exact" in accuracy and "institutions precision" in accuracy
    assert "year" in accuracy and "wrong DOIs" in accuracy
    missed = {k: v for k, v in accuracy.items() if not module.passed(k, v)}
    assert not missed, (folder, missed)
