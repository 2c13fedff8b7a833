"""`defcode scan`: the candidates of `ingest` + `candidates`, on Dask, with proposals."""

from __future__ import annotations

import csv
import random

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model import load_model
from coding.scan import Columns, _record_end, plan_parts, read_part, read_scan, scan
from corpus import store
from corpus.errors import InputError, OutputError
from corpus.ingest import ingest

pytest.importorskip("distributed")
runner = CliRunner()
FILLERS = [
    "We collected survey data from 412 firms between 2009 and 2014.",
    "The results are robust to alternative specifications.",
    "Section 4 discusses the policy implications of these findings.",
    "Firms in the sample are on average 23 years old.",
    "Interviews were held with managers, officials and researchers.",
    "This paper reviews the literature on regional development.",
    "The cluster literature has grown quickly since the 1990s.",
    "Industrial districts in Italy were studied in depth by Becattini.",
    "Innovation depends on knowledge flows between organisations.",
    "Some authors doubt that clustering raises productivity.",
]
KEYS = ["doc", "start", "end", "text", "score", "rule"]


def sentences() -> list[str]:
    """Definitions, the codebook's accounts of the schools, and filler sentences."""
    book = load_codebook()
    found = load_definitions()["definition"].tolist()
    for scheme in book.schemes.values():
        for category in scheme.categories:
            found.extend(category.account)
    return found + FILLERS


def records(n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` records of a title and an abstract of three to six sentences, some with line breaks."""
    rng = random.Random(seed)
    pool = sentences()
    rows = []
    for i in range(n):
        parts = rng.sample(pool, rng.randint(3, 6))
        joiner = "\n" if i % 7 == 3 else " "
        title = rng.choice(["Clusters and regions", "On industrial districts", "Firms", ""])
        rows.append({"id": f"r{i:04d}", "title": title, "abstract": joiner.join(parts)})
    return rows


def write_csv(path, rows, columns=("id", "title", "abstract")):
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def client():
    """A cluster of one worker thread in this process: starts in a second."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    rows = records(300)
    return folder, rows, write_csv(folder / "records.csv", rows)


def test_scan_finds_what_ingest_and_candidates_find(client, sample, tmp_path):
    _, rows, source = sample
    out = tmp_path / "found"
    report = scan([source], out, client=client, partition_size=20_000)
    assert report.partitions > 3
    assert report.records == 300
    found = read_scan(out)

    # The same records as ingest reads a CSV: the title and abstract as one text.
    texts = [
        {"id": r["id"], "text": "\n\n".join(p for p in (r["title"], r["abstract"]) if p)}
        for r in rows
    ]
    ingested = write_csv(tmp_path / "ingest.csv", texts, ("id", "text"))
    book = load_codebook()
    db = tmp_path / "corpus.db"
    done = ingest([ingested], db, book.concept, list(book.terms))
    assert done.failures == []
    conn = store.connect(db)
    try:
        expected = store.candidates(conn, book.concept, 0.5)
    finally:
        conn.close()
    assert len(expected) > 100
    assert report.candidates == len(found) == len(expected)
    pd.testing.assert_frame_equal(
        found[KEYS].reset_index(drop=True), expected[KEYS].reset_index(drop=True)
    )

    # Each candidate's proposals are the model's for its text.
    proposed = load_model().propose(expected["text"].tolist())
    for scheme in ("school", "breadth"):
        assert found[scheme].tolist() == proposed[scheme].tolist()
        assert found[f"{scheme}_confidence"].tolist() == proposed[f"{scheme}_confidence"].tolist()


def test_partitions_end_at_record_ends_even_inside_quoted_line_breaks(sample):
    _, rows, source = sample
    parts = plan_parts([source], Columns(), partition_size=3_000)
    assert len(parts) > 20
    frames = [read_part(p) for p in parts]
    whole = pd.concat(frames, ignore_index=True)
    assert whole["doc"].tolist() == [r["id"] for r in rows]
    assert whole["text"].tolist() == [r["abstract"] for r in rows]
    assert whole["title"].tolist() == [r["title"] for r in rows]
    data = source.read_bytes()
    for part in parts:
        assert data[part.start - 1 : part.start] == b"\n"
        assert data[part.start : part.end].count(b'"') % 2 == 0


def test_record_end_skips_line_breaks_inside_quotes():
    data = b'id,text\n1,"two\nlines"\n2,plain\n'
    assert _record_end(data, 0, 0) == 8
    assert _record_end(data, 8, 12) == len(b'id,text\n1,"two\nlines"\n')
    assert _record_end(data, 8, 9) == len(b'id,text\n1,"two\nlines"\n')


def test_empty_and_missing_abstracts_and_ids_are_skipped_and_counted(client, tmp_path):
    rows = records(20, seed=3)
    rows[2]["abstract"] = ""
    rows[5]["abstract"] = "   "
    rows[9]["id"] = ""
    source = write_csv(tmp_path / "records.csv", rows)
    out = tmp_path / "found"
    report = scan([source], out, client=client)
    assert (report.records, report.no_text, report.no_id) == (20, 2, 1)
    found = read_scan(out)
    assert not found["doc"].isin(["r0002", "r0005", "r0009", ""]).any()

    # The same from Parquet, where a missing abstract is a null.
    frame = pd.DataFrame(rows)
    frame.loc[2, "abstract"] = None
    frame.to_parquet(tmp_path / "records.parquet", row_group_size=7)
    again = tmp_path / "again"
    report = scan([tmp_path / "records.parquet"], again, client=client, partition_size=500)
    assert (report.records, report.no_text, report.no_id) == (20, 2, 1)
    assert report.partitions >= 3
    pd.testing.assert_frame_equal(read_scan(again), found)


def test_a_bad_input_file_is_one_error_line(tmp_path):
    good = write_csv(tmp_path / "good.csv", records(3))
    no_column = tmp_path / "no_column.csv"
    no_column.write_text("id,summary\n1,A cluster is a group of firms.\n", encoding="utf-8")
    other = tmp_path / "records.xlsx"
    other.write_bytes(b"PK\x03\x04 not really")
    fake = tmp_path / "fake.parquet"
    fake.write_text("id,abstract\n", encoding="utf-8")
    cases = {
        no_column: "missing column(s) 'abstract'; the header has 'id', 'summary'",
        other: "not a CSV or Parquet file",
        fake: "not a Parquet file",
        tmp_path / "missing.csv": "no such file",
    }
    for path, message in cases.items():
        result = runner.invoke(app, ["scan", str(good), str(path), "--out", str(tmp_path / "o")])
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {path}: {message}"), result.stderr
        assert not (tmp_path / "o").exists()
    with pytest.raises(InputError, match=r"missing column\(s\) 'heading'"):
        plan_parts([good], Columns(title="heading", title_required=True))


def test_bad_bytes_in_a_partition_are_an_error_and_leave_nothing(client, tmp_path):
    source = write_csv(tmp_path / "records.csv", records(40))
    source.write_bytes(source.read_bytes() + b'r9999,,"A cluster \xff is bad."\n')
    out = tmp_path / "found"
    with pytest.raises(InputError, match="cannot be read as UTF-8 CSV"):
        scan([source], out, client=client, partition_size=2_000)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_an_existing_output_needs_force(client, tmp_path):
    source = write_csv(tmp_path / "records.csv", records(10))
    out = tmp_path / "found"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="exists; give --force"):
        scan([source], out, client=client)
    scan([source], out, client=client, force=True)
    assert not (out / "old.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["found", "records.csv"]


def test_two_worker_processes_write_the_rows_of_one(client, sample, tmp_path):
    """The one test that starts worker processes, through the command line."""
    _, _, source = sample
    one = tmp_path / "one"
    scan([source], one, client=client, partition_size=40_000)
    two = tmp_path / "two"
    result = runner.invoke(
        app,
        ["scan", str(source), "--out", str(two), "--workers", "2", "--partition-size", "40kB"],
    )
    assert result.exit_code == 0, result.output
    assert "from 300 record(s) in" in result.stdout
    assert "workers' peak memory" in result.stdout
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    pd.testing.assert_frame_equal(read_scan(two), read_scan(one))


def test_a_running_scheduler_is_used_through_the_command_line(client, tmp_path):
    source = write_csv(tmp_path / "records.csv", records(30, seed=5))
    mine = tmp_path / "mine"
    scan([source], mine, client=client)
    out = tmp_path / "found"
    address = client.scheduler.address
    result = runner.invoke(app, ["scan", str(source), "--out", str(out), "--scheduler", address])
    assert result.exit_code == 0, result.output
    assert "from 30 record(s) in 1 partition(s)" in result.stdout
    assert "peak memory" not in result.stdout
    pd.testing.assert_frame_equal(read_scan(out), read_scan(mine))
