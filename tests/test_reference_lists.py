"""A document's reference list read into entries; citations matched to entries and BibTeX keys."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus.definitions.citations import Citation, frame
from corpus.definitions.references import (
    Reference,
    bib_key,
    match_reference,
    reference_entries,
)
from corpus.errors import InputError
from corpus.readers.bibliography import load_bibtex
from tests.conftest import ROOT

HEAD = "Clusters and networks: a sample paper"

APA = [
    "1. Introduction\nClusters are linked firms (Porter, 1998; Oakey et al., 2001a).\n1",
    f"{HEAD}\n7. References\n"
    "Crouch, C., & Farrell, H. (2001). Great Britain: Falling through the holes in the\n"
    "network concept? In C. Crouch, P. Le Gal\u00e8s, C. Trigilia, & H. Voelzkow (Eds.),\n"
    "Local production systems in Europe (pp. 154-211). Oxford University Press.\n"
    "H\u00e5kansson, H., & Snehota, I. (1995). Developing relationships in business networks.\n"
    "Routledge.\n"
    "Oakey, R., Kipling, M., & Wildgust, S. (2001a). Clustering among firms in the non-\n"
    "broadcast visual communications sector. Regional Studies, 35(5), 401-414.\n"
    "2",
    f"{HEAD}\n"
    "Porter, M. E. (1998). Clusters and the new economics of competition. Harvard Business\n"
    "Review, 76(6), 77-90.\n"
    "van den Berg, L., Braun, E., & van Winden, W. (2001). Growth clusters in European\n"
    "cities: An integral approach. Urban Studies, 38(1), 185-205.\n"
    "Le Blanc, G. (2003). Regional specialisation and clusters. Journal of Regions, 1, 1-20.\n"
    "3\n"
    "Appendix A. Interview guide\n"
    "Porter, Q. (2020). An interview guide that is not a reference. Nowhere.",
]

HARVARD = [
    "Text (Brenner, 2004).",
    "Bibliography\n"
    "Brenner, T., 2004. Local industrial clusters: existence, emergence and evolution.\n"
    "London: Routledge.\n"
    "Dei Ottati, G., 1994. Trust, interlinking transactions and credit in the industrial\n"
    "district. Cambridge Journal of Economics, 18, 529-546.\n"
    "Porter, Michael E., and Mark Kramer. 2011. Creating shared value. Harvard Business\n"
    "Review 89: 62-77.",
]

NUMBERED = [
    "According to Porter [1], clusters are linked firms [2, 3].",
    "REFERENCES\n"
    '[1] M. E. Porter, "Clusters and the new economics of competition," Harvard Bus. Rev.,\n'
    "vol. 76, no. 6, pp. 77-90, 1998.\n"
    '[2] M. J. Enright and R. Roberts, "Regional clustering in Australia," Aust. J. Manage.,\n'
    "vol. 26, pp. 65-85, 2001.\n"
    '[3] L. van den Berg, E. Braun and W. van Winden, "Growth clusters in European cities,"\n'
    "Urban Stud., vol. 38, pp. 185-205, 2001.",
]

VANCOUVER = [
    "Literature cited\n"
    "1. Porter ME. Clusters and the new economics of competition. Harv Bus Rev.\n"
    "1998;76(6):77-90.\n"
    "2. Swann GMP, Prevezer M, Stout D, editors. The dynamics of industrial clustering.\n"
    "Oxford: Oxford University Press; 1998.",
]


def summary(entries):
    return [(r.number, r.authors, r.year, r.title) for r in entries]


def test_an_apa_list_is_read_across_pages_to_its_appendix():
    assert summary(reference_entries(APA)) == [
        (
            "",
            ("Crouch", "Farrell"),
            "2001",
            "Great Britain: Falling through the holes in the network concept",
        ),
        (
            "",
            ("H\u00e5kansson", "Snehota"),
            "1995",
            "Developing relationships in business networks",
        ),
        (
            "",
            ("Oakey", "Kipling", "Wildgust"),
            "2001a",
            "Clustering among firms in the non-broadcast visual communications sector",
        ),
        ("", ("Porter",), "1998", "Clusters and the new economics of competition"),
        (
            "",
            ("van den Berg", "Braun", "van Winden"),
            "2001",
            "Growth clusters in European cities: An integral approach",
        ),
        ("", ("Le Blanc",), "2003", "Regional specialisation and clusters"),
    ]


def test_running_heads_and_page_numbers_stay_out_of_the_entries():
    texts = [r.text for r in reference_entries(APA)]
    assert not any(HEAD in t or t.endswith((" 2", " 3")) for t in texts)
    assert texts[3] == (
        "Porter, M. E. (1998). Clusters and the new economics of competition. Harvard Business "
        "Review, 76(6), 77-90."
    )


def test_harvard_and_chicago_entries_give_surnames_year_and_title():
    assert summary(reference_entries(HARVARD)) == [
        ("", ("Brenner",), "2004", "Local industrial clusters: existence, emergence and evolution"),
        (
            "",
            ("Dei Ottati",),
            "1994",
            "Trust, interlinking transactions and credit in the industrial district",
        ),
        ("", ("Porter", "Kramer"), "2011", "Creating shared value"),
    ]


def test_a_body_as_author_keeps_its_whole_name_and_is_matched_by_it():
    entries = reference_entries(
        [
            "References\n"
            "European Commission (2008). The concept of clusters and cluster policies. Brussels.\n"
            "Porter, M. E. (1998). Clusters and the new economics of competition. Boston.\n"
        ]
    )
    assert [entry.authors for entry in entries] == [("European Commission",), ("Porter",)]
    cited = frame("A cluster is a group of firms near each other (European Commission, 2008).")
    assert match_reference(cited.citations[0], entries) is entries[0]


def test_numbered_lists_give_each_entry_its_number():
    assert summary(reference_entries(NUMBERED)) == [
        ("1", ("Porter",), "1998", "Clusters and the new economics of competition"),
        ("2", ("Enright", "Roberts"), "2001", "Regional clustering in Australia"),
        (
            "3",
            ("van den Berg", "Braun", "van Winden"),
            "2001",
            "Growth clusters in European cities",
        ),
    ]
    assert summary(reference_entries(VANCOUVER)) == [
        ("1", ("Porter",), "1998", "Clusters and the new economics of competition"),
        ("2", ("Swann", "Prevezer", "Stout"), "1998", "The dynamics of industrial clustering"),
    ]


def test_a_document_without_a_reference_list_has_no_entries():
    assert (
        reference_entries(["Clusters are linked firms (Porter, 1998).", "References to come."])
        == []
    )


def test_a_reference_list_that_does_not_parse_names_its_heading_and_page():
    pages = ["Text.", "Text.\n8. References\nSee the project website for the full list.\nThanks."]
    with pytest.raises(InputError, match=r'"References" \(page 2\): no entry'):
        reference_entries(pages)


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("Clusters are linked firms (Oakey et al., 2001).", "Clustering among firms"),
        ("Clusters are linked firms (Oakey et al., 2001a).", "Clustering among firms"),
        ("Clusters are linked firms (Hakansson & Snehota, 1995).", "Developing relationships"),
        (
            "Clusters are linked firms (H\u00c5KANSSON and Snehota, 1995).",
            "Developing relationships",
        ),
        ("Van den Berg et al. (2001) see clusters as linked firms.", "Growth clusters"),
        ("Clusters are linked firms (Berg et al., 2001).", "Growth clusters"),
        ("Clusters are linked firms (Le Blanc, 2003).", "Regional specialisation"),
    ],
)
def test_a_citation_finds_its_entry_whatever_its_letters_accents_and_et_al(sentence, title):
    found = match_reference(frame(sentence).citations[0], reference_entries(APA))
    assert found is not None and found.title.startswith(title)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clusters are linked firms (Porter, 1999).",
        "Clusters are linked firms (Enright, 1996).",
        "Clusters are linked firms (Oakey et al., 2001b).",
    ],
)
def test_a_citation_with_no_entry_matches_none(sentence):
    assert match_reference(frame(sentence).citations[0], reference_entries(APA)) is None


def test_a_year_without_its_letter_is_ambiguous_between_two_entries_of_that_year():
    refs = [
        Reference(("Porter",), "2001a", "First", "Porter (2001a). First."),
        Reference(("Porter",), "2001b", "Second", "Porter (2001b). Second."),
    ]
    assert match_reference(Citation(("Porter",), "2001"), refs) is None
    assert match_reference(Citation(("Porter",), "2001b"), refs).title == "Second"


def test_et_al_prefers_the_entry_with_several_authors():
    refs = [
        Reference(("Oakey",), "2001", "Alone", "..."),
        Reference(("Oakey", "Kipling", "Wildgust"), "2001", "Together", "..."),
    ]
    assert match_reference(Citation(("Oakey",), "2001", et_al=True), refs).title == "Together"
    assert match_reference(Citation(("Oakey",), "2001"), refs).title == "Alone"


def test_numbered_citations_are_matched_by_number():
    framed = frame("Clusters are linked firms [2, 3].")
    refs = reference_entries(NUMBERED)
    assert [match_reference(c, refs).authors[0] for c in framed.citations] == [
        "Enright",
        "van den Berg",
    ]
    lead = frame('According to Porter [1], "a cluster is a proximate group of linked companies".')
    assert match_reference(lead.citations[0], refs).title.startswith("Clusters and the new")


# --- BibTeX keys -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bib():
    return load_bibtex(ROOT / "references.bib")


def test_each_table_2_row_resolves_to_its_bibtex_key(bib):
    table = pd.read_csv(ROOT / "coding" / "data" / "cluster" / "definitions.csv", dtype=str)
    for row in table.itertuples():
        work = frame(f"{row.authors} ({row.year}) {row.definition}").citations[0]
        assert bib_key(work, bib) == row.key, row.authors


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        ("Clusters are linked firms (Porter, 1998, p. 199).", "porter1998"),
        ("Clusters are linked firms (Hakansson and Snehota, 1995).", "hakanssonsnehota1995"),
        ("Clusters are linked firms (Moller and Rajala, 2007).", "mollerrajala2007"),
        ("Clusters are linked firms (Hofe and Chen, 2006).", "hofechen2006"),
        ("Clusters are linked firms (van den Berg et al., 2001).", "vandenberg2001"),
        ("Clusters are linked firms (Ford and H\u00e5kansson, 2005).", "fordhakansson2005"),
        ("Clusters are linked firms (Harrison et al., 2004).", "harrison2004"),
        ("Clusters are linked firms (Porter, 1999).", None),
        ("Clusters are linked firms (Ford, 2005).", None),
    ],
)
def test_bib_key_matches_surname_and_year_and_the_year_an_entry_is_cited_by(bib, sentence, key):
    assert bib_key(frame(sentence).citations[0], bib) == key


def test_a_numbered_list_of_one_entry_is_numbered():
    page = "References\n" + NUMBERED[1].splitlines()[1] + "\n" + NUMBERED[1].splitlines()[2]
    assert summary(reference_entries(["Text.", page])) == [
        ("1", ("Porter",), "1998", "Clusters and the new economics of competition"),
    ]
