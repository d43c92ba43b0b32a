"""digest.pdf.imprint: what one line says of a paper's year and venue, line by line as
publishers print it (the lines are those of real first pages, names of journals kept)."""

from __future__ import annotations

import pytest

from digest.pdf.imprint import Reading, name_like, read_line, volume_cell, year_of


def _first(text: str, kind: str) -> Reading:
    found = [r for r in read_line(text) if r.kind == kind]
    assert found, f"no {kind} reading in {text!r}: {read_line(text)}"
    return found[0]


@pytest.mark.parametrize(
    ("line", "year", "venue"),
    [
        (
            "IEEE TRANSACTIONS ON CIRCUITS AND SYSTEMS FOR VIDEO TECHNOLOGY, VOL. 7, NO. 5, "
            "OCTOBER 1997",
            1997,
            "IEEE TRANSACTIONS ON CIRCUITS AND SYSTEMS FOR VIDEO TECHNOLOGY",
        ),
        ("GLIA 24:39–49 (1998)", 1998, "GLIA"),
        ("Immunology. 2022;165:141–142. wileyonlinelibrary.com/journal/imm", 2022, "Immunology"),
        ("Tobacco Control 2004;13:445–447. doi: 10.1136/tc.2004.010025", 2004, "Tobacco Control"),
        ("Proc. R. Soc. Lond. B (2004) 271, 147–152", 2004, "Proc. R. Soc. Lond. B"),
        (
            "International Psychogeriatrics (2014), 26:1, 147–154 ©C International "
            "Psychogeriatric Association 2013.",
            2014,
            "International Psychogeriatrics",
        ),
        (
            "Datta et al. Journal of Trauma Management & Outcomes 2010, 4:1",
            2010,
            "Journal of Trauma Management & Outcomes",
        ),
        ("Mach Learn (2019) 108:1–20", 2019, "Mach Learn"),
        ("Neurocomputing 338 (2019) 34–45", 2019, "Neurocomputing"),
        ("PHYSICAL REVIEW LETTERS 120, 117701 (2018)", 2018, "PHYSICAL REVIEW LETTERS"),
        ("Sensors 2020, 20, 1234; doi:10.3390/s20041234", 2020, "Sensors"),
        ("Bioinformatics, 36(1), 2020, 10–17", 2020, "Bioinformatics"),
        ("Cell 180, 1–14, March 19, 2020", 2020, "Cell"),
        ("Nature Communications | (2020) 11:1234 | https://doi.org/10.1038/x", 2020,
         "Nature Communications"),
        ("PNAS | March 3, 2020 | vol. 117 | no. 9 | 4571–4578", 2020, "PNAS"),
        ("Cite as: eLife 2014;3:e01567. DOI: 10.7554/eLife.01567", 2014, "eLife"),
    ],
)  # fmt: skip
def test_a_journals_issue_line(line: str, year: int, venue: str) -> None:
    reading = _first(line, "issue")
    assert (reading.year, reading.venue, reading.where) == (year, venue, "margin")


@pytest.mark.parametrize(
    ("line", "year"),
    [
        ("Volume 2010, Article ID 157939, 6 pages", 2010),  # Hindawi: the name is above
        ("January 2007, Volume 18, Issue 3.", 2007),  # JSS
        ("March 2014 | Volume 8 | Issue 3 | e2748", 2014),  # PLOS: the name is beside
        ("FALL 2010 93", 2010),  # a magazine's issue and page
    ],
)
def test_an_issue_line_whose_journal_is_in_another_cell(line: str, year: int) -> None:
    assert _first(line, "issue") == Reading("issue", year, None, "margin")


@pytest.mark.parametrize(
    ("line", "year", "venue"),
    [
        (
            "Proceedings of the 58th Annual Meeting of the Association for Computational "
            "Linguistics, pages 2270–2282 July 5 - 10, 2020. ©c 2020 Association for "
            "Computational Linguistics",
            2020,
            "Proceedings of the 58th Annual Meeting of the Association for Computational "
            "Linguistics",
        ),
        (
            "In Proceedings of the 45th Annual Meeting of the Association for Computational "
            "Linguistics (ACL-2007). pp. 576-583, Prague, Czech Republic, June 2007.",
            2007,
            "Proceedings of the 45th Annual Meeting of the Association for Computational "
            "Linguistics (ACL-2007)",
        ),
        (
            "Appearing in Proceedings of the 28 International Conference on Machine Learning "
            ",Bellevue, WA, USA, 2011.",
            2011,
            "Proceedings of the 28 International Conference on Machine Learning",
        ),
        (
            "33rd Conference on Neural Information Processing Systems (NeurIPS 2019), "
            "Vancouver, Canada.",
            2019,
            "33rd Conference on Neural Information Processing Systems (NeurIPS 2019)",
        ),
        ("STOC’07, June 11–13, 2007, San Diego, California, USA.", 2007, "STOC’07"),
        ("PLDI’09, June Dublin, Ireland.", 2009, "PLDI’09"),
        (
            "CHI 2013 Extended Abstracts, April 27–May 2, 2013, Paris, France.",
            2013,
            "CHI 2013 Extended Abstracts",
        ),
        ("To appear in OSDI 2006", 2006, "OSDI 2006"),
        (
            "Findings of the Association for Computational Linguistics: EMNLP 2021, pages 1–10",
            2021,
            "Findings of the Association for Computational Linguistics: EMNLP 2021",
        ),
        ("Published as a conference paper at ICLR 2021", 2021, "ICLR 2021"),
        (
            "S. Kolb, C. Sturm (Eds.): 11 ZEUS Workshop, ZEUS 2019, Bayreuth, Germany, 14-15 "
            "February 2019, published at http://ceur-ws.org/Vol-2339",
            2019,
            "11 ZEUS Workshop, ZEUS 2019",
        ),
        (
            "2010 International Conference on Data Storage and Data Engineering",
            2010,
            "2010 International Conference on Data Storage and Data Engineering",
        ),
        (
            "Published in: International Conference on Law and Technology (LawTech 2002), "
            "Cambridge, MA, USA, November 6-8, 2002",
            2002,
            "International Conference on Law and Technology (LawTech 2002)",
        ),
        (
            "permission and/or a fee. Articles from this volume were presented at The 36th "
            "International Conference on Very Large Data Bases, September 13-17, 2010, "
            "Singapore.",
            2010,
            "36th International Conference on Very Large Data Bases",
        ),
    ],
)
def test_a_meetings_line(line: str, year: int, venue: str) -> None:
    reading = _first(line, "meeting")
    assert (reading.year, reading.venue) == (year, venue)


@pytest.mark.parametrize(
    ("line", "year", "venue"),
    [("IJCAI-07", 2007, "IJCAI-07"), ("NETS 2015", 2015, "NETS 2015")],
)
def test_a_venue_mark_alone_counts_only_in_a_margin(line: str, year: int, venue: str) -> None:
    assert _first(line, "meeting") == Reading("meeting", year, venue, "margin")


def test_a_conference_word_in_prose_needs_to_be_aside() -> None:
    assert _first("The 2009 Workshop on Parsing showed that", "meeting").where == "aside"
    assert read_line("of the 2009 Workshop on Parsing, we showed") == []  # mid-sentence


@pytest.mark.parametrize(
    "line",
    [
        "Conference’17, July 2017, Washington, DC, USA",  # acmart's unfilled defaults
        "Woodstock ’18, June 03–05, 2018, Woodstock, NY",
        "ACM Journal Name, Vol. V, No. N, Month 20YY, Pages 1–0??.",
        "A preliminary version of this paper was presented at the ACM-SIAM Symposium on "
        "Discrete Algorithms (2000).",  # another version's venue and year
        "Under review as a conference paper at ICLR 2024",
        "Submitted to 37th Conference on Neural Information Processing Systems (NeurIPS 2023).",
        "Preprint submitted to Sensors and Actuators A: Physical",
    ],
)
def test_no_venue_from_placeholders_or_other_versions(line: str) -> None:
    assert [r for r in read_line(line) if r.kind in ("meeting", "issue")] == []


@pytest.mark.parametrize(
    ("line", "kind", "year"),
    [
        ("Published 5 June 2017", "published", 2017),
        ("Published: June 13, 2018", "published", 2018),
        ("Received August 10, 2013; Accepted February 3, 2014; Published March 20, 2014",
         "published", 2014),
        ("Date of publication August 11, 2020; date of current version", "published", 2020),
        ("Publication date: 2002", "published", 2002),
        ("Published online 27 November 2003", "accepted", 2003),
        ("Accepted 9 May 2017", "accepted", 2017),
        ("Submitted: 2006-10-01 Accepted: 2007-01-10", "accepted", 2007),
        ("January 20, 2022", "dated", 2022),
        ("Date: March 28, 2015.", "dated", 2015),
    ],
)  # fmt: skip
def test_dates_of_publication(line: str, kind: str, year: int) -> None:
    assert _first(line, kind).year == year


@pytest.mark.parametrize(
    ("line", "year"),
    [
        ("© 2010 Datta et al; licensee BioMed Central Ltd.", 2010),
        ("July 5 - 10, 2020. ©c 2020 Association for Computational Linguistics", 2020),
        ("Copyright © 2022, Association for the Advancement of Artificial Intelligence", 2022),
        ("Copyright 2004 ACM 1-58113-840-7/04/0006 ...$5.00.", 2004),
        ("Copyright 2011 by the author(s)/owner(s).", 2011),
        ("Copyright: /C223 2014 Shaffer et al. This is an open-access article", 2014),
        ("©C International Psychogeriatric Association 2013.", 2013),
        ("© The Author(s) 2020", 2020),
        ("978-1-4577-9538-2/11/$26.00 ©2011 IEEE", 2011),
        ("Copyright © ACM 978-1-60558-392-1/09/06...$5.00", 2009),  # the price code's year
        ("1051–8215/97$10.00  1997 IEEE", 1997),
    ],
)
def test_copyright_lines(line: str, year: int) -> None:
    assert _first(line, "copyright").year == year


@pytest.mark.parametrize(
    "line",
    [
        "© 3025 Galactic Press",  # no paper is from the future
        "Copyright 0012 by nobody",  # nor from antiquity
        "© 2099 The Authors",
        "Vol. 12, No. 3, 3025",
        "GLIA 24:39–49 (0012)",
        "The Copyright Act of 1976 governs fair use",  # prose about copyright, not a notice
        "Published in 2010 by Smith and colleagues",  # not a date of publication
        "The Big Sleep (published 1939)",  # told of, not stated
        "of the Third Workshop on Algebra in Scientific Computing, Samarkand, 2000 [C].",
        "SQL Server 2005 introduces a native data type",
        "COVID-19 vaccination and treatment in vulnerable populations",
    ],
)
def test_hostile_lines_state_no_year(line: str) -> None:
    assert [r.year for r in read_line(line) if r.year is not None and r.where == "any"] == []
    assert all(r.year is None or 1800 <= r.year <= 2100 for r in read_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "VII, ed. Carlo Natali, Symposium Aristotelicum (Oxford: Oxford University Press, 2009)",
        "Rordorf. Vol. 2. Bibliothèque de la Pléiade 516. Paris: Gallimard, 2005, pp. 609–",
        "Actes de Barnabé. In: Écrits apocryphes chrétiens. Trans. and annot. by Enrico Norelli",
    ],
)
def test_a_note_citing_a_work_states_nothing(line: str) -> None:
    """A footnote's citation: an editor, a translator, a publisher's city and name."""
    assert read_line(line) == []


def test_year_of() -> None:
    assert year_of("2011") == 2011
    assert year_of("2017-05-31") == 2017
    assert year_of("D:20110516155336Z") == 2011
    assert year_of("ISSN 3025-1234 and 0012") is None


def test_banner_cells() -> None:
    assert volume_cell("Vol 4 No 13") and volume_cell("Volume 8, Issue 3")
    assert not volume_cell("Vol 4 No 13, November 2013 pages")
    assert name_like("Mediterranean Journal of Social Sciences")
    assert name_like("PLOS Neglected Tropical Diseases")
    for cell in ["JSS", "Hindawi Publishing Corporation", "E-ISSN 2039-2117", "www.plosntds.org",
                 "EDITORIAL", "and in this issue we show that the results"]:  # fmt: skip
        assert not name_like(cell), cell
