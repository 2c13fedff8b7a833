"""The defcode command: tables, errors, start-up time."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from analysis.cli import app

runner = CliRunner()


def test_tables_csv_writes_the_three_tables(tmp_path):
    result = runner.invoke(app, ["tables", "--format", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table1.csv", "table2.csv", "table3.csv"]
    assert result.stdout == f"wrote to {tmp_path}/: 3 tables (CSV)\n"
    table2 = pd.read_csv(tmp_path / "table2.csv")
    assert list(table2.columns) == ["key", "authors", "year", "definition", "school", "breadth"]
    assert len(table2) == 17
    assert len(pd.read_csv(tmp_path / "table1.csv")) == 5
    assert len(pd.read_csv(tmp_path / "table3.csv")) == 9


def test_tables_all_writes_markdown_and_latex_with_bibliography(tmp_path):
    result = runner.invoke(app, ["tables", "--out", str(tmp_path), "--show"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"table1.md", "table2.tex", "table3.tex", "references.bib"} <= names
    markdown = (tmp_path / "table2.md").read_text()
    assert "| Porter (1998) " in markdown
    assert "Source: Based on Martin and Sunley (2003) and own compilation." in markdown
    assert "Alfred Marshall" in result.output
    assert result.stdout.endswith(
        f"wrote to {tmp_path}/: 3 tables (CSV, Markdown, LaTeX) and references.bib\n"
    )


def test_tables_written_to_files_are_printed_only_when_asked(tmp_path):
    result = runner.invoke(app, ["tables", "--format", "latex", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote to {tmp_path}/: 3 tables (LaTeX) and references.bib\n"
    assert (tmp_path / "table2.tex").is_file()
    shown = runner.invoke(app, ["tables", "--format", "latex", "--out", str(tmp_path), "--show"])
    assert "Alfred Marshall" in shown.stdout and "Alfred Marshall" not in result.stdout


def test_tables_input_builds_table2_from_user_codes(tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_text(
        "id,authors,year,definition,school,breadth\n"
        "x1,Doe | Roe,2020,A cluster is a set of firms.,Alfred Marshall,N\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["tables", "--input", str(coded), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "table2.csv")["id"].tolist() == ["x1"]
    assert r"Doe \| Roe (2020)" in (out / "table2.md").read_text()
    assert r"\cite" not in (out / "table2.tex").read_text()


def test_tables_bad_input_fails_with_row_and_field_and_no_traceback(tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_text("id,authors,year,definition,school,breadth\nx1,A,2020,def,Nope,N\n")
    result = runner.invoke(app, ["tables", "--input", str(coded), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"{coded}, row 1, field 'school': 'Nope' is not a code" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_help_starts_without_heavy_imports():
    code = (
        "import sys; from analysis.cli import app; "
        "heavy = {'pandas', 'spacy', 'sklearn', 'bibtexparser'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    helped = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "tables" in helped.stdout


def test_reading_a_codebook_needs_no_heavy_import():
    # ingest reads the concept's codebook before it forks the children that read the
    # files: what the codebook imports delays them.
    code = (
        "import sys; from coding.codebook import bundled_codebook_path, load_codebook; "
        "book = load_codebook(bundled_codebook_path('cluster')); "
        "heavy = {'pandas', 'spacy', 'sklearn', 'bibtexparser'} & set(sys.modules); "
        "print(book.concept, sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "cluster []"
