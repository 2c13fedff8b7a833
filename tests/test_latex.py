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


def test_cells_are_escaped_and_authors_cited_by_key_as_the_table_prints_them():
    latex = table_latex(table2())
    assert r"\begin{longtable}" in latex and r"\toprule" in latex and r"\bottomrule" in latex
    assert (
        r"\defcitealias{porter1998}{Porter (1998)}\citetalias{porter1998} & "
        "A cluster is a geographically proximate"
    ) in latex
    assert (
        r"\defcitealias{cookehuggins2002}{Cooke \& Huggins (2002)}\citetalias{cookehuggins2002}"
        in latex
    )
    assert latex.count(r"\citetalias{") == 17 and r"\citet{" not in latex
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
    assert r"\bibliography{references}" in latex_document(r"\citetalias{porter1998}")
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


def _pdf_text(pdf) -> str:
    """The PDF's text on one line: words joined by single spaces, hyphenation undone."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return " ".join(text.replace("\ufffe", "").replace("-\r\n", "").split())


@pytest.mark.latex
def test_table2_pdf_prints_the_csvs_authors_and_years_in_its_order(tmp_path, needs_latex):
    from analysis.latex import compile_pdf

    written = write_tables([table2()], tmp_path, ["csv", "md", "latex"])
    csv = pd.read_csv(tmp_path / "table2.csv")
    rows = [f"{a} ({y})" for a, y in zip(csv["authors"], csv["year"], strict=True)]
    assert rows[11:13] == ["Cooke & Huggins (2002)", "Feser & Lugar (2002)"]
    assert "Swann & Prevezer (1998)" in rows
    markdown = (tmp_path / "table2.md").read_text(encoding="utf-8")
    assert [line.split("|")[1].strip() for line in markdown.splitlines()[4:21]] == rows
    pdf = compile_pdf(tmp_path / "table2.tex", build="build")
    assert pdf == tmp_path / "table2.pdf" and pdf in [p.with_suffix(".pdf") for p in written]
    text = _pdf_text(pdf)
    at = -1
    for row in rows:  # each row as the CSV has it, after the one before
        at = text.index(row, at + 1)
    for name in ("Cooke and Huggins (2003)", "Feser and Luger (2003)", "Swann et al. (1998)"):
        assert name not in text.split("References")[0], name
    # Each row still cites its references.bib entry: listed in the bibliography, linked.
    aux = (tmp_path / "build" / "table2.aux").read_text()
    assert {f"\\citation{{{key}}}" for key in csv["key"]} <= set(aux.splitlines())
    assert (tmp_path / "build" / "table2.bbl").read_text().count("\\bibitem") == 17
    assert "Philip Cooke and Robert Huggins." in text.split("References")[-1]
    assert _link_count(pdf) >= 17


def _link_count(pdf) -> int:
    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(pdf)
    links = sum(
        raw.FPDFAnnot_GetSubtype(raw.FPDFPage_GetAnnot(page, i)) == raw.FPDF_ANNOT_LINK
        for page in document
        for i in range(raw.FPDFPage_GetAnnotCount(page))
    )
    document.close()
    return links


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


def test_characters_pdflatex_cannot_set_become_math_markers_or_nothing():
    assert escape_latex("\u03b1\u03b2 \u03a9 \u03ac \u2264 \u221e") == (
        r"\ensuremath{\alpha \beta} \ensuremath{\Omega} \ensuremath{\acute{\alpha}} "
        r"\ensuremath{\leq} \ensuremath{\infty}"
    )
    assert escape_latex("go \U0001f680 \u96c6\u7fa4") == (
        r"go [U+1F680]\allowbreak{} [U+96C6]\allowbreak{}[U+7FA4]\allowbreak{}"
    )
    # The joiner and the variation selector show nothing; the emoji they join do.
    assert escape_latex("\U0001f469\u200d\U0001f52c \u2764\ufe0f") == (
        r"[U+1F469]\allowbreak{}[U+1F52C]\allowbreak{} [U+2764]\allowbreak{}"
    )
    assert escape_latex("caf\u00e9 cafe\u0301 \u00c5ngstr\u00f6m \u2013 \u201cq\u201d") == (
        "caf\u00e9 caf\u00e9 \u00c5ngstr\u00f6m \u2013 \u201cq\u201d"
    )


def test_control_characters_and_line_separators_are_dropped_or_spaced():
    assert escape_latex("a\u2028b\u2029c\nd\r\ne\tf\x0bg\x85h") == "a b c d  e f g h"
    assert escape_latex("a\x00b\x07c\x1bd\x7fe\x9ff") == "abcdef"
    assert "\n" not in escape_latex("one\n\ntwo")


@pytest.mark.latex
def test_every_settable_character_compiles(tmp_path, needs_latex):
    from analysis.latex import SETTABLE, compile_pdf

    characters = []
    for span in SETTABLE.split():
        first, _, last = span.partition("-")
        characters += map(chr, range(int(first, 16), int(last or first, 16) + 1))
    assert len(characters) == 349
    body = "\n\n".join(f"x{escape_latex(c)}x" for c in characters)
    tex = tmp_path / "chars.tex"
    tex.write_text(latex_document("\\tracinglostchars=2\n" + body), encoding="utf-8")
    assert compile_pdf(tex, runs=0).is_file()
    log = tex.with_suffix(".log").read_text(errors="replace")
    assert "Missing character" not in log


@pytest.mark.latex
def test_a_report_with_emoji_cjk_greek_and_a_line_separator_compiles(tmp_path, needs_latex):
    import pypdfium2
    from typer.testing import CliRunner

    from analysis.cli import app
    from coding.definitions import load_definitions

    coded = load_definitions().drop(columns="key")
    coded.insert(0, "id", [f"x{i}" for i in range(len(coded))])
    coded.loc[0, "definition"] = (
        "A cluster \U0001f680 of firms\u2028(\u96c6\u7fa4) with \u03b1 ties."
    )
    coded.loc[1, "authors"] = "\u03a0\u03b1\u03c0\u03ac\u03c2 \U0001f469\u200d\U0001f52c"
    coded.loc[2, "definition"] += " \x07\x0b bell"
    coded.to_csv(tmp_path / "coded.csv", index=False)
    out = tmp_path / "report"
    args = ["report", "--input", str(tmp_path / "coded.csv"), "--out", str(out), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    document = pypdfium2.PdfDocument(out / "report.pdf")
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    flat = "".join(text.split())  # line breaks may fall anywhere, between markers too
    assert "Acluster[U+1F680]offirms([U+96C6][U+7FA4])with\u03b1ties." in flat
    assert "[U+1F469][U+1F52C](1996)" in flat and "[U+200D]" not in flat
    assert "bell" in flat
