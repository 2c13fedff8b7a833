"""Write tables as CSV, Markdown and LaTeX files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
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


def write_tables(
    tables: Iterable[Table],
    out: str | Path,
    formats: Iterable[Format],
    bibliography: str | Path | None = None,
    *,
    raw: bool = False,
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
        document, and the bibliography is copied beside it as
        ``references.bib`` so that it compiles with pdflatex and bibtex there.
    bibliography : str or Path, optional
        The user's ``.bib`` file; by default that of the tables that cite
        (the paper's for its own 17 definitions). None is written when there
        is neither.
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
    formats, tables = list(formats), list(tables)
    bibliography = bibliography or next((t.bibliography for t in tables if t.bibliography), None)
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
    if "latex" in formats and bibliography is not None:
        bib = out / "references.bib"
        copy_file(bibliography, bib)
        written.append(bib)
    return written


def write_store_bibliography(conn: sqlite3.Connection, path: str | Path) -> int:
    """Write the BibTeX entries ingested into a corpus store as a ``.bib`` file.

    Each document read from a ``.bib`` file is written back under its key
    (``@misc`` with its title, authors, year, DOI and venue), so that a
    report from that store cites the user's works, never the seed paper's.

    Parameters
    ----------
    conn : sqlite3.Connection
        The corpus (and coding) store.
    path : str or Path
        Where to write; nothing is written when the store holds no entries.

    Returns
    -------
    int
        The number of entries written.
    """
    import json

    import bibtexparser
    from bibtexparser.model import Entry, Field

    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not {"documents", "sources"} <= tables:
        return 0
    rows = conn.execute(
        "SELECT d.key, d.title, d.authors, d.year, d.doi, d.metadata FROM documents d "
        "JOIN sources s ON s.id = d.source_id WHERE s.kind = 'bibtex' ORDER BY d.id"
    ).fetchall()
    library = bibtexparser.Library()
    seen: set[str] = set()
    for key, title, authors, year, doi, metadata in rows:
        if key in seen:
            continue
        seen.add(key)
        venue = json.loads(metadata or "{}").get("venue", "")
        fields = [
            Field(name, value)
            for name, value in (
                ("author", authors),
                ("title", title),
                ("year", year),
                ("howpublished", venue),
                ("doi", doi),
            )
            if value
        ]
        library.add(Entry("misc", key, fields))
    if seen:
        write_text(path, bibtexparser.write_string(library))
    return len(seen)
