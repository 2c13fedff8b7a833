"""``defcode qda``: exchange codebooks and coded projects with other QDA programs.

The commands write and read REFI-QDA codebooks (``.qdc``) and projects
(``.qdpx``), the exchange format of NVivo, ATLAS.ti, MAXQDA and QualCoder.
They are thin wrappers around :mod:`coding.qda.qdc`, :mod:`coding.qda.qdpx_export` and
:mod:`coding.qda.qdpx_import`, imported inside each command so that
``defcode --help`` starts fast. Errors go through :mod:`analysis.cli._util`
(one ``error:`` line, exit status 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    app,
    codebook_or_exit,
    fail,
    store_codebook_or_exit,
    store_or_exit,
)

if TYPE_CHECKING:
    from coding.codebook import Codebook

qda_app = typer.Typer(
    help="Exchange codebooks (.qdc) and coded projects (.qdpx) with NVivo, ATLAS.ti, "
    "MAXQDA and QualCoder (REFI-QDA).",
    no_args_is_help=True,
)
app.add_typer(qda_app, name="qda")

DbOption = Annotated[Path, typer.Option("--db", help="The coding store (SQLite).")]
# coding.qda.qdpx_import's MAX_ENTRY_SIZE and MAX_TOTAL_SIZE in MiB, kept here for a fast --help
# (tests check they agree).
MAX_ENTRY_MIB = 256
MAX_TOTAL_MIB = 1024


def _schemes(book: Codebook) -> str:
    """The codebook's schemes with their numbers of codes, e.g. ``"school (5 codes)"``."""
    return ", ".join(f"{s.name} ({len(s.categories)} codes)" for s in book.schemes.values())


@qda_app.command("export-codebook")
def export_codebook(
    out: Annotated[Path, typer.Option("--out", help="The .qdc file to write.")],
    codebook: CodebookOption = None,
) -> None:
    """Write the codebook as a REFI-QDA codebook: schemes as parent codes, categories below.

    Examples:

        $ defcode qda export-codebook --out cluster.qdc
    """
    from coding.qda.qdc import codebook_to_qdc
    from corpus.errors import OutputError
    from corpus.files import write_bytes

    book = codebook_or_exit(codebook)
    try:
        write_bytes(out, codebook_to_qdc(book))
    except OutputError as exc:
        fail(str(exc))
    codes = sum(len(s.categories) for s in book.schemes.values())
    typer.echo(f"wrote {out}: {len(book.schemes)} schemes, {codes} codes of {book.concept!r}")


@qda_app.command("import-codebook")
def import_codebook(
    file: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc).")],
    out: Annotated[Path, typer.Option("--out", help="The codebook YAML file to write.")],
) -> None:
    """Turn a REFI-QDA codebook into a defcode codebook (YAML).

    Examples:

        $ defcode qda import-codebook theirs.qdc --out codebook.yaml
    """
    from coding.qda.qdc import codebook_to_yaml, qdc_to_codebook
    from corpus.errors import InputError
    from corpus.files import write_text

    try:
        book = qdc_to_codebook(file)
        write_text(out, codebook_to_yaml(book))
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"wrote {out}: codebook {book.concept!r}: {_schemes(book)}")


@qda_app.command("export")
def export(
    db: DbOption,
    out: Annotated[Path, typer.Option("--out", help="The .qdpx file to write.")],
    codebook: CodebookOption = None,
    model: Annotated[
        bool,
        typer.Option("--model", help="Also write the model's proposals (coder defcode-model)."),
    ] = False,
) -> None:
    """Write the items and every coder's decisions as a REFI-QDA project (.qdpx).

    Examples:

        $ defcode qda export --db review.db --out review.qdpx --model
    """
    from coding.qda.qdpx_export import export_project
    from corpus.errors import InputError, OutputError

    conn = store_or_exit(db, existing=True)
    book = store_codebook_or_exit(conn, db, codebook)
    sources = ("human", "import", "model") if model else ("human", "import")
    try:
        report = export_project(conn, out, book, sources=sources)
    except OutputError as exc:
        fail(str(exc))
    except InputError as exc:
        fail(f"{db}: {exc}")
    finally:
        conn.close()
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(
        f"wrote {out}: {report.sources} source(s), {report.items} item(s), {report.decisions} "
        f"decision(s) as {report.codings} coding(s) by {report.users} coder(s), "
        f"{report.notes} note(s)"
    )


@qda_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A REFI-QDA project (.qdpx).")],
    db: DbOption,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook",
            help="Codebook YAML the project's codes map to (by name); when omitted, the "
            "codebook is made from the project's own CodeBook.",
        ),
    ] = None,
    codebook_out: Annotated[
        Path | None,
        typer.Option("--codebook-out", help="Write the codebook the import coded with (YAML)."),
    ] = None,
    max_entry_size: Annotated[
        int,
        typer.Option(
            "--max-entry-size",
            min=1,
            metavar="MIB",
            help="The most MiB one entry of the archive (project.qde, a source's text) may "
            "hold, decompressed.",
        ),
    ] = MAX_ENTRY_MIB,
    max_total_size: Annotated[
        int,
        typer.Option(
            "--max-total-size",
            min=1,
            metavar="MIB",
            help="The most MiB the entries read from the archive may hold together.",
        ),
    ] = MAX_TOTAL_MIB,
) -> None:
    """Store a project's selections as items and its codings as decisions, all or nothing.

    The ``--codebook-out`` file is opened before anything is stored, so that a
    path that cannot be written fails the command with nothing imported. An
    archive entry larger than the limits, broken or encrypted is refused (see
    docs/refi-qda-safety.md). On a store that records a codebook, the
    project's codes map to it; the codebook the import coded with is recorded
    on a store that records none.

    Examples:

        $ defcode qda import coded.qdpx --db review.db --codebook-out their-codebook.yaml
    """
    from contextlib import ExitStack

    from coding.codebook import parse_codebook
    from coding.coders import store
    from coding.qda.qdc import codebook_to_yaml
    from coding.qda.qdpx_import import import_project
    from corpus.errors import InputError
    from corpus.files import atomic_open

    if not file.is_file():
        fail(f"{file}: no such file")
    book = codebook_or_exit(codebook) if codebook is not None else None
    try:
        with ExitStack() as stack:
            kept = None if codebook_out is None else stack.enter_context(atomic_open(codebook_out))
            conn = store_or_exit(db)
            try:
                recorded = store.recorded_codebook(conn)
                if recorded is not None:
                    book = store_codebook_or_exit(conn, db, codebook)
                report = import_project(
                    file,
                    conn,
                    book,
                    max_entry_size=max_entry_size * 2**20,
                    max_total_size=max_total_size * 2**20,
                )
                if recorded is None and len(store.items(conn, removed=True)):
                    used = report.codebook
                    store.record_codebook(
                        conn,
                        used if used.text else parse_codebook(codebook_to_yaml(used), used.path),
                    )
            finally:
                conn.close()
            if kept is not None:
                kept.write(codebook_to_yaml(report.codebook))
    except InputError as exc:
        fail(str(exc))
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    used = report.codebook
    if report.derived:
        typer.echo(f"made codebook {used.concept!r} from the project's CodeBook: " + _schemes(used))
    if codebook_out is not None:
        typer.echo(f"wrote {codebook_out}")
    elif report.derived:
        typer.echo("give --codebook-out FILE to keep that codebook for coding on")
    typer.echo(
        f"{db}: stored {report.items} new item(s) and {report.decisions} decision(s) from "
        f"{report.sources} source(s) and {report.codings} coding(s); "
        f"{report.skipped} decision(s) were already stored"
    )
