"""``defcode reliability``: inter-coder agreement, from :mod:`coding.coders.reliability`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli._util import (
    app,
    codebook_or_exit,
    fail,
    store_codebook_or_exit,
    store_or_exit,
)


class MeasurementLevel(StrEnum):
    nominal = "nominal"
    ordinal = "ordinal"
    interval = "interval"
    ratio = "ratio"


@app.command()
def reliability(
    input: Annotated[
        Path | None,
        typer.Option("--input", help="Long CSV of ratings: item, coder, value (and scheme)."),
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="A coding store: its coders' current values.")
    ] = None,
    scheme: Annotated[
        str | None, typer.Option("--scheme", help="The scheme, when the ratings hold several.")
    ] = None,
    level: Annotated[
        MeasurementLevel,
        typer.Option("--level", help="Level of measurement for Krippendorff's alpha."),
    ] = MeasurementLevel.nominal,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=0, help="Resamples for alpha's 95% interval.")
    ] = 1000,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook",
            help="Codebook YAML whose schemes the ratings code; with --db, the store's by default.",
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Inter-coder reliability: Krippendorff's alpha, Fleiss' kappa, Gwet's AC1, Cohen's kappa.

    Schemes of several codes per item are not measured (each item's set of
    codes is not one nominal value).

    Examples:

        $ defcode reliability --db review.db --scheme school
        $ defcode reliability --input ratings.csv --level ordinal --json
    """
    import json

    from coding.coders.reliability import read_ratings, reliability_tables, select_scheme
    from coding.coders.reliability import reliability as measure
    from corpus.errors import InputError

    if (input is None) == (db is None):
        fail("give exactly one of --input (a CSV of ratings) and --db (a coding store)")
    book = None
    try:
        if input is not None:
            ratings = read_ratings(input)
            book = codebook_or_exit(codebook) if codebook is not None else None
        else:
            from coding.coders.store import current

            conn = store_or_exit(db, existing=True)
            try:
                book = store_codebook_or_exit(conn, db, codebook)
                ratings = current(conn, sources=("human", "import"))
            finally:
                conn.close()
    except InputError as exc:
        fail(str(exc))
    if book is not None:
        if scheme is not None:
            try:
                book.schemes_to_learn([scheme])
            except ValueError as exc:
                fail(str(exc))
        elif "scheme" in ratings:
            multiple = [n for n, s in book.schemes.items() if s.multiple]
            ratings = ratings[~ratings["scheme"].isin(multiple)]
    try:
        result = measure(select_scheme(ratings, scheme), level.value, n_boot=bootstrap)
    except InputError as exc:
        fail(f"{input or db}: {exc}")
    if json_:
        typer.echo(json.dumps(result, indent=2))
    else:
        from analysis.show import print_frame

        for title, frame in reliability_tables(result).items():
            print_frame(frame, title)
