"""Print tables in the terminal with rich."""

from __future__ import annotations

from collections.abc import Iterable

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
