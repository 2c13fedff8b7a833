"""A definition read out of its frame, and the citation credited for it, in each style."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from corpus.definitions.citations import Citation, frame
from tests.conftest import ROOT

PORTER = (
    "A geographically proximate group of interconnected companies and associated "
    "institutions in a particular field, linked by commonalities and complementarities"
)
#: The seed's Table 2, one row per definition, with the authors and year the row gives.
TABLE_2 = pd.read_csv(ROOT / "coding" / "data" / "cluster" / "definitions.csv", dtype=str)
#: The candidates the finder gives for the seed PDF and generated documents.
CANDIDATES = pd.read_csv(ROOT / "tests" / "data" / "finder_candidates.csv")
SEED_DOC = "7b2a7d9124db2487"


def cited(framed):
    """The first credited work as (authors, year, page, style, number, et_al)."""
    c = framed.citations[0]
    return c.authors, c.year, c.page, c.style, c.number, c.et_al


@pytest.mark.parametrize(
    ("sentence", "text", "quoted", "first"),
    [
        (
            f'Porter (1998, p. 199) defines a cluster as "{PORTER}".',
            PORTER,
            True,
            (("Porter",), "1998", "199", "narrative", "", False),
        ),
        (
            f"As Porter 1998: 199 put it, \u201c{PORTER}\u201d.",
            PORTER,
            True,
            (("Porter",), "1998", "199", "narrative", "", False),
        ),
        (
            "Osterwalder and Pigneur (2010, p. 14) state that a business model describes the "
            "rationale of how an organization creates, delivers, and captures value.",
            "a business model describes the rationale of how an organization creates, "
            "delivers, and captures value.",
            False,
            (("Osterwalder", "Pigneur"), "2010", "14", "narrative", "", False),
        ),
        (
            "Magretta (2002) noted that business models are, at heart, stories that explain "
            "how enterprises work.",
            "business models are, at heart, stories that explain how enterprises work.",
            False,
            (("Magretta",), "2002", "", "narrative", "", False),
        ),
        (
            "According to Rosenfeld (1997), a cluster is a concentration of firms able to "
            "produce synergy.",
            "a cluster is a concentration of firms able to produce synergy.",
            False,
            (("Rosenfeld",), "1997", "", "narrative", "", False),
        ),
        (
            "Crouch & Farrell (2001) define a cluster as a tendency for firms in similar "
            "types of business to locate close together.",
            "a tendency for firms in similar types of business to locate close together.",
            False,
            (("Crouch", "Farrell"), "2001", "", "narrative", "", False),
        ),
        (
            "Oakey et al. (2001) describe physical clustering as businesses locating in "
            "proximity to each other.",
            "businesses locating in proximity to each other.",
            False,
            (("Oakey",), "2001", "", "narrative", "", True),
        ),
        (
            "van den Berg et al. (2001) see clusters as localized networks of specialized "
            "organizations.",
            "localized networks of specialized organizations.",
            False,
            (("van den Berg",), "2001", "", "narrative", "", True),
        ),
    ],
)
def test_a_narrative_citation_and_its_lead_in_are_read_off(sentence, text, quoted, first):
    framed = frame(sentence)
    assert (framed.text, framed.quoted, framed.self_stated) == (text, quoted, False)
    assert cited(framed) == first
    assert len(framed.citations) == 1


@pytest.mark.parametrize(
    ("sentence", "works"),
    [
        (f'"{PORTER}" (Porter, 1998, p. 199).', [("Porter", "1998", "199")]),
        (f"A cluster is \u201c{PORTER}\u201d (Porter 1998: 199).", [("Porter", "1998", "199")]),
        ("Clusters are groups of firms in one area (Oakey et al., 2001).", [("Oakey", "2001", "")]),
        (
            "Clusters are groups of firms in one area (Porter, 1998; Enright, 1996).",
            [("Porter", "1998", ""), ("Enright", "1996", "")],
        ),
        (
            "Clusters are groups of firms in one area (Porter, 1998; Enright, 1996, p. 191).",
            [("Enright", "1996", "191"), ("Porter", "1998", "")],
        ),
        (
            "Clusters are concentrations of linked firms (see e.g. Porter, 1990, pp. 12-14).",
            [("Porter", "1990", "12-14")],
        ),
        ("Clusters are concentrations of linked firms (Porter, 2001a).", [("Porter", "2001a", "")]),
        (
            "Clusters are groups of firms (Porter, 1998, as cited in Smith, 2005).",
            [("Porter", "1998", ""), ("Smith", "2005", "")],
        ),
    ],
)
def test_parenthetical_citations_credit_the_most_specific_work_first(sentence, works):
    framed = frame(sentence)
    assert [(c.first_author, c.year, c.page) for c in framed.citations] == works
    assert {c.style for c in framed.citations} == {"parenthetical"}
    assert "(" not in framed.text and not re.search(r"\d{4}", framed.text)


def test_a_parenthetical_citation_keeps_et_al_and_the_letter_of_its_year():
    (work,) = frame("Clusters are linked firms (Oakey et al., 2001a).").citations
    assert work == Citation(("Oakey",), "2001a", "", "parenthetical", "", True)
    assert work.first_author == "Oakey"


@pytest.mark.parametrize(
    ("sentence", "authors", "numbers", "text"),
    [
        (
            f'According to Porter [3], "{PORTER}".',
            ("Porter",),
            ["3"],
            PORTER,
        ),
        (
            "Clusters are geographically proximate groups of linked companies [3, 5].",
            (),
            ["3", "5"],
            "Clusters are geographically proximate groups of linked companies.",
        ),
        (
            "Clusters are geographically proximate groups of linked companies [3-5].",
            (),
            ["3", "4", "5"],
            "Clusters are geographically proximate groups of linked companies.",
        ),
        (
            "Clusters [2] are groups of firms that share a regional labour market.",
            (),
            ["2"],
            "Clusters are groups of firms that share a regional labour market.",
        ),
    ],
)
def test_numbered_citations_give_their_numbers_and_the_names_the_text_gives(
    sentence, authors, numbers, text
):
    framed = frame(sentence)
    assert [c.number for c in framed.citations] == numbers
    assert {c.style for c in framed.citations} == {"numbered"}
    assert {c.authors for c in framed.citations} == {authors}
    assert {c.year for c in framed.citations} == {""}
    assert framed.text == text


@pytest.mark.parametrize(
    ("sentence", "authors", "year", "text"),
    [
        (
            "Porter (1998) A cluster is a geographically proximate group of companies.",
            ("Porter",),
            "1998",
            "A cluster is a geographically proximate group of companies.",
        ),
        (
            "Crouch & Farrell (2001) The more general concept of cluster suggests something "
            "looser: A tendency for firms to locate close together.",
            ("Crouch", "Farrell"),
            "2001",
            "The more general concept of cluster suggests something looser: A tendency for "
            "firms to locate close together.",
        ),
        (
            "Alfred Marshall (1890) Clusters are a group of establishments in one industry.",
            ("Marshall",),
            "1890",
            "Clusters are a group of establishments in one industry.",
        ),
    ],
)
def test_a_table_row_gives_its_author_cell_and_its_definition_cell(sentence, authors, year, text):
    framed = frame(sentence)
    assert framed.citations == (Citation(authors, year, style="row"),)
    assert (framed.text, framed.quoted, framed.self_stated) == (text, False, False)


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        (
            "In this paper we define a cluster as a group of firms in one region.",
            "a group of firms in one region.",
        ),
        (
            "We define a cluster as a group of firms in one region.",
            "a group of firms in one region.",
        ),
        (
            "Here, clusters are understood as groups of firms sharing a labour market.",
            "groups of firms sharing a labour market.",
        ),
    ],
)
def test_a_definition_the_paper_gives_itself_is_self_stated(sentence, text):
    framed = frame(sentence)
    assert (framed.text, framed.citations, framed.self_stated) == (text, (), True)


def test_a_self_marker_with_a_citation_credits_the_citation():
    framed = frame("We define a cluster, following Porter (1998), as a group of linked firms.")
    assert not framed.self_stated
    assert [c.first_author for c in framed.citations] == ["Porter"]


def test_a_sentence_without_citation_or_self_marker_credits_no_one():
    framed = frame("Clusters are groups of firms that share a regional labour market.")
    assert framed == type(framed)(
        "Clusters are groups of firms that share a regional labour market.", False, (), False
    )


def test_a_citation_after_the_quote_is_its_own_and_a_trailing_see_also_is_not():
    framed = frame(
        f'Porter (1998, p. 199) defines a cluster as "{PORTER}" (see also Enright, 2003).'
    )
    assert [(c.first_author, c.year, c.page) for c in framed.citations] == [
        ("Porter", "1998", "199")
    ]
    framed = frame(f'"{PORTER}" (Porter, 1998, p. 199; see also Enright, 2003).')
    assert [c.first_author for c in framed.citations] == ["Porter", "Enright"]
    framed = frame(f'As Smith (2005) notes, clusters are "{PORTER}" (Porter, 1998, p. 199).')
    assert [c.first_author for c in framed.citations] == ["Porter"]


def test_a_page_given_after_the_quote_goes_to_the_source_named_before_it():
    framed = frame(f'Porter (1998) defines a cluster as "{PORTER}" (p. 199).')
    assert cited(framed) == (("Porter",), "1998", "199", "narrative", "", False)
    assert framed.text == PORTER


@pytest.mark.parametrize(
    "marks",
    [('"', '"'), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("'", "'"), ("\u201e", "\u201c")],
)
def test_straight_curly_single_and_double_quotes_are_dropped(marks):
    opening, closing = marks
    framed = frame(f"A cluster is {opening}{PORTER}{closing} (Porter, 1998).")
    assert (framed.text, framed.quoted) == (PORTER, True)


def test_a_quote_that_does_not_close_runs_to_the_citation_at_the_end():
    framed = frame(f'Porter defines a cluster as "{PORTER} (Porter, 1998, p. 199).')
    assert framed.quoted and framed.text == PORTER + "."
    assert cited(framed)[:3] == (("Porter",), "1998", "199")


def test_a_quoted_term_is_not_a_quoted_definition():
    framed = frame("The term 'cluster' is used for groups of firms (Porter, 1998).")
    assert not framed.quoted
    assert framed.text == "The term 'cluster' is used for groups of firms."


def test_names_read_as_words_stay_in_a_sentence_that_does_not_lead_in():
    framed = frame(
        "Marshall (1930) identified three overall sources which were fostering spatial "
        "cluster formation through increasing returns to scale in the long run."
    )
    assert framed.text.startswith("Marshall identified three overall sources")
    assert cited(framed)[:2] == (("Marshall",), "1930")


def test_narrative_citations_joined_by_and_are_credited_together():
    framed = frame(
        "Two of the most influential contributors Marshall (1930) and Porter (1998) have seen "
        "clusters as locally embedded."
    )
    assert [(c.first_author, c.year) for c in framed.citations] == [
        ("Marshall", "1930"),
        ("Porter", "1998"),
    ]
    assert framed.text == "locally embedded."


@pytest.mark.parametrize(
    ("sentence", "authors", "text"),
    [
        (
            "A cluster is a group of firms located near each other (European Commission, 2008).",
            ("European Commission",),
            "A cluster is a group of firms located near each other.",
        ),
        (
            "The European Commission (2008) defines a cluster as a group of firms.",
            ("European Commission",),
            "a group of firms.",
        ),
        (
            "According to the World Bank (2009), a cluster is a concentration of firms.",
            ("World Bank",),
            "a cluster is a concentration of firms.",
        ),
        (
            "According to the OECD (1999), clusters are networks of interdependent firms.",
            ("OECD",),
            "clusters are networks of interdependent firms.",
        ),
    ],
)
def test_a_body_cited_as_author_keeps_its_whole_name(sentence, authors, text):
    framed = frame(sentence)
    assert framed.citations[0].authors == authors
    assert framed.text == text


# --- The seed paper ----------------------------------------------------------------------


def test_each_table_2_row_is_attributed_to_its_authors_and_year():
    for row in TABLE_2.itertuples():
        framed = frame(f"{row.authors} ({row.year}) {row.definition}")
        (work,) = framed.citations
        printed = tuple(row.authors.replace(" et al.", "").split(" & "))
        assert (work.authors, work.year, work.style) == (printed, row.year, "row")
        assert work.et_al == row.authors.endswith("et al.")
        assert framed.text == " ".join(row.definition.split()), row.key


def test_the_table_2_rows_the_finder_gives_today_are_attributed_to_their_row():
    seed = CANDIDATES[CANDIDATES.doc == SEED_DOC]
    rows = 0
    for row in TABLE_2.itertuples():
        opening = " ".join(row.definition.split()[:6])
        found = seed[seed.text.str.contains(opening, regex=False)]
        assert len(found) == 1, row.key
        framed = frame(found.text.iloc[0])
        (work,) = framed.citations
        printed = tuple(row.authors.replace(" et al.", "").split(" & "))
        # Where the author cell wraps ("Roelandt & den / Hertag"), the finder keeps its last line.
        assert work.authors in (printed, (printed[-1].split()[-1],)), row.key
        assert (work.year, work.style) == (row.year, "row")
        assert framed.text.startswith(opening), row.key
        rows += 1
    assert rows == 17


def test_porters_definition_is_credited_to_porter_1998_wherever_the_seed_gives_it():
    seed = CANDIDATES[CANDIDATES.doc == SEED_DOC]
    held = seed[seed.text.str.contains("geographically proximate group", regex=False)]
    assert sorted(held.page) == [5, 7, 10]
    for sentence in held.text:
        framed = frame(sentence)
        work = framed.citations[0]
        assert (work.authors, work.year) == (("Porter",), "1998")
        assert framed.text.startswith(
            ("A geographically proximate", "A cluster is a geographically")
        )
        assert framed.text.rstrip(" .").endswith("commonalities and complementarities")
        # The running text gives the page; the table row does not.
        assert work.page == ("" if work.style == "row" else "199")


@pytest.mark.parametrize(
    ("sentence", "text", "authors"),
    [
        (
            "A cluster is a group of linked firms\u201d (Porter 1998: 199; Enright, 1996).",
            "A cluster is a group of linked firms",
            ("Porter",),
        ),
        ('Clusters are groups of linked firms in one place." (Enright, 1996).', None, ("Enright",)),
    ],
)
def test_a_quote_whose_opening_mark_began_an_earlier_sentence_is_quoted(sentence, text, authors):
    framed = frame(sentence)
    assert framed.quoted
    assert framed.text == (text or sentence.split('"')[0])
    assert framed.citations[0].authors == authors
    assert '"' not in framed.text and "\u201d" not in framed.text


def test_a_closing_mark_inside_a_measure_is_no_quote():
    assert not frame("The 5\u201d screens of the cluster firms are small.").quoted
