"""Items over a page break: registered with their end page, exchanged as one REFI-QDA selection."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from coding.codebook import load_codebook
from coding.coders import store
from coding.coders.widget import CodingSession
from coding.qda.qdpx_export import PAGE_BREAK, export_project
from coding.qda.qdpx_import import import_project
from corpus.definitions.store import occurrences, store_definitions
from corpus.ingest import ingest
from corpus.store import candidates

CODEBOOK = load_codebook()
SCHEMA = Path(__file__).parent / "data" / "refi-qda" / "Project-mrt2019.xsd"
#: Two pages (a form feed between): one definition runs over the break, one is on page 2.
PAGES = [
    "Introduction.\n\nFollowing Porter, clusters are defined as geographic",
    "concentrations of linked firms in one field. Networks differ.\n\n"
    "A cluster is a group of firms in one place.",
]
COLUMNS = ["id", "text", "doc", "page", "start", "end", "end_page"]


@pytest.fixture
def db(tmp_path):
    """A corpus of the two-page paper, its candidates not yet items."""
    paper = tmp_path / "paper.txt"
    paper.write_text("\f".join(PAGES) + "\n", encoding="utf-8")
    path = tmp_path / "review.db"
    ingest([paper], path, "cluster", list(CODEBOOK.terms))
    return path


def _crossing(conn) -> pd.Series:
    found = store.items(conn)
    (row,) = found[found["end_page"] != found["page"]].itertuples(index=False)
    return pd.Series(row._asdict())


def test_a_candidate_over_a_page_break_is_one_item_with_its_end_page(db):
    with store.open_store(db) as conn:
        store.add_candidate_items(conn, "cluster")
        found = store.items(conn)
        item = _crossing(conn)
    assert len(found) == 2
    assert (item["page"], item["end_page"]) == (1, 2)
    assert PAGES[0][item["start"] :].startswith("Following Porter")
    assert PAGES[1][: item["end"]].endswith("in one field.")
    assert item["text"] == " ".join(
        (PAGES[0][item["start"] :] + " " + PAGES[1][: item["end"]]).split()
    )
    other = found[found["id"] != item["id"]].iloc[0]
    assert (other["page"], other["end_page"]) == (2, 2)
    assert found["end_page"].dtype == "Int64"


def test_an_item_over_a_page_break_is_one_selection_and_comes_back_from_an_import(db, tmp_path):
    with store.open_store(db) as conn:
        store.add_candidate_items(conn, "cluster")
        item = _crossing(conn)
        store.record(conn, CODEBOOK, item["id"], "school", "ann", "Michael Porter", "over p. 1-2")
        out = tmp_path / "paper.qdpx"
        report = export_project(conn, out, CODEBOOK)
        held = store.items(conn)[COLUMNS]
        decided = store.history(conn)[store.CODING_COLUMNS]
    assert (report.sources, report.items) == (1, 2)  # no text of items beside the pages
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(root)
        (source,) = root.iterfind("{*}Sources/{*}TextSource")
        text = archive.read(f"Sources/{source.get('guid')}.txt").decode("utf-8")
    assert text == PAGES[0] + PAGE_BREAK + PAGES[1]
    selections = {s.get("name"): s for s in source.iterfind("{*}PlainTextSelection")}
    selection = selections[item["id"]]
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert start == item["start"]
    assert end == len(PAGES[0]) + len(PAGE_BREAK) + item["end"]
    assert " ".join(text[start:end].split()) == item["text"]
    assert len(selection.findall("{*}Coding")) == 1

    conn = store.open_store(tmp_path / "empty.db")
    back = import_project(out, conn, CODEBOOK)
    assert (back.items, back.decisions) == (2, 1)
    pd.testing.assert_frame_equal(store.items(conn)[COLUMNS], held)
    pd.testing.assert_frame_equal(store.history(conn)[store.CODING_COLUMNS], decided)
    again = import_project(out, conn, CODEBOOK)  # the same item: no clash
    assert (again.items, again.skipped) == (0, 1)


def test_an_item_over_a_page_break_outside_the_corpus_keeps_its_end_page(tmp_path):
    conn = store.open_store(tmp_path / "items.db")
    frame = pd.DataFrame(
        {
            "id": ["over", "on"],
            "text": ["Clusters are firms.", "Clusters are places."],
            "doc": ["elsewhere"] * 2,
            "page": [3, 5],
            "start": [40, 2],
            "end": [12, 22],
            "end_page": [4, None],
        }
    )
    store.add_items(conn, frame, concept="cluster", origin="csv")
    held = store.items(conn)[COLUMNS]
    assert held.set_index("id")["end_page"].to_dict() == {"over": 4, "on": 5}
    out = tmp_path / "items.qdpx"
    export_project(conn, out, CODEBOOK)
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    described = {
        s.get("name"): s.findtext("{*}Description")
        for s in root.iterfind("{*}Sources/{*}TextSource/{*}PlainTextSelection")
    }
    assert described == {
        "over": "Page: 3\nStart: 40\nEnd page: 4\nEnd: 12",
        "on": "Page: 5\nStart: 2\nEnd: 22",
    }
    back = store.open_store(tmp_path / "back.db")
    import_project(out, back, CODEBOOK)
    pd.testing.assert_frame_equal(store.items(back)[COLUMNS], held)


def test_a_distinct_definition_over_a_page_break_keeps_its_end_page_and_shows_both(db):
    with store.open_store(db) as conn:
        found = candidates(conn, "cluster")
        first = found[found["end_page"] > found["page"]].iloc[0]
        definition = pd.DataFrame(
            [("def-00000000p998", first["text"], "Porter", "1998", "", "porter1998")],
            columns=["definition", "text", "authors", "year", "page", "key"],
        )
        held = pd.DataFrame(
            {
                "candidate": [first["id"]],
                "definition": ["def-00000000p998"],
                "text": [first["text"]],
                "quoted": [False],
                "cited_authors": ["Porter"],
                "cited_year": ["1998"],
                "cited_page": [""],
                "reference": [""],
                "resolved": [False],
            }
        )
        store_definitions(conn, "cluster", definition, held)
        listed = occurrences(conn, "cluster").iloc[0]
        store.add_definition_items(conn, "cluster")
        item = store.items(conn).iloc[0]
        occurrence = store.item_occurrences(conn).iloc[0]
    assert (item["page"], item["end_page"], item["end"]) == (1, 2, first["end"])
    assert (occurrence["page"], occurrence["end_page"]) == (1, 2)
    assert (listed["page"], listed["end_page"], listed["end"]) == (1, 2, first["end"])
    session = CodingSession(db, coder="ab")
    try:
        attribution = session.attribution.value
    finally:
        session.close()
    assert "Found 1 time in 1 document: <b>paper</b> pp. 1-2" in attribution


def test_the_widget_names_both_pages_of_a_candidate_over_a_page_break(db):
    with store.open_store(db) as conn:
        store.add_candidate_items(conn, "cluster")
        item = _crossing(conn)
    session = CodingSession(db, coder="ab")
    try:
        shown = {}
        while session.item is not None:
            shown[session.item] = session.location.value
            session.skip()
    finally:
        session.close()
    assert (
        f"document <b>paper</b> · pages 1-2 · <small>item {item['id']}</small>"
        in (shown[item["id"]])
    )
    assert [" · page 2 · " in where for where in shown.values()].count(True) == 1


def test_a_store_of_schema_2_gains_end_page_filled_with_page(tmp_path):
    path = tmp_path / "old.db"
    with store.open_store(path) as conn:
        store.add_items(
            conn,
            pd.DataFrame({"id": ["a", "b"], "text": ["A.", "B."], "doc": "d", "page": [2, None]}),
            concept="cluster",
            origin="csv",
        )
        conn.executescript(
            "BEGIN; DROP TABLE item_occurrences; ALTER TABLE items DROP COLUMN end_page;"
            " UPDATE coding_schema_version SET version = 2; COMMIT;"
        )
        assert "end_page" not in {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    with store.open_store(path) as conn:
        assert conn.execute("SELECT version FROM coding_schema_version").fetchall() == [(3,)]
        found = store.items(conn).set_index("id")
        assert store.item_occurrences(conn).columns.tolist() == store.OCCURRENCE_COLUMNS
    assert found.loc["a", "end_page"] == 2
    assert pd.isna(found.loc["b", "end_page"]) and pd.isna(found.loc["b", "page"])
