"""A venue as a kind: the 33 venues printed in ../shared/corpus-wide, and the forms around them."""

from __future__ import annotations

import pytest

from digest import Paper
from digest.venues import KINDS, paper_year, venue_kind, venue_table

# (venue as printed, the paper's DOI or None, the kind): every venue of corpus-wide's metadata
CORPUS_WIDE = [
    ("IEEE Transactions on Circuits and Systems for Video Technology", None, "journal"),
    ("Proceedings of the 45th Annual Meeting of the Association of Computational Linguistics",
     None, "conference"),
    ("Proceedings of the 28th International Conference on Machine Learning", None, "conference"),
    ("AI Magazine", None, "journal"),
    ("Proceedings of the Thirteenth Conference on Computational Natural Language Learning "
     "(CoNLL): Shared Task", None, "conference"),
    ("CHI 2013 Extended Abstracts", None, "conference"),
    ("PLOS ONE", "10.1371/journal.pone.0197919", "journal"),
    ("OSDI 2004", None, "conference"),
    ("Proceedings of NAACL-HLT 2013", None, "conference"),
    ("STOC'07", None, "conference"),
    ("Proceedings of the VLDB Endowment", None, "journal"),
    ("Rehabilitation Research and Practice", "10.1155/2010/157939", "journal"),
    ("International Psychogeriatrics", "10.1017/s1041610213001804", "journal"),
    ("BMC Health Services Research", "10.1186/1472-6963-14-1", "journal"),
    ("GLIA", "10.1002/(sici)1098-1136(199809)24:1<39::aid-glia5>3.0.co;2-w", "journal"),
    ("Immunology", "10.1111/imm.13445", "journal"),
    ("IEEE Robotics and Automation Letters", "10.1109/lra.2020.3015448", "journal"),
    ("PLDI'09", None, "conference"),
    ("SPAA'04", None, "conference"),
    ("Journal of Statistical Software", None, "journal"),
    ("2010 International Conference on Data Storage and Data Engineering", "10.1109/dsde.2010.49",
     "conference"),
    ("11th ZEUS Workshop, ZEUS 2019", None, "conference"),
    ("PLOS Neglected Tropical Diseases", "10.1371/journal.pntd.0002748", "journal"),
    ("Proc. R. Soc. Lond. B", "10.1098/rspb.2003.2590", "journal"),
    ("Tobacco Control", "10.1136/tc.2004.010025", "journal"),
    ("Mediterranean Journal of Social Sciences", "10.5901/mjss.2013.v4n13p867", "journal"),
    ("International Conference on Law and Technology (LawTech 2002)", None, "conference"),
    ("Nuclear and Emerging Technology for Space (NETS) 2015", None, "conference"),
]  # fmt: skip

AROUND = [
    ("arXiv preprint arXiv:2406.06769", None, "preprint"),
    ("bioRxiv", "10.1101/2020.01.01.000001", "preprint"),
    ("CoRR abs/1706.03762", None, "preprint"),
    ("Preprint submitted to Elsevier", None, "preprint"),
    ("NBER Working Paper 12345", "10.3386/w12345", "preprint"),
    ("Proceedings of the National Academy of Sciences", "10.1073/pnas.1", "journal"),
    ("Proceedings of the IEEE", "10.1109/5.1", "journal"),
    ("Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition", None,
     "conference"),
    ("Phys. Rev. Lett. 120, 123601 (2018)", None, "journal"),
    ("J. Mach. Learn. Res.", None, "journal"),
    ("Advances in Neural Information Processing Systems 33", None, "conference"),
    ("NeurIPS 2020", None, "conference"),
    ("In Proc. of the 2nd Workshop on Reviews", None, "conference"),
    ("Technical Report TR-2004-12", "10.1000/tr", "other"),
    ("Some Venue Without A Cue", None, "other"),  # no DOI: not called a journal
    ("Some Venue Without A Cue", "10.48550/arXiv.2406.06769", "other"),  # arXiv's DOI: no journal
]  # fmt: skip


@pytest.mark.parametrize(("venue", "doi", "kind"), CORPUS_WIDE + AROUND)
def test_a_venue_is_read_by_its_words(venue: str, doi: str | None, kind: str) -> None:
    assert venue_kind(venue, doi=doi) == kind


def test_without_a_venue_only_arxiv_tells() -> None:
    assert venue_kind(None, arxiv_id="2406.06769") == "preprint"
    assert venue_kind("  ", doi="10.48550/arXiv.2406.06769") == "preprint"
    assert venue_kind(None, doi="10.1136/tc.2004.010025") is None  # a DOI says no kind
    assert venue_kind(None) is None


def test_a_venue_on_arxiv_is_its_published_kind() -> None:
    assert venue_kind("OSDI 2004", arxiv_id="2406.06769") == "conference"


def test_the_table_names_known_kinds_and_compiles() -> None:
    table = venue_table()
    assert {kind for kind, _ in table} == set(KINDS)


def test_the_year_is_the_records_then_arxivs() -> None:
    def paper(**fields: object) -> Paper:
        return Paper.model_validate({"source": "x.pdf", "sha256": "0", "title": "T", **fields})

    assert paper_year(paper(year=2004, published="2020-05-22", arxiv_id="2005.11401")) == 2004
    assert paper_year(paper(published="2020-05-22T17:00:00Z", arxiv_id="1906.08632")) == 2020
    assert paper_year(paper(arxiv_id="cs/0112017v1")) == 2001
    assert paper_year(paper(year=20)) is None  # no year of four digits
    assert paper_year(paper(arxiv_id="2005.11401}, note = {x")) is None  # no arXiv ID
    assert paper_year(paper()) is None
