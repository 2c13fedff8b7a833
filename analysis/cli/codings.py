"""``defcode codings``: the coding store of :mod:`coding.coders.store`.

Items, coders' decisions, their history and adjudication.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    RawOption,
    app,
    fail,
    store_codebook_or_exit,
    store_or_exit,
)

if TYPE_CHECKING:
    from coding.codebook import Codebook

codings_app = typer.Typer(
    help="The coding store: items, coders' decisions, their history and adjudication.",
    no_args_is_help=True,
)
app.add_typer(codings_app, name="codings")
StoreOption = Annotated[
    Path, typer.Option("--db", help="The coding store (SQLite; may be the corpus database).")
]


@codings_app.command("items")
def codings_items(
    db: StoreOption,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="CSV of items: id and definition (or text); authors and year when known.",
        ),
    ] = None,
    from_candidates: Annotated[
        bool,
        typer.Option("--candidates", help="Register the corpus's candidate definitions."),
    ] = False,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="With --candidates.")
    ] = 0.5,
    from_definitions: Annotated[
        bool,
        typer.Option(
            "--definitions",
            help="Register the corpus's distinct definitions (from `defcode definitions`): "
            "one item each, credited to its work, its occurrences listed with it.",
        ),
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the store's items.")] = False,
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove",
            help="Take this item out of the coding (repeat for several); its decisions stay "
            "in the history.",
        ),
    ] = None,
    note_: Annotated[str, typer.Option("--note", help="Why, with --remove.")] = "",
    codebook: CodebookOption = None,
) -> None:
    """Register, list or remove the items to code.

    Items are registered from --input, --candidates or --definitions, or, on
    a store of the bundled codebook, as the paper's 17 definitions. With
    --definitions, each distinct definition is one item, whose id is the
    definition's, credited to the work that gave it, with every occurrence
    listed; rerun it after `defcode definitions` to add the new ones (items
    registered before stay as they are). The first items registered record
    the store's codebook (--codebook, else the bundled one); later commands
    code with it.

    Examples:

        $ defcode codings items --db review.db
        $ defcode codings items --db review.db --candidates --min-score 0.7
        $ defcode codings items --db review.db --definitions
        $ defcode codings items --db review.db --list
    """
    from coding.coders import store

    chosen = [bool(input), from_candidates, from_definitions, list_, bool(remove)]
    if sum(chosen) > 1:
        fail("give one of --input, --candidates, --definitions, --list and --remove")
    conn = store_or_exit(db, existing=list_ or bool(remove))
    if list_:
        _list_items(conn, db)
        return
    if remove:
        for item in remove:
            try:
                store.remove_item(conn, item, note_)
            except ValueError as exc:
                fail(f"{db}: {exc}")
            kept = len(store.history(conn).query("item == @item"))
            typer.echo(f"{db}: removed item {item!r} (its {kept} decision(s) stay in the history)")
        return
    _register_items(conn, db, input, from_candidates, from_definitions, min_score, codebook)


def _register_items(
    conn, db, input, from_candidates, from_definitions, min_score, codebook
) -> None:
    """Add items from a CSV, the candidates, the distinct definitions or the bundled ones.

    Records the codebook.
    """
    import pandas as pd

    from coding.coders import store
    from corpus.errors import InputError
    from corpus.records import read_texts

    book = store_codebook_or_exit(conn, db, codebook, record=False)
    try:
        if from_candidates:
            _corpus_searched_for(conn, db, book.concept)
            added = store.add_candidate_items(conn, book.concept, min_score)
        elif from_definitions:
            added = store.add_definition_items(conn, book.concept)
        elif input is not None:
            frame = pd.concat(read_texts(input, ("definition", "text"))).reset_index(drop=True)
            frame = frame.join(_item_meta(input))
            added = store.add_items(conn, frame, concept=book.concept, origin="csv")
        else:
            added = store.add_bundled_items(conn, book)
    except (InputError, ValueError) as exc:
        fail(f"{db}: {exc}" if isinstance(exc, ValueError) else str(exc))
    try:
        if len(store.items(conn, removed=True)) and store.record_codebook(conn, book):
            typer.echo(f"{db}: recorded codebook {book.describe()} as this store's")
    except InputError as exc:
        fail(f"{db}: {exc}")
    total = len(store.items(conn))
    found = ""
    if from_definitions:
        held = store.item_occurrences(conn, book.concept)
        found = f" ({len(held)} occurrence(s) in {held['doc'].nunique()} document(s) listed)"
    typer.echo(f"{db}: {added} new item(s) of {book.concept!r}; {total} in all{found}")


def _corpus_searched_for(conn, db: Path, concept: str) -> None:
    """Exit with the error when the corpus was searched, but never for ``concept``."""
    searched = (
        sorted(c for (c,) in conn.execute("SELECT DISTINCT concept FROM scans"))
        if conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scans'"
        ).fetchone()
        else []
    )
    if searched and concept not in searched:
        fail(
            f"{db}: the corpus was searched for {', '.join(map(repr, searched))}, not for "
            f"{concept!r}: give the codebook it was searched with (--codebook FILE), or "
            f"search it for {concept!r} with `defcode ingest`"
        )


def _item_meta(path: Path):
    """The authors and year columns of a CSV of items, where it has them (as text)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame[[c for c in ("authors", "year") if c in frame]].apply(lambda c: c.str.strip())


def _list_items(conn, db: Path) -> None:
    """Print the store's items: id, origin, document, authors, year, decisions, text."""
    from coding.coders import store

    found = store.items(conn, removed=True)
    sources = store.item_sources(conn, found)
    found["authors"] = found["id"].map(sources["authors"])
    found["year"] = found["id"].map(sources["year"]).astype("Int64")
    decided = store.history(conn, sources=["human", "import"]).groupby("item").size()
    found["decisions"] = found["id"].map(decided).fillna(0).astype(int)
    found["text"] = found["text"].str.slice(0, 60)
    kept, removed = found[~found["removed"]], found[found["removed"]]
    columns = ["id", "concept", "origin", "doc", "authors", "year", "decisions", "text"]
    if len(kept):
        typer.echo(kept[columns].to_string(index=False))
    line = f"{db}: {len(kept)} item(s)"
    if len(removed):
        line += f"; {len(removed)} removed: {', '.join(removed['id'])}"
    typer.echo(line)


@codings_app.command("propose")
def codings_propose(
    db: StoreOption,
    model: Annotated[
        Path | None, typer.Option("--model", help="A trained model; the bundled one.")
    ] = None,
    codebook: CodebookOption = None,
    retrain: Annotated[
        bool,
        typer.Option(
            "--retrain",
            help="Refit on the store's agreed codes so far and re-propose every item not "
            "agreed on yet (no --model).",
        ),
    ] = False,
) -> None:
    """Store the model's proposals for every item (source "model").

    The model must have been trained with the store's codebook. With
    --retrain, a model of a fixed configuration is refit on the agreed codes
    so far and proposes for every item not yet agreed on; a scheme with fewer
    coded items than categories is proposed from the codebook alone, and its
    reasons say so.

    Examples:

        $ defcode codings propose --db review.db
        $ defcode codings propose --db review.db --retrain
    """
    from coding.coders import store
    from coding.model import bundled_model_path, load_model
    from corpus.errors import InputError

    conn = store_or_exit(db)
    book = store_codebook_or_exit(conn, db, codebook)
    if retrain:
        from analysis.cli.simulate import retrain_proposals

        retrain_proposals(conn, db, book, model)
        return
    try:
        fitted = load_model(model)
        fitted.check_codebook(book, model or bundled_model_path())
    except InputError as exc:
        fail(str(exc))
    stored = store.store_proposals(conn, fitted)
    typer.echo(f"{db}: stored {stored} proposal(s) from the model of {fitted.describe()}")


@codings_app.command("import")
def codings_import(
    files: Annotated[
        list[Path], typer.Argument(help="CSV files: item, scheme, coder, value[, note].")
    ],
    db: StoreOption,
    codebook: CodebookOption = None,
) -> None:
    """Import coders' decisions, each file whole or not at all.

    A file with any invalid row is rejected and reported on stderr; the
    others are stored. On a store without items and without --codebook, the
    paper's 17 definitions are registered first.

    Examples:

        $ defcode codings import ann.csv bob.csv --db review.db
    """
    from coding.coders import store
    from corpus.errors import InputError

    conn = store_or_exit(db)
    empty = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
    book = store_codebook_or_exit(conn, db, codebook, record=not empty)
    if empty and codebook is None:
        added = store.add_bundled_items(conn, book)
        store.record_codebook(conn, book)
        typer.echo(f"{db}: registered the {added} bundled definitions as items")
    failed = 0
    for file in files:
        try:
            stored = store.import_codings(conn, book, file)
        except InputError as exc:
            failed += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        typer.echo(f"{file}: stored {stored} decision(s)")
    if failed:
        raise typer.Exit(1)


@codings_app.command("export")
def codings_export(
    db: StoreOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV.")],
    history: Annotated[
        bool, typer.Option("--history", help="Every decision ever stored, not just current ones.")
    ] = False,
    raw: RawOption = False,
    agreed: Annotated[
        bool,
        typer.Option(
            "--agreed",
            help="The coded table instead: one row per item (id, authors, year, definition, "
            "a column per scheme) with its agreed codes, as train/report/tables --input read it.",
        ),
    ] = False,
    disagreements: Annotated[
        Path | None,
        typer.Option("--disagreements", help="With --agreed: write the items left out here (CSV)."),
    ] = None,
    codebook: CodebookOption = None,
) -> None:
    """Write each coder's current values (item, scheme, coder, value, note, timestamp).

    With --agreed, write the coded table of the items whose every scheme of
    one code per item has an agreed code (adjudicated, else the one all its
    coders gave); the items left out (coders disagree, or not coded in every
    scheme) are listed on stderr and, with --disagreements, in a CSV.

    Examples:

        $ defcode codings export --db review.db --out codings.csv --history
        $ defcode codings export --db review.db --out coded.csv --agreed
    """
    from coding.coders import store
    from corpus.errors import InputError
    from corpus.records import write_csv_chunks

    if history and agreed:
        fail("give at most one of --history and --agreed")
    if disagreements is not None and not agreed:
        fail("--disagreements goes with --agreed")
    conn = store_or_exit(db, existing=True)
    if agreed:
        book = store_codebook_or_exit(conn, db, codebook)
        _export_agreed(conn, db, book, out, disagreements, raw)
        return
    if history:
        frame = store.history(conn)
    else:
        frame = store.current(conn, sources=["human", "import"])[store.CODING_COLUMNS]
    try:
        write_csv_chunks(out, [frame], empty=True, raw=raw)
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"wrote {len(frame)} decision(s) to {out}")


def _export_agreed(
    conn, db: Path, book: Codebook, out: Path, disagreements: Path | None, raw: bool
) -> None:
    """Write the agreed coded table, and say which items were left out and why."""
    import pandas as pd

    from coding.coders import store
    from corpus.errors import InputError
    from corpus.records import write_csv_chunks

    table = store.agreed(conn, book)
    if table.empty:
        fail(f"{db}: no items of concept {book.concept!r} to export")
    single = book.single_schemes()
    complete = table[single].notna().all(axis=1)
    split = store.disagreements(conn)
    split = split[split["item"].isin(table["id"]) & (split["adjudicated"] == "")]
    disputed = set(split["item"])
    left = table.loc[~complete, ["id", *single]]
    reasons = [
        "coders disagree"
        if item in disputed
        else "not coded in " + ", ".join(name for name in single if pd.isna(row[name]))
        for item, (_, row) in zip(left["id"], left.iterrows(), strict=True)
    ]
    left = pd.DataFrame({"id": left["id"], "reason": reasons})
    if not complete.any():
        fail(
            f"{db}: none of the {len(table)} item(s) of {book.concept!r} has an agreed code in "
            f"every scheme ({', '.join(single)}); nothing was written"
        )
    rows = table[complete].astype({"year": "Int64"})
    detail = split.merge(left, left_on="item", right_on="id", how="right")
    detail = detail.drop(columns="item").rename(columns={"id": "item"})
    try:
        if disagreements is not None:
            write_csv_chunks(disagreements, [detail], empty=True, raw=raw)
        write_csv_chunks(out, [rows], empty=True, raw=raw)
    except InputError as exc:
        fail(str(exc))
    for item, reason in zip(left["id"], left["reason"], strict=True):
        typer.echo(f"left out: {item}: {reason}", err=True)
    typer.echo(
        f"wrote {len(rows)} item(s) with agreed codes of {book.concept!r} to {out}; "
        f"{len(left)} left out"
    )


@codings_app.command("disagreements")
def codings_disagreements(
    db: StoreOption,
    scheme: Annotated[str | None, typer.Option("--scheme", help="Only this scheme.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write them as CSV.")] = None,
    raw: RawOption = False,
    codebook: CodebookOption = None,
) -> None:
    """List the items whose coders disagree, with any adjudicated value.

    Examples:

        $ defcode codings disagreements --db review.db --scheme school
    """
    from coding.coders import store
    from corpus.errors import InputError
    from corpus.records import write_csv_chunks

    conn = store_or_exit(db, existing=True)
    book = store_codebook_or_exit(conn, db, codebook)
    if scheme is not None:
        try:
            book.scheme(scheme)
        except ValueError as exc:
            fail(str(exc))
    frame = store.disagreements(conn, scheme)
    if out is not None:
        try:
            write_csv_chunks(out, [frame], empty=True, raw=raw)
        except InputError as exc:
            fail(str(exc))
        typer.echo(f"wrote {len(frame)} disagreement(s) to {out}")
        return
    typer.echo(frame.to_string(index=False) if len(frame) else "no disagreements")


@codings_app.command("resolve")
def codings_resolve(
    db: StoreOption,
    item: Annotated[str, typer.Option("--item", help="The item's id.")],
    scheme: Annotated[str, typer.Option("--scheme", help="The scheme.")],
    value: Annotated[str, typer.Option("--value", help="The adjudicated code.")],
    adjudicator: Annotated[str, typer.Option("--adjudicator", help="Who decided.")],
    note: Annotated[str, typer.Option("--note", help="Why.")] = "",
    codebook: CodebookOption = None,
) -> None:
    """Record an adjudicated value, kept apart from the coders' own values.

    Examples:

        $ defcode codings resolve --db review.db --item porter1998 --scheme school \\
            --value 'Michael Porter' --adjudicator eve
    """
    from coding.coders import store

    conn = store_or_exit(db)
    book = store_codebook_or_exit(conn, db, codebook)
    try:
        store.resolve(conn, book, item, scheme, value, adjudicator, note)
    except ValueError as exc:
        fail(f"{item}, {scheme}: {exc}")
    typer.echo(f"{db}: {item} {scheme} adjudicated as {value!r} by {adjudicator}")
