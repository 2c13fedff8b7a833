"""Grouping the repeats of one definition: what quoting changes, and what it must not merge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus.definitions.grouping import group_texts, normalise

SEED = Path(__file__).parents[1] / "coding" / "data" / "cluster" / "definitions.csv"
PORTER = (
    "A cluster is a geographically proximate group of interconnected companies and "
    "associated institutions in a particular field, linked by commonalities and "
    "complementarities."
)
PORTER_QUOTED = [
    # an ellipsis, in three spellings
    "A cluster is a geographically proximate group of interconnected companies [...] "
    "in a particular field, linked by commonalities and complementarities.",
    "A cluster is a geographically proximate group of interconnected companies … "
    "linked by commonalities and complementarities",
    "a cluster is a geographically proximate group of interconnected companies and "
    "associated institutions... linked by commonalities and complementarities",
    # one or two words changed
    "A cluster is a geographically proximate group of interconnected firms and "
    "associated institutions in a particular field, linked by commonalities and "
    "complementarities.",
    "A cluster is a geographically close group of interconnected firms and associated "
    "institutions in a particular field, linked by commonalities and complementarities.",
    # other quotation marks, hyphenation over a line break, case
    "“A CLUSTER is a geo- graphically proximate group of inter-connected companies and "
    "associated institutions in a particular field, linked by commonalities and "
    "complementarities”",
    "\u2018A cluster is a geographically proximate group of interconnected companies and "
    "associated institutions in a particular field, linked by commonalities and "
    "complementari- ties\u2019",
    # a lead-in left in place
    "Porter (1998, p. 199) defines a cluster as a geographically proximate group of "
    "interconnected companies and associated institutions in a particular field, "
    "linked by commonalities and complementarities.",
    # partial quotes of six words or more
    "geographically proximate group of interconnected companies",
    '"in a particular field, linked by commonalities"',
]


def seed_definitions() -> list[str]:
    return pd.read_csv(SEED)["definition"].tolist()


def variants(text: str) -> list[str]:
    """The text reworded, cut by an ellipsis, and quoted in part, as quoting does."""
    words = text.rstrip(".").split()
    n = len(words)
    reworded = [*words]
    for i in (n // 3, 2 * n // 3):
        reworded[i] = "various" if reworded[i] != "various" else "several"
    cut = [*words[: n // 3], "[...]", *words[n // 3 + max(n // 5, 1) :]]
    part = words[n // 3 : n // 3 + max(8, n // 2)]
    return [" ".join(reworded), " ".join(cut), "“" + " ".join(part) + "”"]


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(set(a.tolist()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Clusters” are \u2018groups\u2019 of FIRMS.", "clusters are groups of firms"),
        (
            "A geo- graphically close, inter-connected group",
            "a geographically close interconnected group",
        ),
        ("firms [...] in one … region ... (p. 12)", "firms in one region p 12"),
        ("Porter\u2019s \ufb01rms [in the region]", "porters firms in the region"),
        ("  \n ", ""),
    ],
)
def test_normalise_folds_what_quoting_changes(text, expected):
    assert normalise(text) == expected


def test_repeats_of_porter_are_one_group_apart_from_other_definitions():
    others = seed_definitions()
    texts = [PORTER, *PORTER_QUOTED, *others]
    labels = group_texts(texts)
    quoted = labels[: len(PORTER_QUOTED) + 1]
    assert quoted.tolist() == [0] * len(quoted)
    porter_in_seed = [i for i, d in enumerate(others) if "geographically proximate" in d]
    assert len(porter_in_seed) == 1  # the seed's own Porter row joins the group
    rest = labels[len(quoted) :]
    assert rest[porter_in_seed[0]] == 0
    assert len(set(rest.tolist())) == len(others)


def test_the_seed_definitions_stay_seventeen_groups():
    definitions = seed_definitions()
    assert len(definitions) == 17
    assert group_texts(definitions).tolist() == list(range(17))


def test_each_seed_definition_with_its_variants_is_exactly_its_own_group():
    definitions = seed_definitions()
    texts = [v for d in definitions for v in [d, *variants(d)]]
    labels = group_texts(texts)
    assert labels.tolist() == np.repeat(np.arange(17), 4).tolist()


def test_a_partial_quote_inside_two_definitions_joins_neither():
    cluster = (
        "A cluster is a geographically proximate group of interconnected companies and "
        "associated institutions in a particular field of industry"
    )
    district = (
        "An industrial district is a group of interconnected companies and associated "
        "institutions that share one local labour market and its tacit norms"
    )
    shared = "a group of interconnected companies and associated institutions"
    inside_one = "one local labour market and its tacit norms"
    labels = group_texts([cluster, district, shared, inside_one])
    assert labels.tolist() == [0, 1, 2, 1]


def test_a_partial_quote_of_one_sentence_of_a_two_sentence_definition_joins_it():
    first = (
        "Physical clustering exists where businesses locate in proximity to each other "
        "without any functional linkages between them."
    )
    second = (
        "Functional clustering arises where firms gain some benefit from being close to "
        "each other and these benefits explain why the co-location occurs."
    )
    partial = "clustering arises where firms gain some benefit from being"
    labels = group_texts([partial, f"{first} {second}", second, second])
    assert labels.tolist() == [0, 0, 0, 0]


def test_short_texts_group_only_when_equal_after_normalising():
    texts = [
        "Clusters are groups.",
        "“clusters are GROUPS”",
        "Clusters are firm groups",
        "Clusters are groups",
    ]
    assert group_texts(texts).tolist() == [0, 0, 1, 0]


def test_texts_that_share_nothing_are_groups_of_their_own():
    texts = [
        "one two three four five",
        "six seven eight nine ten",
        "",
        "eleven twelve thirteen fourteen fifteen sixteen",
    ]
    assert group_texts(texts).tolist() == [0, 1, 2, 3]
    assert group_texts(["one two three four five six"]).tolist() == [0]


def test_labels_follow_first_appearance_and_do_not_depend_on_order():
    definitions = seed_definitions()[:6]
    texts = [
        definitions[3],
        definitions[1],
        *variants(definitions[3]),
        definitions[5],
        definitions[1],
    ]
    labels = group_texts(texts)
    assert labels.tolist() == [0, 1, 0, 0, 0, 2, 1]
    assert labels.dtype == np.int64
    backwards = group_texts(texts[::-1])[::-1]
    assert same_partition(labels, backwards)


def test_empty_input_gives_no_labels():
    labels = group_texts([])
    assert labels.dtype == np.int64 and labels.shape == (0,)


def test_runs_give_the_same_labels():
    definitions = seed_definitions()
    texts = [v for d in definitions for v in [*variants(d), d]]
    first = group_texts(texts)
    assert np.array_equal(first, group_texts(texts))
    assert same_partition(first, group_texts(texts, seed=7))


def test_bad_threshold_is_named():
    with pytest.raises(ValueError, match=r"threshold == 1.5, must be between 0 and 1"):
        group_texts(["a text"], threshold=1.5)
