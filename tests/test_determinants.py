"""The determinant matcher against marks checked by hand on the 17 definitions."""

from __future__ import annotations

import pytest

from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.determinants import mark_determinants

# Read off each definition by hand: which of the Section 5 determinants it names.
# of: other firms (actors: firms, companies, institutions); lc: local context
# (proximity, location, local/regional); ifr: inter-firm relations (links,
# networks, relationships, collaboration, chains); syn: synergies (synergy,
# benefit, being more competitive, complementarities); fc: shared factor
# conditions (market conditions, factor markets, infrastructure); int:
# interdependence.
HAND_MARKS = {
    "enright1996": {"of", "lc"},
    "swannprevezer1996": {"of", "lc"},
    "rosenfeld1997": {"of", "lc", "syn", "int"},
    "feser1998": {"of", "ifr", "syn"},
    "porter1998": {"of", "lc", "ifr", "syn"},
    "swann1998": {"of", "lc"},
    "roelandtdenhertog1999": {"of", "ifr", "int"},
    "simmiesennett1999": {"of", "ifr", "fc"},
    "crouchfarrell2001": {"of", "lc"},
    "oakey2001": {"of", "lc", "ifr", "syn"},
    "vandenberg2001": {"of", "lc", "ifr"},
    "cookehuggins2002": {"of", "lc", "ifr", "fc"},
    "feserluger2002": {"of", "lc", "ifr", "fc"},
    "gault2002": {"of", "ifr"},
    "dicken2003": {"lc", "ifr"},
    "brenner2004": {"lc"},
    "perry2005": {"of", "lc", "int"},
}
SHORT = {
    "of": "other_firms",
    "lc": "local_context",
    "ifr": "inter_firm_relations",
    "syn": "synergies",
    "fc": "factor_conditions",
    "int": "interdependence",
}


@pytest.fixture(scope="module")
def marks():
    definitions = load_definitions()
    found = mark_determinants(definitions["definition"], load_codebook())
    found.index = definitions["key"]
    return found


@pytest.mark.parametrize("key", sorted(HAND_MARKS))
def test_each_definition_gets_the_hand_checked_marks(marks, key):
    named = {code for code in SHORT.values() if marks.at[key, code]}
    assert named == {SHORT[s] for s in HAND_MARKS[key]}
    assert set(marks.at[key, "matches"]) == named


def test_matched_words_are_shown_as_written(marks):
    assert marks.at["feserluger2002", "matches"]["factor_conditions"] == [
        "factor markets",
        "infrastructure",
        "goods markets",
    ]
    assert marks.at["roelandtdenhertog1999", "matches"]["interdependence"] == ["interdependent"]


def test_counts_per_determinant(marks):
    counts = marks[list(SHORT.values())].sum().to_dict()
    assert counts == {
        "other_firms": 15,
        "local_context": 13,
        "inter_firm_relations": 10,
        "synergies": 4,
        "factor_conditions": 3,
        "interdependence": 3,
    }


def test_a_category_without_keywords_is_an_error(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "concept: team\nterms: [team]\ndefinition: A group.\nschemes:\n"
        "  determinant:\n    label: D\n    description: What a team needs.\n    categories:\n"
        "      - code: goal\n        description: A shared goal.\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="category 'goal': no keywords"):
        mark_determinants(["A team has a goal."], load_codebook(path))
