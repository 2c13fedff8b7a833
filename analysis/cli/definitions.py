"""``defcode definitions``: distinct definitions, each credited to the work that gave it.

The command calls :func:`corpus.definitions.occurrences.build_definitions`,
imported inside it, and writes the stored tables of
:mod:`corpus.definitions.store`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    ConceptOption,
    DbOption,
    RawOption,
    app,
    corpus_or_exit,
    fail,
)


@app.command("definitions")
def definitions_command(
    db: DbOption,
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the distinct definitions (CSV).")
    ],
    occurrences: Annotated[
        Path | None,
        typer.Option("--occurrences", help="Where to write the occurrences (CSV), if wanted."),
    ] = None,
    concept: ConceptOption = "cluster",
    codebook: CodebookOption = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest candidate score taken.")
    ] = 0.5,
    bib: Annotated[
        Path | None,
        typer.Option("--bib", help="A BibTeX file: credit each definition to its entry's key."),
    ] = None,
    raw: RawOption = False,
) -> None:
    """Group the candidate definitions into distinct definitions, each credited to its source.

    Every candidate's definition is read out of its sentence with its
    citation, matched in its document's reference list; repeats are grouped,
    and each distinct definition is credited to the work most of its
    occurrences cite. Writes definition, text, authors, year, page, key,
    occurrences, documents; with --occurrences, one row per candidate: candidate,
    definition, doc, page, start, end, end_page, text, quoted, cited_authors, cited_year,
    cited_page, reference. A reference list that cannot be read is reported
    and the rest goes on. Running it again keeps every definition's id.

    Examples:

        $ defcode definitions --db review.db --out definitions.csv
        $ defcode definitions --db review.db --out defs.csv --occurrences occ.csv --bib refs.bib
    """
    from corpus.definitions import store
    from corpus.definitions.occurrences import build_definitions
    from corpus.errors import InputError
    from corpus.readers.bibliography import load_bibtex
    from corpus.records import write_csv_chunks

    try:
        entries = load_bibtex(bib) if bib is not None else None
    except InputError as exc:
        fail(str(exc))
    conn, name, _ = corpus_or_exit(db, concept, codebook)
    try:
        problems = build_definitions(conn, name, min_score=min_score, bib=entries)
        found = store.definitions(conn, name)
        held = store.occurrences(conn, name)
    finally:
        conn.close()
    try:
        write_csv_chunks(out, [found], empty=True, raw=raw)
        if occurrences is not None:
            write_csv_chunks(occurrences, [held], empty=True, raw=raw)
    except InputError as exc:
        fail(str(exc))
    for line in problems:
        typer.echo(f"error: {line}", err=True)
    unresolved = int(((held.cited_authors != "") & (held.reference == "")).sum())
    typer.echo(
        f"wrote {len(found)} definition(s) of {name!r} to {out}: {len(held)} occurrence(s) in "
        f"{held.doc.nunique()} document(s) with score >= {min_score}, "
        f"{unresolved} citation(s) unresolved, {len(problems)} reference list(s) unread"
    )
