"""Cross-tabulate two coded schemes and test whether they are independent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Below this expected count in any cell, the chi-square approximation is not trusted.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class IndependenceTest:
    """The result of a test of independence of a contingency table.

    Attributes
    ----------
    test : str
        Which test ran: ``"Fisher's exact test"`` (2 x 2),
        ``"Fisher-Freeman-Halton exact test (Monte Carlo)"`` (larger tables
        with small expected counts) or ``"Pearson's chi-square test"``.
    statistic : float
        The odds ratio (2 x 2 Fisher), the table's probability under
        independence (Fisher-Freeman-Halton) or the chi-square statistic.
    pvalue : float
        The p-value.
    dof : int or None
        Degrees of freedom of the chi-square test.
    min_expected : float
        The smallest expected count under independence.
    n : int
        The number of coded items.
    caveat : str
        What a reader must know before leaning on the p-value.
    """

    test: str
    statistic: float
    pvalue: float
    dof: int | None
    min_expected: float
    n: int
    caveat: str

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-column table, for printing and export."""
        rows = {
            "test": self.test,
            "n": self.n,
            "statistic": round(self.statistic, 4),
            "p-value": round(self.pvalue, 4),
            "degrees of freedom": "-" if self.dof is None else self.dof,
            "smallest expected count": round(self.min_expected, 2),
            "caveat": self.caveat,
        }
        return pd.Series(rows, dtype=object).rename_axis("").to_frame("value")


def crosstab(
    frame: pd.DataFrame,
    rows: str,
    columns: str,
    *,
    row_order: list[str] | None = None,
    column_order: list[str] | None = None,
) -> pd.DataFrame:
    """Counts of ``rows`` by ``columns`` with margins, in codebook order.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per coded item.
    rows, columns : str
        The two schemes (columns of ``frame``).
    row_order, column_order : list of str, optional
        The codes in the order to show them, e.g. the codebook's; codes
        never used keep a row or column of zeros.

    Returns
    -------
    pandas.DataFrame
        Counts, with a ``Total`` row and column.

    Examples
    --------
    >>> coded = pd.DataFrame({"school": ["A", "A", "B"], "breadth": ["N", "B", "N"]})
    >>> crosstab(coded, "school", "breadth", column_order=["B", "N"])
    ... # doctest: +NORMALIZE_WHITESPACE
    breadth  B  N  Total
    school
    A        1  1      2
    B        0  1      1
    Total    1  2      3
    """
    counts = pd.crosstab(frame[rows], frame[columns])
    counts = counts.reindex(
        index=row_order or counts.index, columns=column_order or counts.columns, fill_value=0
    )
    counts.index.name, counts.columns.name = rows, columns
    counts["Total"] = counts.sum(axis=1)
    counts.loc["Total"] = counts.sum(axis=0)
    return counts


def shares(counts: pd.DataFrame, by: str = "row") -> pd.DataFrame:
    """Row or column shares of a :func:`crosstab` table (its margins are 1).

    Parameters
    ----------
    counts : pandas.DataFrame
        A table from :func:`crosstab`, with its ``Total`` margins.
    by : {"row", "column"}
        ``"row"``: each row sums to 1; ``"column"``: each column does.
    """
    if by == "row":
        return counts.div(counts["Total"].replace(0, np.nan), axis=0)
    if by == "column":
        return counts.div(counts.loc["Total"].replace(0, np.nan), axis=1)
    raise ValueError(f"by={by!r}; use 'row' or 'column'")


def independence_test(counts: pd.DataFrame, *, seed: int = 0) -> IndependenceTest:
    """Test whether the two schemes of a :func:`crosstab` table are independent.

    Rows and columns with no items are dropped first. With every expected
    count at least 5, Pearson's chi-square test (scipy); otherwise an exact
    test: Fisher's for a 2 x 2 table, and the Fisher-Freeman-Halton test for
    a larger one, its p-value estimated from 9,999 random tables with the
    same margins.

    Raises
    ------
    ValueError
        When fewer than two rows or columns have items: nothing to test.
    """
    from scipy import stats

    table = counts.drop(index="Total", columns="Total", errors="ignore")
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0].to_numpy()
    if min(table.shape) < 2:
        raise ValueError(
            f"a {table.shape[0]} x {table.shape[1]} table: both schemes need two used codes"
        )
    n = int(table.sum())
    expected = stats.contingency.expected_freq(table)
    smallest = float(expected.min())
    small = int((expected < MIN_EXPECTED).sum())
    if small == 0:
        result = stats.chi2_contingency(table, correction=False)
        return IndependenceTest(
            "Pearson's chi-square test",
            float(result.statistic),
            float(result.pvalue),
            int(result.dof),
            smallest,
            n,
            f"n = {n}; every expected count is at least {MIN_EXPECTED:g}.",
        )
    caveat = (
        f"n = {n}; {small} of {expected.size} cells have an expected count below "
        f"{MIN_EXPECTED:g} (smallest {smallest:.2f}), so the chi-square approximation does "
        "not hold and an exact test is used; with so few items the test has little power, "
        "and a large p-value is no evidence of independence."
    )
    if table.shape == (2, 2):
        result = stats.fisher_exact(table)
        return IndependenceTest(
            "Fisher's exact test",
            float(result.statistic),
            float(result.pvalue),
            None,
            smallest,
            n,
            caveat,
        )
    method = stats.MonteCarloMethod(n_resamples=9999, rng=np.random.default_rng(seed))
    result = stats.fisher_exact(table, method=method)
    # scipy 1.17 returns some r x c results as arrays of one element.
    return IndependenceTest(
        "Fisher-Freeman-Halton exact test (Monte Carlo, 9,999 tables)",
        float(np.ravel(result.statistic)[0]),
        float(np.ravel(result.pvalue)[0]),
        None,
        smallest,
        n,
        caveat,
    )
