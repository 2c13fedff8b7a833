"""The seed paper's Tables 1 to 3, rebuilt from the bundled data or a user's codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from coding.codebook import Codebook, load_codebook
from coding.definitions import load_definitions
from corpus.records import read_records


@dataclass(frozen=True)
class Table:
    """A publication table: its data and how to show it.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"table2"``.
    data : pandas.DataFrame
        The cells, with machine-readable column names (written to CSV).
    caption : str
        The table's caption.
    headers : dict of str to str
        Column name to printed header, for Markdown and LaTeX.
    widths : dict of str to str
        Column name to LaTeX column width (e.g. ``"8cm"``); others are ``l``.
    note : str
        A line printed under the table, e.g. its source.
    cite : str or None
        A column of BibTeX keys; when set, LaTeX prints ``\\citet{key}`` in
        place of the ``authors`` and ``year`` cells and the key column is hidden.
    number : int or None
        The table's number in the paper, kept in standalone LaTeX documents.
    small : bool
        Set in a smaller font with narrower column gaps in LaTeX, for wide tables.
    """

    name: str
    data: pd.DataFrame
    caption: str
    headers: dict[str, str]
    widths: dict[str, str] = field(default_factory=dict)
    note: str = ""
    cite: str | None = None
    number: int | None = None
    small: bool = False

    def display(self) -> pd.DataFrame:
        """The cells as printed: authors joined with their year (n.d. when unknown)."""
        frame = self.data.copy()
        if {"authors", "year"} <= set(frame.columns):
            year = frame["year"].astype("string").replace("", pd.NA).fillna("n.d.")
            frame["authors"] = frame["authors"].fillna("") + " (" + year + ")"
        columns = [c for c in self.headers if c in frame.columns]
        return frame[columns].rename(columns=self.headers)


def table1(codebook: Codebook | None = None) -> Table:
    """Table 1: the five dominating schools of clustering.

    Returns
    -------
    Table
        Data columns: school, general_understanding.
    """
    scheme = (codebook or load_codebook()).scheme("school")
    data = pd.DataFrame(
        [(c.code, c.description) for c in scheme.categories],
        columns=["school", "general_understanding"],
    )
    return Table(
        name="table1",
        data=data,
        caption="The five dominating schools of clustering",
        headers={
            "school": "Theoretical schools of clustering",
            "general_understanding": "General understanding of clusters",
        },
        widths={"school": "4.5cm", "general_understanding": "11cm"},
        note="Source: Own compilation.",
        number=1,
    )


def table2(input_csv: str | Path | None = None, codebook: Codebook | None = None) -> Table:
    """Table 2: cluster definitions, their school and breadth.

    Parameters
    ----------
    input_csv : str or Path, optional
        A user's coded CSV (columns ``id, authors, year, definition, school,
        breadth``); the paper's 17 definitions when omitted.
    codebook : Codebook, optional
        The codes allowed; the bundled cluster codebook when omitted.

    Returns
    -------
    Table
        Data columns: key (bundled) or id (user input), authors, year,
        definition, school, breadth.
    """
    return coded_table2(load_definitions(input_csv, codebook), bundled=input_csv is None)


def coded_table2(data: pd.DataFrame, *, bundled: bool = False) -> Table:
    """Table 2 from coded definitions already read (see :func:`table2`).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``key`` or ``id``, ``authors, year, definition, school, breadth``.
    bundled : bool, default=False
        Whether these are the paper's own 17, whose source note is printed.
    """
    return Table(
        name="table2",
        data=data,
        caption="Cluster definitions, cluster schools and broad or narrow cluster definitions",
        headers={
            "authors": "Authors",
            "definition": "Cluster definition",
            "school": "School of clustering",
            "breadth": "Broad or narrow definition",
        },
        widths={"authors": "3cm", "definition": "7.6cm", "school": "3cm", "breadth": "1.6cm"},
        note="Source: Based on Martin and Sunley (2003) and own compilation." if bundled else "",
        cite="key" if "key" in data.columns else None,
        number=2,
    )


def table3() -> Table:
    """Table 3: comparison between clusters and business networks.

    Returns
    -------
    Table
        Data columns: dimension, cluster, business_network (nine rows), and
        discussion: the paper's Section 6 text on that dimension (not printed
        in the table).
    """
    path = resources.files("analysis") / "data" / "table3.csv"
    data = read_records(
        Path(str(path)), required=["dimension", "cluster", "business_network", "discussion"]
    )
    return Table(
        name="table3",
        data=data,
        caption="Comparison between clusters and business networks",
        headers={
            "dimension": "Dimensions",
            "cluster": "Cluster",
            "business_network": "Business network",
        },
        widths={"dimension": "4.5cm", "cluster": "5cm", "business_network": "5cm"},
        note="Source: Own compilation.",
        number=3,
    )


def paper_tables(input_csv: str | Path | None = None) -> list[Table]:
    """Tables 1 to 3, with Table 2 from ``input_csv`` when given."""
    codebook = load_codebook()
    return [table1(codebook), table2(input_csv, codebook), table3()]
