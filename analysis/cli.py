"""The ``defcode`` command line.

Commands are thin wrappers around library functions; heavy libraries are
imported inside them so that ``defcode --help`` starts fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="defcode: find, code and tabulate the published definitions of a concept.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class TableFormat(StrEnum):
    csv = "csv"
    md = "md"
    latex = "latex"
    all = "all"


@app.callback()
def main() -> None:
    """defcode: find, code and tabulate the published definitions of a concept."""


def fail(message: str) -> None:
    """Print ``message`` on stderr and exit with status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


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
            help="Coded CSV (id, authors, year, definition, school, breadth) to build "
            "Table 2 from, instead of the paper's 17 definitions.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the tables.")] = False,
) -> None:
    """Reproduce the paper's Tables 1-3 and write them as CSV, Markdown and LaTeX."""
    from analysis.export import FORMATS, write_tables
    from analysis.tables import paper_tables
    from corpus.errors import InputError

    try:
        built = paper_tables(input)
    except InputError as exc:
        fail(str(exc))
    formats = FORMATS if format is TableFormat.all else (format.value,)
    written = write_tables(built, out, formats)
    if not quiet:
        from analysis.show import print_tables

        print_tables(built)
    typer.echo(f"wrote {len(written)} files to {out}/: " + ", ".join(p.name for p in written))


if __name__ == "__main__":
    app()
