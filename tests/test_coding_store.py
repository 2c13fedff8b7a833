"""The coding store: append-only decisions, whole-file imports, concurrency, adjudication."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.coders import store
from corpus.errors import InputError
from corpus.ingest import ingest

runner = CliRunner()
CODEBOOK = load_codebook()
DEFCODE = Path(sys.executable).with_name("defcode")


@pytest.fixture
def conn(tmp_path):
    connection = store.open_store(tmp_path / "coding.db")
    store.add_bundled_items(connection, CODEBOOK)
    yield connection
    connection.close()


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_bundled_items_are_the_17_definitions_and_register_once(conn):
    frame = store.items(conn)
    assert len(frame) == 17
    assert "porter1998" in set(frame["id"])
    assert frame.set_index("id").at["porter1998", "text"].startswith("A cluster is a geo")
    assert store.add_bundled_items(conn, CODEBOOK) == 0


def test_a_change_is_appended_and_the_current_view_shows_the_latest(conn):
    store.record(conn, CODEBOOK, "porter1998", "school", "ann", "alfred marshall", "first try")
    store.record(conn, CODEBOOK, "porter1998", "school", "ann", "Michael Porter", "re-read it")
    store.record(conn, CODEBOOK, "porter1998", "school", "bob", "Michael Porter")
    now = store.current(conn, "school")
    assert now[["coder", "value", "note"]].values.tolist() == [
        ["ann", "Michael Porter", "re-read it"],
        ["bob", "Michael Porter", ""],
    ]
    past = store.history(conn, "school")
    assert past["value"].tolist() == ["Alfred Marshall", "Michael Porter", "Michael Porter"]
    assert past["seq"].is_monotonic_increasing
    assert set(past["source"]) == {"human"}


def test_the_database_refuses_to_change_or_delete_a_decision(conn):
    store.record(conn, CODEBOOK, "porter1998", "school", "ann", "Michael Porter")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE decisions SET value = 'Alfred Marshall'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM decisions")
    assert store.current(conn)["value"].tolist() == ["Michael Porter"]


@pytest.mark.parametrize(
    ("item", "scheme", "coder", "value", "message"),
    [
        ("porter1998", "school", "ann", "Not A School", "'Not A School' is not a code"),
        ("porter1998", "colour", "ann", "red", "'colour' is not a scheme"),
        ("nobody2020", "school", "ann", "Michael Porter", "'nobody2020' is not an item"),
        ("porter1998", "breadth", "  ", "B", "empty"),
        ("porter1998", "determinant", "ann", "synergies; fun", "'fun' is not a code"),
    ],
)
def test_record_checks_against_the_codebook_and_items(conn, item, scheme, coder, value, message):
    with pytest.raises(ValueError, match=message):
        store.record(conn, CODEBOOK, item, scheme, coder, value)
    assert _count(conn, "decisions") == 0


def test_a_multiple_scheme_stores_its_codes_in_codebook_order(conn):
    store.record(conn, CODEBOOK, "porter1998", "determinant", "ann", "Synergies;local_context")
    assert store.current(conn)["value"].tolist() == ["local_context; synergies"]


def _write(path: Path, rows: list[tuple]) -> Path:
    frame = pd.DataFrame(rows, columns=["item", "scheme", "coder", "value", "note"][: len(rows[0])])
    frame.to_csv(path, index=False)
    return path


def test_an_import_with_one_bad_value_is_rejected_whole(conn, tmp_path):
    bad = _write(
        tmp_path / "round1.csv",
        [
            ("porter1998", "school", "ann", "Michael Porter", ""),
            ("enright1996", "school", "ann", "Not A School", "typo"),
            ("enright1996", "breadth", "ann", "N", ""),
        ],
    )
    with pytest.raises(InputError) as caught:
        store.import_codings(conn, CODEBOOK, bad)
    message = str(caught.value)
    assert str(bad) in message
    assert "row 2, field 'value': 'Not A School' is not a code of scheme 'school'" in message
    assert "nothing was stored" in message
    assert _count(conn, "decisions") == 0


def test_cli_import_reports_the_bad_file_and_stores_the_good_one(tmp_path):
    db = tmp_path / "coding.db"
    good = _write(tmp_path / "good.csv", [("porter1998", "school", "ann", "Michael Porter", "")])
    bad = _write(tmp_path / "bad.csv", [("porter1998", "school", "bob", "Not A School", "")])
    result = runner.invoke(app, ["codings", "import", str(bad), str(good), "--db", str(db)])
    assert result.exit_code == 1
    assert "registered the 17 bundled definitions" in result.output
    assert f"error: {bad}: 1 problem(s)" in result.output
    assert "'Not A School'" in result.output
    assert f"{good}: stored 1 decision(s)" in result.output
    out = tmp_path / "current.csv"
    assert (
        runner.invoke(app, ["codings", "export", "--db", str(db), "--out", str(out)]).exit_code == 0
    )
    exported = pd.read_csv(out, keep_default_na=False)
    assert list(exported.columns) == ["item", "scheme", "coder", "value", "note", "timestamp"]
    assert exported[["item", "coder", "value"]].values.tolist() == [
        ["porter1998", "ann", "Michael Porter"]
    ]


def test_eight_processes_importing_five_rounds_each_lose_nothing(tmp_path):
    db = tmp_path / "coding.db"
    with store.open_store(db) as conn:
        store.add_bundled_items(conn, CODEBOOK)
        ids = store.items(conn)["id"].tolist()
    schemes = {name: CODEBOOK.scheme(name).codes for name in ("school", "breadth")}
    expected, commands = {}, []
    for number in range(8):
        coder = f"coder{number}"
        rng = random.Random(number)
        files = []
        for round_ in range(1, 6):
            rows = []
            for item in ids:
                for scheme, codes in schemes.items():
                    value = rng.choice(codes)
                    rows.append((item, scheme, coder, value, f"round {round_}"))
                    expected[(item, scheme, coder)] = value
            files.append(str(_write(tmp_path / f"{coder}-{round_}.csv", rows)))
        commands.append([str(DEFCODE), "codings", "import", *files, "--db", str(db)])
    processes = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands
    ]
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err.decode()
        assert out.decode().count("stored 34 decision(s)") == 5
    with store.open_store(db) as conn:
        now = store.current(conn)
        past = store.history(conn)
    assert len(now) == 8 * len(ids) * 2 == 272
    assert len(past) == 5 * len(now)
    assert set(now["note"]) == {"round 5"}
    got = {(r.item, r.scheme, r.coder): r.value for r in now.itertuples()}
    assert got == expected


def test_disagreements_and_adjudication_are_kept_apart(conn):
    store.record(conn, CODEBOOK, "porter1998", "school", "ann", "Michael Porter")
    store.record(conn, CODEBOOK, "porter1998", "school", "bob", "Alfred Marshall")
    store.record(conn, CODEBOOK, "enright1996", "school", "ann", "Alfred Marshall")
    store.record(conn, CODEBOOK, "enright1996", "school", "bob", "Alfred Marshall")
    open_ = store.disagreements(conn, "school")
    assert open_[["item", "ann", "bob", "adjudicated"]].values.tolist() == [
        ["porter1998", "Michael Porter", "Alfred Marshall", ""]
    ]
    store.resolve(conn, CODEBOOK, "porter1998", "school", "michael porter", "eve", "Table 2")
    assert store.disagreements(conn, "school")["adjudicated"].tolist() == ["Michael Porter"]
    assert store.adjudications(conn)[["item", "value", "adjudicator"]].values.tolist() == [
        ["porter1998", "Michael Porter", "eve"]
    ]
    assert set(store.current(conn)["coder"]) == {"ann", "bob"}
    with pytest.raises(ValueError, match="is not a code"):
        store.resolve(conn, CODEBOOK, "porter1998", "school", "Porter-ish", "eve")


def test_model_proposals_are_stored_once_with_confidence_and_reason(conn):
    from coding.model import load_model

    model = load_model()
    assert store.store_proposals(conn, model) == 17 * 2
    assert store.store_proposals(conn, model) == 0
    proposed = store.proposals(conn, "school")
    assert len(proposed) == 17
    assert proposed["confidence"].between(0, 1).all()
    assert proposed["reason"].str.contains("terms:").all()
    assert set(store.history(conn)["source"]) == {"model"}
    assert store.disagreements(conn).empty


def test_candidate_definitions_from_the_corpus_become_items(tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(
        "Introduction.\n\nA cluster is a geographic concentration of interconnected firms "
        "and institutions in a particular field. The weather was fine.\n",
        encoding="utf-8",
    )
    db = tmp_path / "corpus.db"
    ingest([paper], db, "cluster", list(CODEBOOK.terms))
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--candidates"])
    assert result.exit_code == 0, result.output
    with store.open_store(db) as conn:
        found = store.items(conn)
    assert len(found) == 1
    row = found.iloc[0]
    assert row["text"].startswith("A cluster is a geographic concentration")
    assert (row["page"], row["origin"]) == (1, "candidates")
    assert paper.read_text()[row["start"] : row["end"]] == row["text"]


def test_a_store_from_a_newer_defcode_is_refused(tmp_path):
    db = tmp_path / "coding.db"
    with store.open_store(db) as conn:
        conn.execute("INSERT INTO coding_schema_version VALUES (99)")
    with pytest.raises(InputError, match="newer defcode"):
        store.open_store(db)


def test_consensus_takes_the_adjudicated_value_else_the_unanimous_one(conn):
    for coder, value in (("ann", "Michael Porter"), ("bob", "Alfred Marshall")):
        store.record(conn, CODEBOOK, "porter1998", "school", coder, value)
    for coder in ("ann", "bob"):
        store.record(conn, CODEBOOK, "enright1996", "school", coder, "Alfred Marshall")
    store.record(conn, CODEBOOK, "swann1998", "school", "ann", "Alfred Marshall")
    assert store.consensus(conn, "school").to_dict() == {
        "enright1996": "Alfred Marshall",
        "swann1998": "Alfred Marshall",
    }
    store.resolve(conn, CODEBOOK, "porter1998", "school", "Michael Porter", "eve")
    assert store.consensus(conn, "school")["porter1998"] == "Michael Porter"
