"""Tables the paper could not show: cross-tabulation, timeline, determinants, agreement.

Each function takes coded definitions (columns ``key`` or ``id``, ``authors,
year, definition, school, breadth``) and returns :class:`~analysis.tables.Table`
objects, ready for :func:`analysis.export.write_tables` and the report.
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from analysis.agreement import agreement, loo_proposals, store_agreement
from analysis.crosstab import crosstab, independence_test, shares
from analysis.tables import Table
from analysis.timeline import timeline
from coding.codebook import Codebook
from coding.determinants import mark_determinants
from coding.model import Model

# Column widths of the definition-by-determinant table, wide enough for the longest words.
_DETERMINANT_WIDTHS = ("1.9cm", "2.1cm", "2cm", "2.4cm", "2cm", "2.3cm")


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A counts table with its index as the first column, named as the index was."""
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame.reset_index()


def crosstab_tables(
    coded: pd.DataFrame, codebook: Codebook, rows: str = "school", columns: str = "breadth"
) -> list[Table]:
    """Counts and row shares of two schemes, with a test of their independence.

    Returns
    -------
    list of Table
        ``<rows>_by_<columns>`` (counts with margins; the test and its caveat
        in the note), ``<rows>_by_<columns>_shares`` (row shares),
        ``<rows>_by_<columns>_column_shares`` and ``<rows>_by_<columns>_test``
        (the test's figures).
    """
    first, second = codebook.scheme(rows), codebook.scheme(columns)
    counts = crosstab(coded, rows, columns, row_order=first.codes, column_order=second.codes)
    test = independence_test(counts)
    name = f"{rows}_by_{columns}"
    headers = {rows: first.label} | {c: c for c in [*second.codes, "Total"]}
    note = (
        f"{test.test}: p = {test.pvalue:.3f}. {test.caveat}"
        if test.pvalue is not None
        else test.caveat
    )
    share_tables = [
        Table(
            name=f"{name}_{prefix}shares",
            data=_with_index(shares(counts, by).round(3)),
            caption=f"{first.label} by {second.label.lower()}: {by} shares",
            headers=headers,
            widths={rows: "6cm"},
        )
        for by, prefix in (("row", ""), ("column", "column_"))
    ]
    return [
        Table(
            name=name,
            data=_with_index(counts),
            caption=f"{first.label} by {second.label.lower()}: counts",
            headers=headers,
            widths={rows: "6cm"},
            note=note,
        ),
        *share_tables,
        Table(
            name=f"{name}_test",
            data=test.to_frame().reset_index(names="statistic"),
            caption=f"Test of independence: {first.label.lower()} and {second.label.lower()}",
            headers={"statistic": "Statistic", "value": "Value"},
            widths={"value": "10cm"},
        ),
    ]


def timeline_table(coded: pd.DataFrame, codebook: Codebook, by: str = "school") -> Table:
    """Definitions per year by code, every year from the first to the last."""
    scheme = codebook.scheme(by)
    counts = timeline(coded, by, order=scheme.codes)
    return Table(
        name=f"timeline_{by}",
        data=_with_index(counts),
        caption=f"Definitions per year by {scheme.label.lower()}",
        headers={"year": "Year"} | {c: c for c in [*scheme.codes, "Total"]},
        widths={c: "2cm" for c in scheme.codes},
    )


def determinant_marks(coded: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Which determinants each definition names: one boolean column per determinant.

    Returns
    -------
    pandas.DataFrame
        Index as ``coded``; columns the determinant codes and ``matches``.
    """
    marks = mark_determinants(coded["definition"], codebook)
    marks.index = coded.index
    return marks


def determinant_tables(coded: pd.DataFrame, codebook: Codebook) -> list[Table]:
    """Definition by determinant (the matched words) and determinants by school.

    Returns
    -------
    list of Table
        ``determinants`` (one row per definition, the words that name each
        determinant) and ``determinants_by_school`` (how many definitions of
        each school name each determinant, with a total row).
    """
    scheme = codebook.scheme("determinant")
    marks = determinant_marks(coded, codebook)
    ident = "key" if "key" in coded else "id"
    words = pd.DataFrame(
        {
            code: [", ".join(found.get(code, [])) for found in marks["matches"]]
            for code in scheme.codes
        },
        index=coded.index,
    )
    by_definition = pd.concat([coded[[ident, "authors", "year"]], words], axis=1)
    labels = {c.code: c.label for c in scheme.categories}
    by_school = marks[scheme.codes].astype(int).groupby(coded["school"]).sum()
    by_school = by_school.reindex(codebook.scheme("school").codes, fill_value=0)
    by_school.loc["Total"] = by_school.sum()
    by_school.insert(0, "definitions", coded["school"].value_counts())
    by_school.loc["Total", "definitions"] = len(coded)
    by_school["definitions"] = by_school["definitions"].fillna(0).astype(int)
    return [
        Table(
            name="determinants",
            data=by_definition.reset_index(drop=True),
            caption="Cluster determinants named by each definition (the words that name them)",
            headers={"authors": "Authors"} | labels,
            widths={"authors": "2.4cm"}
            | dict(zip(scheme.codes, _DETERMINANT_WIDTHS, strict=False)),
            note="Marked by a spaCy PhraseMatcher on lemmas, with the codebook's keywords.",
            cite=ident if ident == "key" else None,
            small=True,
        ),
        Table(
            name="determinants_by_school",
            data=_with_index(by_school.rename_axis("school")),
            caption="Definitions naming each determinant, by school",
            headers={"school": "School", "definitions": "Definitions"} | labels,
            widths={"school": "2.5cm"}
            | {c: "1.75cm" for c in scheme.codes[:-1]}
            | {scheme.codes[-1]: "2.15cm"},
            small=True,
        ),
    ]


def agreement_tables(coded: pd.DataFrame, model: Model) -> list[Table]:
    """Leave-one-out model proposals against the codes: kappa and a confusion matrix per scheme.

    Returns
    -------
    list of Table
        ``agreement`` (per scheme: n, accuracy, Cohen's kappa) and
        ``confusion_<scheme>`` for every scheme of the model.
    """
    proposed = loo_proposals(coded, model)
    rows, tables = [], []
    for scheme in model.classifiers:
        codes = model.codebook.scheme(scheme).codes
        result = agreement(coded[scheme], proposed[scheme], codes)
        kappa = "-" if result["kappa"] is None else round(result["kappa"], 3)
        rows.append((scheme, result["n"], round(result["accuracy"], 3), kappa))
        matrix = result["confusion"].rename_axis(index="code", columns=None).reset_index()
        tables.append(
            Table(
                name=f"confusion_{scheme}",
                data=matrix,
                caption=f"Proposed against given {model.codebook.scheme(scheme).label.lower()}"
                " (rows: given code; columns: proposed)",
                headers={"code": "Given code"} | {c: c for c in codes},
                widths={c: "1.9cm" for c in ["code", *codes]},
            )
        )
    summary = Table(
        name="agreement",
        data=pd.DataFrame(rows, columns=["scheme", "n", "accuracy", "kappa"]),
        caption="Model proposals against the given codes (leave-one-out)",
        headers={"scheme": "Scheme", "n": "n", "accuracy": "Accuracy", "kappa": "Cohen's kappa"},
        note="Each definition is proposed a code by the model refitted without it; the "
        "hyperparameters are the shipped model's.",
    )
    return [summary, *tables]


def store_agreement_table(
    conn: sqlite3.Connection, codebook: Codebook, schemes: list[str]
) -> Table | None:
    """The model's stored proposals against each coder's current values, per scheme.

    Returns
    -------
    Table or None
        ``agreement_coders``: scheme, coder, n, accuracy, Cohen's kappa; None
        when the store holds no proposals for these schemes.
    """
    frames = [
        store_agreement(conn, scheme, codebook.scheme(scheme).codes).assign(scheme=scheme)
        for scheme in schemes
    ]
    data = pd.concat(frames, ignore_index=True)[["scheme", "coder", "n", "accuracy", "kappa"]]
    if data.empty:
        return None
    data[["accuracy", "kappa"]] = data[["accuracy", "kappa"]].astype(float).round(3)
    return Table(
        name="agreement_coders",
        data=data.fillna({"kappa": "-", "accuracy": "-"}),
        caption="Stored model proposals against each coder's current codes",
        headers={
            "scheme": "Scheme",
            "coder": "Coder",
            "n": "n",
            "accuracy": "Accuracy",
            "kappa": "Cohen's kappa",
        },
        note="The proposals are those stored by `defcode codings propose`, from the model "
        "trained on the bundled definitions: for those definitions the agreement is in-sample.",
    )
