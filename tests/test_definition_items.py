"""Distinct definitions as items: one each, credited to their work, coded into Table 2."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.coders import store
from corpus.definitions.store import store_definitions
from corpus.ingest import ingest

runner = CliRunner()
CODEBOOK = load_codebook()
PORTER = (
    "A cluster is a geographically proximate group of interconnected companies and "
    "associated institutions in a particular field"
)
ENRIGHT = "A regional cluster is an industrial cluster in which member firms are close together"
OWN = "In this paper we define a cluster as a regional network of firms sharing one labour market"
#: Three papers: two quote Porter (1998), one of them Enright (1996) too; one defines its own.
PAPERS = {
    "smith2020": f'Introduction. "{PORTER}" (Porter, 1998, p. 199). Enright (1996) wrote: '
    f'"{ENRIGHT}." The weather was fine.',
    "jones2021": f"Porter (1998, p. 199) defines it thus: {PORTER.replace('companies', 'firms')}.",
    "lee2022": f"{OWN}.",
}
AUTHORS = {"smith2020": "Smith", "jones2021": "Jones", "lee2022": "Lee"}
#: The definitions as `defcode definitions` stores them: id, text, authors, year, page, key.
FOUND = pd.DataFrame(
    [
        ("def-00000000p998", PORTER, "Porter", "1998", "199", "porter1998"),
        ("def-00000000e996", ENRIGHT, "Enright", "1996", "", ""),
        ("def-00000000l022", OWN.removeprefix("In this paper we define "), "Lee", "2022", "", ""),
    ],
    columns=["definition", "text", "authors", "year", "page", "key"],
)
MARKS = {"def-00000000p998": "geographically", "def-00000000e996": "member firms"}


def _held(conn) -> pd.DataFrame:
    """One occurrence per candidate, its definition told by a phrase of its text."""
    found = store_candidates(conn)
    definition = [
        next((d for d, mark in MARKS.items() if mark in text), "def-00000000l022")
        for text in found["text"]
    ]
    cited = {
        "def-00000000p998": ("Porter", "1998", "199"),
        "def-00000000e996": ("Enright", "1996", ""),
    }
    rows = [cited.get(d, ("", "", "")) for d in definition]
    return pd.DataFrame(
        {
            "candidate": found["id"],
            "definition": definition,
            "text": found["text"],
            "quoted": [d != "def-00000000l022" for d in definition],
            "cited_authors": [r[0] for r in rows],
            "cited_year": [r[1] for r in rows],
            "cited_page": [r[2] for r in rows],
            "reference": "",
            "resolved": False,
        }
    )


def store_candidates(conn) -> pd.DataFrame:
    from corpus.store import candidates

    return candidates(conn, "cluster")


@pytest.fixture
def db(tmp_path):
    """A corpus of three papers whose distinct definitions are stored, and no items yet."""
    meta = {}
    for key, text in PAPERS.items():
        path = tmp_path / f"{key}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        meta[path] = [{"key": key, "authors": AUTHORS[key], "year": key[-4:]}]
    path = tmp_path / "review.db"
    ingest(sorted(meta), path, "cluster", list(CODEBOOK.terms), meta=meta)
    with store.open_store(path) as conn:
        held = _held(conn)
        assert held["definition"].value_counts().to_dict() == {
            "def-00000000p998": 2,
            "def-00000000e996": 1,
            "def-00000000l022": 1,
        }, store_candidates(conn)["text"].tolist()
        store_definitions(conn, "cluster", FOUND, held)
    return path


def test_each_distinct_definition_is_one_item_credited_to_its_work(db):
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    assert result.exit_code == 0, result.output
    assert "3 new item(s) of 'cluster'; 3 in all (4 occurrence(s) in 3 document(s)" in (
        result.output
    )
    with store.open_store(db) as conn:
        found = store.items(conn).set_index("id")
        sources = store.item_sources(conn, store.items(conn))
        held = store.item_occurrences(conn, "cluster")
    assert sorted(found.index) == sorted(FOUND["definition"])
    porter = found.loc["def-00000000p998"]
    assert (porter["text"], porter["origin"], porter["key"], porter["cited_page"]) == (
        PORTER,
        "definitions",
        "porter1998",
        "199",
    )
    # Credited to Porter (1998), not to the first paper that quotes him (the first ingested).
    assert (porter["authors"], porter["year"], porter["doc"]) == ("Porter", "1998", "jones2021")
    assert sources.loc["def-00000000p998"].tolist() == ["Porter", 1998]
    assert sources.loc["def-00000000l022"].tolist() == ["Lee", 2022]
    assert held.query("item == 'def-00000000p998'")["doc"].tolist() == ["jones2021", "smith2020"]
    assert held.columns.tolist() == store.OCCURRENCE_COLUMNS
    assert held.set_index("candidate")["cited_authors"].value_counts().to_dict() == {
        "Porter": 2,
        "Enright": 1,
        "": 1,
    }


def test_registering_again_adds_only_new_definitions_and_changes_nothing_coded(db):
    runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    with store.open_store(db) as conn:
        store.record(conn, CODEBOOK, "def-00000000p998", "school", "ann", "Michael Porter")
        before = store.items(conn)
        held = _held(conn)
        held.loc[held["definition"] == "def-00000000l022", "definition"] = "def-00000000n001"
        found = FOUND.assign(text=FOUND["text"].str.upper(), authors="Someone")
        new = pd.DataFrame(
            [("def-00000000n001", OWN, "Lee", "2022", "", "")], columns=FOUND.columns
        )
        store_definitions(conn, "cluster", pd.concat([found, new]), held)
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    assert result.exit_code == 0, result.output
    assert "1 new item(s) of 'cluster'; 4 in all (5 occurrence(s)" in result.output
    with store.open_store(db) as conn:
        after = store.items(conn)
        kept = after[after["id"].isin(before["id"])].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, before)
        assert store.consensus(conn, "school").to_dict() == {"def-00000000p998": "Michael Porter"}
        listed = store.item_occurrences(conn)
    assert listed.groupby("item").size().to_dict() == {
        "def-00000000e996": 1,
        "def-00000000l022": 1,
        "def-00000000n001": 1,
        "def-00000000p998": 2,
    }


def test_no_stored_definitions_is_one_error_line_naming_the_command(tmp_path):
    db = tmp_path / "review.db"
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"error: {db}: no definitions of 'cluster' are stored: run `defcode definitions` first"
    )


def test_definitions_goes_with_no_other_source_of_items(db):
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions", "--list"])
    assert result.exit_code == 1
    assert "give one of --input, --candidates, --definitions, --list and --remove" in result.output


def test_a_store_of_schema_2_gains_the_definition_columns_and_keeps_its_items(tmp_path):
    path = tmp_path / "old.db"
    with store.open_store(path) as conn:
        store.add_bundled_items(conn, CODEBOOK)
        conn.executescript(
            "BEGIN; DROP TABLE item_occurrences; ALTER TABLE items DROP COLUMN key;"
            " ALTER TABLE items DROP COLUMN cited_page; UPDATE coding_schema_version"
            " SET version = 2; COMMIT;"
        )
    with store.open_store(path) as conn:
        assert conn.execute("SELECT version FROM coding_schema_version").fetchall() == [(3,)]
        found = store.items(conn)
        assert store.item_occurrences(conn).empty
    assert len(found) == 17
    assert set(found["key"]) == set(found["cited_page"]) == {""}


def test_the_widget_shows_who_gave_a_definition_and_where_it_was_found(db):
    from coding.coders.widget import CodingSession

    runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    session = CodingSession(db, coder="ab")
    try:
        shown = {}
        while session.item is not None:
            shown[session.item] = (session.location.value, session.attribution.value)
            session.skip()
    finally:
        session.close()
    assert list(shown) == ["def-00000000p998", "def-00000000l022", "def-00000000e996"]
    location, attribution = shown["def-00000000p998"]
    assert location == "Item 1 of 3 · <small>item def-00000000p998</small>"
    assert attribution == (
        "Definition by <b>Porter (1998, p. 199)</b><br><small>Found 2 times in 2 documents: "
        "<b>jones2021</b> p. 1; <b>smith2020</b> p. 1</small>"
    )
    assert shown["def-00000000l022"][1].startswith("Definition by <b>Lee (2022)</b>")
    assert "Found 1 time in 1 document: <b>smith2020</b> p. 1" in shown["def-00000000e996"][1]
