"""The definitions and occurrences tables: one transaction, ids kept, candidates followed."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus import store
from corpus.definitions.store import (
    DEFINITION_COLUMNS,
    OCCURRENCE_COLUMNS,
    definitions,
    occurrences,
    store_definitions,
)
from corpus.ingest import ingest

TERMS = ["cluster"]


def _held(found: pd.DataFrame, definition: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate": found.id,
            "definition": definition,
            "text": found.text,
            "quoted": [True] * len(found),
            "cited_authors": "Porter",
            "cited_year": "1998",
            "cited_page": "199",
            "reference": "",
            "resolved": [False] * len(found),
        }
    )


def _porter(text: str = "A geographically proximate group of firms.") -> pd.DataFrame:
    row = {"definition": "def-0123456789ab", "text": text, "authors": "Porter"}
    return pd.DataFrame([{**row, "year": "1998", "page": "199", "key": "porter1998"}])


@pytest.fixture
def corpus_db(tmp_path):
    for name, lead in (("a", ""), ("b", "Following Porter, ")):
        (tmp_path / f"{name}.txt").write_text(
            f"{lead}A cluster is a geographically proximate group of firms.\n", encoding="utf-8"
        )
    db = tmp_path / "c.db"
    ingest([tmp_path / "a.txt"], db, "cluster", TERMS)
    ingest([tmp_path / "b.txt"], db, "cluster", TERMS)
    conn = store.connect(db)
    yield conn, tmp_path
    conn.close()


def test_definitions_count_their_occurrences_and_documents(corpus_db):
    conn, _ = corpus_db
    found = store.candidates(conn, "cluster")
    assert len(found) == 2
    store_definitions(conn, "cluster", _porter(), _held(found, "def-0123456789ab"))
    table = definitions(conn, "cluster")
    assert table.columns.tolist() == DEFINITION_COLUMNS
    assert table[["definition", "authors", "occurrences", "documents"]].values.tolist() == [
        ["def-0123456789ab", "Porter", 2, 2]
    ]
    held = occurrences(conn, "cluster")
    assert held.columns.tolist() == OCCURRENCE_COLUMNS
    assert held.doc.tolist() == ["a", "b"]
    assert held.quoted.tolist() == [True, True]


def test_storing_again_changes_nothing_and_a_failed_store_leaves_the_old_rows(corpus_db):
    conn, _ = corpus_db
    found = store.candidates(conn, "cluster")
    store_definitions(conn, "cluster", _porter(), _held(found, "def-0123456789ab"))
    before = (definitions(conn, "cluster"), occurrences(conn, "cluster"))
    store_definitions(conn, "cluster", _porter(), _held(found, "def-0123456789ab"))
    pd.testing.assert_frame_equal(definitions(conn, "cluster"), before[0])
    pd.testing.assert_frame_equal(occurrences(conn, "cluster"), before[1])
    broken = _held(found, "def-0123456789ab").assign(quoted=[True, None])
    with pytest.raises((TypeError, ValueError)):
        store_definitions(conn, "cluster", _porter("changed"), broken)
    pd.testing.assert_frame_equal(definitions(conn, "cluster"), before[0])
    pd.testing.assert_frame_equal(occurrences(conn, "cluster"), before[1])


def test_a_reingested_file_takes_its_occurrences_and_the_definition_stays(corpus_db):
    conn, folder = corpus_db
    found = store.candidates(conn, "cluster")
    store_definitions(conn, "cluster", _porter(), _held(found, "def-0123456789ab"))
    (folder / "a.txt").write_text("Nothing about the concept here.\n", encoding="utf-8")
    ingest([folder / "a.txt"], folder / "c.db", "cluster", TERMS)
    table = definitions(conn, "cluster")
    assert table[["definition", "occurrences", "documents"]].values.tolist() == [
        ["def-0123456789ab", 1, 1]
    ]
    assert occurrences(conn, "cluster").doc.tolist() == ["b"]
