"""Tables 1-3 reproduced cell for cell, against values typed from the paper."""

from __future__ import annotations

import pytest

from analysis.tables import table1, table2, table3
from tests.conftest import squash

TABLE1 = [
    (
        "Alfred Marshall",
        "Clusters are a group of establishments belonging to the same industry within "
        "regional geographic boundaries. The focus is on the direct benefits of co-location.",
    ),
    (
        "Italian industrial districts",
        "Clusters are characterized by particular social relationships and interactions among "
        "the firms involved. These relationships consist of a mixture of both cooperation and "
        "competition. The innovative capacity of SMEs belonging to a particular industry in the "
        "same region is highlighted as a main driver behind development.",
    ),
    (
        "Economic and industrial geography",
        "Clusters are based on the general idea that regions develop different kinds of "
        "inter-firm networks, specific institutional set-ups, and specific forms of economic, "
        "cultural and political practices over time.",
    ),
    (
        "Michael Porter",
        "Clusters are geographic concentrations of inter-connected firms and institutions in a "
        "particular field. Clusters encompass an array of linked industries and actors important "
        "to competition and cooperation both up- and downstream the value chain e.g. suppliers, "
        "customers.",
    ),
    (
        "Regional innovation systems and learning regions",
        "Clusters are perceived as learning and knowledge constructions, which add to localized "
        "adjustment and innovation processes in favour of knowledge creations.",
    ),
]

MAR, ITA, GEO, POR, RIS = (school for school, _ in TABLE1)

# (authors as printed, year, school, breadth, first words ... last words of the definition)
TABLE2 = [
    ("Enright", 1996, MAR, "N", "A regional cluster is", "close proximity to each other."),
    ("Swann & Prevezer", 1996, MAR, "N", "Clusters are here defined", "in one geographical area."),
    ("Rosenfeld", 1997, MAR, "N", "A cluster is very simply", "pronounced or prominent."),
    ("Feser", 1998, GEO, "B", "Economic clusters are not", "by virtue of their relationships."),
    ("Porter", 1998, POR, "B", "A cluster is a geographically", "commonalities and complementarities."),
    ("Swann & Prevezer", 1998, MAR, "N", "A cluster means a large", "at a particular location."),
    ("Roelandt & den Hertag", 1999, GEO, "N", "Clusters can be", "value-adding production chain."),
    ("Simmie & Sennett", 1999, GEO, "N", "We define an innovative", "the same market conditions."),
    ("Crouch & Farrell", 2001, MAR, "N", "The more general concept", "important presence in an area."),
    ("Oakey et al.", 2001, MAR, "B", "Physical clustering exists", "why the co-location occurs."),
    ("Van den Berg et al.", 2001, GEO, "B", "The popular term cluster", "services and/or knowledge."),
    ("Cooke & Huggins", 2002, POR, "B", "Geographically proximate firms", "a specific market field."),
    ("Feser & Lugar", 2002, POR, "B", "Concentrations of businesses", "and/or common goods markets."),
    ("Gault", 2002, RIS, "N", "Clusters are groups of private", "which may be innovation."),
    ("Dicken", 2003, RIS, "B", "The basis of clusters lies", "capabilities and performance."),
    ("Brenner", 2004, MAR, "N", "An industrial agglomeration", "local self-augmenting processes."),
    ("Perry", 2005, ITA, "N", "A cluster is a locality", "like organisms in a biosphere."),
]  # fmt: skip

TABLE3 = [
    ("Geographic scope", "Locally embedded", "Chain embedded"),
    ("Activity scope", "Horizontal and vertical", "Horizontal and vertical"),
    ("Resource constellation", "Similar and complementary", "Complementary"),
    (
        "Innovative capacity",
        "Business and product/service development",
        "Business and product/service development",
    ),
    ("Competitive position", "In-side out", "Relational"),
    ("Relationship governance", "Interdependent", "Interdependent"),
    ("Actor types", "Private & public", "Private"),
    ("Reality framing", "Objective", "Subjective"),
    ("Initiation and development", "Implant or organic", "Organic"),
]


def test_table1_has_the_five_schools_as_printed():
    data = table1().data
    assert list(data.columns) == ["school", "general_understanding"]
    assert [tuple(row) for row in data.itertuples(index=False)] == TABLE1


def test_table2_has_the_17_definitions_coded_as_printed():
    data = table2().data
    assert list(data.columns) == ["key", "authors", "year", "definition", "school", "breadth"]
    assert len(data) == 17
    for row, (authors, year, school, breadth, start, end) in zip(
        data.itertuples(index=False), TABLE2, strict=True
    ):
        assert (row.authors, row.year, row.school, row.breadth) == (authors, year, school, breadth)
        assert row.definition.startswith(start), row.key
        assert row.definition.endswith(end), row.key
        assert "  " not in row.definition and "- " not in row.definition.replace("up- ", "")


def test_table2_counts_by_school_and_breadth_match_the_paper():
    data = table2().data
    assert data["school"].value_counts().to_dict() == {MAR: 7, GEO: 4, POR: 3, RIS: 2, ITA: 1}
    assert data["breadth"].value_counts().to_dict() == {"N": 10, "B": 7}


def test_table2_porter_definition_is_exact():
    porter = table2().data.set_index("key").loc["porter1998", "definition"]
    assert porter == (
        "A cluster is a geographically proximate group of interconnected companies and "
        "associated institutions in a particular field, linked by commonalities and "
        "complementarities."
    )


def test_table3_has_nine_dimensions_as_printed():
    data = table3().data
    assert list(data.columns) == ["dimension", "cluster", "business_network", "discussion"]
    assert [tuple(row) for row in data.iloc[:, :3].itertuples(index=False)] == TABLE3
    assert list(table3().display().columns) == ["Dimensions", "Cluster", "Business network"]


def test_table3_discussion_is_each_dimensions_section6_text(seed_text):
    paper = squash(seed_text)
    section6 = paper[paper.index(squash("6. Clusters and networks")) :]
    data = table3().data.set_index("dimension")["discussion"]
    for dimension, text in data.items():
        assert squash(dimension + text) in section6, dimension
    assert data["Geographic scope"].startswith("Two of the most influential contributors")
    assert data["Initiation and development"].endswith("one or more well-established networks.")
    assert data["Actor types"].startswith("The IMP approach is rooted in the study of industrial")


@pytest.mark.parametrize("column", ["definition"])
def test_every_definition_stands_in_the_seed_paper(seed_text, column):
    paper = squash(seed_text)
    for row in table2().data.itertuples(index=False):
        assert squash(getattr(row, column)) in paper, row.key


def test_every_table1_text_stands_in_the_seed_paper(seed_text):
    paper = squash(seed_text)
    for school, text in TABLE1:
        assert squash(school + text) in paper, school
