"""One report: every table and figure, and a LaTeX document that puts them together.

What the report holds follows the codebook: Table 1 its categories, Table 2 the
coded definitions (a column per scheme), the tables the codebook ships, a
cross-tabulation for each pair of single-code schemes, a timeline by the first
of them, keyword marks for each scheme the codebook marks (``report: marks``),
and, with a model, its leave-one-out proposals against the codes.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import figures
from analysis.agreement import agreement, loo_proposals
from analysis.crosstab import crosstab
from analysis.export import FORMATS, write_tables
from analysis.extended import (
    agreement_tables,
    crosstab_tables,
    keyword_marks,
    mark_tables,
    primary_scheme,
    scheme_pairs,
    store_agreement_table,
    timeline_table,
)
from analysis.latex import PREAMBLE, compile_pdf, escape_latex, table_latex
from analysis.tables import Table, coded_tables, seed_bibliography
from analysis.timeline import timeline
from coding.codebook import Codebook
from coding.determinants import marked_schemes
from coding.model import Model
from corpus.errors import InputError
from corpus.files import make_folder, write_text


@dataclass
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    files : list of Path
        Every table, figure and the report's ``.tex``.
    tables : list of str
        The tables' names, in report order (each written to ``tables/``).
    figures : list of str
        The figures' file stems (each written to ``figures/``).
    pdf : Path or None
        ``report.pdf``, when pdflatex was there to build it.
    problem : str
        Why there is no PDF, when there is none.
    """

    files: list[Path] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    pdf: Path | None = None
    problem: str = ""


def report_tables(
    coded: pd.DataFrame,
    codebook: Codebook,
    model: Model | None = None,
    store: sqlite3.Connection | None = None,
    *,
    bibliography: str | Path | None = None,
    shipped: bool = True,
    proposed: pd.DataFrame | None = None,
) -> list[Table]:
    """Every table of the report, Table 2 from ``coded``.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded definitions: ``key`` or ``id``, ``authors, year, definition``
        and a column per scheme.
    codebook : Codebook
        Gives every table its rows, columns and wording.
    model : Model, optional
        Adds its leave-one-out proposals against the codes; with a coding
        ``store``, also the stored proposals against each coder.
    bibliography : str or Path, optional
        The user's ``.bib``, holding the ``key`` column's entries: rows cite
        them. The seed paper's own definitions cite the paper's references.
    shipped : bool, default=True
        Whether ``model`` is the one that ships with defcode (for the notes).
    proposed : pandas.DataFrame, optional
        The model's leave-one-out proposals
        (:func:`analysis.agreement.loo_proposals`), when the caller has them.

    Raises
    ------
    InputError
        When the model codes a scheme that ``coded`` has no column for.
    """
    seed = seed_bibliography(coded, codebook)
    bib = Path(bibliography) if bibliography is not None else seed
    tables = coded_tables(coded, codebook, bibliography)
    for rows, columns in scheme_pairs(codebook):
        if {rows, columns} <= set(coded.columns):
            tables += crosstab_tables(coded, codebook, rows, columns)
    dated = coded[coded["year"].notna()]
    if len(dated):
        tables.append(timeline_table(dated, codebook))
    for scheme in marked_schemes(codebook):
        tables += mark_tables(coded, codebook, scheme, bibliography=bib)
    if model is not None:
        missing = [scheme for scheme in model.classifiers if scheme not in coded.columns]
        if missing:
            raise InputError(
                f"the model codes scheme(s) {', '.join(map(repr, missing))}, which the coded "
                f"definitions of {codebook.concept!r} do not have; train one for this "
                "codebook with `defcode train`"
            )
        tables += agreement_tables(coded, model, shipped=shipped, proposed=proposed)
        if store is not None:
            coders = store_agreement_table(
                store, codebook, list(model.classifiers), shipped=shipped
            )
            tables += [coders] if coders else []
    return tables


def _figure_settings(codebook: Codebook, key: str) -> dict[str, Any]:
    return dict(((codebook.report or {}).get("figures") or {}).get(key) or {})


def _figures(
    coded: pd.DataFrame,
    codebook: Codebook,
    model: Model | None,
    proposed: pd.DataFrame | None = None,
) -> list[tuple[str, object, str]]:
    """Each figure as (file stem, figure, caption), in report order; ``proposed``
    as :func:`report_tables` takes it."""
    made: list[tuple[str, object, str]] = []

    def add(key: str, figure: object, caption: str) -> None:
        settings = _figure_settings(codebook, key)
        made.append((settings.get("name", key), figure, settings.get("caption", caption)))

    for rows, columns in scheme_pairs(codebook):
        if not {rows, columns} <= set(coded.columns):
            continue
        first, second = codebook.scheme(rows), codebook.scheme(columns)
        counts = crosstab(coded, rows, columns, row_order=first.codes, column_order=second.codes)
        add(
            f"fig_{rows}_by_{columns}",
            figures.stacked_bars(
                counts.drop(index="Total", columns="Total"),
                {c.code: c.label for c in second.categories},
            ),
            f"Definitions per {first.label.lower()}, by {second.label.lower()}.",
        )
    dated = coded[coded["year"].notna()]
    if len(dated):
        by = primary_scheme(codebook)
        counts = timeline(dated, by.name, order=by.codes).drop(columns="Total")
        add(
            "fig_timeline",
            figures.timeline(counts),
            f"Definitions per year of publication, by {by.label.lower()}.",
        )
    year = coded["year"].astype("string").fillna("n.d.")
    for name in marked_schemes(codebook):
        scheme = codebook.scheme(name)
        marks = keyword_marks(coded, codebook, name)
        grid = marks[scheme.codes].rename(columns={c.code: c.label for c in scheme.categories})
        grid.index = coded["authors"].fillna("") + " (" + year + ")"
        settings = _figure_settings(codebook, f"fig_marks_{name}")
        add(
            f"fig_marks_{name}",
            figures.determinant_heatmap(grid, named=settings.get("axis", "Categories named")),
            f"{scheme.label}: which each definition names.",
        )
    if model is not None:
        proposed = loo_proposals(coded, model) if proposed is None else proposed
        for name in model.classifiers:
            scheme = codebook.scheme(name)
            matrix = agreement(coded[name], proposed[name], scheme.codes)["confusion"]
            add(
                f"fig_confusion_{name}",
                figures.confusion_matrix_figure(matrix, f"{scheme.label}: leave-one-out proposals"),
                f"Model proposals (leave-one-out) against the given {scheme.label.lower()}.",
            )
    return made


def report_figures(
    coded: pd.DataFrame, codebook: Codebook, model: Model | None = None
) -> dict[str, object]:
    """The figures by file stem: for each pair of single-code schemes its counts as
    stacked bars, the timeline, a heat map per keyword scheme, and with a model its
    confusion matrices. The bundled codebook names them as the seed report did
    (``fig_school_by_breadth``, ``fig_timeline``, ``fig_determinants``, ...)."""
    return {name: figure for name, figure, _ in _figures(coded, codebook, model)}


def report_latex(
    tables: Iterable[Table],
    figure_captions: Mapping[str, str] | Iterable[str],
    title: str,
    *,
    bibliography: bool = True,
) -> str:
    """A LaTeX document that holds every table and includes every figure.

    Parameters
    ----------
    tables : iterable of Table
        In order; each is set as :func:`analysis.latex.table_latex` sets it.
    figure_captions : mapping of str to str, or iterable of str
        Figure file stems (in ``figures/``), with their captions.
    title : str
        The document's title.
    bibliography : bool, default=True
        End with the bibliography of ``tables/references.bib``; when no table
        cites, every entry of it is listed (``\\nocite{*}``).
    """
    tables = list(tables)
    captions = (
        dict(figure_captions)
        if isinstance(figure_captions, Mapping)
        else {name: name for name in figure_captions}
    )
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
    parts += [table_latex(table) for table in tables]
    parts.append("\\clearpage\n\\section{Figures}\n")
    for name, caption in captions.items():
        parts.append(
            "\\begin{figure}[H]\n\\centering\n"
            f"\\includegraphics[width=\\linewidth,height=0.8\\textheight,keepaspectratio]"
            f"{{figures/{name}.pdf}}\n\\caption{{{escape_latex(caption)}}}\n"
            f"\\label{{fig:{name}}}\n\\end{{figure}}\n"
        )
    if bibliography:
        if not any(table.cites for table in tables):
            parts.append("\\nocite{*}\n")
        parts.append("\\bibliographystyle{plainnat}\n\\bibliography{tables/references}\n")
    parts.append("\\end{document}\n")
    return "".join(parts)


def write_report(
    coded: pd.DataFrame,
    out: str | Path,
    codebook: Codebook,
    model: Model | None = None,
    *,
    pdf: bool = True,
    store: sqlite3.Connection | None = None,
    progress: Callable[[Iterable[str]], Iterable[str]] = iter,
    raw: bool = False,
    bibliography: str | Path | None = None,
    shipped: bool = True,
) -> Report:
    """Write every table (CSV, Markdown, LaTeX), every figure (PDF, PNG) and ``report.tex``.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded definitions: ``key`` or ``id``, ``authors, year, definition``
        and a column per scheme of the codebook.
    out : str or Path
        The folder: ``report.tex`` and ``report.pdf`` go to its top, the
        tables to ``tables/``, the figures to ``figures/`` and LaTeX's own
        files (``.aux``, ``.log``, ``.bbl``...) to ``build/``.
    codebook : Codebook
        Gives the tables and figures their rows, columns and wording.
    model : Model, optional
        Adds the model's leave-one-out proposals against the codes.
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
    bibliography : str or Path, optional
        The user's ``.bib``: copied to ``tables/references.bib`` and cited by
        the rows' ``key``. The seed paper's own definitions cite
        the paper's references; other definitions without it cite nothing.
    shipped : bool, default=True
        Whether ``model`` is the one that ships with defcode (for the notes).

    Returns
    -------
    Report

    Raises
    ------
    OutputError
        When a file cannot be written; each file is written whole or not at all.
    """
    out = make_folder(out)
    report = Report()
    steps = iter(progress(["tables", "figures", "LaTeX"]))
    next(steps)
    # The leave-one-out proposals refit the model once per definition: made once,
    # for the agreement tables and the confusion figures.
    proposed = loo_proposals(coded, model) if model is not None else None
    tables = report_tables(
        coded,
        codebook,
        model,
        store,
        bibliography=bibliography,
        shipped=shipped,
        proposed=proposed,
    )
    bib = bibliography or next((t.bibliography for t in tables if t.bibliography), None)
    report.files += write_tables(tables, out / "tables", FORMATS, bib, raw=raw)
    report.tables = [table.name for table in tables]
    next(steps)
    made = _figures(coded, codebook, model, proposed)
    for name, figure, _ in made:
        report.files += figures.save_figure(figure, out / "figures", name)
    report.figures = [name for name, _, _ in made]
    next(steps)
    title = (codebook.report or {}).get("title") or f"Definitions of {codebook.concept}"
    captions = {name: caption for name, _, caption in made}
    latex = report_latex(tables, captions, title, bibliography=bib is not None)
    tex = write_text(out / "report.tex", latex)
    report.files.append(tex)
    for _ in steps:
        pass
    if pdf:
        if shutil.which("pdflatex") is None:
            report.problem = "pdflatex is not installed: report.tex was written, not report.pdf"
        else:
            report.pdf = compile_pdf(tex, build="build")
    return report
