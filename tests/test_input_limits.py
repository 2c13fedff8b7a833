"""Oversized and failing input: one file's failure is its own, CSV cells are capped, long texts
are searched in windows, and PDFium's error state stays with the file that caused it."""

from __future__ import annotations

import csv
import io
import multiprocessing
import random
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.definitions import bundled_definitions_path
from corpus import children, store
from corpus import ingest as ingest_module
from corpus.errors import InputError
from corpus.finding import finder, pages
from corpus.ingest import ingest
from corpus.records import MAX_CELL, csv_rows, read_records
from tests.typeset import _simple_pdf, bad_files

runner = CliRunner()
TERMS = ["cluster", "industrial district"]
GOOD = "A cluster is a group of linked firms.\n"


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def _stored_keys(db):
    conn = store.connect(db)
    try:
        return {key for (key,) in conn.execute("SELECT key FROM documents")}
    finally:
        conn.close()


def test_a_csv_cell_over_the_cap_fails_its_file_and_the_batch_goes_on(tmp_path):
    big = _write_csv(
        tmp_path / "big.csv",
        [("id", "definition"), ("x1", "a" * 10_000_000), ("x2", "A cluster is a group.")],
    )
    (tmp_path / "good.txt").write_text(GOOD)
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["ingest", str(big), str(tmp_path / "good.txt"), "--db", str(db)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {big}, row 1, field 'definition': 10,000,000 characters; "
        f"a cell holds at most {MAX_CELL:,}"
    ]
    assert _stored_keys(db) == {"good"}


def test_a_cell_of_a_few_hundred_thousand_characters_is_read():
    note = "n" * 200_000
    frame = read_records(
        io.StringIO(f"item,note\nporter1998,{note}\n"), required=["item"], optional=["note"]
    )
    assert frame.note.tolist() == [note]


def test_csv_rows_name_the_row_and_field_of_a_long_cell_and_read_any_line_end():
    ok = "x" * MAX_CELL
    text = f'id,text\r\n\r\n1,"{ok}"\r2,"two\nlines"\n3,{ok}y\n'
    rows = csv_rows(text, "f.csv")
    assert [next(rows) for _ in range(3)] == [["id", "text"], ["1", ok], ["2", "two\nlines"]]
    with pytest.raises(InputError) as caught:
        next(rows)
    assert str(caught.value) == (
        f"f.csv, row 3, field 'text': {MAX_CELL + 1:,} characters; a cell holds at most "
        f"{MAX_CELL:,}"
    )
    with pytest.raises(InputError, match=r"^f\.csv, header, column 2: "):
        list(csv_rows(f"id,{ok}y\n", "f.csv"))
    with pytest.raises(InputError, match=r"^f\.csv, row 1, column 3: "):
        list(csv_rows(f"id,text\n1,a,{ok}y\n", "f.csv"))


def test_codings_import_reads_a_long_note_and_names_a_cell_over_the_cap(tmp_path):
    db = tmp_path / "coding.db"
    header = ("item", "scheme", "coder", "value", "note")
    good = _write_csv(
        tmp_path / "good.csv",
        [header, ("porter1998", "school", "ann", "Michael Porter", "n" * 200_000)],
    )
    huge = _write_csv(
        tmp_path / "huge.csv",
        [header, ("porter1998", "school", "bob", "Michael Porter", "n" * (MAX_CELL + 1))],
    )
    result = runner.invoke(app, ["codings", "import", str(good), str(huge), "--db", str(db)])
    assert result.exit_code == 1
    assert f"{good}: stored 1 decision(s)" in result.stdout
    assert f"error: {huge}, row 1, field 'note': {MAX_CELL + 1:,} characters" in result.stderr
    assert "Traceback" not in result.output


def test_tables_classify_and_reliability_name_a_cell_over_the_cap(tmp_path):
    coded = pd.read_csv(bundled_definitions_path(), dtype=str, keep_default_na=False)
    coded.loc[2, "definition"] = "A cluster " + "is " * (MAX_CELL // 3)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    texts = tmp_path / "texts.csv"
    _write_csv(texts, [("id", "text"), ("a", "A cluster."), ("b", "x" * (MAX_CELL + 1))])
    ratings = tmp_path / "ratings.csv"
    _write_csv(
        ratings, [("item", "coder", "value"), ("a", "ann", "1"), ("a", "bob", "y" * (MAX_CELL + 1))]
    )
    out, coded_csv = tmp_path / "p.csv", str(tmp_path / "coded.csv")
    commands = {
        "row 3, field 'definition'": ["tables", "--input", coded_csv, "--out", str(tmp_path)],
        "row 2, field 'text'": ["classify", "--input", str(texts), "--out", str(out)],
        "row 2, field 'value'": ["reliability", "--input", str(ratings)],
    }
    for where, command in commands.items():
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output
        assert "characters; a cell holds at most" in result.stderr, result.output
        assert where in result.stderr, result.stderr
    assert not out.exists()


def _long_line(size: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = ["firms", "regions", "markets", "networks", "policy", "growth", "innovation"]
    sentences, length = [], 0
    while length < size:
        sentence = " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def test_a_3_mb_line_is_searched_in_windows_with_offsets_into_the_stored_text(tmp_path):
    definition = "A cluster is defined as a geographic concentration of interconnected firms."
    text = _long_line(3_000_000) + " " + definition + " Firms grow. " + _long_line(5_000, 1)
    assert "\n" not in text and len(text) > 3_000_000 > 10 * pages.WINDOW
    (tmp_path / "long.txt").write_text(text)
    (tmp_path / "good.txt").write_text(GOOD)
    db = tmp_path / "c.db"
    started = time.perf_counter()
    report = ingest([tmp_path], db, "cluster", TERMS)
    assert time.perf_counter() - started < 60
    assert (report.stored, report.failures) == (2, [])
    conn = store.connect(db)
    rows = conn.execute(
        'SELECT d.key, p.text, c.start, c."end", c.text, c.rule FROM candidates c '
        "JOIN pages p ON p.id = c.page_id JOIN documents d ON d.id = p.document_id"
    ).fetchall()
    conn.close()
    found = {key: (page[start:end], rule, cand) for key, page, start, end, cand, rule in rows}
    assert found["long"] == (definition, "defined_as", definition)
    assert found["good"][0] == GOOD.strip()


def test_windows_cut_a_long_passage_at_sentence_ends_and_keep_page_offsets(monkeypatch):
    monkeypatch.setattr(pages, "WINDOW", 300)
    sentence = "A cluster is a group of firms number {} in one region."
    page = " ".join(sentence.format(n) for n in range(40)) + "\n\nThe cluster is all."
    (frame,) = finder.find_in_documents([[page]], TERMS)
    assert len(frame) == 41
    for row in frame.itertuples():
        assert " ".join(page[row.start : row.end].split()) == row.text
    assert frame.text.tolist()[:2] == [sentence.format(0), sentence.format(1)]
    assert frame.text.iloc[-1] == "The cluster is all."
    # a passage with no sentence end, line break or space is cut where the window ends
    (frame,) = finder.find_in_documents([["cluster," * 200]], TERMS)
    assert frame[["start", "end"]].values.tolist() == [
        [n, n + 300] for n in range(0, 1500, 300)
    ] + [[1500, 1600]]


def test_a_file_whose_search_fails_is_reported_and_the_rest_are_stored(tmp_path, monkeypatch):
    for name in ("a", "poison", "b"):
        (tmp_path / f"{name}.txt").write_text(f"A cluster is a group of firms ({name}).\n")
    real = finder.find_in_documents

    def fragile(documents, terms, **kwargs):
        if any("poison" in page for pages in documents for page in pages):
            raise RuntimeError("the tokenizer gave up")
        return real(documents, terms, **kwargs)

    monkeypatch.setattr(finder, "find_in_documents", fragile)
    report = ingest([tmp_path], tmp_path / "c.db", "cluster", TERMS)
    assert report.failures == [
        f"{tmp_path / 'poison.txt'}: cannot be searched (RuntimeError: the tokenizer gave up)"
    ]
    assert (report.stored, report.candidates) == (2, 2)
    assert _stored_keys(tmp_path / "c.db") == {"a", "b"}


def test_any_exception_while_reading_a_file_is_that_files_failure(tmp_path, monkeypatch):
    real = ingest_module.read_source

    def fragile(path, sha256=None):
        if path.name == "odd.txt":
            raise KeyError("no such field")
        return real(path, sha256)

    monkeypatch.setattr(ingest_module, "read_source", fragile)
    # The reader must be forked from this process to have the patch: a fork
    # server (used when earlier tests left threads running) would not.
    fork = multiprocessing.get_context("fork")
    monkeypatch.setattr(
        children,
        "process_pool",
        lambda workers=1: ProcessPoolExecutor(
            workers, mp_context=fork, initializer=children._die_with_parent
        ),
    )
    for name in ("a", "odd", "b"):
        (tmp_path / f"{name}.txt").write_text(f"A cluster is a group of firms ({name}).\n")
    report = ingest([tmp_path], tmp_path / "c.db", "cluster", TERMS)
    assert report.failures == [
        f"{tmp_path / 'odd.txt'}: cannot be read (KeyError: 'no such field')"
    ]
    assert _stored_keys(tmp_path / "c.db") == {"a", "b"}


def _zero_page_pdf() -> bytes:
    """A well-formed PDF with no pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def test_pdfium_errors_stay_with_the_file_that_caused_them(tmp_path):
    files = bad_files(tmp_path)
    (tmp_path / "zero.pdf").write_bytes(_zero_page_pdf())
    (tmp_path / "other.pdf").write_bytes(_simple_pdf([["A cluster is a group of firms."]]))
    order = ["random.pdf", "good.pdf", "encrypted.pdf", "zero.pdf", "truncated.pdf", "other.pdf"]
    report = ingest([tmp_path / name for name in order], tmp_path / "c.db", "cluster", TERMS)
    assert report.failures == [
        f"{files['random.pdf']}: not a PDF, or damaged or truncated (PDFium: data format error)",
        f"{files['encrypted.pdf']}: encrypted: the PDF needs a password",
        f"{tmp_path / 'zero.pdf'}: the PDF has no pages",
        f"{files['truncated.pdf']}: not a PDF, or damaged or truncated (PDFium: data format error)",
    ]
    assert (report.stored, report.pages) == (2, 4)
    assert _stored_keys(tmp_path / "c.db") == {"good", "other"}
