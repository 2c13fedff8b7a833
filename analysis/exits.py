"""What every ``defcode`` command shares: failing with one line, and opening inputs or failing.

A command that cannot go on prints ``error: <message>`` on stderr and exits
with status 1, with no traceback. Heavy modules are imported inside each
function, so that ``defcode --help`` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    import sqlite3

    from coding.codebook import Codebook


def fail(message: str) -> NoReturn:
    """Print ``message`` on stderr and exit with status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def codebook_or_exit(path: Path | None) -> Codebook:
    """The codebook at ``path`` (the bundled one when None), or exit with the error."""
    from coding.codebook import load_codebook
    from corpus.errors import InputError

    try:
        return load_codebook(path)
    except InputError as exc:
        fail(str(exc))


def store_or_exit(db: Path, *, existing: bool = False) -> sqlite3.Connection:
    """Open the coding store at ``db``, or exit with the error.

    A missing store is created, unless ``existing``: commands that only read
    a store fail with "no such coding store" instead.
    """
    from coding.store import open_store
    from corpus.errors import InputError

    if existing and not db.is_file():
        fail(f"{db}: no such coding store")
    try:
        return open_store(db)
    except InputError as exc:
        fail(str(exc))
