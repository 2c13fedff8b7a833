"""``defcode codebook``: check a codebook, or write a starting one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli._util import app, fail

codebook_app = typer.Typer(help="Check and show codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("validate")
def codebook_validate(
    file: Annotated[Path, typer.Argument(help="A codebook YAML file.")],
) -> None:
    """Check a codebook; name the line and field of every problem.

    Examples:

        $ defcode codebook validate codebook.yaml
    """
    from coding.codebook import load_codebook
    from corpus.errors import InputError

    try:
        book = load_codebook(file)
    except InputError as exc:
        fail(str(exc))
    schemes = ", ".join(f"{s.name} ({len(s.categories)} codes)" for s in book.schemes.values())
    typer.echo(f"{file}: codebook {book.concept!r} is valid: {schemes}")


@codebook_app.command("init")
def codebook_init(
    concept: Annotated[str, typer.Argument(help="The concept whose definitions you will code.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the codebook.")] = Path(
        "codebook.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starting codebook for CONCEPT, every field explained in a comment.

    Examples:

        $ defcode codebook init "business model" --out codebook.yaml
    """
    from coding.codebook import load_codebook, starting_codebook
    from corpus.errors import InputError

    if out.exists() and not force:
        fail(f"{out} exists; give --force to overwrite it")
    if not concept.strip():
        fail("the concept is empty; name it, e.g. `defcode codebook init 'business model'`")
    try:
        out.write_text(starting_codebook(concept), encoding="utf-8")
        book = load_codebook(out)
    except OSError as exc:
        fail(f"{out}: cannot be written ({exc})")
    except InputError as exc:  # a concept YAML cannot hold
        out.unlink(missing_ok=True)
        fail(str(exc))
    typer.echo(
        f"wrote {out}: a codebook of {book.concept!r} with schemes "
        f"{', '.join(book.schemes)}; edit it, then check it with `defcode codebook validate {out}`"
    )
