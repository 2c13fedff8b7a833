"""From candidates to distinct definitions: grouping, attribution, ids kept, bad input, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from corpus import store
from corpus.definitions.grouping import normalise
from corpus.definitions.occurrences import build_definitions
from corpus.definitions.store import (
    DEFINITION_COLUMNS,
    OCCURRENCE_COLUMNS,
    definitions,
    occurrences,
)
from corpus.ingest import ingest, read_meta
from tests.conftest import ROOT
from tests.test_ingest import seed  # noqa: F401 (a fixture)

runner = CliRunner()
TERMS = ["cluster"]
PORTER = (
    "a geographically proximate group of interconnected {firms} and associated institutions "
    "in a particular field, linked by commonalities and complementarities"
)
PORTER_REFERENCE = "Porter, M. (1998). Clusters and the new economics of competition."
MARKUSEN_REFERENCE = "Markusen, A. (1996). Sticky places in slippery space."
SELF_STATED = (
    "In this paper we define a cluster as a network of small firms that share one regional "
    "labour market and trust each other."
)
ENRIGHT = (
    "A regional cluster is an industrial cluster in which member firms are in close "
    "proximity to each other (Enright, 1996)."
)
PAPERS = {
    # narrative, with a reference list
    "adams.txt": (
        f'Porter (1998, p. 199) defines a cluster as "{PORTER.format(firms="companies")}".',
        f"References\n{PORTER_REFERENCE}",
    ),
    # parenthetical, one word changed, other quotation marks
    "brown.txt": (
        f"A cluster is \u201c{PORTER.format(firms='firms')}\u201d (Porter, 1998, p. 199).",
        f"References\n{PORTER_REFERENCE}",
    ),
    # numbered, an ellipsis
    "clark.txt": (
        f'According to Porter [1], a cluster is "{PORTER.format(firms="companies")}".'.replace(
            " in a particular field,", " ..."
        ),
        f"References\n[1] {PORTER_REFERENCE}\n[2] {MARKUSEN_REFERENCE}",
    ),
    "doe.txt": (SELF_STATED,),
    # Enright is not in the reference list: unresolved
    "evans.txt": (ENRIGHT, f"References\n{PORTER_REFERENCE}"),
}
META = "path,authors,year\n" + "\n".join(
    f"papers/{name},{name.removesuffix('.txt').title()},{2010 + i}" for i, name in enumerate(PAPERS)
)


def write_papers(folder, papers=PAPERS):
    """One text file per paper (a paragraph per block); beside them, their authors and years."""
    folder.mkdir(exist_ok=True)
    for name, blocks in papers.items():
        (folder / name).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    (folder.parent / "meta.csv").write_text(META + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def corpus_db(tmp_path):
    """The papers ingested, with their authors and years: an open connection and the folder."""
    folder = write_papers(tmp_path / "papers")
    report = ingest(
        [folder], tmp_path / "c.db", "cluster", TERMS, meta=read_meta(folder.parent / "meta.csv")
    )
    assert not report.failures, report.failures
    conn = store.connect(tmp_path / "c.db")
    yield conn, folder
    conn.close()


def _by_first_author(table: pd.DataFrame) -> dict[str, pd.Series]:
    return {row.authors.split()[0]: row for _, row in table.iterrows()}


def test_one_definition_quoted_three_ways_is_one_definition_credited_to_its_source(corpus_db):
    conn, _ = corpus_db
    assert build_definitions(conn, "cluster") == []
    table = definitions(conn, "cluster")
    assert table.columns.tolist() == DEFINITION_COLUMNS
    porter = _by_first_author(table)["Porter"]
    assert (porter.year, porter.page, porter.occurrences, porter.documents) == ("1998", "199", 3, 3)
    assert porter.definition.startswith("def-") and len(porter.definition) == 16
    assert "geographically proximate group" in porter.text.casefold()
    assert "particular field" in porter.text  # the fullest occurrence, not the elided one
    assert not any(mark in porter.text for mark in ('"', "\u201c", "(Porter", "[1]"))
    held = occurrences(conn, "cluster")
    assert held.columns.tolist() == OCCURRENCE_COLUMNS
    quoting = held[held.definition == porter.definition]
    assert quoting.doc.tolist() == ["adams", "brown", "clark"]
    assert quoting.quoted.tolist() == [True, True, True]
    assert set(quoting.cited_authors) == {"Porter"} and set(quoting.cited_year) == {"1998"}
    assert quoting.reference.str.contains(PORTER_REFERENCE, regex=False).all()
    assert not quoting.text.str.contains("(Porter", regex=False).any()


def test_a_self_stated_definition_is_credited_to_its_document(corpus_db):
    conn, _ = corpus_db
    build_definitions(conn, "cluster")
    doe = _by_first_author(definitions(conn, "cluster"))["Doe"]
    assert (doe.year, doe.occurrences, doe.key) == ("2013", 1, "")
    assert "network of small firms" in doe.text and "In this paper" not in doe.text
    held = occurrences(conn, "cluster").set_index("definition").loc[doe.definition]
    assert (held.doc, held.cited_authors, held.reference) == ("doe", "", "")


def test_a_citation_no_reference_matches_is_kept_and_flagged_unresolved(corpus_db):
    conn, _ = corpus_db
    build_definitions(conn, "cluster")
    enright = _by_first_author(definitions(conn, "cluster"))["Enright"]
    assert (enright.year, enright.page) == ("1996", "")
    held = occurrences(conn, "cluster").set_index("definition").loc[enright.definition]
    assert (held.doc, held.cited_authors, held.cited_year, held.reference) == (
        "evans",
        "Enright",
        "1996",
        "",
    )
    resolved = dict(conn.execute("SELECT definition, resolved FROM occurrences").fetchall())
    assert resolved[enright.definition] == 0


def test_a_reference_list_that_does_not_parse_is_reported_and_the_rest_goes_on(tmp_path):
    papers = dict(PAPERS)
    papers["brown.txt"] = (papers["brown.txt"][0], "References\nnothing here\nnor here")
    folder = write_papers(tmp_path / "papers", papers)
    ingest(
        [folder], tmp_path / "c.db", "cluster", TERMS, meta=read_meta(folder.parent / "meta.csv")
    )
    conn = store.connect(tmp_path / "c.db")
    problems = build_definitions(conn, "cluster")
    assert len(problems) == 1 and "brown" in problems[0]
    held = occurrences(conn, "cluster").set_index("doc")
    assert held.loc["brown", "cited_authors"] == "Porter" and held.loc["brown", "reference"] == ""
    assert PORTER_REFERENCE in held.loc["adams", "reference"]
    porter = _by_first_author(definitions(conn, "cluster"))["Porter"]
    assert porter.occurrences == 3
    conn.close()


def _tables(conn) -> tuple[list, list]:
    return (
        conn.execute("SELECT * FROM definitions ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM occurrences ORDER BY candidate").fetchall(),
    )


def test_running_again_changes_nothing_and_a_reingested_source_keeps_the_ids(corpus_db, tmp_path):
    conn, folder = corpus_db
    build_definitions(conn, "cluster")
    before = _tables(conn)
    assert build_definitions(conn, "cluster") == []
    assert _tables(conn) == before
    ids = {
        row.authors.split()[0]: row.definition for _, row in definitions(conn, "cluster").iterrows()
    }
    # adams.txt changes (its candidates get new ids), evans.txt loses its definition
    write_papers(
        folder,
        {
            "adams.txt": ("Introduction.", *PAPERS["adams.txt"]),
            "evans.txt": ("Nothing on the concept here.",),
        },
    )
    ingest(
        [folder], tmp_path / "c.db", "cluster", TERMS, meta=read_meta(folder.parent / "meta.csv")
    )
    build_definitions(conn, "cluster")
    after = definitions(conn, "cluster")
    assert dict(zip(after.authors.str.split().str[0], after.definition, strict=True)) == ids
    counts = dict(zip(after.authors.str.split().str[0], after.occurrences, strict=True))
    assert counts == {"Porter": 3, "Doe": 1, "Enright": 0}
    assert set(before[0]) == set(_tables(conn)[0])  # every stored definition as it was


def test_the_command_writes_both_tables_and_a_bad_bib_is_one_error(corpus_db, tmp_path):
    db, out, held = tmp_path / "c.db", tmp_path / "defs.csv", tmp_path / "occ.csv"
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{porter1998, author = {Porter, Michael E.}, title = {On Competition},"
        " year = {1998}, publisher = {Harvard Business School Press}}\n",
        encoding="utf-8",
    )
    args = ["definitions", "--db", str(db), "--out", str(out), "--occurrences", str(held)]
    result = runner.invoke(app, [*args, "--bib", str(bib)])
    assert result.exit_code == 0, result.output
    assert "wrote 3 definition(s)" in result.output and "1 citation(s) unresolved" in result.output
    found = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert found.columns.tolist() == DEFINITION_COLUMNS
    assert _by_first_author(found)["Porter"].key == "porter1998"
    rows = pd.read_csv(held, dtype=str, keep_default_na=False)
    assert rows.columns.tolist() == OCCURRENCE_COLUMNS and len(rows) == 5
    bib.write_text("@book{broken, author = {Porter\n", encoding="utf-8")
    out.unlink()
    result = runner.invoke(app, [*args, "--bib", str(bib)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bib) in errors[0]
    assert not out.exists()


def test_seed_pdf_definitions_are_grouped_and_credited_to_their_authors(seed):  # noqa: F811
    *_, db = seed
    conn = store.connect(db)
    try:
        assert build_definitions(conn, "cluster") == []
        table = definitions(conn, "cluster")
        held = occurrences(conn, "cluster")
    finally:
        conn.close()
    porter = table[table.text.str.contains("geographically proximate group", case=False)]
    assert len(porter) == 1
    porter = porter.iloc[0]
    assert (porter.authors, porter.year, porter.page, porter.occurrences) == (
        "Porter",
        "1998",
        "199",
        3,
    )
    # running text, the Table 2 row (which gives no page), and the later quote
    quoting = held[held.definition == porter.definition]
    assert quoting.page.nunique() == 3
    assert sorted(quoting.cited_page) == ["", "199", "199"]
    credit = table.set_index("definition")[["authors", "year"]]
    said = held.assign(text=held.text.map(normalise))
    rows = pd.read_csv(ROOT / "coding" / "data" / "cluster" / "definitions.csv", dtype=str)
    for row in rows.itertuples():
        words = " ".join(normalise(row.definition).split()[4:10])
        found = said[said.text.str.contains(words, regex=False)].definition.unique()
        assert len(found) == 1, row.key
        assert tuple(credit.loc[found[0]]) == (row.authors, row.year), row.key
