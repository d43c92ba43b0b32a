"""Names as printed, in parts: initials, particles, suffixes, family-first lists, and the names of
../shared/corpus-wide that came out wrong ("J, Martin", "Doest, H Ter")."""

from __future__ import annotations

import pytest

from digest.person_names import PersonName, person_name


@pytest.mark.parametrize(
    ("printed", "given", "particle", "family", "suffix"),
    [
        ("Martin J. Wainwright", "Martin J.", "", "Wainwright", ""),
        ("Michael J Cafarella", "Michael J", "", "Cafarella", ""),  # an initial as printed
        ("A.H Salden", "A. H.", "", "Salden", ""),  # glued by periods
        ("J.E.J Prins", "J. E. J.", "", "Prins", ""),
        ("E.-J Goedvolk", "E.-J.", "", "Goedvolk", ""),
        ("E.-J. Goedvolk", "E.-J.", "", "Goedvolk", ""),
        ("Yu.A.Pusep", "Yu. A.", "", "Pusep", ""),
        ("Brian DW Ziebart", "Brian D. W.", "", "Ziebart", ""),  # capitals, no vowel: initials
        ("Brian Dw Ziebart", "Brian Dw", "", "Ziebart", ""),  # normal case: a word, kept
        ("Md Ali Babar", "Md Ali", "", "Babar", ""),
        ("Bo Qin", "Bo", "", "Qin", ""),
        ("Andrew Ng", "Andrew", "", "Ng", ""),
        ("Wei LI", "Wei", "", "LI", ""),  # a family name in capitals is no initials
        ("L.Fernandes dos Santos", "L. Fernandes", "dos", "Santos", ""),
        ("Jan van der Berg", "Jan", "van der", "Berg", ""),
        ("Jean de la Fontaine", "Jean", "de la", "Fontaine", ""),
        ("H Ter Doest", "H", "Ter", "Doest", ""),  # a capitalised particle that is one only
        ("Juan De La Cruz", "Juan", "De La", "Cruz", ""),  # two together
        ("Luc Van Gool", "Luc Van", "", "Gool", ""),  # alone: also a given name (as BibTeX reads)
        ("Hung Van Nguyen", "Hung Van", "", "Nguyen", ""),
        ("von Neumann", "", "von", "Neumann", ""),
        ("Martin Luther King Jr.", "Martin Luther", "", "King", "Jr."),
        ("John Smith, III", "John", "", "Smith", "III"),
        ("Chapman S", "S", "", "Chapman", ""),  # family first, as Vancouver lists print it
        ("Martin J", "J", "", "Martin", ""),  # a family name is never an initial
        ("van der Berg J", "J", "van der", "Berg", ""),
        ("Mausam", "", "", "Mausam", ""),
        ("张三", "", "", "张三", ""),
        ("Wen-tau Yih", "Wen-tau", "", "Yih", ""),
        ("Tom and Jerry", "Tom and", "", "Jerry", ""),  # "and" is no particle
    ],
)
def test_a_printed_name_in_parts(
    printed: str, given: str, particle: str, family: str, suffix: str
) -> None:
    assert person_name(printed) == PersonName(given, particle, family, suffix)


def test_an_empty_name_has_no_parts() -> None:
    assert person_name("  ") == PersonName()
