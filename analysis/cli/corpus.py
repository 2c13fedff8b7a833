"""``defcode ingest``, ``candidates``, ``detect`` and ``train-detector``: the corpus.

Each command calls :mod:`corpus.ingest`, :mod:`corpus.store` or
:mod:`corpus.finding.detector`, imported inside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    ConceptOption,
    DbOption,
    QuietOption,
    RawOption,
    app,
    concept_terms,
    corpus_or_exit,
    fail,
    progress_bar,
)


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="PDF, text, BibTeX, RIS, CSV files or folders.")
    ],
    db: DbOption,
    concept: ConceptOption = "cluster",
    codebook: CodebookOption = None,
    meta: Annotated[
        Path | None,
        typer.Option(
            "--meta",
            help="CSV of path, key, authors, year: set (or override) documents' metadata; "
            "a relative path is taken from the CSV's folder.",
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Store documents and their pages, and find the sentences that may define the concept.

    A bad file is reported on stderr and skipped; the exit status is 1 when any
    file failed. Files already stored unchanged are skipped (with --meta, their
    authors and year are set). A PDF's year is taken from its first page or
    document information when found (never its creation date). With
    --codebook, the store records that codebook and the coding commands use it;
    a store that records another is refused before anything is read.

    Examples:

        $ defcode ingest papers/ exports/scopus.ris --db review.db
        $ defcode ingest papers/ --db review.db --codebook my-codebook.yaml
    """
    from corpus.errors import InputError
    from corpus.ingest import ingest as run
    from corpus.ingest import read_meta

    name, terms = concept_terms(concept, codebook)
    if codebook is not None:
        _store_codebook(db, codebook, record=False)
    try:
        rows = read_meta(meta) if meta is not None else None
        report = run(
            paths, db, name, terms, progress=progress_bar("ingesting files", quiet), meta=rows
        )
    except InputError as exc:
        fail(str(exc))
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    for line in report.failures:
        typer.echo(f"error: {line}", err=True)
    typer.echo(
        f"{db}: stored {report.stored} file(s): {report.documents} document(s), "
        f"{report.pages} page(s), {report.candidates} candidate sentence(s) for {name!r}; "
        f"{report.unchanged} unchanged; {len(report.failures)} failure(s)"
    )
    if codebook is not None and report.stored + report.unchanged:
        _store_codebook(db, codebook, record=True)
    if report.failures:
        raise typer.Exit(1)


def _store_codebook(db: Path, path: Path, *, record: bool) -> None:
    """Check ``path`` against the codebook the store at ``db`` records; record it if ``record``.

    A corpus searched with a codebook is coded with it: later commands on the
    store use it without --codebook.
    """
    from coding.codebook import load_codebook
    from coding.coders.store import open_store, record_codebook, recorded_codebook
    from corpus.errors import InputError

    if not record and not db.is_file():
        return
    try:
        book = load_codebook(path)
        conn = open_store(db)
        try:
            recorded = recorded_codebook(conn)
            if recorded is not None and recorded.sha256 != book.sha256:
                record_codebook(conn, book)  # raises, naming both codebooks
            if record and recorded is None:
                record_codebook(conn, book)
                typer.echo(f"{db}: recorded codebook {book.describe()} as this store's")
        finally:
            conn.close()
    except InputError as exc:
        fail(f"{db}: {exc}")


@app.command()
def candidates(
    db: DbOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the candidates (CSV).")],
    concept: ConceptOption = "cluster",
    codebook: CodebookOption = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest score kept.")
    ] = 0.5,
    raw: RawOption = False,
) -> None:
    """Write the candidate definitions: id, doc, page, start, end, text, score, rule.

    Examples:

        $ defcode candidates --db review.db --out candidates.csv --min-score 0.7
    """
    from corpus import store
    from corpus.errors import InputError
    from corpus.records import write_csv_chunks

    conn, name, searched = corpus_or_exit(db, concept, codebook)
    try:
        found = store.candidates(conn, name, min_score)
    finally:
        conn.close()
    try:
        write_csv_chunks(out, [found], empty=True, raw=raw)
    except InputError as exc:
        fail(str(exc))
    extra = f" (searched {searched} more document(s) for {name!r})" if searched else ""
    typer.echo(f"wrote {len(found)} candidates with score >= {min_score} to {out}{extra}")


@app.command()
def detect(
    input: Annotated[Path, typer.Option("--input", help="CSV with columns id and text.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write id, is_definition, score.")],
    detector: Annotated[
        Path | None, typer.Option("--detector", help="A saved detector; the shipped DEFT one.")
    ] = None,
    quiet: QuietOption = False,
    raw: RawOption = False,
) -> None:
    """Score sentences with the definition detector (is_definition: score >= its threshold).

    Examples:

        $ defcode detect --input sentences.csv --out scored.csv
    """
    from corpus.errors import InputError
    from corpus.finding.detector import load_detector
    from corpus.records import read_texts, write_csv_chunks

    def scored(model):
        for chunk in progress_bar(f"scoring {input.name} (chunks of 5,000)", quiet)(
            read_texts(input, ("text",))
        ):
            score = model.score(chunk["text"].tolist())
            yield chunk[["id"]].assign(
                is_definition=(score >= model.threshold).astype(int), score=score.round(4)
            )

    try:
        model = load_detector(detector)
        written = write_csv_chunks(out, scored(model), raw=raw)
    except InputError as exc:
        fail(str(exc))
    if not written:
        fail(f"{input}: no sentences to score")
    typer.echo(f"wrote {written} scores to {out} (threshold {model.threshold:.2f})")


@app.command("train-detector")
def train_detector(
    deft: Annotated[
        Path, typer.Option("--deft", help="The DEFT corpus folder (holding train/ and dev/).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the detector.")],
) -> None:
    """Fit the definition detector on DEFT train, choose its threshold on DEFT dev.

    Examples:

        $ defcode train-detector --deft ../shared/data/deft --out detector.zip
    """
    from corpus.errors import InputError, OutputError
    from corpus.finding.detector import train_detector as fit
    from corpus.readers.deft import load_deft

    try:
        sentences = load_deft(deft)
    except InputError as exc:
        fail(str(exc))
    fitted = fit(sentences[sentences.split == "train"], sentences[sentences.split == "dev"])
    try:
        fitted.save(out)
    except OutputError as exc:
        fail(str(exc))
    dev = fitted.info["dev_at_threshold"]
    typer.echo(
        f"wrote {out}: DEFT dev precision {dev['precision']:.3f}, recall {dev['recall']:.3f}, "
        f"F1 {dev['f1']:.3f} at threshold {fitted.threshold:.2f}"
    )
