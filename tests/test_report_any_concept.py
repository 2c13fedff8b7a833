"""Tables and the report from a codebook that is not the cluster paper's."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.tables import paper_tables
from coding.codebook import load_codebook

runner = CliRunner()

# What only the seed paper's case may print.
CLUSTER_WORDING = [
    "school",
    "clustering",
    "cluster",
    "business network",
    "porter",
    "marshall",
    "determinant",
    "broad or narrow",
]

CODEBOOK = """\
concept: service innovation
terms: [service innovation]
definition: A new or improved service.
schemes:
  novelty:
    label: Degree of novelty
    description: How new the service is.
    categories:
      - {code: radical, label: Radical change, description: A service new to the market.}
      - {code: incremental, label: Incremental change, description: A service improved.}
  locus:
    label: Locus of change
    description: Where the change lies.
    categories:
      - {code: front, label: Front office, description: What the customer meets.}
      - {code: back, label: Back office, description: What the customer does not meet.}
  facet:
    label: Facets named
    multiple: true
    description: Which facets of a service a definition names.
    categories:
      - code: offer
        label: Offering
        description: What is sold.
        keywords: [offering]
      - code: process
        label: Delivery process
        description: How it is made.
        keywords: [process, delivery]
      - code: client
        label: Client role
        description: What the client does.
        keywords: [client, customer]
report:
  marks: [facet]
"""

ROWS = [
    ("d1", "Ames", 2001, "A service innovation is a new offering sold to clients.",
     "radical", "front", "offer; client"),
    ("d2", "Bose", 2003, "A service innovation is a new delivery process.",
     "incremental", "back", "process"),
    ("d3", "Cruz", 2005, "A service innovation is an improved offering.",
     "incremental", "front", "offer"),
    ("d4", "Dahl", 2008, "A service innovation is a new process in the back office.",
     "radical", "back", "process"),
    ("d5", "Egan", 2010, "A service innovation changes what the customer does.",
     "radical", "front", "client"),
    ("d6", "Fox", 2012, "A service innovation is a better delivery for clients.",
     "incremental", "back", "process; client"),
]  # fmt: skip


COLUMNS = ["id", "authors", "year", "definition", "novelty", "locus", "facet"]


@pytest.fixture
def case(tmp_path):
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    coded = tmp_path / "coded.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(coded, index=False)
    return codebook, coded


def _names_the_codebook_only(text: str, what: str) -> None:
    lowered = text.casefold()
    for word in CLUSTER_WORDING:
        assert word not in lowered, (what, word)


def test_report_from_a_coded_csv_names_the_codebook_and_nothing_of_the_paper(case, tmp_path):
    codebook, coded = case
    out = tmp_path / "report"
    args = ["report", "--input", str(coded), "--codebook", str(codebook), "--out", str(out)]
    result = runner.invoke(app, [*args, "--no-pdf", "-q"])
    assert result.exit_code == 0, result.output
    assert "from 6 definitions" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report.tex", "tables"]
    names = sorted(p.stem for p in (out / "tables").glob("*.csv"))
    assert names == sorted(
        [
            "table1",
            "table2",
            "novelty_by_locus",
            "novelty_by_locus_shares",
            "novelty_by_locus_column_shares",
            "novelty_by_locus_test",
            "timeline_novelty",
            "marks_facet",
            "marks_facet_by_novelty",
        ]
    )
    assert not (out / "tables" / "references.bib").exists()
    figures = sorted(p.name for p in (out / "figures").glob("*.pdf"))
    assert figures == ["fig_marks_facet.pdf", "fig_novelty_by_locus.pdf", "fig_timeline.pdf"]
    for path in [out / "report.tex", *(out / "tables").iterdir()]:
        _names_the_codebook_only(path.read_text(encoding="utf-8"), path.name)
    tex = (out / "report.tex").read_text(encoding="utf-8")
    assert "\\title{Definitions of service innovation}" in tex
    assert "Definitions per degree of novelty, by locus of change." in tex
    assert "Facets named: which each definition names." in tex
    assert "\\bibliography" not in tex
    table1 = (out / "tables" / "table1.md").read_text(encoding="utf-8")
    wanted = ["Degree of novelty", "Radical change (radical)", "Locus of change"]
    wanted += ["Facets named", "Delivery process (process)", "What the client does."]
    for text in wanted:
        assert text in table1, text
    table2 = pd.read_csv(out / "tables" / "table2.csv")
    assert list(table2.columns) == COLUMNS
    assert table2.set_index("id").at["d6", "facet"] == "process; client"
    heads = (out / "tables" / "table2.md").read_text(encoding="utf-8").splitlines()
    assert heads[0] == (
        "**Definitions of service innovation coded by degree of novelty, locus of change "
        "and facets named**"
    )
    assert "Service innovation definition" in heads[2] and "Facets named" in heads[2]
    counts = pd.read_csv(out / "tables" / "novelty_by_locus.csv").set_index("novelty")
    assert counts.loc["radical"].tolist() == [2, 1, 3]
    marks = pd.read_csv(out / "tables" / "marks_facet_by_novelty.csv").set_index("novelty")
    assert marks.loc["Total"].tolist() == [6, 2, 3, 3]


@pytest.mark.latex
def test_report_pdf_of_another_concept_names_its_codebook(case, tmp_path, needs_latex):
    import pypdfium2 as pdfium

    codebook, coded = case
    out = tmp_path / "report"
    args = ["report", "--input", str(coded), "--codebook", str(codebook), "--out", str(out)]
    result = runner.invoke(app, [*args, "-q"])
    assert result.exit_code == 0, result.output
    pdf = pdfium.PdfDocument(out / "report.pdf")
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = " ".join(text.replace("\ufffe", "").replace("\r", " ").split())
    for words in ["Definitions of service innovation", "Degree of novelty", "Locus of change",
                  "Facets named", "Radical change", "Delivery process"]:  # fmt: skip
        assert words in flat, words
    _names_the_codebook_only(flat, "report.pdf")


def test_tables_of_another_codebook_write_the_users_bibliography_only(case, tmp_path):
    codebook, coded = case
    out = tmp_path / "tables"
    args = ["tables", "--input", str(coded), "--codebook", str(codebook), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.csv")) == ["table1", "table2"]
    assert not (out / "references.bib").exists()
    for path in out.iterdir():
        _names_the_codebook_only(path.read_text(encoding="utf-8"), path.name)

    bib = tmp_path / "mine.bib"
    bib.write_text("@misc{ames2001, author = {Ames, A.}, title = {T}, year = {2001}}\n")
    keyed = tmp_path / "keyed.csv"
    frame = pd.read_csv(coded).rename(columns={"id": "key"}).head(1)
    frame.assign(key="ames2001").to_csv(keyed, index=False)
    result = runner.invoke(
        app, [*args[:2], str(keyed), *args[3:], "--bib", str(bib), "-f", "latex"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "references.bib").read_text() == bib.read_text()
    assert "\\citetalias{ames2001}" in (out / "table2.tex").read_text()
    frame.assign(key="nobody1999").to_csv(keyed, index=False)
    result = runner.invoke(app, [*args[:2], str(keyed), *args[3:], "--bib", str(bib)])
    assert result.exit_code == 1
    assert "no entry for key(s) 'nobody1999'" in result.output


def test_crosstab_takes_the_first_pair_and_refuses_what_it_cannot_use(case, tmp_path):
    codebook, coded = case
    result = runner.invoke(app, ["crosstab", "--input", str(coded), "--codebook", str(codebook)])
    assert result.exit_code == 0, result.output
    assert "Degree of novelty by locus of change: counts" in result.output
    out = tmp_path / "x"
    args = ["crosstab", "novelty", "--input", str(coded), "--codebook", str(codebook)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "novelty_by_locus.csv").is_file() and not (out / "references.bib").exists()
    assert result.stdout == f"wrote to {out}/: 4 tables (CSV, Markdown, LaTeX)\n"
    result = runner.invoke(app, [*args, "--out", str(out), "--show"])
    assert "Degree of novelty by locus of change: counts" in result.stdout
    result = runner.invoke(app, ["crosstab", "facet", "locus", "--codebook", str(codebook)])
    assert result.exit_code == 1 and "allows several codes per item" in result.output
    result = runner.invoke(app, ["crosstab", "--codebook", str(codebook)])
    assert result.exit_code == 1
    assert "give the coded definitions with --input" in result.output


def test_bad_input_is_one_error_line_and_nothing_written(case, tmp_path):
    codebook, coded = case
    missing = tmp_path / "missing.csv"
    pd.read_csv(coded).drop(columns="locus").to_csv(missing, index=False)
    out = tmp_path / "report"
    for args in (
        ["report", "--input", str(missing), "--codebook", str(codebook), "-q"],
        ["report", "--codebook", str(codebook), "-q"],
        ["tables", "--codebook", str(codebook)],
    ):
        result = runner.invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 1, args
        assert result.output.count("error:") == 1, result.output
        assert not out.exists()
    result = runner.invoke(app, ["report", "--input", str(missing), "--codebook", str(codebook)])
    assert "no column for scheme(s) 'locus' of codebook 'service innovation'" in result.output


def test_the_seed_wording_lives_in_the_cluster_codebook():
    report = load_codebook().report
    assert report["tables"]["table1"]["caption"] == "The five dominating schools of clustering"
    assert report["tables"]["table3"]["file"] == "table3.csv"
    captions = [t.caption for t in paper_tables()]
    assert captions[0] == "The five dominating schools of clustering"
    assert captions[2] == "Comparison between clusters and business networks"


def test_codebook_init_writes_a_commented_codebook_that_validates(tmp_path):
    out = tmp_path / "codebook.yaml"
    result = runner.invoke(app, ["codebook", "init", "business model", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("\n#") >= 5 and "concept: business model" in text
    book = load_codebook(out)
    assert book.concept == "business model"
    assert [s.multiple for s in book.schemes.values()] == [False, True]
    result = runner.invoke(app, ["codebook", "validate", str(out)])
    assert result.exit_code == 0, result.output
    out.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["codebook", "init", "business model", "--out", str(out)])
    assert result.exit_code == 1 and "exists; give --force" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["codebook", "init", "a: b #c", "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert load_codebook(out).concept == "a: b #c"


def test_a_report_section_with_a_typo_is_named_with_its_line(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        CODEBOOK + "  tables:\n    table1: {captoin: X}\n    extra: {file: nowhere.csv}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["codebook", "validate", str(path)])
    assert result.exit_code == 1
    assert "report, table 'table1', field 'captoin': unknown field (did you mean 'caption'?)" in (
        result.output
    )
    assert "report, table 'extra', field 'file': no such file" in result.output
