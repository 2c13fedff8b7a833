"""One report: every table and figure, and a LaTeX document that puts them together."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import figures
from analysis.agreement import agreement, loo_proposals
from analysis.crosstab import crosstab
from analysis.export import FORMATS, references_path, write_tables
from analysis.extended import (
    agreement_tables,
    crosstab_tables,
    determinant_marks,
    determinant_tables,
    store_agreement_table,
    timeline_table,
)
from analysis.latex import PREAMBLE, compile_pdf, escape_latex, table_latex
from analysis.tables import Table, coded_table2, table1, table3
from analysis.timeline import timeline
from coding.codebook import Codebook
from coding.model import Model
from corpus.files import copy_file, make_folder, write_text


@dataclass
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    files : list of Path
        Every table, figure and the report's ``.tex``.
    pdf : Path or None
        ``report.pdf``, when pdflatex was there to build it.
    problem : str
        Why there is no PDF, when there is none.
    """

    files: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    problem: str = ""


def report_tables(
    coded: pd.DataFrame,
    codebook: Codebook,
    model: Model,
    store: sqlite3.Connection | None = None,
) -> list[Table]:
    """The paper's Tables 1-3 (Table 2 from ``coded``) and every extension table.

    With a coding ``store``, also the stored proposals against each coder.
    """
    bundled = "key" in coded.columns
    coders = store_agreement_table(store, codebook, list(model.classifiers)) if store else None
    return [
        table1(codebook),
        coded_table2(coded, bundled=bundled),
        table3(),
        *crosstab_tables(coded, codebook),
        timeline_table(coded, codebook),
        *determinant_tables(coded, codebook),
        *agreement_tables(coded, model),
        *([coders] if coders else []),
    ]


def report_figures(coded: pd.DataFrame, codebook: Codebook, model: Model) -> dict[str, object]:
    """The figures by file stem: schools by breadth, timeline, determinants, confusion matrices."""
    school, breadth = codebook.scheme("school"), codebook.scheme("breadth")
    counts = crosstab(
        coded, "school", "breadth", row_order=school.codes, column_order=breadth.codes
    )
    counts = counts.drop(index="Total", columns="Total")
    labels = {c.code: c.label for c in breadth.categories}
    marks = determinant_marks(coded, codebook)
    determinant = codebook.scheme("determinant")
    grid = marks[determinant.codes].rename(
        columns={c.code: c.label for c in determinant.categories}
    )
    grid.index = coded["authors"] + " (" + coded["year"].astype(str) + ")"
    proposed = loo_proposals(coded, model)
    made = {
        "fig_school_by_breadth": figures.schools_by_breadth(counts, labels),
        "fig_timeline": figures.timeline(
            timeline(coded, "school", order=school.codes).drop(columns="Total")
        ),
        "fig_determinants": figures.determinant_heatmap(grid),
    }
    for scheme in model.classifiers:
        codes = codebook.scheme(scheme).codes
        matrix = agreement(coded[scheme], proposed[scheme], codes)["confusion"]
        made[f"fig_confusion_{scheme}"] = figures.confusion_matrix_figure(
            matrix, f"{codebook.scheme(scheme).label}: leave-one-out proposals"
        )
    return made


_CAPTIONS = {
    "fig_school_by_breadth": "Definitions per school of clustering, broad and narrow.",
    "fig_timeline": "Definitions per year of publication, by school of clustering.",
    "fig_determinants": "Cluster determinants named by each definition.",
    "fig_confusion_school": "Model proposals (leave-one-out) against the given schools.",
    "fig_confusion_breadth": "Model proposals (leave-one-out) against the given breadth.",
}


def report_latex(tables: Iterable[Table], figure_names: Iterable[str], title: str) -> str:
    """A LaTeX document that inputs every table fragment and includes every figure."""
    parts = [
        PREAMBLE,
        "\\usepackage{graphicx}\n\\usepackage{float}\n",
        f"\\title{{{escape_latex(title)}}}\n\\author{{defcode}}\n\\date{{}}\n",
        # Several tables to a page, in order; the last of them before the figures.
        "\\renewcommand{\\topfraction}{0.9}\\renewcommand{\\bottomfraction}{0.9}\n",
        "\\renewcommand{\\textfraction}{0.05}\\renewcommand{\\floatpagefraction}{0.8}\n",
        "\\setcounter{totalnumber}{8}\\setcounter{topnumber}{4}\\setcounter{bottomnumber}{4}\n",
        "\\begin{document}\n\\maketitle\n",
        "\\section{Tables}\n",
    ]
    parts += [f"\\input{{tex/{table.name}}}\n" for table in tables]
    parts.append("\\clearpage\n\\section{Figures}\n")
    for name in figure_names:
        caption = escape_latex(_CAPTIONS.get(name, name))
        parts.append(
            "\\begin{figure}[H]\n\\centering\n"
            f"\\includegraphics[width=\\linewidth,height=0.8\\textheight,keepaspectratio]"
            f"{{figures/{name}.pdf}}\n\\caption{{{caption}}}\n\\label{{fig:{name}}}\n"
            "\\end{figure}\n"
        )
    parts.append("\\bibliographystyle{plainnat}\n\\bibliography{references}\n\\end{document}\n")
    return "".join(parts)


def write_report(
    coded: pd.DataFrame,
    out: str | Path,
    codebook: Codebook,
    model: Model,
    *,
    pdf: bool = True,
    store: sqlite3.Connection | None = None,
    progress: Callable[[Iterable[str]], Iterable[str]] = iter,
    raw: bool = False,
) -> Report:
    """Write every table (CSV, Markdown, LaTeX), every figure (PDF, PNG) and ``report.tex``.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded definitions: ``key`` or ``id``, ``authors, year, definition,
        school, breadth``.
    out : str or Path
        The folder; tables go to its top, LaTeX fragments to ``tex/``,
        figures to ``figures/``.
    pdf : bool, default=True
        Build ``report.pdf`` with pdflatex and bibtex when pdflatex is installed.
    store : sqlite3.Connection, optional
        The coding store ``coded`` comes from: adds the table of its stored
        model proposals against each coder.
    progress : callable, optional
        Wraps the steps, e.g. in a progress bar.
    raw : bool, default=False
        Write the tables' CSV cells as they are, formulas included (see
        :func:`analysis.export.write_tables`).

    Returns
    -------
    Report

    Raises
    ------
    OutputError
        When a file cannot be written; each file is written whole or not at all.
    """
    out = make_folder(out)
    make_folder(out / "tex")
    report = Report()
    steps = iter(progress(["tables", "figures", "LaTeX"]))
    next(steps)
    tables = report_tables(coded, codebook, model, store)
    report.files += write_tables(tables, out, FORMATS, raw=raw)
    for table in tables:
        report.files.append(write_text(out / "tex" / f"{table.name}.tex", table_latex(table)))
    next(steps)
    made = report_figures(coded, codebook, model)
    for name, figure in made.items():
        report.files += figures.save_figure(figure, out / "figures", name)
    next(steps)
    tex = write_text(
        out / "report.tex", report_latex(tables, made, f"Definitions of {codebook.concept}")
    )
    copy_file(references_path(), out / "references.bib")
    report.files.append(tex)
    for _ in steps:
        pass
    if pdf:
        if shutil.which("pdflatex") is None:
            report.problem = "pdflatex is not installed: report.tex was written, not report.pdf"
        else:
            report.pdf = compile_pdf(tex)
    return report
