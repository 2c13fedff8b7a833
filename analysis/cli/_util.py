"""What every ``defcode`` command shares: the app, failing with one line, opening inputs.

``app`` is the ``defcode`` command; each module of :mod:`analysis.cli` adds its
commands to it. A command that cannot go on prints ``error: <message>`` on
stderr and exits with status 1, with no traceback. Heavy modules are imported
inside each function, so that ``defcode --help`` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from analysis.cli._help import UnixHelpGroup

if TYPE_CHECKING:
    import sqlite3

    from coding.codebook import Codebook


def fail(message: str) -> NoReturn:
    """Print ``message`` on stderr and exit with status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def note(message: str) -> None:
    """Print ``note: <message>`` on stderr: something done without being asked."""
    typer.echo(f"note: {message}", err=True)


def codebook_or_exit(path: Path | None) -> Codebook:
    """The codebook at ``path`` (the bundled one when None, saying so), or exit with the error."""
    from coding.codebook import load_codebook
    from corpus.errors import InputError

    try:
        book = load_codebook(path)
    except InputError as exc:
        fail(str(exc))
    if path is None:
        note(f"using the bundled codebook {book.concept!r}; give --codebook FILE for your own")
    return book


def store_codebook_or_exit(
    conn: sqlite3.Connection, db: Path, path: Path | None, *, record: bool | None = None
) -> Codebook:
    """The codebook a coding store is coded with, or exit with the error.

    The store's recorded codebook, checked against ``path`` when one is given;
    on a store that records none, the codebook at ``path`` or the bundled one,
    recorded as the store's (see :func:`coding.coders.store.store_codebook`). What
    was done unasked (the bundled codebook used, a codebook recorded) is
    printed as a note on stderr.
    """
    from coding.codebook import load_codebook
    from coding.coders.store import store_codebook
    from corpus.errors import InputError

    try:
        given = load_codebook(path) if path is not None else None
    except InputError as exc:
        fail(str(exc))
    try:
        book, notes = store_codebook(conn, given, record=record)
    except InputError as exc:
        fail(f"{db}: {exc}")
    for line in notes:
        note(f"{db}: {line}" if line.startswith("recorded") else line)
    return book


def codebook_for_or_exit(codebook: Path | None, db: Path | None) -> Codebook:
    """With ``db`` the store's codebook (checked against ``codebook``), else ``codebook``'s."""
    if db is None:
        return codebook_or_exit(codebook)
    conn = store_or_exit(db, existing=True)
    try:
        return store_codebook_or_exit(conn, db, codebook)
    finally:
        conn.close()


def store_or_exit(db: Path, *, existing: bool = False) -> sqlite3.Connection:
    """Open the coding store at ``db``, or exit with the error.

    A missing store is created, unless ``existing``: commands that only read
    a store fail with "no such coding store" instead.
    """
    from coding.coders.store import open_store
    from corpus.errors import InputError

    if existing and not db.is_file():
        fail(f"{db}: no such coding store")
    try:
        return open_store(db)
    except InputError as exc:
        fail(str(exc))


app = typer.Typer(
    cls=UnixHelpGroup,
    help="defcode: find, code and tabulate the published definitions of a concept.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """defcode: find, code and tabulate the published definitions of a concept."""


RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="Write CSV cells as they are. By default a cell starting with = + - @ (a "
        "spreadsheet formula) gets a leading ' that defcode strips when it reads the file.",
    ),
]


ConceptOption = Annotated[
    str,
    typer.Option(
        "--concept",
        help="The concept: a bundled codebook's name (its terms are searched), or a word.",
    ),
]
DbOption = Annotated[Path, typer.Option("--db", help="The corpus database (SQLite).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
CodebookOption = Annotated[
    Path | None,
    typer.Option("--codebook", help="Codebook YAML; the bundled cluster codebook when omitted."),
]


def agreed_or_exit(
    input: Path | None, db: Path | None, book: Codebook, schemes: tuple[str, ...] | None
):
    """Coded definitions from a coded CSV (the paper's when None) or a store's agreed codes.

    Returns the definitions and the store's connection (None for a CSV), or
    exits with the error.
    """
    from coding.definitions import load_definitions
    from corpus.errors import InputError

    if input is not None and db is not None:
        fail("give at most one of --input (a coded CSV) and --db (a coding store)")
    if db is None:
        try:
            return load_definitions(input, book, schemes), None
        except InputError as exc:
            fail(str(exc))
    from coding.coders.store import coded_items

    conn = store_or_exit(db, existing=True)
    return coded_items(conn, book, schemes or book.single_schemes()), conn


def progress_bar(label: str, quiet: bool):
    """Wrap an iterable in a rich progress bar on a terminal's stderr.

    The bar is redrawn as items come, not by a thread of its own: a process
    running threads cannot fork children safely, and ingest forks its
    searching child from this process (:meth:`corpus.children.Ahead.fork`).
    """
    import sys

    if quiet or not sys.stderr.isatty():
        return iter
    from rich.progress import track

    return lambda items: track(items, description=label, transient=True, auto_refresh=False)


def concept_terms(concept: str, codebook: Path | None) -> tuple[str, list[str]]:
    """The concept's name and terms: from a codebook, the bundled one of that name, or the word."""
    from coding.codebook import bundled_codebook_path, load_codebook
    from corpus.errors import InputError

    path = codebook
    if path is None and bundled_codebook_path(concept).is_file():
        path = bundled_codebook_path(concept)
    if path is None:
        return concept, [concept]
    try:
        book = load_codebook(path)
    except InputError as exc:
        fail(str(exc))
    return book.concept, list(book.terms) or [book.concept]


def corpus_or_exit(
    db: Path, concept: str, codebook: Path | None
) -> tuple[sqlite3.Connection, str, int]:
    """Open an existing corpus database with every document searched for the concept.

    Returns the connection, the concept's name (see :func:`concept_terms`) and
    how many stored documents were searched for it now; exits with the error
    when ``db`` is missing or not a corpus database.
    """
    from corpus import store
    from corpus.errors import InputError
    from corpus.ingest import scan_stored

    if not db.is_file():
        fail(f"{db}: no such database; create it with `defcode ingest`")
    name, terms = concept_terms(concept, codebook)
    try:
        searched = scan_stored(db, name, terms)
        return store.connect(db), name, searched
    except InputError as exc:
        fail(str(exc))
