"""Definitions over time: how many each year (or period) by code."""

from __future__ import annotations

import pandas as pd


def timeline(
    frame: pd.DataFrame,
    by: str,
    *,
    order: list[str] | None = None,
    period: int = 1,
) -> pd.DataFrame:
    """Count coded definitions per year or period, one column per code.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per definition, with a ``year`` column and the ``by`` column.
    by : str
        The scheme to split the counts by (a column of ``frame``).
    order : list of str, optional
        The codes in the order to show them (e.g. the codebook's); codes
        never used keep a column of zeros.
    period : int, default=1
        Years per row: 1 gives every year from the first to the last
        (empty years included, so that gaps show); 5 gives 1995-1999,
        2000-2004, and so on.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (int) or ``period`` (e.g. ``"2000-2004"``), one column
        per code, and ``Total``.

    Examples
    --------
    >>> coded = pd.DataFrame({"year": [1996, 1998, 1998], "school": ["A", "B", "A"]})
    >>> timeline(coded, "school")  # doctest: +NORMALIZE_WHITESPACE
    school  A  B  Total
    year
    1996    1  0      1
    1997    0  0      0
    1998    1  1      2
    """
    if period < 1:
        raise ValueError(f"period={period}; it must be a whole number of years >= 1")
    years = pd.to_numeric(frame["year"], errors="raise").astype(int)
    first, last = years.min(), years.max()
    if period == 1:
        keys, index = years, pd.RangeIndex(first, last + 1, name="year")
    else:
        starts = range(first - first % period, last + 1, period)
        labels = {s: f"{s}-{s + period - 1}" for s in starts}
        keys = (years - years % period).map(labels)
        index = pd.Index(list(labels.values()), name="period")
    counts = pd.crosstab(keys.to_numpy(), frame[by].to_numpy())
    counts = counts.reindex(index=index, columns=order or counts.columns, fill_value=0)
    counts.columns.name = by
    counts["Total"] = counts.sum(axis=1)
    return counts
