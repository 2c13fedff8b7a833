"""The ``defcode`` command line.

Commands are thin wrappers around library functions; heavy libraries are
imported inside them so that ``defcode --help`` starts fast.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis import simulate_command
from analysis.cli_help import UnixHelpGroup
from analysis.exits import codebook_or_exit, fail, note, store_codebook_or_exit, store_or_exit
from analysis.qda_commands import qda_app

if TYPE_CHECKING:
    from coding.codebook import Codebook

app = typer.Typer(
    cls=UnixHelpGroup,
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


RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="Write CSV cells as they are. By default a cell starting with = + - @ (a "
        "spreadsheet formula) gets a leading ' that defcode strips when it reads the file.",
    ),
]


@app.callback()
def main() -> None:
    """defcode: find, code and tabulate the published definitions of a concept."""


BibOption = Annotated[
    Path | None,
    typer.Option(
        "--bib",
        help="Your BibTeX file: written beside the tables as references.bib; rows whose "
        "coded CSV has a 'key' column cite its entries.",
    ),
]


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
            help="Coded CSV (id, authors, year, definition, a column per scheme) to build "
            "Table 2 from, instead of the paper's 17 definitions.",
        ),
    ] = None,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook", help="Codebook YAML; the bundled cluster codebook when omitted."
        ),
    ] = None,
    bib: BibOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the tables.")] = False,
    raw: RawOption = False,
) -> None:
    """Write a codebook's Tables 1 and 2 (and those it ships) as CSV, Markdown and LaTeX.

    With the bundled codebook and no --input: the seed paper's Tables 1-3.

    Examples:

        $ defcode tables --format latex --out out/tables
        $ defcode tables --input coded.csv --codebook codebook.yaml --format md --out out/mine
    """
    from analysis.export import FORMATS, write_tables
    from analysis.tables import paper_tables
    from corpus.errors import InputError

    book = codebook_or_exit(codebook)
    _bib_or_exit(bib)
    formats = FORMATS if format is TableFormat.all else (format.value,)
    try:
        built = paper_tables(input, book, bib)
        written = write_tables(built, out, formats, bib, raw=raw)
    except InputError as exc:
        fail(str(exc))
    if not quiet:
        from analysis.show import print_tables

        print_tables(built)
    typer.echo(f"wrote {len(written)} files to {out}/: " + ", ".join(p.name for p in written))


def _bib_or_exit(bib: Path | None) -> None:
    """Exit with the error when a --bib file is given but cannot be read as BibTeX."""
    if bib is None:
        return
    from corpus.bibliography import load_bibtex
    from corpus.errors import InputError

    try:
        load_bibtex(bib)
    except InputError as exc:
        fail(str(exc))


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


def _coded(
    input: Path | None,
    codebook: Path | None,
    schemes: list[str] | None,
    minimum: int,
    db: Path | None = None,
):
    """The codebook, the coded definitions and the schemes to learn, or exit with the error.

    Named schemes must all be learnable; of the codebook's (when none are
    named), schemes of several codes per item and those that cannot be
    learnt from the definitions are left out with a note. With ``db``, the
    definitions are the store's agreed codes, learnt with its codebook.
    """
    from coding.codebook import load_codebook
    from coding.model import learnable

    book = _codebook_for(codebook, db) if db is not None else codebook_or_exit(codebook)
    if input is None and db is None and book.concept != load_codebook().concept:
        fail(
            f"the bundled definitions are coded with the codebook of {load_codebook().concept!r}, "
            f"not {book.concept!r}: give yours with --input (`defcode codings export --agreed` "
            "writes them from a coding store)"
        )
    try:
        chosen = book.schemes_to_learn(schemes or None)
    except ValueError as exc:
        fail(str(exc))
    if not schemes:
        for name, scheme in book.schemes.items():
            if scheme.multiple:
                note(f"scheme {name!r} takes several codes per item; it is not learnt")
    definitions = _agreed(input, db, book, tuple(schemes) if schemes else None)[0]
    problems = {name: learnable(definitions, name, minimum) for name in chosen}
    source = input or (f"{db} (its agreed codes)" if db else "the bundled definitions")
    for name, problem in problems.items():
        if problem and (schemes or all(problems.values())):
            fail(f"{source}: scheme {name!r}: {problem}")
        if problem:
            note(f"scheme {name!r} is left out: {problem}")
    return book, definitions, [name for name in chosen if not problems[name]]


def _agreed(input: Path | None, db: Path | None, book: Codebook, schemes: tuple[str, ...] | None):
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
    from coding.store import coded_items

    conn = store_or_exit(db, existing=True)
    return coded_items(conn, book, schemes or book.single_schemes()), conn


def _codebook_for(codebook: Path | None, db: Path | None) -> Codebook:
    """With --db the store's codebook (checked against --codebook), else --codebook's."""
    if db is None:
        return codebook_or_exit(codebook)
    conn = store_or_exit(db, existing=True)
    try:
        return store_codebook_or_exit(conn, db, codebook)
    finally:
        conn.close()


InputOption = Annotated[
    Path | None,
    typer.Option(
        "--input",
        help="Coded CSV (id, authors, year, definition, a column per scheme, as "
        "`defcode codings export --agreed` writes it); the paper's 17 definitions when omitted.",
    ),
]
SchemesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--scheme",
        help="A scheme to learn (repeat for several); every scheme of one code per item "
        "when omitted.",
    ),
]
CodebookOption = Annotated[
    Path | None,
    typer.Option("--codebook", help="Codebook YAML; the bundled cluster codebook when omitted."),
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        help="Processes for the grid search (scikit-learn's n_jobs): -1 is one per CPU. "
        "The result does not depend on it.",
    ),
]


@app.command()
def train(
    model: Annotated[Path, typer.Option("--model", help="Where to write the model.")],
    input: InputOption = None,
    codebook: CodebookOption = None,
    scheme: SchemesOption = None,
    jobs: JobsOption = -1,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Learn from a coding store's agreed codes (adjudicated, else unanimous; "
            "model proposals never count) instead of --input.",
        ),
    ] = None,
) -> None:
    """Fit the classifier on coded definitions, one per scheme of the codebook, and save it.

    A scheme whose model cannot tell its codes apart (a degenerate fit) is
    named in a warning; the model is written all the same. With --db, the
    definitions are the store's items with an agreed code in every scheme
    learnt, and the codebook is the store's.

    Examples:

        $ defcode train --model model.zip --input coded.csv --codebook codebook.yaml
        $ defcode train --db review.db --model model.zip
    """
    from coding.model import MIN_DEFINITIONS, save_model
    from coding.model import train as fit
    from corpus.errors import OutputError

    book, definitions, schemes = _coded(input, codebook, scheme, MIN_DEFINITIONS, db)
    fitted = fit(definitions, book, schemes, n_jobs=jobs)
    try:
        save_model(fitted, model)
    except OutputError as exc:
        fail(str(exc))
    for line in fitted.info["warnings"].values():
        typer.echo(f"warning: {line}", err=True)
    chosen = "; ".join(f"{s}: {p}" for s, p in fitted.info["params"].items())
    how = fitted.info["chosen_by"]
    typer.echo(
        f"wrote {model}: a model of {book.concept!r} from {len(definitions)} definitions; "
        f"chosen by {how}: {chosen}"
    )


@app.command()
def classify(
    input: Annotated[Path, typer.Option("--input", help="CSV with id and definition (or text).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the proposals (CSV).")],
    model: Annotated[
        Path | None, typer.Option("--model", help="A model from `defcode train`; the bundled one.")
    ] = None,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook",
            help="The codebook of the definitions: a model of another concept is refused.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    raw: RawOption = False,
) -> None:
    """Propose codes, with confidence and reason, for each definition.

    With --codebook, a model trained for another concept (or another version
    of the codebook) is refused.

    Examples:

        $ defcode classify --input definitions.csv --out proposals.csv
    """
    from coding.codebook import load_codebook
    from coding.model import classify_file
    from corpus.errors import InputError

    try:
        book = load_codebook(codebook) if codebook is not None else None
    except InputError as exc:
        fail(str(exc))
    if model is None:
        bundled = load_codebook().concept
        note(f"using the bundled model of concept {bundled!r}; give --model for your own")
    try:
        progress = _progress(f"classifying {input.name} (chunks of 5,000)", quiet)
        written = classify_file(model, input, out, progress=progress, raw=raw, codebook=book)
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"wrote {written} proposals to {out}")


app.command()(simulate_command.simulate)


@app.command()
def evaluate(
    input: InputOption = None,
    codebook: CodebookOption = None,
    scheme: SchemesOption = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    jobs: JobsOption = -1,
) -> None:
    """Nested leave-one-out evaluation against the majority, TF-IDF+LR and codebook-only baselines.

    Examples:

        $ defcode evaluate
        $ defcode evaluate --input coded.csv --codebook codebook.yaml --json
    """
    import json

    from coding.evaluation import as_json
    from coding.evaluation import evaluate as run
    from coding.model import MIN_DEFINITIONS

    book, definitions, schemes = _coded(input, codebook, scheme, MIN_DEFINITIONS + 1)
    report = run(definitions, book, schemes, n_jobs=jobs, progress=_progress("folds", json_))
    if json_:
        typer.echo(json.dumps(as_json(report), indent=2))
    else:
        from analysis.show import print_evaluation

        print_evaluation(report)


ConceptOption = Annotated[
    str,
    typer.Option(
        "--concept",
        help="The concept: a bundled codebook's name (its terms are searched), or a word.",
    ),
]
DbOption = Annotated[Path, typer.Option("--db", help="The corpus database (SQLite).")]


def _concept(concept: str, codebook: Path | None) -> tuple[str, list[str]]:
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Store documents and their pages, and find the sentences that may define the concept.

    A bad file is reported on stderr and skipped; the exit status is 1 when any
    file failed. Files already stored unchanged are skipped (with --meta, their
    authors and year are set). A PDF's year is taken from its first page or
    document information when found (never its creation date).

    Examples:

        $ defcode ingest papers/ exports/scopus.ris --db review.db
    """
    from corpus.errors import InputError
    from corpus.ingest import ingest as run
    from corpus.ingest import read_meta

    name, terms = _concept(concept, codebook)
    try:
        rows = read_meta(meta) if meta is not None else None
        report = run(
            paths, db, name, terms, progress=_progress("ingesting files", quiet), meta=rows
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
    if report.failures:
        raise typer.Exit(1)


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
    from corpus.ingest import scan_stored
    from corpus.records import write_csv_chunks

    if not db.is_file():
        fail(f"{db}: no such database; create it with `defcode ingest`")
    name, terms = _concept(concept, codebook)
    try:
        searched = scan_stored(db, name, terms)
        conn = store.connect(db)
    except InputError as exc:
        fail(str(exc))
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    raw: RawOption = False,
) -> None:
    """Score sentences with the definition detector (is_definition: score >= its threshold).

    Examples:

        $ defcode detect --input sentences.csv --out scored.csv
    """
    from corpus.detector import load_detector
    from corpus.errors import InputError
    from corpus.records import read_texts, write_csv_chunks

    def scored(model):
        for chunk in _progress(f"scoring {input.name} (chunks of 5,000)", quiet)(
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

    from coding.reliability import read_ratings, reliability_tables, select_scheme
    from coding.reliability import reliability as measure
    from corpus.errors import InputError

    if (input is None) == (db is None):
        fail("give exactly one of --input (a CSV of ratings) and --db (a coding store)")
    book = None
    try:
        if input is not None:
            ratings = read_ratings(input)
            book = codebook_or_exit(codebook) if codebook is not None else None
        else:
            from coding.store import current

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
    from corpus.deft import load_deft
    from corpus.detector import train_detector as fit
    from corpus.errors import InputError, OutputError

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


def _progress(label: str, quiet: bool):
    """Wrap an iterable in a rich progress bar on a terminal's stderr."""
    import sys

    if quiet or not sys.stderr.isatty():
        return iter
    from rich.progress import track

    return lambda items: track(items, description=label, transient=True)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report to.")] = Path(
        "out/report"
    ),
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Coded CSV (id, authors, year, definition, a column per scheme); "
            "the paper's 17 definitions when omitted.",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="A coding store: its agreed (or adjudicated) codes."),
    ] = None,
    codebook: CodebookOption = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A model from `defcode train`: adds its proposals against the codes; "
            "the bundled one with the bundled codebook.",
        ),
    ] = None,
    bib: BibOption = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Build report.pdf.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    raw: RawOption = False,
) -> None:
    """Write every table (CSV, Markdown, LaTeX) and figure (PDF, PNG), and report.tex/.pdf.

    Examples:

        $ defcode report --out out/report
        $ defcode report --db review.db --out out/report --no-pdf
    """
    from analysis.extended import single_schemes
    from analysis.report import write_report
    from analysis.tables import coded_schemes, is_bundled
    from coding.model import load_model
    from corpus.errors import InputError

    book = _codebook_for(codebook, db)
    _bib_or_exit(bib)
    schemes = tuple(single_schemes(book))
    if input is not None:
        try:
            schemes = coded_schemes(input, book)
        except InputError as exc:
            fail(str(exc))
    elif db is None and not is_bundled(book):
        fail(f"{codebook}: give the coded definitions with --input (a coded CSV) or --db")
    coded, conn = _agreed(input, db, book, schemes)
    if len(coded) < 2:
        fail(f"{db or input}: {len(coded)} coded definition(s); a report needs 2")
    try:
        fitted = load_model(model) if model is not None or is_bundled(book) else None
        if fitted is None:
            typer.echo(
                "note: no --model: the report leaves out model proposals "
                "(make a model with `defcode train`)",
                err=True,
            )
        with _bibliography(bib, conn) as references:
            done = write_report(
                coded,
                out,
                book,
                fitted,
                pdf=pdf,
                store=conn,
                progress=_progress("report", quiet),
                raw=raw,
                bibliography=references,
                shipped=model is None,
            )
    except (InputError, RuntimeError) as exc:
        fail(str(exc))
    if done.problem:
        typer.echo(f"warning: {done.problem}", err=True)
    pdf_note = f"; {done.pdf}" if done.pdf else ""
    typer.echo(f"wrote {len(done.files)} files to {out}/ from {len(coded)} definitions{pdf_note}")


@contextmanager
def _bibliography(bib: Path | None, conn):
    """The user's .bib: --bib, else the BibTeX entries ingested into the store, else None."""
    if bib is not None or conn is None:
        yield bib
        return
    import tempfile

    from analysis.export import write_store_bibliography

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "references.bib"
        yield path if write_store_bibliography(conn, path) else None


@app.command()
def crosstab(
    rows: Annotated[
        str | None,
        typer.Argument(
            help="The scheme whose codes are the rows; the codebook's first single-code scheme."
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Argument(help="The scheme whose codes are the columns; the codebook's second."),
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Coded CSV (id, authors, year, definition, a column per scheme); "
            "the paper's 17 definitions when omitted.",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="A coding store: its agreed (or adjudicated) codes."),
    ] = None,
    codebook: CodebookOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="File format.")] = (
        TableFormat.all
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to write the tables to.")
    ] = None,
    raw: RawOption = False,
    bib: BibOption = None,
) -> None:
    """Cross-tabulate two schemes: counts with margins, row shares and a test of independence.

    Examples:

        $ defcode crosstab
        $ defcode crosstab school breadth --db review.db --out out/crosstab
    """
    from analysis.export import FORMATS, write_tables
    from analysis.extended import crosstab_tables, single_schemes
    from analysis.show import print_tables
    from analysis.tables import is_bundled
    from corpus.errors import InputError

    book = _codebook_for(codebook, db)
    _bib_or_exit(bib)
    if rows is None or columns is None:
        others = [n for n in single_schemes(book) if n != rows]
        if rows is None and len(others) >= 2:
            rows, columns = others[:2]
        elif rows is not None and others:
            columns = others[0]
        else:
            fail(
                f"codebook {book.concept!r} has no two schemes of one code per item to "
                "cross-tabulate; name two schemes"
            )
    for name in (rows, columns):
        try:
            scheme = book.scheme(name)
        except ValueError as exc:
            fail(str(exc))
        if scheme.multiple:
            fail(f"scheme {name!r} allows several codes per item; cross-tabulate single codes")
    if rows == columns:
        fail(f"cross-tabulate two different schemes, not {rows!r} with itself")
    if input is None and db is None and not is_bundled(book):
        fail(f"{codebook}: give the coded definitions with --input (a coded CSV) or --db")
    coded, conn = _agreed(input, db, book, (rows, columns))
    if len(coded) < 2:
        fail(f"{len(coded)} item(s) coded in both {rows!r} and {columns!r}; a table needs 2")
    built = crosstab_tables(coded, book, rows, columns)
    print_tables(built)
    if out is not None:
        formats = FORMATS if format is TableFormat.all else (format.value,)
        try:
            with _bibliography(bib, conn) as references:
                written = write_tables(built, out, formats, references, raw=raw)
        except InputError as exc:
            fail(str(exc))
        typer.echo(f"wrote {len(written)} files to {out}/")


codings_app = typer.Typer(
    help="The coding store: items, coders' decisions, their history and adjudication.",
    no_args_is_help=True,
)
app.add_typer(codings_app, name="codings")
app.add_typer(qda_app, name="qda")
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

    Items are registered from --input or --candidates, or, on a store of the
    bundled codebook, as the paper's 17 definitions. The first items
    registered record the store's codebook (--codebook, else the bundled
    one); later commands code with it.

    Examples:

        $ defcode codings items --db review.db
        $ defcode codings items --db review.db --candidates --min-score 0.7
        $ defcode codings items --db review.db --list
    """
    from coding import store

    chosen = [bool(input), from_candidates, list_, bool(remove)]
    if sum(chosen) > 1:
        fail("give one of --input, --candidates, --list and --remove")
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
    _register_items(conn, db, input, from_candidates, min_score, codebook)


def _register_items(conn, db, input, from_candidates, min_score, codebook) -> None:
    """Add items from a CSV, the candidates or the bundled definitions; record the codebook."""
    import pandas as pd

    from coding import store
    from corpus.errors import InputError
    from corpus.records import read_texts

    book = store_codebook_or_exit(conn, db, codebook, record=False)
    try:
        if from_candidates:
            added = store.add_candidate_items(conn, book.concept, min_score)
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
    typer.echo(f"{db}: {added} new item(s) of {book.concept!r}; {total} in all")


def _item_meta(path: Path):
    """The authors and year columns of a CSV of items, where it has them (as text)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame[[c for c in ("authors", "year") if c in frame]].apply(lambda c: c.str.strip())


def _list_items(conn, db: Path) -> None:
    """Print the store's items: id, origin, document, authors, year, decisions, text."""
    from coding import store

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
    from coding import store
    from coding.model import bundled_model_path, load_model
    from corpus.errors import InputError

    conn = store_or_exit(db)
    book = store_codebook_or_exit(conn, db, codebook)
    if retrain:
        from analysis.simulate_command import retrain_proposals

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
    from coding import store
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
    from coding import store
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

    from coding import store
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
    from coding import store
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
    from coding import store

    conn = store_or_exit(db)
    book = store_codebook_or_exit(conn, db, codebook)
    try:
        store.resolve(conn, book, item, scheme, value, adjudicator, note)
    except ValueError as exc:
        fail(f"{item}, {scheme}: {exc}")
    typer.echo(f"{db}: {item} {scheme} adjudicated as {value!r} by {adjudicator}")


def console() -> None:
    """Run the ``defcode`` command, then leave without a slow interpreter teardown.

    At exit the interpreter frees every object spaCy and scikit-learn built,
    running the garbage collector over them again and again: 1 s after a
    command that loaded both. Frozen objects are left to the operating system.
    """
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    console()
