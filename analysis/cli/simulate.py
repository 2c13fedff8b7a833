"""``defcode simulate`` (replay a coded set to measure what retraining saves) and the
retraining step of ``defcode codings propose --retrain``.

Thin wrappers around :mod:`coding.model.simulation` and :mod:`coding.model.learning`,
imported inside each function so that ``defcode --help`` starts fast. Errors
go through :mod:`analysis.cli._util` (one ``error:`` line, exit status 1).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli._util import CodebookOption, app, codebook_or_exit, fail, note

if TYPE_CHECKING:
    import sqlite3

    from coding.codebook import Codebook


class ReplayOrder(StrEnum):
    random = "random"
    uncertain = "uncertain"
    confident = "confident"


@app.command()
def simulate(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            help="Coded CSV (id, definition, a column per scheme, as `defcode codings export "
            "--agreed` writes it).",
        ),
    ],
    scheme: Annotated[str, typer.Option("--scheme", help="The scheme to replay.")],
    codebook: CodebookOption = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Orders replayed, each shuffled by its own seed.")
    ] = 10,
    order: Annotated[
        ReplayOrder,
        typer.Option(
            "--order",
            help="random: the shuffled order; uncertain: the least certain proposal next; "
            "confident: the most certain next.",
        ),
    ] = ReplayOrder.random,
    every: Annotated[int, typer.Option("--every", min=1, help="Refit after this many items.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="The same seed replays the same.")] = 0,
    json_: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Draw the learning curve with its band across runs (.png/.pdf)."
        ),
    ] = None,
) -> None:
    """Replay a coded set as a coder would meet it and count the clicks the proposals save.

    Items come one at a time; each proposal is made by a model that has seen
    only the codebook and the items coded before it, refit every --every
    items with a fixed configuration (no search; the bundled model is never
    used). Reports the share of proposals that were the coder's code for
    defcode (retraining), no_retraining (the codebook-only model), majority
    (the most common code so far) and tfidf_lr (TF-IDF + logistic regression
    on the items coded so far), and the accuracy on the items not yet coded
    after each number coded, averaged over runs with their spread.

    Examples:

        $ defcode simulate --input coded.csv --scheme school
        $ defcode simulate --input coded.csv --scheme school --codebook codebook.yaml \\
            --runs 20 --order uncertain --json --plot curve.png
    """
    import json

    from coding.definitions import load_definitions
    from coding.model.simulation import MODELS, as_json, replay
    from corpus.errors import InputError, OutputError

    book = codebook_or_exit(codebook)
    if scheme not in book.schemes:
        fail(
            f"{scheme!r} is not a scheme of codebook {book.concept!r}; schemes: "
            + ", ".join(map(repr, book.schemes))
        )
    try:
        definitions = load_definitions(input, book, [scheme])
        result = replay(
            definitions, book, scheme, runs=runs, order=order.value, every=every, seed=seed
        )
    except InputError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(f"{input}: {exc}")
    if plot is not None:
        from analysis.figures import save_plot
        from analysis.replay_figure import replay_curve

        try:
            save_plot(replay_curve({f"{scheme}, n = {result['n']}": result}), plot)
        except (OutputError, ValueError) as exc:
            fail(str(exc))
        note(f"wrote {plot}")
    if json_:
        typer.echo(json.dumps(as_json(result), indent=2))
        return
    typer.echo(
        f"{scheme}: {result['n']} items, {runs} runs, order {order.value}, refit every {every}; "
        f"median refit {result['fit_seconds'] * 1000:.0f} ms"
    )
    typer.echo("proposals accepted (a click saved), mean over runs (sd, lowest-highest):")
    for model in MODELS:
        spread = result["accepted_spread"][model]
        typer.echo(
            f"  {model:<14} {result['accepted'][model]:.3f} "
            f"({spread['sd']:.3f}, {spread['low']:.3f}-{spread['high']:.3f})"
        )
    curve = result["curve"]
    marks = sorted({0, len(curve) // 4, len(curve) // 2, 3 * len(curve) // 4, len(curve) - 1})
    typer.echo("accuracy on the items not yet coded, by the number coded:")
    for point in (curve[i] for i in marks):
        typer.echo(
            f"  {point['coded']:>5} coded: {point['accuracy']:.3f} "
            f"({point['accuracy_low']:.3f}-{point['accuracy_high']:.3f}); "
            f"codebook only {point['no_retraining']:.3f}"
        )


def retrain_proposals(
    conn: sqlite3.Connection, db: Path, book: Codebook, model: Path | None
) -> None:
    """``codings propose --retrain``: refit on the store's agreed codes and re-propose."""
    from coding.coders.retraining import retrain_store
    from coding.model.learning import describe_model

    if model is not None:
        fail("give --model or --retrain, not both: --retrain fits its own model")
    fitted, stored = retrain_store(conn, book)
    for scheme, reason in fitted.info["notes"].items():
        note(f"{scheme}: proposed {reason}")
    learnt = "; ".join(f"{s}: {n} coded item(s)" for s, n in fitted.info["coded"].items())
    typer.echo(
        f"{db}: stored {stored} proposal(s) for the items not yet agreed on, from a model "
        f"{describe_model(fitted)} ({learnt})"
    )
