"""LaTeX export: escaping, natbib citations, and real pdflatex + bibtex builds."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.export import write_tables
from analysis.latex import escape_latex, latex_document, table_latex
from analysis.tables import Table, paper_tables, table2

NASTY = r"100% #1 $5 & {ideas} ~ ^ \input{/etc/passwd} \write18{touch X}"


def test_escape_latex_escapes_every_special_character():
    assert escape_latex(NASTY) == (
        r"100\% \#1 \$5 \& \{ideas\} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}input\{/etc/passwd\} \textbackslash{}write18\{touch X\}"
    )
    assert escape_latex("a -- b --- c ,, 'q' \"d\" `e` <f> |g|") == (
        r"a -{}- b -{}-{}- c ,{}, \textquotesingle{}q\textquotesingle{} \textquotedbl{}d"
        r"\textquotedbl{} \textasciigrave{}e\textasciigrave{} \textless{}f\textgreater{} "
        r"\textbar{}g\textbar{}"
    )


def test_cells_are_escaped_and_authors_cited_by_key():
    latex = table_latex(table2())
    assert r"\begin{longtable}" in latex and r"\toprule" in latex and r"\bottomrule" in latex
    assert r"\citet{porter1998} & A cluster is a geographically proximate" in latex
    assert latex.count(r"\citet{") == 17
    nasty = Table(
        name="t",
        data=pd.DataFrame({"a": [NASTY]}),
        caption="Odd_caption 50%",
        headers={"a": "A & B"},
    )
    rendered = table_latex(nasty)
    assert r"\input{" not in rendered and r"\write18{" not in rendered
    assert r"\textbackslash{}input\{/etc/passwd\}" in rendered
    assert r"A \& B" in rendered and r"Odd\_caption 50\%" in rendered


def test_document_has_bibliography_only_when_it_cites():
    assert r"\bibliography{references}" in latex_document(r"\citet{porter1998}")
    assert r"\bibliography" not in latex_document("no citations")


@pytest.mark.latex
def test_every_table_compiles_with_citations_resolved(tmp_path, needs_latex):
    from analysis.latex import compile_pdf

    write_tables(paper_tables(), tmp_path, ["latex"])
    for name in ("table1", "table2", "table3"):
        pdf = compile_pdf(tmp_path / f"{name}.tex")
        assert pdf.stat().st_size > 1000
    blg = (tmp_path / "table2.blg").read_text()
    assert "Warning--" not in blg and "error message" not in blg
    assert r"\setcounter{table}{1}" in (tmp_path / "table2.tex").read_text()
    bbl = (tmp_path / "table2.bbl").read_text()
    assert bbl.count(r"\bibitem") == 17


@pytest.mark.latex
def test_hostile_definition_is_typeset_literally_and_runs_nothing(tmp_path, needs_latex):
    import pypdfium2

    from analysis.latex import compile_pdf

    coded = tmp_path / "coded.csv"
    coded.write_text(
        "id,authors,year,definition,school,breadth\n"
        f'x1,O\'Brien & Co_ -- "Ltd" <x>,2020,{NASTY},Michael Porter,B\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    write_tables(paper_tables(coded), out, ["latex"])
    pdf = compile_pdf(out / "table2.tex")
    document = pypdfium2.PdfDocument(pdf)
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    flat = " ".join(text.replace("\ufffe", "").split())
    for piece in ["100% #1 $5 & {ideas}", r"\input{/etc/passwd}", r"\write18{touch X}"]:
        assert piece in flat
    assert 'O\'Brien & Co_ -- "Ltd" <x> (2020)' in flat
    assert not (out / "X").exists()
