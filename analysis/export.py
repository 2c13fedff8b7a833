"""Write tables as CSV, Markdown and LaTeX files."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Literal

from analysis.latex import latex_document, table_latex
from analysis.tables import Table
from corpus.files import copy_file, make_folder, write_text
from corpus.records import write_csv_chunks

Format = Literal["csv", "md", "latex"]
FORMATS: tuple[Format, ...] = ("csv", "md", "latex")


def table_markdown(table: Table) -> str:
    """Render a table as GitHub-flavoured Markdown, with caption and note."""
    display = table.display().astype(str)
    display = display.apply(lambda col: col.str.replace("|", r"\|").str.replace("\n", " "))
    parts = [f"**{table.caption}**", "", display.to_markdown(index=False)]
    if table.note:
        parts += ["", table.note]
    return "\n".join(parts) + "\n"


def references_path() -> Path:
    """The bibliography of every work the seed paper cites, as shipped with defcode."""
    return Path(str(resources.files("analysis") / "data" / "references.bib"))


def write_tables(
    tables: Iterable[Table], out: str | Path, formats: Iterable[Format], *, raw: bool = False
) -> list[Path]:
    """Write each table in each format under ``out``, each file whole or not at all.

    Parameters
    ----------
    tables : iterable of Table
        The tables; each is written as ``<name>.csv``, ``<name>.md`` and
        ``<name>.tex``.
    out : str or Path
        The folder, created when missing.
    formats : iterable of {"csv", "md", "latex"}
        Which files to write. With ``"latex"``, each ``.tex`` is a whole
        document, and ``references.bib`` is copied beside it so that it
        compiles with pdflatex and bibtex there.
    raw : bool, default=False
        Write CSV cells as they are; by default a cell that a spreadsheet
        would run as a formula gets a leading ``'`` (see :mod:`corpus.formulas`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        When a file or the folder cannot be written.
    """
    out = make_folder(out)
    formats = list(formats)
    written: list[Path] = []
    for table in tables:
        if "csv" in formats:
            path = out / f"{table.name}.csv"
            write_csv_chunks(path, [table.data], empty=True, raw=raw)
            written.append(path)
        if "md" in formats:
            path = out / f"{table.name}.md"
            write_text(path, table_markdown(table))
            written.append(path)
        if "latex" in formats:
            path = out / f"{table.name}.tex"
            body = table_latex(table)
            if table.number is not None:
                body = f"\\setcounter{{table}}{{{table.number - 1}}}\n{body}"
            write_text(path, latex_document(body))
            written.append(path)
    if "latex" in formats:
        bib = out / "references.bib"
        copy_file(references_path(), bib)
        written.append(bib)
    return written
