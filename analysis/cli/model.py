"""``defcode train``, ``classify`` and ``evaluate``: the model of :mod:`coding.model`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli._util import (
    CodebookOption,
    QuietOption,
    RawOption,
    agreed_or_exit,
    app,
    codebook_for_or_exit,
    fail,
    note,
    progress_bar,
)

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


JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        help="Processes for the grid search (scikit-learn's n_jobs): -1 is one per CPU. "
        "The result does not depend on it.",
    ),
]


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

    book = codebook_for_or_exit(codebook, db)
    bundled = load_codebook().concept
    if input is None and db is None and book.concept != bundled:
        fail(
            f"the bundled definitions are coded with the codebook of {bundled!r}, "
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
    definitions, conn = agreed_or_exit(input, db, book, tuple(schemes) if schemes else None)
    if conn is not None:
        conn.close()
    problems = {name: learnable(definitions, name, minimum) for name in chosen}
    source = input or (f"{db} (its agreed codes)" if db else "the bundled definitions")
    for name, problem in problems.items():
        if problem and (schemes or all(problems.values())):
            fail(f"{source}: scheme {name!r}: {problem}")
        if problem:
            note(f"scheme {name!r} is left out: {problem}")
    return book, definitions, [name for name in chosen if not problems[name]]


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
    input: Annotated[
        Path,
        typer.Option("--input", help="CSV with id and definition (or text), optionally authors."),
    ],
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
    quiet: QuietOption = False,
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
        progress = progress_bar(f"classifying {input.name} (chunks of 5,000)", quiet)
        written = classify_file(model, input, out, progress=progress, raw=raw, codebook=book)
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"wrote {written} proposals to {out}")


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

    from coding.model import MIN_DEFINITIONS
    from coding.model.evaluation import as_json
    from coding.model.evaluation import evaluate as run

    book, definitions, schemes = _coded(input, codebook, scheme, MIN_DEFINITIONS + 1)
    report = run(definitions, book, schemes, n_jobs=jobs, progress=progress_bar("folds", json_))
    if json_:
        typer.echo(json.dumps(as_json(report), indent=2))
    else:
        from analysis.show import print_evaluation

        print_evaluation(report)
