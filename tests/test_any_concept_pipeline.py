"""Another concept end to end, through the commands a user runs: ingest to report.pdf.

The shipped example (``coding/data/examples/platform_ecosystem``: invented papers,
a codebook whose schemes are ``lens`` and ``scope`` (one code each) and
``element`` (several), two coders' decisions) goes through ingest, the coding
store, training and the report; nothing of the cluster paper may show.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook

pytestmark = pytest.mark.latex

EXAMPLE = Path(str(resources.files("coding") / "data" / "examples" / "platform_ecosystem"))
CLUSTER_WORDING = re.compile(
    r"school|clustering|business network|porter|marshall|determinant|broad or narrow",
    re.IGNORECASE,
)
runner = CliRunner()


def _run(*args: object) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    work = tmp_path_factory.mktemp("platform")
    shutil.copytree(EXAMPLE, work, dirs_exist_ok=True)
    db, codebook = work / "review.db", work / "codebook.yaml"
    _run("ingest", work / "papers", "--db", db, "--codebook", codebook, "-q")
    _run("candidates", "--db", db, "--out", work / "candidates.csv", "--codebook", codebook)
    _run("codings", "items", "--db", db, "--candidates", "--codebook", codebook)
    candidates = pd.read_csv(work / "candidates.csv")
    coders = pd.read_csv(work / "coders.csv")

    def item_of(row) -> str:
        found = candidates[
            (candidates["doc"] == row.paper) & candidates["text"].str.startswith(row.opening)
        ]
        assert len(found) == 1, row.opening
        return found["id"].iloc[0]

    coders["item"] = [item_of(row) for row in coders.itertuples()]
    book = load_codebook(codebook)
    decisions = coders.melt(
        id_vars=["item", "coder"], value_vars=list(book.schemes), var_name="scheme"
    )
    decisions.to_csv(work / "decisions.csv", index=False)
    _run("codings", "import", work / "decisions.csv", "--db", db)
    for item, scheme in (
        pd.read_csv(work / "decisions.csv")
        .groupby(["item", "scheme"])["value"]
        .nunique()
        .loc[lambda n: n > 1]
        .index
    ):
        first = decisions[(decisions["item"] == item) & (decisions["scheme"] == scheme)]
        _run(
            "codings", "resolve", "--db", db, "--item", item, "--scheme", scheme,
            "--value", first["value"].iloc[0], "--adjudicator", "chair",
        )  # fmt: skip
    _run("codings", "export", "--db", db, "--agreed", "--out", work / "coded.csv")
    _run(
        "train", "--input", work / "coded.csv", "--codebook", codebook,
        "--model", work / "model.zip", "--jobs", "1",
    )  # fmt: skip
    out = work / "report"
    _run(
        "report", "--db", db, "--model", work / "model.zip", "--bib", work / "references.bib",
        "--out", out, "-q",
    )  # fmt: skip
    return book, work, out


def test_the_agreed_table_has_a_column_per_scheme_and_every_item(review):
    book, work, _ = review
    coded = pd.read_csv(work / "coded.csv")
    assert {"id", "authors", "year", "definition", *book.schemes} <= set(coded.columns)
    assert len(coded) == pd.read_csv(work / "coders.csv")["opening"].nunique()
    assert coded["year"].notna().all()


def test_the_report_pdf_names_the_codebook_and_nothing_of_the_cluster_paper(review):
    book, _, out = review
    pdf = next(out.rglob("report.pdf"))
    document = pdfium.PdfDocument(pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    text = " ".join(text.replace("-\r\n", "").split())
    document.close()
    assert book.concept in text.lower()
    for scheme in book.schemes.values():
        assert scheme.label in text, scheme.label
        for category in scheme.categories:
            assert category.label in text, category.label
    assert not CLUSTER_WORDING.search(text), CLUSTER_WORDING.search(text)


def test_no_table_of_the_report_names_the_cluster_paper(review):
    book, _, out = review
    tables = [p for p in out.rglob("*") if p.suffix in {".csv", ".md", ".tex"}]
    assert len(tables) >= 6
    for path in tables:
        found = CLUSTER_WORDING.search(path.read_text(encoding="utf-8"))
        assert found is None, (path.name, found)
    shown = " ".join(p.read_text(encoding="utf-8") for p in tables)
    for name in book.schemes:
        assert book.schemes[name].label in shown
