"""The sample papers that ship for the README's commands: what ingest finds in them."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from analysis.cli import app

SAMPLES = Path(str(resources.files("corpus") / "data" / "sample_papers"))
runner = CliRunner()


def test_sample_papers_ingest_with_metadata_and_candidates(tmp_path):
    db = tmp_path / "review.db"
    result = runner.invoke(app, ["ingest", str(SAMPLES), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert "stored 2 file(s): 4 document(s), 5 page(s)" in result.output
    with sqlite3.connect(db) as conn:
        documents = pd.read_sql_query("SELECT key, title, authors, year FROM documents", conn)
    pdf = documents.set_index("key").loc["bioeconomy_clusters"]
    assert (pdf["title"], pdf["authors"], pdf["year"]) == (
        "Regional clusters in the bioeconomy",
        "A. Sample and B. Example",
        "",
    )
    out = tmp_path / "candidates.csv"
    result = runner.invoke(app, ["candidates", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = pd.read_csv(out)
    assert found.groupby("doc").size().to_dict() == {
        "bioeconomy_clusters": 5,
        "haller2019": 2,
        "ortiz2021": 1,
    }
    pdf_rules = found[found["doc"] == "bioeconomy_clusters"].set_index("page")["rule"]
    assert pdf_rules.loc[1].tolist() == ["defined_as", "copula", "we_define"]
    assert pdf_rules.loc[2].tolist() == ["characterized_as", "we_define"]
    assert not found["text"].str.contains("employment data|broadband").any()
