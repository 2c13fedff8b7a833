"""Outputs: written whole or not at all, formula cells neutralised, unwritable paths reported."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.coders import store
from corpus import files
from corpus.errors import OutputError
from corpus.files import TEMP_PREFIX, atomic_open, make_folder, write_text
from corpus.formulas import neutralise, neutralise_frame, restore, restore_frame
from corpus.records import read_records, write_csv_chunks

runner = CliRunner()
CODEBOOK = load_codebook()
DEFCODE = Path(sys.executable).with_name("defcode")
FORMULA = '=HYPERLINK("http://x","y")'


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(f"{TEMP_PREFIX}*"))


# --------------------------------------------------------------------------- atomic writes


def test_an_error_in_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_text(tmp_path / "out.txt", "old")
    with pytest.raises(RuntimeError), atomic_open(target) as stream:
        stream.write("half of the new")
        raise RuntimeError("stop")
    assert target.read_text() == "old"
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as stream:
        stream.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert _temporaries(tmp_path) == []


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    old = os.umask(0o027)
    try:
        new = write_text(tmp_path / "new.csv", "x")
        kept = tmp_path / "kept.csv"
        kept.write_text("x")
        kept.chmod(0o604)
        write_csv_chunks(kept, [pd.DataFrame({"a": [1]})])
    finally:
        os.umask(old)
    assert new.stat().st_mode & 0o777 == 0o640
    assert kept.stat().st_mode & 0o777 == 0o604
    assert kept.read_text() == "a\n1\n"


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    real = write_text(tmp_path / "real.csv", "old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_full_disk_is_an_output_error_naming_the_file(tmp_path, monkeypatch):
    target = write_text(tmp_path / "out.csv", "old")

    def full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OutputError, match=f"^{target}: cannot write \\(No space left on device\\)"):
        write_csv_chunks(target, [pd.DataFrame({"a": [1]})])
    assert target.read_text() == "old"
    assert _temporaries(tmp_path) == []


def test_a_folder_or_a_path_under_a_file_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match=f"^{tmp_path}: is a folder"):
        write_text(tmp_path, "x")
    blocker = write_text(tmp_path / "file.txt", "x")
    message = f"^{blocker}/a/out.csv: cannot write \\({blocker} is a file, not a folder\\)$"
    with pytest.raises(OutputError, match=message):
        write_text(blocker / "a" / "out.csv", "x")
    with pytest.raises(OutputError, match=f"^{blocker}: is a file; give the name of a folder"):
        make_folder(blocker)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_error_line(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        out = folder / "decisions.csv"
        args = ["codings", "export", "--db", str(tmp_path / "c.db"), "--out", str(out)]
        result = runner.invoke(app, args)
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1
    assert f"error: {out}: cannot write (Permission denied)" in result.output
    assert list(folder.iterdir()) == []


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    script = (
        "import sys, time\n"
        "from corpus.files import atomic_open\n"
        f"with atomic_open({str(target)!r}) as stream:\n"
        "    stream.write('x' * 100000)\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "writing\n"
    assert len(_temporaries(tmp_path)) == 1
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert _temporaries(tmp_path) == []
    assert not target.exists()


def test_a_terminated_classify_leaves_neither_output_nor_temporary(tmp_path):
    source = tmp_path / "definitions.csv"
    rows = [f"d{i},A cluster is a concentration of firms number {i}." for i in range(15000)]
    source.write_text("id,definition\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "proposals.csv"
    command = [str(DEFCODE), "classify", "--input", str(source), "--out", str(out), "-q"]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        written = [p for p in out.parent.glob(f"{TEMP_PREFIX}*") if p.stat().st_size > 0]
        if written:
            break
        time.sleep(0.05)
    assert written, "classify wrote no temporary file"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert "Traceback" not in child.stderr.read()
    assert _temporaries(tmp_path) == []
    assert not out.exists()


# --------------------------------------------------------------------------- formula cells


CELLS = [FORMULA, "@SUM(A1)", "+1+cmd", "-2+3", "\tx", "\rx", "'=x", "''@y", "-0.5", "+3", "1e-4"]


def test_formula_cells_get_one_quote_and_are_restored_exactly():
    written = [neutralise(cell) for cell in CELLS]
    assert written == [
        "'" + FORMULA,
        "'@SUM(A1)",
        "'+1+cmd",
        "'-2+3",
        "'\tx",
        "'\rx",
        "''=x",
        "'''@y",
        "-0.5",
        "+3",
        "1e-4",
    ]
    assert [restore(cell) for cell in written] == CELLS
    assert [neutralise(c) for c in ["plain", "'quoted'", "a=b", ""]] == [
        "plain",
        "'quoted'",
        "a=b",
        "",
    ]


def test_frames_keep_numbers_and_restore_to_the_same_frame():
    frame = pd.DataFrame({"=name": CELLS, "score": [-0.5] * len(CELLS)})
    written = neutralise_frame(frame)
    assert list(written.columns) == ["'=name", "score"]
    assert written["score"].tolist() == [-0.5] * len(CELLS)
    assert restore_frame(written).equals(frame)


def _coded_csv(path: Path) -> Path:
    path.write_text(
        "id,authors,year,definition,school,breadth\n"
        f'"=x1","-Doe, A.",2020,"{FORMULA.replace(chr(34), chr(34) * 2)}",Michael Porter,B\n'
        "x2,Roe,2021,A cluster is a set of firms.,Alfred Marshall,N\n",
        encoding="utf-8",
    )
    return path


def test_tables_neutralise_formulas_and_read_their_own_table_back(tmp_path):
    coded = _coded_csv(tmp_path / "coded.csv")
    out, again = tmp_path / "out", tmp_path / "again"
    result = runner.invoke(app, ["tables", "-f", "csv", "--input", str(coded), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "table2.csv", dtype=str)
    assert table["definition"].tolist()[0] == "'" + FORMULA
    assert table[["id", "authors"]].values.tolist()[0] == ["'=x1", "'-Doe, A."]
    args = ["tables", "-f", "csv", "--input", str(out / "table2.csv"), "--out", str(again)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (again / "table2.csv").read_bytes() == (out / "table2.csv").read_bytes()
    back = read_records(out / "table2.csv", required=["id", "authors", "definition"])
    assert back.values.tolist()[0] == ["=x1", "-Doe, A.", FORMULA]
    raw = tmp_path / "raw"
    args = ["tables", "-f", "csv", "--input", str(coded), "--out", str(raw), "--raw"]
    assert runner.invoke(app, args).exit_code == 0
    assert pd.read_csv(raw / "table2.csv")["definition"].tolist()[0] == FORMULA


def test_classify_neutralises_formula_ids(tmp_path):
    source = tmp_path / "definitions.csv"
    source.write_text(
        f'id,definition\n"{FORMULA.replace(chr(34), chr(34) * 2)}",A cluster is a set of firms.\n'
        "@evil,Firms near each other.\n",
        encoding="utf-8",
    )
    out = tmp_path / "proposals.csv"
    result = runner.invoke(app, ["classify", "--input", str(source), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["id"].tolist() == ["'" + FORMULA, "'@evil"]
    args = ["classify", "--input", str(source), "--out", str(out), "-q", "--raw"]
    assert runner.invoke(app, args).exit_code == 0
    assert pd.read_csv(out)["id"].tolist() == [FORMULA, "@evil"]


def test_candidates_neutralise_and_codings_items_read_them_back(tmp_path):
    source = tmp_path / "defs.csv"
    sentence = f"{FORMULA} A cluster is defined as a geographic concentration of firms."
    source.write_text(
        f'id,definition\nd1,"{sentence.replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8"
    )
    db, out = tmp_path / "corpus.db", tmp_path / "candidates.csv"
    assert runner.invoke(app, ["ingest", str(source), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["candidates", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["text"].tolist() == ["'" + sentence]
    coding = tmp_path / "coding.db"
    args = ["codings", "items", "--db", str(coding), "--input", str(out), "--codebook"]
    from coding.codebook import bundled_codebook_path

    result = runner.invoke(app, [*args, str(bundled_codebook_path("cluster"))])
    assert result.exit_code == 0, result.output
    conn = store.open_store(coding)
    assert store.items(conn)["text"].tolist() == [sentence]
    conn.close()


def test_codings_export_neutralises_and_import_reads_the_same_notes(tmp_path):
    db, copy = tmp_path / "coding.db", tmp_path / "copy.db"
    conn = store.open_store(db)
    store.add_bundled_items(conn, CODEBOOK)
    store.record(conn, CODEBOOK, "porter1998", "school", "@ann", "Michael Porter", FORMULA)
    store.record(conn, CODEBOOK, "porter1998", "breadth", "bob", "N", "-1 for the wording")
    conn.close()
    out = tmp_path / "decisions.csv"
    result = runner.invoke(app, ["codings", "export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out, dtype=str)[["coder", "note"]].values.tolist()
    assert sorted(cells) == [["'@ann", "'" + FORMULA], ["bob", "'-1 for the wording"]]
    result = runner.invoke(app, ["codings", "import", str(out), "--db", str(copy)])
    assert result.exit_code == 0, result.output
    conn = store.open_store(copy)
    back = store.current(conn)[["coder", "note"]].values.tolist()
    conn.close()
    assert sorted(back) == [["@ann", FORMULA], ["bob", "-1 for the wording"]]


def test_an_empty_export_writes_the_header_whole(tmp_path):
    db, out = tmp_path / "coding.db", tmp_path / "decisions.csv"
    store.open_store(db).close()
    out.write_text("old,file\n1,2\n")
    result = runner.invoke(app, ["codings", "export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == ",".join(store.CODING_COLUMNS) + "\n"
    result = runner.invoke(app, ["codings", "disagreements", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out).empty and _temporaries(tmp_path) == []


# --------------------------------------------------------------------------- unwritable outputs


FILE_OUTPUTS = [
    ["codings", "export", "--db", "{db}", "--out", "{out}"],
    ["codings", "disagreements", "--db", "{db}", "--out", "{out}"],
    ["qda", "export-codebook", "--out", "{out}"],
    ["qda", "import-codebook", "{qdc}", "--out", "{out}"],
    ["qda", "export", "--db", "{db}", "--out", "{out}"],
    ["classify", "--input", "{definitions}", "--out", "{out}"],
    ["detect", "--input", "{sentences}", "--out", "{out}"],
]
FOLDER_OUTPUTS = [
    ["tables", "--out", "{out}"],
    ["crosstab", "--out", "{out}"],
    ["report", "--out", "{out}", "--no-pdf", "-q"],
]


@pytest.mark.parametrize("where", ["under a file", "in the way"])
@pytest.mark.parametrize(
    "args", FILE_OUTPUTS + FOLDER_OUTPUTS, ids=lambda args: "-".join(args[:2]).strip("-")
)
def test_an_unwritable_out_is_one_error_line_naming_it(tmp_path, args, where):
    db = tmp_path / "coding.db"
    conn = store.open_store(db)
    store.add_bundled_items(conn, CODEBOOK)
    conn.close()
    definitions = tmp_path / "definitions.csv"
    definitions.write_text("id,definition\nd1,A cluster is a set of firms.\n", encoding="utf-8")
    sentences = tmp_path / "sentences.csv"
    sentences.write_text("id,text\ns1,A cluster is defined as a set of firms.\n", encoding="utf-8")
    qdc = tmp_path / "cluster.qdc"
    assert runner.invoke(app, ["qda", "export-codebook", "--out", str(qdc)]).exit_code == 0
    blocker, folder = tmp_path / "file.txt", tmp_path / "folder"
    blocker.write_text("x")
    folder.mkdir()
    # Under a regular file nothing can be written, even by root; a file or folder can be in
    # the way of the folder or file to write.
    out = blocker / "out" if where == "under a file" else folder
    if args in FOLDER_OUTPUTS and where == "in the way":
        out = blocker
    names = {"out": out, "db": db, "definitions": definitions, "sentences": sentences, "qdc": qdc}
    result = runner.invoke(app, [arg.format(**names) for arg in args])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {out}: "), result.output
    assert "Traceback" not in result.output
    assert blocker.read_text() == "x" and list(folder.iterdir()) == []
    assert _temporaries(tmp_path) == []


def test_qda_import_to_an_unwritable_codebook_out_stores_nothing(tmp_path):
    source, qdpx = tmp_path / "coding.db", tmp_path / "seed.qdpx"
    conn = store.open_store(source)
    store.add_bundled_items(conn, CODEBOOK)
    store.record(conn, CODEBOOK, "porter1998", "school", "ann", "Michael Porter")
    conn.close()
    assert (
        runner.invoke(app, ["qda", "export", "--db", str(source), "--out", str(qdpx)]).exit_code
        == 0
    )
    copy = tmp_path / "copy.db"
    args = ["qda", "import", str(qdpx), "--db", str(copy), "--codebook-out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert f"error: {tmp_path}: is a folder" in result.output
    assert not copy.exists()
