"""Scoring defcode's definitions against a quoting set's truth (bench/quoting/score.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.quoting.score import first_surname, grouping, match, same_author, score


def _truth() -> pd.DataFrame:
    rows = [
        (
            "a",
            1,
            "a geographically proximate group of interconnected companies",
            "porter",
            "Porter",
            "1998",
            "narrative",
        ),
        (
            "a",
            2,
            "clusters are groups of firms within one industry",
            "swann",
            "Swann",
            "1996",
            "parenthetical",
        ),
        (
            "b",
            1,
            "a geographically proximate group of interconnected firms",
            "porter",
            "Porter",
            "1998",
            "numbered",
        ),
        (
            "b",
            3,
            "a set of firms and research bodies sharing a labour market",
            "own",
            "Sørensen",
            "2012",
            "self",
        ),
        ("c", 1, "a locality where companies are locked together", "perry", "Perry", "2005", "row"),
    ]
    columns = ["doc", "page", "text", "definition", "first_author", "year", "style"]
    return pd.DataFrame(rows, columns=columns)


def _definitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "definition": ["def-1", "def-2", "def-3"],
            "authors": ["Porter, Michael E.", "Swann & Prevezer", "Sorensen"],
            "year": ["1998", "1996a", "2013"],
        }
    )


def _occurrences() -> pd.DataFrame:
    rows = [
        (
            "def-1",
            "a",
            1,
            "A geographically proximate group of interconnected companies and institutions",
        ),
        ("def-2", "a", 2, "Clusters are here defined as groups of firms within one industry"),
        ("def-2", "b", 1, "a geographically proximate group of interconnected firms"),
        ("def-3", "b", 3, "a set of firms and research bodies sharing a labour market"),
        ("def-1", "c", 2, "a locality where companies are locked together"),  # wrong page
    ]
    return pd.DataFrame(rows, columns=["definition", "doc", "page", "text"])


def test_a_truth_row_matches_the_occurrence_on_its_page_that_holds_most_of_its_words():
    assert match(_truth(), _occurrences()).tolist() == [0, 1, 2, 3, -1]


def test_an_occurrence_holding_too_few_of_the_truth_words_does_not_match():
    truth = _truth().iloc[[0]]
    half = pd.DataFrame({"doc": ["a"], "page": [1], "text": ["a geographically proximate group"]})
    assert match(truth, half).tolist() == [-1]  # 4 of 7 words: under 60 %


def test_an_occurrence_matches_one_truth_row_at_most():
    truth = pd.concat([_truth().iloc[[0]]] * 2, ignore_index=True)
    assert sorted(match(truth, _occurrences().iloc[[0]]).tolist()) == [-1, 0]


def test_the_scores_of_a_small_hand_made_output():
    result = score(_truth(), _definitions(), _occurrences())
    assert result.found == pytest.approx(4 / 5)
    assert result.matched == 4 and result.truths == 5
    # Right: Porter 1998 in a, Swann (1996a) in a. Wrong: b's Porter quote is in Swann's
    # group, and Sørensen is credited with 2013, not 2012.
    assert result.attribution == pytest.approx(2 / 4)
    # Found rows: porter(def-1), swann(def-2), porter(def-2), own(def-3).
    # Truth pairs: (0, 2). defcode pairs: (1, 2). None shared.
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert result.by_style == {
        "narrative": 1.0,
        "numbered": 1.0,
        "parenthetical": 1.0,
        "row": 0.0,
        "self": 1.0,
    }


def test_pairwise_grouping_counts_pairs_of_the_same_group():
    truth = pd.Series(["p", "p", "p", "q", "q"])
    found = pd.Series([1, 1, 2, 2, 2])
    # Truth pairs 3 + 1 = 4; found pairs 1 + 3 = 4; both: (0, 1) and (3, 4).
    assert grouping(truth, found) == (0.5, 0.5, 0.5)


def test_grouping_with_no_pairs_on_either_side_is_perfect():
    assert grouping(pd.Series(["p", "q"]), pd.Series([1, 2])) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("authors", "surname"),
    [
        ("Porter", "porter"),
        ("Porter, Michael E.", "porter"),
        ("Crouch & Farrell", "crouch"),
        ("Crouch, Colin and Farrell, Henry", "crouch"),
        ("Oakey et al.", "oakey"),
        ("van den Berg; Braun; van Winden", "van den berg"),
        ("Håkansson, Håkan", "hakansson"),
    ],
)
def test_the_first_surname_is_read_from_any_usual_author_list(authors, surname):
    assert first_surname(authors) == surname


def test_an_author_matches_case_and_accent_insensitively_and_by_full_name():
    assert same_author("Sørensen", "SORENSEN, Mette")
    assert same_author("Porter", "Michael E. Porter and Claas van der Linde")
    assert not same_author("Porter", "Porterfield")
    assert not same_author("", "Porter")


def test_of_two_truth_rows_inside_one_occurrence_the_one_it_is_takes_it():
    truth = pd.DataFrame(
        {
            "doc": ["a", "a"],
            "page": [1, 1],
            "text": [
                "a regional cluster ... firms are close",
                "a regional cluster is where firms are close",
            ],
        }
    )
    found = pd.DataFrame(
        {"doc": ["a"], "page": [1], "text": ["A regional cluster is where firms are close."]}
    )
    assert match(truth, found).tolist() == [-1, 0]
