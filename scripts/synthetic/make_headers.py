"""Synthetic research-paper PDFs typeset with publisher LaTeX classes, with exact ground truth.

    python scripts/synthetic/make_headers.py [OUT] [--seed N] [--only 3,7,...]

OUT defaults to build/synthetic (ignored by git). Writes OUT/NN-template-field.pdf, the LaTeX
sources in OUT/src/ and OUT/metadata.json (the format of ../shared/corpus-wide/metadata.json,
gt "synthetic"). Document i is drawn from random.Random(seed * 1000 + i), so a seed always
gives the same sources; pdflatex runs with SOURCE_DATE_EPOCH fixed, so printed dates do not
change either. The word material (names, affiliations, sentences) is in header_text.py beside
this file.

Every PDF is checked with pdftotext (-layout and reading order, pages 1-2): the title, every
author's surname, each affiliation's department and institution and the first 10 words of the
abstract must be printed, and the PDF must have at most 2 pages and no bitmap (Type 3) fonts.
A PDF that fails is deleted, left out of metadata.json and reported, and the exit status is 1.
Whole sentences of the abstract and full author names are checked too; a miss there is only
printed as a warning.

Needs pdflatex and pdftotext (Debian 12 packages):
    apt-get install -y --no-install-recommends texlive-latex-base texlive-latex-recommended \\
        texlive-latex-extra texlive-publishers texlive-fonts-recommended lmodern poppler-utils
texlive-publishers has IEEEtran, acmart, llncs, elsarticle, revtex4-2, mnras and the Elsevier
CAS classes; texlive-latex-extra has authblk and fancyhdr. Without texlive-fonts-extra acmart
warns and falls back from Libertine to Computer Modern (we load lmodern). Springer's svjour3 is
not in TeX Live or Debian, so it is not covered.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from header_text import AFFS, FIELDS, JOURNALS, NAMES

SEED = 20240611
LM = "\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
TIMES = "\\usepackage[T1]{fontenc}\n\\usepackage{mathptmx}\n"
EQUAL = "These authors contributed equally to this work."
ASCII = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "ł": "l", "ı": "i"})
AND, SEP = " \\and ", " \\sep "


@dataclass
class Aff:
    dept: str
    inst: str
    city: str
    postcode: str
    country: str
    domain: str

    @property
    def gt(self) -> str:  # as the ground truth gives it: no street, postcode or country
        return ", ".join(x for x in (self.dept, self.inst) if x)

    def full(self, post: bool = True) -> str:
        city = f"{self.postcode} {self.city}" if post and self.postcode else self.city
        return ", ".join(x for x in (self.dept, self.inst, city, self.country) if x)


@dataclass
class Author:
    given: str
    family: str
    affs: list[int]  # indices into Doc.affs, which are numbered by first appearance
    email: str = ""

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class Doc:
    index: int
    template: str
    field: str
    opts: set[str]
    rng: random.Random
    title: str = ""
    authors: list[Author] = field(default_factory=list)
    affs: list[Aff] = field(default_factory=list)
    abstract: list[tuple[str, str]] = field(default_factory=list)  # (label or "", text)
    keywords: list[str] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    corr: int = -1  # the corresponding author, -1 = none
    equal: tuple[int, ...] = ()  # authors who contributed equally

    @property
    def key(self) -> str:
        return f"{self.index:02d}-{self.template}-{self.field}"

    def has(self, *opts: str) -> bool:
        return any(o in self.opts for o in opts)


# ------------------------------------------------------------------------------ text helpers


def tex(s: str) -> str:
    for a, b in (("&", r"\&"), ("%", r"\%"), ("#", r"\#"), ("_", r"\_")):
        s = s.replace(a, b)
    return s


def sub(skeleton: str, **slots: object) -> str:
    """Fill the <name> slots of a LaTeX skeleton (so its braces stay as LaTeX writes them)."""
    for k, v in slots.items():
        skeleton = skeleton.replace(f"<{k}>", str(v))
    return skeleton


def printed(s: str) -> str:
    """What TeX prints for our input: a straight apostrophe comes out as a right quote."""
    return s.replace("'", "\u2019")


def fold(s: str) -> str:
    """Letters and digits only, lower case, accents (combining or spacing) dropped."""
    s = unicodedata.normalize("NFKD", s.replace("ı", "i")).casefold()
    return "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))


def titlecase(s: str) -> str:
    small = {
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "by",
        "from",
        "at",
        "under",
        "across",
        "as",
        "via",
    }
    return " ".join(
        w
        if i and w in small
        else "-".join(p[:1].upper() + p[1:] if p.islower() else p for p in w.split("-"))
        for i, w in enumerate(s.split(" "))
    )


def initials(a: Author) -> str:
    if "." in a.given:
        return a.name
    return (
        " ".join("-".join(p[0] + "." for p in g.split("-")) for g in a.given.split())
        + " "
        + a.family
    )


def and_list(items: list[str]) -> str:
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def short_title(d: Doc) -> str:
    return tex(d.title.split(":")[0][:40])


def short_authors(d: Doc) -> str:
    fam = [a.family for a in d.authors]
    return tex(and_list(fam) if len(fam) < 3 else f"{fam[0]} et al.")


def abstract_tex(d: Doc, label: str = r"\textbf{%s:}") -> str:
    if not d.abstract[0][0]:
        return tex(d.abstract[0][1])
    return "\n\n".join(f"\\noindent {label % lab} {tex(t)}" for lab, t in d.abstract)


def body(d: Doc, end: str = "") -> str:
    paras = "\n\n".join(tex(p) for p in d.intro)
    return f"\\section{{Introduction}}\n{paras}\n{end}\\end{{document}}\n"


def affmarks(a: Author, style: str = "digit") -> str:
    sym = ["*", r"$\dagger$", r"$\ddagger$", r"$\S$", r"$\P$", "**"]
    return ",".join(
        str(i + 1) if style == "digit" else "abcdefgh"[i] if style == "letter" else sym[i]
        for i in a.affs
    )


def journal_line(d: Doc) -> str:
    first = d.rng.randint(100, 900)
    return (
        f"{JOURNALS[d.field]}, Vol.~{d.rng.randint(3, 48)}, No.~{d.rng.randint(1, 12)}, "
        f"2024, pp.~{first}--{first + d.rng.randint(8, 20)}"
    )


def number(d: Doc, digits: int = 4) -> int:
    return d.rng.randint(10 ** (digits - 1), 10**digits - 1)


def tag(d: Doc, words: str) -> None:
    d.tags += words.split()


def funding(d: Doc) -> str:
    d.tags.append("thanks-footnote")
    agency = d.rng.choice(
        [
            "the Research Council of Norway",
            "the European Research Council",
            "the National Natural Science Foundation of China",
            "the Wellcome Trust",
            "the Swiss National Science Foundation",
        ]
    )
    return f"This work was supported by {agency} under grant {number(d, 6)}."


# ------------------------------------------------------------------------------ templates
# Each takes a Doc, adds its layout tags and notes, and returns the LaTeX source.


def ieee_conference(d: Doc) -> str:
    tag(d, "ieee-conference two-column run-in-abstract-heading index-terms")
    if d.has("refmark"):  # names on shared lines, affiliations by symbol marks
        tag(d, "symbol-affiliation-markers superscript-affiliations")
        d.notes.append("Affiliations are linked by IEEE symbol marks (*, †, ‡, §).")
        names = [
            tex(a.name) + "".join(f"\\IEEEauthorrefmark{{{i + 1}}}" for i in a.affs)
            for a in d.authors
        ]
        lines = [
            f"\\IEEEauthorrefmark{{{i + 1}}}{tex(f.full(False))}" for i, f in enumerate(d.affs)
        ]
        mails = [a.email for a in d.authors] if d.has("email") else []
        lines += ["Email: " + ", ".join(mails[k : k + 2]) for k in range(0, len(mails), 2)]
        author = sub(
            r"\IEEEauthorblockN{<n>}" "\n" r"\IEEEauthorblockA{<a>}",
            n=",\\\\\n".join(", ".join(names[k : k + 3]) for k in range(0, len(names), 3)),
            a="\\\\\n".join(lines),
        )
    else:  # one column per author
        tag(d, "author-columns affiliations-under-authors")
        blocks = []
        for a in d.authors:
            lines = []
            for f in (d.affs[i] for i in a.affs):
                lines += [f"\\textit{{{tex(x)}}}" for x in (f.dept, f.inst) if x]
                lines.append(f"{f.city}, {f.country}")
            lines += [a.email] if d.has("email") else []
            blocks.append(
                sub(
                    r"\IEEEauthorblockN{<n>}" "\n" r"\IEEEauthorblockA{<a>}",
                    n=tex(a.name),
                    a=" \\\\\n".join(lines),
                )
            )
        author = "\n\\and\n".join(blocks)
    pubid = ""
    if d.has("pubid"):
        d.tags.append("venue-footer")
        d.notes.append("IEEE ISBN/copyright line at the foot of column 1.")
        pubid = sub(
            r"\IEEEpubid{\makebox[\columnwidth]{979-8-3503-<n>-2/24/\$31.00~\copyright2024"
            r" IEEE\hfill}\hspace{\columnsep}\makebox[\columnwidth]{ }}",
            n=number(d),
        )
    return sub(
        r"""\documentclass[conference]{IEEEtran}
<fonts>\IEEEoverridecommandlockouts
\begin{document}
\title{<title>}
\author{<author>}
\maketitle
<pubid>
\begin{abstract}
<abstract>
\end{abstract}
\begin{IEEEkeywords}
<kw>
\end{IEEEkeywords}
""",
        fonts=TIMES,
        title=tex(d.title),
        author=author,
        pubid=pubid,
        abstract=abstract_tex(d),
        kw=tex(", ".join(d.keywords)),
    ) + body(d)


def ieee_journal(d: Doc) -> str:
    tag(d, "ieee-journal two-column run-in-abstract-heading index-terms")
    tag(d, "affiliations-in-footnote journal-banner")
    d.notes.append(
        "Affiliations appear only in the unmarked first-page footnote "
        "('X is with the ...'); the banner line is the journal's running head."
    )
    names = []
    for i, a in enumerate(d.authors):
        grade = d.rng.choice(["Member", "Senior Member", "Fellow", "", "", ""])
        if d.has("member") and grade:
            comma = "" if i == len(d.authors) - 1 else ","
            names.append(f"{tex(a.name)},~\\IEEEmembership{{{grade},~IEEE{comma}}}")
            d.tags += [] if "author-suffix-member-ieee" in d.tags else ["author-suffix-member-ieee"]
        else:
            names.append(tex(a.name))
    author = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + ", and " + names[-1]
    notes = [
        f"Manuscript received January {d.rng.randint(2, 28)}, 2024; revised "
        f"April {d.rng.randint(2, 28)}, 2024."
    ]
    for i, f in enumerate(d.affs):  # "A and B are with ...", in the order of the affiliations
        where = (
            "the "
            if f.full().split()[0]
            in {"Department", "Division", "School", "Graduate", "Institute", "Research", "Centre"}
            else ""
        )
        where += tex(f.full())
        first = [a for a in d.authors if a.affs[0] == i]
        if first:
            notes.append(
                f"{tex(and_list([initials(a) for a in first]))} "
                f"{'is' if len(first) == 1 else 'are'} with {where} "
                f"(e-mail: {'; '.join(a.email for a in first)})."
            )
        notes += [f"{tex(initials(a))} is also with {where}." for a in d.authors if i in a.affs[1:]]
    head = journal_line(d).replace(
        JOURNALS[d.field], "IEEE Transactions on " + JOURNALS[d.field].split(" of ")[-1]
    )
    return sub(
        r"""\documentclass[journal]{IEEEtran}
<fonts>\markboth{<head>}{<first> \MakeLowercase{\textit{et al.}}: <short>}
\begin{document}
\title{<title>}
\author{<author><thanks>}
\maketitle
\begin{abstract}
<abstract>
\end{abstract}
\begin{IEEEkeywords}
<kw>
\end{IEEEkeywords}
""",
        fonts=TIMES,
        head=head,
        first=tex(d.authors[0].family),
        short=short_title(d),
        title=tex(d.title),
        author=author,
        thanks="".join(f"%\n\\thanks{{{n}}}" for n in notes),
        abstract=abstract_tex(d),
        kw=tex(", ".join(d.keywords)),
    ) + body(d)


def acmart(d: Doc) -> str:
    journal = d.template == "acm-journal"
    fmt = "acmlarge" if d.has("large") else "acmsmall" if journal else "sigconf"
    d.tags += [
        "acm-" + (f"journal-{fmt}" if journal else fmt),
        "keywords",
        "acm-reference-format-block",
        "venue-footer",
    ]
    d.notes.append(
        "acmart repeats the authors and title in the 'ACM Reference Format' block "
        "and prints a copyright/venue block at the foot of column 1 or the page."
    )
    if journal:
        tag(d, "single-column no-abstract-heading all-caps-names affiliation-after-name")
        d.notes.append(
            "Journal format: names printed in capitals, each followed by "
            "', Institution, Country' on the same line; no 'Abstract' heading. "
            "The 'Authors' addresses' footnote repeats the affiliations with cities."
        )
        for f in d.affs:  # the header prints only "Institution, Country"
            f.dept = ""
        venue = sub(
            r"\acmJournal{<j>}\acmVolume{8}\acmNumber{2}\acmArticle{<n>}\acmMonth{5}",
            j="PACMHCI" if d.field == "social" else "TOSEM",
            n=number(d, 3),
        )
    else:
        tag(d, "two-column abstract-heading author-grid")
        venue = (
            r"\acmConference[ASAS '24]{ACM Symposium on Adaptive Systems}"
            r"{October 14--17, 2024}{Lisbon, Portugal}"
            "\n"
            r"\acmISBN{979-8-4007-1234-5/24/10}\settopmatter{printacmref=true}"
        )
    authors = []
    for i, a in enumerate(d.authors):
        s = f"\\author{{{tex(a.name)}}}\n"
        if i in d.equal:
            s += f"\\authornote{{{EQUAL}}}\n" if i == d.equal[0] else "\\authornotemark[1]\n"
        if i == d.corr:
            s += "\\authornote{Corresponding author.}\n"
        if d.has("email") or i == d.corr:
            s += f"\\email{{{a.email}}}\n"
        for f in (d.affs[k] for k in a.affs):
            dept = f"\\department{{{tex(f.dept)}}}" if f.dept else ""
            s += sub(
                r"\affiliation{<d>\institution{<i>}\city{<c>}\country{<n>}}" "\n",
                d=dept,
                i=tex(f.inst),
                c=f.city,
                n=f.country,
            )
        authors.append(s)
    return sub(
        r"""\documentclass[<fmt>]{acmart}
<fonts>\copyrightyear{2024}\acmYear{2024}\setcopyright{acmlicensed}
<venue>
\acmDOI{10.1145/3698<n>.3698<m>}
\begin{document}
\title{<title>}
<authors>\begin{abstract}
<abstract>
\end{abstract}
\ccsdesc[500]{General and reference~Empirical studies}
\keywords{<kw>}
\maketitle
""",
        fmt=fmt,
        fonts=LM,
        venue=venue,
        n=number(d, 3),
        m=number(d, 3),
        title=tex(d.title),
        authors="".join(authors),
        abstract=abstract_tex(d),
        kw=tex(", ".join(d.keywords)),
    ) + body(d)


def llncs(d: Doc) -> str:
    tag(d, "llncs single-column run-in-abstract-heading keywords orcid-mark")
    d.notes.append("LNCS: 'Abstract.' run-in heading; ORCID mark after the first author.")
    many = len(d.affs) > 1
    if many:
        tag(d, "superscript-affiliations")
    names = [tex(a.name) + (f"\\inst{{{affmarks(a)}}}" if many else "") for a in d.authors]
    names[0] += f"\\orcidID{{0000-0002-{number(d)}-{number(d)}}}"
    insts = []
    for i, f in enumerate(d.affs):
        mails = [a.email for a in d.authors if a.affs[0] == i]
        insts.append(
            tex(f.full())
            + (f"\\\\\n\\email{{{', '.join(mails)}}}" if d.has("email") and mails else "")
        )
    return sub(
        r"""\documentclass[runningheads]{llncs}
<fonts>\begin{document}
\title{<title>}
\titlerunning{<short>}
\author{<authors>}
\authorrunning{<running>}
\institute{<insts>}
\maketitle
\begin{abstract}
<abstract>

\keywords{<kw>}
\end{abstract}
""",
        fonts=LM,
        title=tex(d.title),
        short=short_title(d),
        authors=AND.join(names),
        running=short_authors(d),
        insts=AND.join(insts),
        abstract=abstract_tex(d, r"\textit{%s:}"),
        kw=AND.join(tex(k) for k in d.keywords),
    ) + body(d)


def elsarticle(d: Doc) -> str:
    mode = next(m for m in ("preprint", "1p", "3p", "5p") if m in d.opts)
    opts = {
        "preprint": "preprint,12pt",
        "1p": "final,1p,times",
        "3p": "final,3p,times",
        "5p": "final,5p,times,twocolumn",
    }[mode] + (",twocolumn" if d.has("twocol") else "")
    d.tags += [
        f"elsarticle-{mode}",
        "abstract-heading",
        "letter-affiliation-markers",
        "superscript-affiliations",
        "keywords",
        "venue-footer",
    ]
    if "twocolumn" in opts:
        tag(d, "two-column")
    d.notes.append(
        "elsarticle: letter marks link authors to addresses; 'Preprint submitted "
        "to ...' footer on page 1; e-mails in the footnote 'Email address'."
    )
    out = []
    for i, a in enumerate(d.authors):
        refs = ("\\corref{cor1}" if i == d.corr else "") + ("\\fnref{eq}" if i in d.equal else "")
        out.append(
            f"\\author[{','.join('abcdefgh'[k] for k in a.affs)}]{{{tex(a.name)}{refs}}}"
            + (f"\\ead{{{a.email}}}" if i == d.corr or d.has("email") else "")
        )
    out += ["\\cortext[cor1]{Corresponding author.}"] if d.corr >= 0 else []
    out += [f"\\fntext[eq]{{{EQUAL}}}"] if d.equal else []
    out += [f"\\address[{'abcdefgh'[i]}]{{{tex(f.full())}}}" for i, f in enumerate(d.affs)]
    return sub(
        r"""\documentclass[<opts>]{elsarticle}
<fonts>\journal{<journal>}
\begin{document}
\begin{frontmatter}
\title{<title>}
<authors>
\begin{abstract}
<abstract>
\end{abstract}
\begin{keyword}
<kw>
\end{keyword}
\end{frontmatter}
""",
        opts=opts,
        fonts="" if "times" in opts else LM,
        journal=JOURNALS[d.field],
        title=tex(d.title),
        authors="\n".join(out),
        abstract=abstract_tex(d),
        kw=SEP.join(tex(k) for k in d.keywords),
    ) + body(d)


def revtex(d: Doc) -> str:
    sup = d.has("superaddr")
    journal = "prb,preprint" if d.has("preprint") else "prl,reprint"
    tag(d, "revtex4-2 aps no-abstract-heading dated-line")
    tag(d, "superscript-affiliations" if sup else "grouped-affiliations")
    d.tags += [] if d.has("preprint") else ["two-column"]
    d.notes.append(
        "REVTeX (APS): abstract without heading, '(Dated: ...)' line; footnote marks "
        "(*, †) for e-mail and equal contribution follow the affiliation numbers."
    )
    out = []
    for i, a in enumerate(d.authors):
        s = f"\\author{{{tex(a.name)}}}" + (f"\\thanks{{{EQUAL}}}" if i in d.equal else "")
        s += f"\\email[Corresponding author: ]{{{a.email}}}" if i == d.corr else ""
        after = d.authors[i + 1].affs if i + 1 < len(d.authors) else None
        if sup or after != a.affs:  # grouped style: a run of authors, then their affiliation
            s += "".join(f"\\affiliation{{{tex(d.affs[k].full())}}}" for k in a.affs)
        out.append(s)
    return sub(
        r"""\documentclass[aps,<journal><sup>]{revtex4-2}
<fonts>\begin{document}
\title{<title>}
<authors>
\date{<date>}
\begin{abstract}
<abstract>
\end{abstract}
\maketitle
""",
        journal=journal,
        sup=",superscriptaddress" if sup else "",
        fonts=LM,
        title=tex(d.title),
        authors="\n".join(out),
        abstract=abstract_tex(d),
        date=f"{d.rng.choice(['March', 'May', 'July'])} {d.rng.randint(1, 28)}, 2024",
    ) + body(d)


def amsart(d: Doc) -> str:
    tag(d, "amsart all-caps-title all-caps-names run-in-abstract-heading")
    tag(d, "affiliations-at-end keywords")
    d.notes.append(
        "amsart prints title and names in capitals, the abstract with a run-in "
        "small-caps 'Abstract.', and the addresses and e-mails at the end of the paper."
    )
    out = [
        sub(
            "\\author{<n>}\n\\address{<a>}\n\\email{<e>}\n",
            n=tex(a.name),
            a=tex(d.affs[a.affs[0]].full()),
            e=a.email,
        )
        for a in d.authors
    ]
    if d.has("thanks"):
        out[0] += f"\\thanks{{{funding(d)}}}\n"
    return sub(
        r"""\documentclass{amsart}
<fonts>\begin{document}
\title[<short>]{<title>}
<authors>\date{<date>}
\subjclass[2020]{Primary 62P20; Secondary 91B40}
\keywords{<kw>}
\begin{abstract}
<abstract>
\end{abstract}
\maketitle
""",
        fonts=LM,
        short=short_title(d),
        title=tex(d.title),
        authors="".join(out),
        date=f"{d.rng.choice(['February', 'June', 'October'])} {d.rng.randint(1, 28)}, 2024",
        kw=tex(", ".join(d.keywords)),
        abstract=abstract_tex(d),
    ) + body(d)


def footmarks(d: Doc, i: int) -> str:
    """\\thanks footnotes after a name: equal contribution, corresponding author."""
    s = ""
    if i in d.equal:
        s += f"\\thanks{{{EQUAL}}}" if i == d.equal[0] else "\\protect\\footnotemark[1]"
    if i == d.corr:
        s += f"\\thanks{{Corresponding author. E-mail: {d.authors[i].email}}}"
    return s


def article(d: Doc, authors: str, cls: str = "11pt,a4paper", fonts: str = LM) -> str:
    """The article class with an author block made by the caller; options add the rest."""
    pre = (
        f"\\documentclass[{cls}]{{article}}\n{fonts}\\usepackage[margin="
        f"{'1.8' if 'twocolumn' in cls else '2.3'}cm]{{geometry}}\n"
    )
    if d.has("banner"):  # fancyhdr: a journal banner over page 1, a running head after
        d.tags.append("journal-banner")
        d.notes.append("A journal banner line is printed above the title.")
        pre += sub(
            r"""\usepackage{fancyhdr}
\fancypagestyle{plain}{\fancyhf{}\fancyhead[L]{\footnotesize <line>}%
\fancyhead[R]{\footnotesize doi:10.5555/<doi>}\fancyfoot[C]{\thepage}}
\pagestyle{fancy}\fancyhf{}\fancyhead[L]{\footnotesize\itshape <running>}%
\fancyhead[R]{\footnotesize\thepage}
""",
            line=journal_line(d),
            doi=f"{d.field}.2024.{number(d)}",
            running=short_authors(d),
        )
    if d.has("runin"):
        d.tags.append("run-in-abstract-heading")
        abstract = "\\noindent\\textbf{Abstract.} " + abstract_tex(d).replace("\\noindent ", "", 1)
    elif d.has("nohead"):
        d.tags.append("no-abstract-heading")
        abstract = f"\\begin{{quote}}\\small\\itshape\n{abstract_tex(d)}\n\\end{{quote}}"
    else:
        d.tags.append("abstract-heading")
        abstract = f"\\begin{{abstract}}\n{abstract_tex(d)}\n\\end{{abstract}}"
    if d.has("kw"):
        d.tags.append("keywords")
        abstract += f"\n\n\\noindent\\textbf{{Keywords:}} {tex('; '.join(d.keywords))}\n"
    foot = ""
    if d.has("footer"):
        d.tags.append("venue-footer")
        d.notes.append("An unnumbered footnote on page 1 names a venue.")
        foot = d.rng.choice(
            [
                "Proceedings of the 9th Workshop on Open Methods, Lisbon, Portugal, September 2024",
                "Preprint. Under review at " + JOURNALS[d.field],
            ]
        )
        foot = f"{{\\renewcommand{{\\thefootnote}}{{}}\\footnotetext{{{foot}.}}}}\n"
    title = tex(d.title) + (f"\\thanks{{{funding(d)}}}" if d.has("thanks") else "")
    if d.has("wide"):  # title block and abstract across both columns
        d.tags.append("abstract-spans-columns")
        front = sub(
            "\\makeatletter\n\\twocolumn[\\begin{@twocolumnfalse}\\maketitle\n<a>\n"
            "\\vspace{1.5em}\\end{@twocolumnfalse}]\n\\makeatother\n<f>",
            a=abstract,
            f=foot,
        )
    else:
        front = f"\\maketitle\n{foot}{abstract}\n"
    return sub(
        "<pre><authors>\\date{}\n\\title{<title>}\n\\begin{document}\n<front>",
        pre=pre,
        authors=authors,
        title=title,
        front=front,
    ) + body(d)


def authblk(d: Doc) -> str:
    style = "letter" if d.has("letters") else "symbol" if d.has("sym") else "digit"
    d.tags += [
        "authblk",
        "single-column",
        f"{style}-affiliation-markers",
        "superscript-affiliations",
    ]
    if d.equal or d.corr >= 0:
        d.notes.append(
            "Footnote symbols (*, †) after names mark equal contribution and the "
            f"corresponding author; the superscript {style}s are affiliations."
        )
    s = "\\usepackage{authblk}\n\\renewcommand\\Affilfont{\\small\\itshape}\n"
    s += "".join(
        f"\\author[{affmarks(a, style)}]{{{tex(a.name)}{footmarks(d, i)}}}\n"
        for i, a in enumerate(d.authors)
    )
    s += "".join(
        f"\\affil[{affmarks(Author('', '', [i]), style)}]{{{tex(f.full())}}}\n"
        for i, f in enumerate(d.affs)
    )
    return article(d, s)


def cell(s: str, width: int = 34) -> str:
    """A tabular cell; a long one is broken into two lines with a nested tabular."""
    if len(s) <= width:
        return tex(s)
    words = s.split()
    k = min(range(1, len(words)), key=lambda j: abs(len(" ".join(words[:j])) - len(s) // 2))
    return sub(
        r"\begin{tabular}[t]{@{}c@{}}<a>\\<b>\end{tabular}",
        a=tex(" ".join(words[:k])),
        b=tex(" ".join(words[k:])),
    )


def tabular_authors(d: Doc) -> str:
    tag(d, "plain-article author-columns affiliations-under-authors")
    tag(d, "side-by-side-tabular-authors")
    rows, per = [], 2 if len(d.authors) == 4 else 3
    for start in range(0, len(d.authors), per):
        group = d.authors[start : start + per]
        affs = [d.affs[a.affs[0]] for a in group]
        lines = [" & ".join(f"\\textbf{{{tex(a.name)}}}" for a in group)]
        lines += [" & ".join(cell(f.dept) for f in affs)] if any(f.dept for f in affs) else []
        lines.append(" & ".join(cell(f.inst) for f in affs))
        lines.append(" & ".join(f"{f.city}, {f.country}" for f in affs))
        lines += [" & ".join(f"\\texttt{{{a.email}}}" for a in group)] if d.has("email") else []
        rows.append(
            f"\\begin{{tabular}}{{{'c' * len(group)}}}\n"
            + " \\\\\n".join(lines)
            + "\n\\end{tabular}"
        )
    if len(rows) > 1:
        d.notes.append(
            "The author table has two rows of two columns; departments, institutions "
            "and e-mails are each a table row, so they are read across the columns."
        )
    return article(d, "\\author{" + "\\\\[1.5ex]\n".join(rows) + "}\n")


def and_authors(d: Doc, cls: str = "11pt,a4paper") -> str:
    tag(d, "plain-article and-separated-author-blocks affiliations-under-authors")
    if "twocolumn" in cls:
        tag(d, "two-column plain-twocolumn-article")
    blocks = []
    for i, a in enumerate(d.authors):
        lines = [tex(a.name) + footmarks(d, i)]
        for f in (d.affs[k] for k in a.affs):
            lines += [tex(x) for x in (f.dept, f.inst) if x] + [f"{f.city}, {f.country}"]
        lines += [f"\\texttt{{{a.email}}}"] if d.has("email") else []
        blocks.append(" \\\\\n".join(lines))
    if d.has("ot1"):
        d.tags.append("ot1-accents")
        d.notes.append(
            "Computer Modern in OT1 encoding: accented letters are built from a base "
            "letter and a separate accent glyph."
        )
    return article(
        d, "\\author{" + "\n\\and\n".join(blocks) + "}\n", cls=cls, fonts="" if d.has("ot1") else LM
    )


def twocolumn(d: Doc) -> str:
    return and_authors(d, cls="twocolumn,10pt,a4paper")


def footnote_affs(d: Doc) -> str:
    tag(d, "plain-article affiliations-in-footnote symbol-footnote-marks")
    d.notes.append("Each author's affiliation is a \\thanks footnote with a symbol mark.")
    names = [
        f"{tex(a.name)}\\thanks{{{' and '.join(tex(d.affs[k].full()) for k in a.affs)}. "
        f"E-mail: {a.email}}}"
        for a in d.authors
    ]
    return article(d, "\\author{" + " \\and ".join(names) + "}\n")


def mnras(d: Doc) -> str:
    tag(d, "mnras two-column superscript-affiliations abstract-heading keywords journal-banner")
    d.notes.append(
        "MNRAS: banner line 'MNRAS 000, 1-1 (2024) Preprint ...' above the title; "
        "'ABSTRACT' in capitals; 'Accepted ... Received ...' line before it."
    )
    names = [
        f"{tex(a.name)}$^{{{affmarks(a)}}}$"
        + (f"\\thanks{{E-mail: {a.email}}}" if i == d.corr else "")
        for i, a in enumerate(d.authors)
    ]
    line = names[0]
    for k, n in enumerate(names[1:], 1):  # \newauthor starts a new line after every 4 names
        line += (" and " if k == len(names) - 1 else ", ") + ("\\newauthor " * (k % 4 == 0)) + n
    return sub(
        r"""\documentclass[fleqn,usenatbib]{mnras}
<fonts>\title[<short>]{<title>}
\author[<running>]{<names>\\
<affs>}
\date{Accepted 2024 May 2. Received 2024 March 11}
\pubyear{2024}
\begin{document}
\label{firstpage}
\pagerange{\pageref{firstpage}--\pageref{lastpage}}
\maketitle
\begin{abstract}
<abstract>
\end{abstract}
\begin{keywords}
<kw>
\end{keywords}
""",
        fonts=TIMES,
        short=short_title(d),
        title=tex(d.title),
        running=short_authors(d),
        names=line,
        affs="\\\\\n".join(f"$^{{{i + 1}}}${tex(f.full())}" for i, f in enumerate(d.affs)),
        abstract=abstract_tex(d),
        kw=" -- ".join(tex(k) for k in d.keywords),
    ) + body(d, "\\label{lastpage}\n")


def cas(d: Doc) -> str:
    cls = "cas-dc" if d.has("dc") else "cas-sc"
    d.tags += [
        f"elsevier-{cls}",
        "letter-affiliation-markers",
        "superscript-affiliations",
        "abstract-heading",
        "keywords",
        "article-info-box",
        "running-head",
    ]
    if cls == "cas-dc":
        tag(d, "two-column")
    d.notes.append(
        "Elsevier CAS template: keywords in an 'ARTICLE INFO' box beside the "
        "'ABSTRACT'; running head with short authors and 'Preprint submitted to "
        "Elsevier'; given names printed in grey."
    )
    out = []
    for i, a in enumerate(d.authors):
        out.append(
            f"\\author[{','.join(str(k + 1) for k in a.affs)}]{{{tex(a.name)}}}"
            + (f"[orcid=0000-0002-{number(d)}-{number(d)}]" if i == 0 else "")
            + ("\n\\cormark[1]" if i == d.corr else "")
            + ("\n\\fnmark[1]" if i in d.equal else "")
            + (f"\n\\ead{{{a.email}}}" if i == d.corr or d.has("email") else "")
        )
    out += [
        sub(
            "\\affiliation[<i>]{organization={<o>}, city={<c>}, postcode={<p>}, country={<n>}}",
            i=i + 1,
            o=tex(f.gt),
            c=f.city,
            p=f.postcode,
            n=f.country,
        )
        for i, f in enumerate(d.affs)
    ]
    out += ["\\cortext[cor1]{Corresponding author}"] if d.corr >= 0 else []
    out += [f"\\fntext[fn1]{{{EQUAL}}}"] if d.equal else []
    return sub(
        r"""\documentclass[a4paper,fleqn]{<cls>}
\usepackage[numbers]{natbib}
<fonts>\begin{document}
\shorttitle{<short>}
\shortauthors{<running>}
\title[mode=title]{<title>}
<authors>
\begin{abstract}
<abstract>
\end{abstract}
\begin{keywords}
<kw>
\end{keywords}
\maketitle
""",
        cls=cls,
        fonts=LM,
        short=short_title(d),
        running=short_authors(d),
        title=tex(d.title),
        authors="\n".join(out),
        abstract=abstract_tex(d),
        kw=SEP.join(tex(k) for k in d.keywords),
    ) + body(d)


TEMPLATES = {
    "ieee-conference": ieee_conference,
    "ieee-journal": ieee_journal,
    "acm-sigconf": acmart,
    "acm-journal": acmart,
    "llncs": llncs,
    "elsarticle": elsarticle,
    "revtex": revtex,
    "amsart": amsart,
    "authblk": authblk,
    "tabular-authors": tabular_authors,
    "and-authors": and_authors,
    "footnote-affiliations": footnote_affs,
    "twocolumn": twocolumn,
    "mnras": mnras,
    "elsevier-cas": cas,
}


# ------------------------------------------------------------------------------ documents

# (template, field, authors, affiliations, options). Options: sub / long (title kind), struct
# (structured abstract), kw, email, corr, equal, multi (an author with two affiliations),
# banner, thanks, footer, and the template-specific ones read by the functions above.
SPECS = [
    ("ieee-conference", "cs", 3, 3, "kw email"),
    ("ieee-conference", "cs", 1, 1, "kw email sub"),
    ("ieee-conference", "physics", 6, 3, "refmark email pubid long"),
    ("ieee-conference", "medicine", 4, 2, "kw email multi"),
    ("ieee-journal", "cs", 4, 2, "member"),
    ("ieee-journal", "physics", 2, 2, "member multi long"),
    ("ieee-journal", "medicine", 8, 4, "sub"),
    ("acm-sigconf", "cs", 4, 2, "equal email"),
    ("acm-sigconf", "social", 12, 5, "email corr"),
    ("acm-sigconf", "cs", 2, 2, "multi email sub"),
    ("acm-journal", "cs", 3, 2, "corr"),
    ("acm-journal", "social", 5, 3, "multi long"),
    ("acm-journal", "cs", 2, 1, "large email sub"),
    ("llncs", "cs", 3, 2, "email"),
    ("llncs", "cs", 5, 3, "email multi sub"),
    ("llncs", "biology", 1, 1, "email"),
    ("llncs", "economics", 9, 4, "long struct"),
    ("elsarticle", "biology", 5, 3, "preprint corr equal"),
    ("elsarticle", "medicine", 7, 4, "preprint struct corr long"),
    ("elsarticle", "economics", 3, 2, "1p corr email sub"),
    ("elsarticle", "physics", 4, 2, "3p twocol corr multi"),
    ("elsarticle", "social", 2, 2, "5p email"),
    ("revtex", "physics", 4, 3, "superaddr corr multi"),
    ("revtex", "physics", 3, 2, "corr sub"),
    ("revtex", "physics", 24, 8, "superaddr preprint corr equal long"),
    ("amsart", "physics", 2, 2, "thanks"),
    ("amsart", "economics", 1, 1, "thanks sub"),
    ("amsart", "cs", 3, 2, ""),
    ("authblk", "medicine", 6, 3, "struct kw corr equal banner"),
    ("authblk", "biology", 15, 6, "kw corr multi"),
    ("authblk", "social", 3, 2, "letters kw runin sub"),
    ("authblk", "medicine", 4, 3, "sym struct banner"),
    ("authblk", "economics", 20, 7, "kw long"),
    ("tabular-authors", "cs", 3, 3, "email kw"),
    ("tabular-authors", "social", 4, 2, "email banner thanks"),
    ("and-authors", "biology", 2, 2, "email runin ot1"),
    ("and-authors", "physics", 3, 2, "email footer corr"),
    ("and-authors", "social", 5, 3, "email nohead long"),
    ("footnote-affiliations", "economics", 3, 3, "banner kw sub"),
    ("footnote-affiliations", "medicine", 2, 2, "struct"),
    ("twocolumn", "cs", 4, 2, "kw thanks corr"),
    ("twocolumn", "biology", 7, 3, "wide kw banner"),
    ("twocolumn", "physics", 3, 3, "wide runin footer email"),
    ("mnras", "astro", 5, 3, "corr"),
    ("mnras", "astro", 11, 5, "corr long"),
    ("elsevier-cas", "medicine", 4, 2, "struct corr"),
    ("elsevier-cas", "biology", 6, 3, "dc corr equal sub"),
]
TITLECASE = {"ieee-conference", "ieee-journal", "acm-sigconf", "acm-journal", "llncs"}
LABELS = {"B": "Background", "M": "Methods", "R": "Results", "C": "Conclusions"}


def assign_affs(d: Doc, n: int, naff: int) -> list[list[int]]:
    if n <= 6:
        groups = [[min(i * naff // n, naff - 1)] for i in range(n)]
    else:
        idx = list(range(naff)) + [d.rng.randrange(naff) for _ in range(n - naff)]
        d.rng.shuffle(idx)
        groups = [[k] for k in idx]
    if naff > n:  # more affiliations than authors: the last author takes the rest
        groups[-1] += list(range(n, naff)) if n > 1 else list(range(1, naff))
    if "multi" in d.opts and naff > 1:
        j = d.rng.randrange(n)
        groups[j].append(d.rng.choice([k for k in range(naff) if k not in groups[j]]))
    return groups


def make_doc(i: int, spec: tuple[str, str, int, int, str], seed: int) -> Doc:
    template, fld, n, naff, opts = spec
    d = Doc(i, template, fld, set(opts.split()), random.Random(seed * 1000 + i))
    rng, F = d.rng, FIELDS[fld]
    topic = rng.choice(F["topics"])
    y1 = rng.randint(2012, 2019)
    p = rng.randint(9, 41)
    slots = {k: v for k, v in topic.items() if k != "kw"}
    slots.update(
        n=f"{rng.randint(60, 4800):,}",
        p=str(p),
        lo=str(p - rng.randint(3, 7)),
        hi=str(p + rng.randint(3, 7)),
        k=str(rng.randint(3, 18)),
        t=str(rng.randint(2, 40)),
        y1=str(y1),
        y2=str(y1 + rng.randint(2, 4)),
    )
    slots.update({k + "_cap": v[0].upper() + v[1:] for k, v in list(slots.items())})
    kind = 0 if d.has("sub") else 1 if d.has("long") else 2
    d.title = printed(F["T"][kind].format(**slots))
    d.title = d.title[0].upper() + d.title[1:]
    if template in TITLECASE:
        d.title = titlecase(d.title)
    d.keywords = list(topic["kw"])
    while True:  # 120-250 words
        parts = []
        for part in "BMRC":
            pool = F[part]
            k = rng.randint(min(2, len(pool)), len(pool)) if part != "C" else rng.randint(1, 2)
            chosen = sorted(rng.sample(range(len(pool)), min(k, len(pool))))
            parts.append((part, " ".join(pool[c].format(**slots) for c in chosen)))
        words = sum(len(t.split()) for _, t in parts)
        if 120 <= words <= 250:
            break
    if d.has("struct"):
        d.abstract = [(LABELS[p_], t) for p_, t in parts]
    else:
        d.abstract = [("", " ".join(t for _, t in parts))]
    unused = [s.format(**slots) for s in F["B"] if s.format(**slots) not in parts[0][1]]
    d.intro = [
        " ".join(
            [
                F["I"][0].format(**slots),
                F["I"][1],
                *unused[:1],
                "In this paper we address this gap.",
            ]
        ),
        "The remainder of the paper is organised as follows. Section 2 describes the data "
        "and methods, Section 3 reports the results, and Section 4 discusses their "
        "implications and limitations.",
    ]
    pool = AFFS[fld]
    chosen_affs = [Aff(*a) for a in rng.sample(pool, min(naff, len(pool)))]
    names = rng.sample(NAMES, n)
    groups = assign_affs(d, n, len(chosen_affs))
    order: list[int] = []
    for g in groups:
        order += [k for k in g if k not in order]
    d.affs = [chosen_affs[k] for k in order]
    for (given, family), g in zip(names, groups, strict=True):
        a = Author(given, family, [order.index(k) for k in g])
        user = fold(family.translate(ASCII)).encode("ascii", "ignore").decode()
        a.email = f"{fold(given)[0]}.{user}@{d.affs[a.affs[0]].domain}"
        d.authors.append(a)
    if d.has("corr"):
        d.corr = rng.choice([0, n - 1])
    if d.has("equal") and n > 1:
        d.equal = (0, 1)
    return d


def auto_tags(d: Doc) -> None:
    names = [a.name for a in d.authors]
    checks = [
        ("non-ascii-names", any(not n.isascii() for n in names)),
        ("name-particles", any(a.family[0].islower() for a in d.authors)),
        ("hyphenated-given-names", any("-" in a.given for a in d.authors)),
        ("initials-in-names", any("." in a.given for a in d.authors)),
        ("single-author", len(names) == 1),
        ("many-authors", len(names) >= 8),
        ("shared-affiliation", len({tuple(a.affs) for a in d.authors}) < len(names)),
        ("multiple-affiliations-per-author", any(len(a.affs) > 1 for a in d.authors)),
        ("structured-abstract", d.has("struct")),
        ("long-title", d.has("long")),
        ("subtitle", d.has("sub")),
        ("corresponding-author", d.corr >= 0),
        ("equal-contribution", bool(d.equal)),
        ("emails", d.has("email")),
    ]
    d.tags += [t for t, ok in checks if ok and t not in d.tags]
    if d.has("struct"):
        d.notes.append("Structured abstract; the ground truth keeps the labels as printed.")
    if any(d.affs[k].postcode or d.affs[k].city for a in d.authors for k in a.affs):
        d.notes.append(
            "Cities, postcodes and countries are printed but left out of the "
            "ground-truth affiliations."
        )


# ------------------------------------------------------------------------------ build & check


def compile_tex(src: Path, out_pdf: Path) -> str:
    """pdflatex twice in a scratch folder; returns '' or the end of the log on failure."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1718064000", FORCE_SOURCE_DATE="1")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(src, tmp)
        for _ in range(2):
            r = subprocess.run(
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", src.name],
                cwd=tmp,
                env=env,
                capture_output=True,
                timeout=300,
            )
            if r.returncode:
                return r.stdout.decode("utf-8", "replace")[-1500:]
        shutil.move(Path(tmp) / src.with_suffix(".pdf").name, out_pdf)
    return ""


def pdftext(pdf: Path, *args: str) -> str:
    r = subprocess.run(["pdftotext", *args, "-l", "2", str(pdf), "-"], capture_output=True)
    return r.stdout.decode("utf-8", "replace")


def pages(pdf: Path) -> int:
    r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    return int(next(ln.split()[-1] for ln in r.stdout.splitlines() if ln.startswith("Pages:")))


def check(d: Doc, pdf: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings): is the ground truth printed on pages 1-2?"""
    texts = [fold(pdftext(pdf, "-layout")), fold(pdftext(pdf))]

    def seen(s: str) -> bool:
        return any(fold(s) in t for t in texts)

    errors, warnings = [], []
    if (np := pages(pdf)) > 2:
        errors.append(f"{np} pages")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    if "Type 3" in fonts:  # T1 encoding without a Type 1 font: bitmaps and a poor text layer
        errors.append("bitmap (Type 3) fonts")
    if not seen(d.title):
        errors.append("title not printed as one piece")
    errors += [f"surname {a.family!r}" for a in d.authors if not seen(a.family)]
    warnings += [
        f"full name {a.name!r}" for a in d.authors if seen(a.family) and not seen(printed(a.name))
    ]
    for f in d.affs:
        errors += [f"affiliation part {x!r}" for x in (f.dept, f.inst) if x and not seen(x)]
    words = d.abstract[0][1].split()[:10]
    if not seen(" ".join(words)):
        errors.append("first 10 words of the abstract")
    for _, text in d.abstract:
        warnings += [
            f"abstract sentence {s[:40]!r}..." for s in text.split(". ") if not seen(printed(s))
        ]
    return errors, warnings


def record(d: Doc, seed: int) -> dict[str, object]:
    return {
        "file": d.key + ".pdf",
        "title": d.title,
        "authors": [printed(a.name) for a in d.authors],
        "affiliations": [f.gt for f in d.affs],
        "abstract": printed(" ".join(f"{lab}: {t}" if lab else t for lab, t in d.abstract)),
        "expected_outcome": "header",
        "tags": d.tags,
        "notes": " ".join(d.notes),
        "source": f"synthetic: scripts/make_synthetic_headers.py seed {seed} template {d.template}",
        "gt": "synthetic",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default="build/synthetic", type=Path)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--only", default="", help="comma-separated document numbers")
    args = ap.parse_args()
    only = {int(x) for x in args.only.split(",") if x}
    (args.out / "src").mkdir(parents=True, exist_ok=True)
    records, failed = [], []
    for i, spec in enumerate(SPECS):
        if only and i not in only:
            continue
        d = make_doc(i, spec, args.seed)
        src = args.out / "src" / f"{d.key}.tex"
        src.write_text(TEMPLATES[d.template](d), encoding="utf-8")
        auto_tags(d)
        pdf = args.out / f"{d.key}.pdf"
        log = compile_tex(src, pdf)
        errors, warnings = (["pdflatex failed:\n" + log], []) if log else check(d, pdf)
        for w in warnings:
            print(f"  warning {d.key}: {w}")
        if errors:
            failed.append(d.key)
            print(f"FAILED {d.key}: " + "; ".join(errors))
            pdf.unlink(missing_ok=True)
            continue
        print(f"ok {d.key} ({len(d.authors)} authors)")
        records.append(record(d, args.seed))
    if not only:
        meta = args.out / "metadata.json"
        meta.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{len(records)} PDFs written to {args.out}, {len(failed)} failed {failed or ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
