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
SCHEMES = ["school", "breadth"]
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
        (
            "def-00000000l022",
            OWN.removeprefix("In this paper we define "),
            "Lee",
            "2022",
            "",
            "lee",
        ),
    ],
    columns=["definition", "text", "authors", "year", "page", "key"],
)
#: The report's bibliography: it holds Porter (1998), not the key "lee" of Lee (2022).
BIB = """@book{porter1998,
  author = {Porter, Michael E.},
  title = {On Competition},
  publisher = {Harvard Business School Press},
  year = {1998}
}
"""
#: Agreed codes (school, breadth) for each definition.
CODES = {
    "def-00000000p998": ("Michael Porter", "B"),
    "def-00000000e996": ("Economic and industrial geography", "N"),
    "def-00000000l022": ("Regional innovation systems and learning regions", "N"),
}
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


@pytest.fixture
def coded(db):
    """The store with its definitions registered and coded alike by two coders."""
    runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    with store.open_store(db) as conn:
        for item, values in CODES.items():
            for coder in ("ann", "bob"):
                for scheme, value in zip(("school", "breadth"), values, strict=True):
                    store.record(conn, CODEBOOK, item, scheme, coder, value)
    (db.parent / "references.bib").write_text(BIB, encoding="utf-8")
    return db


def test_table2_from_a_store_credits_each_definition_to_its_work(coded, tmp_path):
    out = tmp_path / "tables"
    bib = coded.parent / "references.bib"
    result = runner.invoke(
        app, ["tables", "--db", str(coded), "--bib", str(bib), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "table2.csv", keep_default_na=False)
    assert table.columns.tolist() == ["id", "key", "authors", "year", "definition", *SCHEMES]
    rows = table.set_index("id")
    assert rows.loc["def-00000000p998", ["key", "authors", "year", "school"]].tolist() == [
        "porter1998",
        "Porter",
        1998,
        "Michael Porter",
    ]
    # Lee's key is not in the bibliography, Enright's was never resolved: both print as text.
    assert rows["key"].to_dict() == {
        "def-00000000p998": "porter1998",
        "def-00000000l022": "",
        "def-00000000e996": "",
    }
    assert rows.loc["def-00000000e996", "definition"] == ENRIGHT
    tex = (out / "table2.tex").read_text(encoding="utf-8")
    assert r"\defcitealias{porter1998}{Porter (1998)}\citetalias{porter1998}" in tex
    assert "Enright (1996) &" in tex and "Lee (2022) &" in tex
    assert r"\citetalias{lee}" not in tex
    assert (out / "references.bib").read_text(encoding="utf-8") == BIB
    markdown = (out / "table2.md").read_text(encoding="utf-8")
    assert [line.split("|")[1].strip() for line in markdown.splitlines()[4:7]] == [
        "Porter (1998)",
        "Lee (2022)",
        "Enright (1996)",
    ]


def test_table2_from_a_store_without_a_bibliography_cites_nothing(coded, tmp_path):
    out = tmp_path / "tables"
    result = runner.invoke(app, ["tables", "--db", str(coded), "--out", str(out), "-f", "latex"])
    assert result.exit_code == 0, result.output
    tex = (out / "table2.tex").read_text(encoding="utf-8")
    assert r"\cite" not in tex and "Porter (1998) &" in tex
    assert not (out / "references.bib").exists()


def test_a_store_with_nothing_agreed_is_one_error_line(db, tmp_path):
    runner.invoke(app, ["codings", "items", "--db", str(db), "--definitions"])
    result = runner.invoke(app, ["tables", "--db", str(db), "--out", str(tmp_path / "t")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"error: {db}: no item of 'cluster' has an agreed code in every scheme yet"
    )


def test_the_report_from_a_store_cites_the_keys_its_bibliography_holds(coded, tmp_path):
    out = tmp_path / "report"
    bib = coded.parent / "references.bib"
    result = runner.invoke(
        app,
        ["report", "--db", str(coded), "--bib", str(bib), "--out", str(out), "--no-pdf", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert "from 3 definitions" in result.output
    tex = (out / "report.tex").read_text(encoding="utf-8")
    assert r"\citetalias{porter1998}" in tex
    assert r"\citetalias{lee}" not in tex and "Lee (2022)" in tex
    assert r"\bibliography{tables/references}" in tex and r"\nocite{*}" not in tex
    marks = pd.read_csv(out / "tables" / "determinants.csv", keep_default_na=False)
    assert marks[["id", "key", "authors"]].values.tolist()[0] == [
        "def-00000000p998",
        "porter1998",
        "Porter",
    ]
    assert r"\citetalias{porter1998}" in (out / "tables" / "determinants.tex").read_text()
    # The timeline dates each definition by its credited work, not by the papers quoting it.
    timeline = pd.read_csv(out / "tables" / "timeline_school.csv")
    assert timeline.loc[timeline["Total"] > 0, "year"].tolist() == [1996, 1998, 2022]


@pytest.mark.latex
def test_table2_from_a_store_compiles_with_its_citation_resolved(coded, tmp_path, needs_latex):
    from analysis.latex import compile_pdf

    out = tmp_path / "tables"
    bib = coded.parent / "references.bib"
    runner.invoke(app, ["tables", "--db", str(coded), "--bib", str(bib), "--out", str(out)])
    pdf = compile_pdf(out / "table2.tex", build="build")
    assert pdf.stat().st_size > 1000
    aux = (out / "build" / "table2.aux").read_text()
    assert "\\citation{porter1998}" in aux and "\\citation{lee}" not in aux
    assert (out / "build" / "table2.bbl").read_text().count("\\bibitem") == 1
