"""Print tables in the terminal with rich."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table as RichTable

from analysis.tables import Table


def print_tables(tables: Iterable[Table], console: Console | None = None) -> None:
    """Print each table with its caption as title and its note as caption."""
    console = console or Console()
    for table in tables:
        display = table.display()
        title = f"Table {table.number}: {table.caption}" if table.number else table.caption
        shown = RichTable(
            title=title,
            caption=table.note or None,
            show_lines=True,
            title_justify="left",
        )
        for column in display.columns:
            shown.add_column(str(column), overflow="fold")
        for row in display.itertuples(index=False):
            shown.add_row(*(str(cell) for cell in row))
        console.print(shown)


def print_frame(frame: pd.DataFrame, title: str, console: Console | None = None) -> None:
    """Print a DataFrame, its index as the first column; floats to three places,
    missing values as a dash."""
    console = console or Console()
    shown = RichTable(title=title, title_justify="left")
    frame = frame.reset_index()
    for column in frame.columns:
        shown.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        shown.add_row(*(_cell(v) for v in row))
    console.print(shown)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.3f}"
    return str(value)


def print_evaluation(report: dict[str, dict[str, Any]], console: Console | None = None) -> None:
    """Print a :func:`coding.model.evaluation.evaluate` report: scores, confusion, calibration."""
    console = console or Console()
    for scheme, part in report.items():
        scores = pd.DataFrame(part["models"]).T.rename_axis("model")
        print_frame(scores, f"{scheme}: leave-one-out, n = {part['n']}", console)
        intervals = part["intervals"]
        print_frame(
            intervals,
            f"{scheme}: Cohen's kappa and defcode's lead over each model, with 95% intervals "
            f"(bootstrap of the {part['n']} items)",
            console,
        )
        confusion = pd.DataFrame(part["confusion"]).T.rename_axis("true \\ predicted")
        print_frame(confusion, f"{scheme}: confusion matrix of defcode", console)
        curve = part["calibration"]
        print_frame(
            curve.set_index("bin"),
            f"{scheme}: reliability of the proposed code's probability "
            f"(ECE {curve.attrs['ece']:.3f}, Brier {curve.attrs['brier']:.3f})",
            console,
        )
