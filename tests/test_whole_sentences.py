"""Whole sentences and rows: page breaks, table cells, glued labels, cited definitions, and
the store's migration to ``end_page``."""

from __future__ import annotations

import sqlite3

import pytest

from corpus import store
from corpus.finding.finder import find_definitions

TERMS = ["cluster", "industrial district"]

# A page that ends mid-sentence, with a page number and a running head the reader left.
BROKEN = [
    "Regional Studies 12\nIntroduction.\nFollowing Porter, clusters are defined as geo-\n3",
    "Regional Studies 12\ngraphic concentrations of linked firms in one field. Networks differ.\n4",
    "Regional Studies 12\nThe end.\n5",
]

TABLE = (
    "Table 2: Cluster definitions\n"
    "Authors Cluster definition School\n"
    "Oakey et al.\n(2001)\n"
    "Physical clustering exists where businesses\n"
    "locate in proximity. Functional clustering arises\n"
    "where firms gain some benefit from being close.\n"
    "Alfred Marshall B\n"
    "Roelandt & den\nHertag (1999)\n"
    "Clusters can be characterized as networks\nof producers in a chain.\n"
    "Economic geography N\n"
    "Crouch & Farrell\n(2001)\n"
    "The more general concept of cluster suggests something looser: A tendency for\n"
    "firms in similar types of business to locate close together.\n"
    "Alfred Marshall N\n"
)

LABELS = (
    "Table 1: The five dominating schools of clustering\n"
    "Alfred Marshall Clusters are a group of establishments belonging to the same\n"
    "industry within regional geographic boundaries.\n"
    "Economic and industrial geographyClusters\n"
    "are based on the general idea that regions develop different kinds of networks.\n"
)


def test_a_sentence_over_a_page_break_is_one_candidate_with_its_end_page():
    found = find_definitions(BROKEN, TERMS)
    crossing = found[found.end_page > found.page]
    assert len(crossing) == 1
    row = crossing.iloc[0]
    assert (row.page, row.end_page, row.rule) == (1, 2, "defined_as")
    assert row.start == BROKEN[0].index("Following")
    assert BROKEN[1][: row.end].endswith("one field.")
    # The page number and running head between are skipped, the hyphenated word joined.
    assert row.text == (
        "Following Porter, clusters are defined as geographic concentrations of linked "
        "firms in one field."
    )
    # The second page gives up its start: no candidate starts before the sentence ends.
    second = found[(found.page == 2) & (found.index != crossing.index[0])]
    assert (second.start >= row.end).all()


def test_a_page_that_ends_a_sentence_is_not_joined_to_the_next():
    pages = ["Clusters are groups of firms.", "Clusters differ from networks."]
    found = find_definitions(pages, TERMS)
    assert found[["page", "end_page"]].values.tolist() == [[1, 1], [2, 2]]
    assert found.end.tolist() == [len(pages[0]), len(pages[1])]


def test_a_table_row_holds_its_author_cell_and_its_whole_definition_cell():
    found = find_definitions([TABLE], TERMS)
    texts = found.text.tolist()
    oakey = next(t for t in texts if t.startswith("Oakey"))
    assert oakey == (
        "Oakey et al. (2001) Physical clustering exists where businesses locate in proximity. "
        "Functional clustering arises where firms gain some benefit from being close."
    )
    assert not any(t.startswith("Functional") for t in texts)
    roelandt = next(t for t in texts if "Hertag" in t)
    assert roelandt.startswith("Roelandt & den Hertag (1999) Clusters can be characterized")
    assert roelandt.endswith("of producers in a chain.")
    crouch = next(t for t in texts if t.startswith("Crouch"))
    assert crouch.endswith("to locate close together.")
    # The school cell after a row is not glued to it.
    assert not any("Marshall B" in t or "geography N" in t for t in texts)


def test_a_table_label_glued_to_its_definition_is_split_off():
    found = find_definitions([LABELS], TERMS)
    texts = found.text.tolist()
    assert (
        "Clusters are a group of establishments belonging to the same industry within "
        "regional geographic boundaries." in texts
    )
    assert any(t.startswith("Clusters are based on the general idea") for t in texts)
    assert not any("Marshall Clusters" in t or "geographyClusters" in t for t in texts)
    based = found[found.text.str.startswith("Clusters are based")].iloc[0]
    assert LABELS[based.start : based.start + 8] == "Clusters"


@pytest.mark.parametrize(
    "sentence,terms",
    [
        (
            "Osterwalder and Pigneur (2010, p. 14) state that a business model describes the "
            "rationale of how an organization creates, delivers, and captures value.",
            ["business model"],
        ),
        (
            "Magretta (2002) noted that business models are, at heart, stories that explain "
            "how enterprises work.",
            ["business model"],
        ),
        ("According to Porter (1998), clusters are concentrations of linked firms.", TERMS),
        ("Porter [3] defines clusters as concentrations of linked firms.", TERMS),
    ],
)
def test_a_sentence_that_credits_a_definition_to_a_cited_work_passes_the_cut_off(sentence, terms):
    (row,) = find_definitions([f"Firms grow. {sentence} Regions differ."], terms).itertuples()
    assert row.rule == "cited_definition"
    assert row.score >= 0.5


@pytest.mark.parametrize(
    "sentence",
    [
        "Porter (1998) argues that the development of clusters is slow.",
        "Clusters matter (Porter, 1998), and regions differ.",
    ],
)
def test_a_citation_without_a_definition_of_the_term_is_no_cited_definition(sentence):
    (row,) = find_definitions([sentence], TERMS).itertuples()
    assert row.rule != "cited_definition"


def _version_1(path):
    """A database as defcode wrote it with schema 1: two candidates and an occurrence."""
    conn = store.connect(path)
    version_2 = {
        name: sql for name, sql in conn.execute("SELECT name, sql FROM sqlite_master") if sql
    }
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE candidates")
    conn.execute(
        version_2["candidates"]
        .replace(",\n    end_page INTEGER NOT NULL CHECK (end_page >= 1)", "")
        .replace('CHECK ("end" > 0)', 'CHECK ("end" > start)')
    )
    conn.execute("CREATE INDEX candidates_page ON candidates (page_id)")
    conn.execute("UPDATE schema_version SET version = 1")
    conn.execute("INSERT INTO sources VALUES (1, 'a.pdf', 'ab', 'pdf', '2024')")
    conn.execute("INSERT INTO documents (id, source_id, uid, key) VALUES (1, 1, 'u1', 'a')")
    conn.executemany(
        "INSERT INTO pages (id, document_id, number, text) VALUES (?, 1, ?, ?)",
        [(1, 1, "Clusters are groups."), (2, 2, "Clusters are firms.")],
    )
    conn.executemany(
        "INSERT INTO candidates VALUES (?, 'cluster', ?, 0, 19, ?, 0.9, 'copula')",
        [("u1-1-0", 1, "Clusters are groups."), ("u1-2-0", 2, "Clusters are firms.")],
    )
    conn.execute("INSERT INTO definitions (concept, id, text) VALUES ('cluster', 'def-1', 't')")
    conn.execute(
        "INSERT INTO occurrences (concept, candidate, definition, text, quoted, resolved)"
        " VALUES ('cluster', 'u1-2-0', 'def-1', 't', 0, 0)"
    )
    conn.close()


def test_a_version_1_database_migrates_keeping_every_row(tmp_path):
    path = tmp_path / "old.db"
    _version_1(path)
    raw = sqlite3.connect(path)
    columns = [row[1] for row in raw.execute("PRAGMA table_info(candidates)")]
    before = raw.execute('SELECT id, page_id, start, "end", text FROM candidates').fetchall()
    raw.close()
    assert "end_page" not in columns and len(before) == 2

    conn = store.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
    after = conn.execute(
        'SELECT id, page_id, start, "end", text FROM candidates ORDER BY id'
    ).fetchall()
    assert after == sorted(before)
    found = store.candidates(conn, "cluster")
    assert found.end_page.tolist() == found.page.tolist() == [1, 2]
    assert conn.execute("SELECT candidate FROM occurrences").fetchall() == [("u1-2-0",)]
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert not conn.execute("PRAGMA foreign_key_check").fetchall()
    # A candidate over a page break now fits, its end before its start.
    conn.execute(
        'INSERT INTO candidates (id, concept, page_id, start, "end", text, score, rule, end_page)'
        " VALUES ('u1-1-5', 'cluster', 1, 5, 3, 'x', 0.5, 'copula', 2)"
    )
    conn.close()
    conn = store.connect(path)  # a second open migrates nothing
    assert conn.execute("SELECT COUNT(*) FROM candidates").fetchone() == (3,)
    conn.close()


def test_a_failed_migration_leaves_the_version_1_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _version_1(path)
    monkeypatch.setattr(store, "_CANDIDATES", store._CANDIDATES.replace("end_page >= 1", "x"))
    with pytest.raises(sqlite3.OperationalError):
        store.connect(path)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    assert raw.execute("SELECT COUNT(*) FROM candidates").fetchone() == (2,)
    assert raw.execute("SELECT COUNT(*) FROM occurrences").fetchone() == (1,)
    raw.close()
