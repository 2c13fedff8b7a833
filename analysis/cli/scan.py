"""``defcode scan``: candidate definitions and proposed codes of many records, on Dask."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analysis.cli._util import QuietOption, app, fail

if TYPE_CHECKING:
    from distributed import Client


@app.command()
def scan(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="CSV files (UTF-8, with a header) or Parquet files or folders."),
    ],
    out: Annotated[Path, typer.Option("--out", help="The folder of Parquet files to write.")],
    text_column: Annotated[
        str, typer.Option("--text-column", help="The column of each record's text.")
    ] = "abstract",
    id_column: Annotated[
        str, typer.Option("--id-column", help="The column of each record's id.")
    ] = "id",
    title_column: Annotated[
        str | None,
        typer.Option(
            "--title-column",
            help="The column of each record's title, searched before its text; by default "
            "'title' when the file has it.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Worker processes of the local cluster; one per CPU."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a running Dask scheduler, e.g. tcp://host:8786, instead of a "
            "local cluster.",
        ),
    ] = None,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook",
            help="The concept's codebook: its terms are searched, a model of another "
            "concept is refused. The model's codebook when omitted.",
        ),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="A model from `defcode train`; the bundled one.")
    ] = None,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest score kept.")
    ] = 0.5,
    partition_size: Annotated[
        str,
        typer.Option("--partition-size", help="Input bytes per partition, e.g. 1MB or 500kB."),
    ] = "1MB",
    force: Annotated[bool, typer.Option("--force", help="Replace the --out folder.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Find candidate definitions in many records and propose their codes, on Dask.

    Reads exports of records (one row per work: id, title, abstract, ...),
    finds candidate definitions in each record's title and abstract as
    `defcode ingest` and `defcode candidates` do, proposes a code per scheme
    with the model, and writes one row per candidate (doc, start, end, text,
    score, rule, and per scheme the code and its confidence) to Parquet files
    in the --out folder. Records with an empty abstract or id are skipped and
    counted. Runs on a local cluster of --workers processes, or on the Dask
    cluster of --scheduler, whose workers need defcode installed and the
    input files at the same paths.

    Examples:

        $ defcode scan scopus.csv --out candidates/
        $ defcode scan works.parquet --out candidates/ --text-column abstract_text --workers 8
        $ defcode scan exports/ --out candidates/ --scheduler tcp://10.0.0.5:8786 --force
    """
    from dask.utils import parse_bytes

    from coding.codebook import load_codebook
    from coding.scan import Columns, peak_memory, plan_scan, run_scan
    from corpus.errors import InputError

    try:
        size = parse_bytes(partition_size)
    except (ValueError, TypeError):
        fail(f"--partition-size {partition_size!r}: not a size such as 4MB or 500kB")
    if size < 1:
        fail(f"--partition-size {partition_size!r}: must be more than 0 bytes")
    title = title_column or "title"
    columns = Columns(id_column, text_column, title, title_required=title_column is not None)
    try:
        book = load_codebook(codebook) if codebook is not None else None
        plan = plan_scan(
            inputs,
            out,
            columns=columns,
            model=model,
            codebook=book,
            min_score=min_score,
            partition_size=size,
            force=force,
        )
        with _client(scheduler, workers) as (client, local):
            report = run_scan(plan, client, _progress(quiet))
            if local:
                report.peak_memory = peak_memory(client)
    except InputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot reach the Dask scheduler {scheduler}: {exc}")
    skipped = f"; skipped {report.no_text} record(s) with no {text_column!r}"
    skipped += f" and {report.no_id} with no {id_column!r}"
    memory = ""
    if report.peak_memory:
        memory = "; workers' peak memory " + ", ".join(
            f"{m / 2**20:,.0f} MB" for m in report.peak_memory
        )
    typer.echo(
        f"wrote {report.candidates} candidate(s) with score >= {min_score} from "
        f"{report.records} record(s) in {report.partitions} partition(s) to {out}"
        f"{skipped}{memory}"
    )


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[tuple[Client, bool]]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers``."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler is not None:
        with Client(scheduler, timeout="30s") as client:
            yield client, False
        return
    with (
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client, True


def _progress(quiet: bool) -> Callable[[int], Callable[[], None]] | None:
    """A rich progress bar of partitions on a terminal's stderr; None when quiet or piped."""
    if quiet or not sys.stderr.isatty():
        return None

    def start(total: int) -> Callable[[], None]:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("scanning partitions", total=total)
        bar.start()

        def step() -> None:
            bar.advance(task)
            if bar.finished:
                bar.stop()

        return step

    return start
