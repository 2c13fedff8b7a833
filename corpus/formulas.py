"""CSV cells that a spreadsheet would run as formulas, neutralised as OWASP recommends.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel, LibreOffice and Google Sheets as a formula, so that a
definition such as ``=HYPERLINK("http://x", "y")`` becomes a live link.
defcode writes such a cell with a leading ``'``, which spreadsheets show as
text, and strips it again when it reads the file back.

The escape is reversible: a cell that already starts with ``'`` followed by
one of those characters gets one more ``'``, and reading removes exactly
one. Numbers are left as they are, both in numeric columns and as text
(``-0.5``, ``+3``, ``1e-4``): a spreadsheet reads them as numbers, not formulas.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype

#: Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
TRIGGERS = "=+-@\t\r"

_NEEDS_QUOTE = re.compile(f"'*[{re.escape(TRIGGERS)}]")
_QUOTED = re.compile(f"'+[{re.escape(TRIGGERS)}]")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """``cell`` as it is written to CSV: with a leading ``'`` if it could run as a formula.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("-0.5"), neutralise("- a list item"), neutralise("plain")
    ('-0.5', "'- a list item", 'plain')
    """
    if _NEEDS_QUOTE.match(cell) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """``cell`` as :func:`neutralise` was given it: one leading ``'`` before a trigger removed.

    >>> restore("'=1+1"), restore("''=1+1"), restore("'quoted'"), restore("-0.5")
    ('=1+1', "'=1+1", "'quoted'", '-0.5')
    """
    return cell[1:] if _QUOTED.match(cell) else cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells and column names neutralised for CSV (a copy if any is).

    Columns of numbers, booleans or dates are left as they are.
    """
    return _map_text(frame, neutralise, "'" + TRIGGERS)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name passed through :func:`restore`."""
    return _map_text(frame, restore, "'")


def _map_text(frame: pd.DataFrame, change: Callable[[str], str], starts: str) -> pd.DataFrame:
    """``frame`` with ``change`` applied to each text cell and column name.

    ``change`` leaves alone every text that does not start with one of ``starts``:
    only the cells that do are passed to it, found for a whole column at once.
    """
    names = [change(name) if isinstance(name, str) else name for name in frame.columns]
    changed = {}
    for position, dtype in enumerate(frame.dtypes):
        if is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            column = frame.iloc[:, position]
            may = np.flatnonzero(column.str[:1].isin(list(starts)).to_numpy(dtype=bool))
            if not len(may):
                continue
            values = column.tolist()
            new = list(values)
            for row in may.tolist():
                new[row] = change(values[row])
            if new != values:
                changed[position] = new
    if not changed and names == list(frame.columns):
        return frame
    out = frame.copy()
    for position, new in changed.items():
        out.isetitem(position, new)
    out.columns = names
    return out
