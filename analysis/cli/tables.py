"""``defcode tables``, ``crosstab`` and ``report``: the tables, cross-tables and report.

Each command calls :mod:`analysis.tables`, :mod:`analysis.extended`,
:mod:`analysis.export` and :mod:`analysis.report`, imported inside it.
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    QuietOption,
    RawOption,
    agreed_or_exit,
    app,
    codebook_for_or_exit,
    fail,
    progress_bar,
)

if TYPE_CHECKING:
    pass


class TableFormat(StrEnum):
    csv = "csv"
    md = "md"
    latex = "latex"
    all = "all"


CodedOption = Annotated[
    Path | None,
    typer.Option(
        "--input",
        help="Coded CSV (id, authors, year, definition, a column per scheme); "
        "the paper's 17 definitions when omitted.",
    ),
]
AgreedOption = Annotated[
    Path | None,
    typer.Option("--db", help="A coding store: its agreed (or adjudicated) codes."),
]
ShowOption = Annotated[bool, typer.Option("--show", help="Also print the tables on the terminal.")]
BibOption = Annotated[
    Path | None,
    typer.Option(
        "--bib",
        help="Your BibTeX file: written beside the tables as references.bib; rows whose "
        "coded CSV has a 'key' column cite its entries.",
    ),
]


@app.command()
def tables(
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="File format.")] = (
        TableFormat.all
    ),
    out: Annotated[Path, typer.Option(help="Folder to write the tables to.")] = Path("out"),
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Coded CSV (id, authors, year, definition, a column per scheme) to build "
            "Table 2 from, instead of the paper's 17 definitions.",
        ),
    ] = None,
    db: AgreedOption = None,
    codebook: CodebookOption = None,
    bib: BibOption = None,
    show: ShowOption = False,
    raw: RawOption = False,
) -> None:
    """Write a codebook's Tables 1 and 2 (and those it ships) as CSV, Markdown and LaTeX.

    With the bundled codebook and no --input or --db: the seed paper's Tables
    1-3. With --db, Table 2 holds the store's items with agreed codes in
    every scheme; a distinct definition (`codings items --definitions`) is
    credited to the work that gave it, and cites its BibTeX key where the
    bibliography (--bib, else the store's ingested BibTeX entries) holds it,
    else prints its authors and year as text. Prints what it wrote; with
    --show, the tables too.

    Examples:

        $ defcode tables --format latex --out out/tables
        $ defcode tables --input coded.csv --codebook codebook.yaml --format md --out out/mine
        $ defcode tables --db review.db --bib references.bib --out out/tables
        $ defcode tables --show
    """
    from analysis.export import FORMATS, write_tables
    from analysis.tables import citable, coded_tables, paper_tables
    from corpus.errors import InputError

    book = codebook_for_or_exit(codebook, db)
    _bib_or_exit(bib)
    formats = FORMATS if format is TableFormat.all else (format.value,)
    coded, conn = agreed_or_exit(input, db, book, None) if db is not None else (None, None)
    if coded is not None and len(coded) == 0:
        fail(f"{db}: no item of {book.concept!r} has an agreed code in every scheme yet")
    try:
        with _bibliography(bib, conn) as references:
            if coded is None:
                built = paper_tables(input, book, bib)
            else:
                built = coded_tables(citable(coded, references), book, references)
            written = write_tables(built, out, formats, references, raw=raw)
    except InputError as exc:
        fail(str(exc))
    if show:
        from analysis.show import print_tables

        print_tables(built)
    typer.echo(f"wrote to {out}/: {_tables_written(len(built), written)}")


def _bib_or_exit(bib: Path | None) -> None:
    """Exit with the error when a --bib file is given but cannot be read as BibTeX."""
    if bib is None:
        return
    from corpus.errors import InputError
    from corpus.readers.bibliography import load_bibtex

    try:
        load_bibtex(bib)
    except InputError as exc:
        fail(str(exc))


_FORMAT_NAMES = {".csv": "CSV", ".md": "Markdown", ".tex": "LaTeX"}


def _tables_written(count: int, written: list[Path]) -> str:
    """What was written, e.g. ``"3 tables (CSV, Markdown, LaTeX) and references.bib"``."""
    suffixes = {p.suffix for p in written}
    kinds = [name for suffix, name in _FORMAT_NAMES.items() if suffix in suffixes]
    others = [p.name for p in written if p.suffix not in _FORMAT_NAMES]
    line = f"{count} table{'s' if count != 1 else ''} ({', '.join(kinds)})"
    return line + "".join(f" and {name}" for name in others)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report to.")] = Path(
        "out/report"
    ),
    input: CodedOption = None,
    db: AgreedOption = None,
    codebook: CodebookOption = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A model from `defcode train`: adds its proposals against the codes; "
            "the bundled one with the bundled codebook.",
        ),
    ] = None,
    bib: BibOption = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Build report.pdf.")] = True,
    quiet: QuietOption = False,
    raw: RawOption = False,
) -> None:
    """Write every table (CSV, Markdown, LaTeX) and figure (PDF, PNG), and report.tex/.pdf.

    In --out: report.tex and report.pdf, the tables in tables/, the figures in
    figures/, and LaTeX's own files (.aux, .log, .bbl...) in build/. With
    --db, a distinct definition (`codings items --definitions`) is credited
    to the work that gave it and cites its BibTeX key where the bibliography
    (--bib, else the store's ingested BibTeX entries) holds it, else prints
    its authors and year as text.

    Examples:

        $ defcode report --out out/report
        $ defcode report --db review.db --out out/report --no-pdf
    """
    from analysis.report import write_report
    from analysis.tables import citable, coded_schemes, is_bundled
    from coding.model import load_model
    from corpus.errors import InputError

    book = codebook_for_or_exit(codebook, db)
    _bib_or_exit(bib)
    schemes = tuple(book.single_schemes())
    if input is not None:
        try:
            schemes = coded_schemes(input, book)
        except InputError as exc:
            fail(str(exc))
    elif db is None and not is_bundled(book):
        fail(f"{codebook}: give the coded definitions with --input (a coded CSV) or --db")
    coded, conn = agreed_or_exit(input, db, book, schemes)
    if len(coded) < 2:
        fail(f"{db or input}: {len(coded)} coded definition(s); a report needs 2")
    try:
        fitted = load_model(model) if model is not None or is_bundled(book) else None
        if fitted is None:
            typer.echo(
                "note: no --model: the report leaves out model proposals "
                "(make a model with `defcode train`)",
                err=True,
            )
        with _bibliography(bib, conn) as references:
            if conn is not None:
                coded = citable(coded, references)
            done = write_report(
                coded,
                out,
                book,
                fitted,
                pdf=pdf,
                store=conn,
                progress=progress_bar("report", quiet),
                raw=raw,
                bibliography=references,
                shipped=model is None,
            )
    except (InputError, RuntimeError) as exc:
        fail(str(exc))
    if done.problem:
        typer.echo(f"warning: {done.problem}", err=True)
    written = [p for p in done.files if p.parent == out / "tables"]
    figures = len(done.figures)
    typer.echo(
        f"wrote to {out}/: report.tex{' and report.pdf' if done.pdf else ''}; "
        f"in tables/, {_tables_written(len(done.tables), written)}; "
        f"in figures/, {figures} figure{'s' if figures != 1 else ''} (PDF, PNG)"
        + ("; in build/, LaTeX's own files" if done.pdf else "")
        + f"; from {len(coded)} definitions"
    )


@contextmanager
def _bibliography(bib: Path | None, conn):
    """The user's .bib: --bib, else the BibTeX entries ingested into the store, else None."""
    if bib is not None or conn is None:
        yield bib
        return
    import tempfile

    from analysis.export import write_store_bibliography

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "references.bib"
        yield path if write_store_bibliography(conn, path) else None


@app.command()
def crosstab(
    rows: Annotated[
        str | None,
        typer.Argument(
            help="The scheme whose codes are the rows; the codebook's first single-code scheme."
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Argument(help="The scheme whose codes are the columns; the codebook's second."),
    ] = None,
    input: CodedOption = None,
    db: AgreedOption = None,
    codebook: CodebookOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="File format.")] = (
        TableFormat.all
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to write the tables to.")
    ] = None,
    raw: RawOption = False,
    bib: BibOption = None,
    show: ShowOption = False,
) -> None:
    """Cross-tabulate two schemes: counts with margins, row shares and a test of independence.

    Prints the tables; with --out, writes them instead (and prints them with --show).

    Examples:

        $ defcode crosstab
        $ defcode crosstab school breadth --db review.db --out out/crosstab
    """
    from analysis.export import FORMATS, write_tables
    from analysis.extended import crosstab_tables
    from analysis.show import print_tables
    from analysis.tables import is_bundled
    from corpus.errors import InputError

    book = codebook_for_or_exit(codebook, db)
    _bib_or_exit(bib)
    if rows is None or columns is None:
        others = [n for n in book.single_schemes() if n != rows]
        if rows is None and len(others) >= 2:
            rows, columns = others[:2]
        elif rows is not None and others:
            columns = others[0]
        else:
            fail(
                f"codebook {book.concept!r} has no two schemes of one code per item to "
                "cross-tabulate; name two schemes"
            )
    for name in (rows, columns):
        try:
            scheme = book.scheme(name)
        except ValueError as exc:
            fail(str(exc))
        if scheme.multiple:
            fail(f"scheme {name!r} allows several codes per item; cross-tabulate single codes")
    if rows == columns:
        fail(f"cross-tabulate two different schemes, not {rows!r} with itself")
    if input is None and db is None and not is_bundled(book):
        fail(f"{codebook}: give the coded definitions with --input (a coded CSV) or --db")
    coded, conn = agreed_or_exit(input, db, book, (rows, columns))
    if len(coded) < 2:
        fail(f"{len(coded)} item(s) coded in both {rows!r} and {columns!r}; a table needs 2")
    built = crosstab_tables(coded, book, rows, columns)
    if show or out is None:
        print_tables(built)
    if out is not None:
        formats = FORMATS if format is TableFormat.all else (format.value,)
        try:
            with _bibliography(bib, conn) as references:
                written = write_tables(built, out, formats, references, raw=raw)
        except InputError as exc:
            fail(str(exc))
        typer.echo(f"wrote to {out}/: {_tables_written(len(built), written)}")
