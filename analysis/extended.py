"""Tables the paper could not show: cross-tabulation, timeline, keyword marks, agreement.

Each function takes coded definitions (columns ``key`` or ``id``, ``authors,
year, definition`` and one per scheme of the codebook) and returns
:class:`~analysis.tables.Table` objects, ready for
:func:`analysis.export.write_tables` and the report. Names, captions and
headers come from the codebook; its ``report`` section may word them otherwise
(:func:`analysis.tables.worded`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from analysis.agreement import agreement, loo_proposals, store_agreement
from analysis.crosstab import crosstab, independence_test, shares
from analysis.tables import TEXT_WIDTH, Table, seed_bibliography, worded
from analysis.timeline import timeline
from coding.codebook import Codebook, Scheme
from coding.determinants import mark_determinants, marked_schemes
from coding.model import Model


def scheme_pairs(codebook: Codebook) -> list[tuple[str, str]]:
    """Every pair of single-code schemes, in codebook order: what the report cross-tabulates."""
    names = codebook.single_schemes()
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]


def primary_scheme(codebook: Codebook) -> Scheme:
    """The codebook's first single-code scheme: timelines and marks are split by it.

    Raises
    ------
    ValueError
        When every scheme allows several codes per item.
    """
    names = codebook.single_schemes()
    if not names:
        raise ValueError(f"codebook {codebook.concept!r} has no scheme of one code per item")
    return codebook.scheme(names[0])


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A counts table with its index as the first column, named as the index was."""
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame.reset_index()


def crosstab_tables(
    coded: pd.DataFrame, codebook: Codebook, rows: str | None = None, columns: str | None = None
) -> list[Table]:
    """Counts and row shares of two schemes, with a test of their independence.

    ``rows`` and ``columns`` default to the codebook's first two single-code schemes.

    Returns
    -------
    list of Table
        ``<rows>_by_<columns>`` (counts with margins; the test and its caveat
        in the note), ``<rows>_by_<columns>_shares`` (row shares),
        ``<rows>_by_<columns>_column_shares`` and ``<rows>_by_<columns>_test``
        (the test's figures).
    """
    if rows is None or columns is None:
        pairs = scheme_pairs(codebook)
        if not pairs:
            raise ValueError(
                f"codebook {codebook.concept!r} has fewer than two schemes of one code per item"
            )
        rows, columns = pairs[0]
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
    tables = [
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
    return [worded(table, codebook) for table in tables]


def timeline_table(coded: pd.DataFrame, codebook: Codebook, by: str | None = None) -> Table:
    """Definitions per year by code, every year from the first to the last.

    ``by`` defaults to the codebook's first single-code scheme.
    """
    scheme = codebook.scheme(by) if by else primary_scheme(codebook)
    counts = timeline(coded, scheme.name, order=scheme.codes)
    table = Table(
        name=f"timeline_{scheme.name}",
        data=_with_index(counts),
        caption=f"Definitions per year by {scheme.label.lower()}",
        headers={"year": "Year"} | {c: c for c in [*scheme.codes, "Total"]},
        widths={c: "2cm" for c in scheme.codes},
    )
    return worded(table, codebook)


def keyword_marks(
    coded: pd.DataFrame, codebook: Codebook, scheme: str | None = None
) -> pd.DataFrame:
    """Which categories of a keyword scheme each definition names: a boolean column each.

    Parameters
    ----------
    scheme : str, optional
        The scheme; by default the first the codebook marks (see
        :func:`coding.determinants.marked_schemes`).

    Returns
    -------
    pandas.DataFrame
        Index as ``coded``; columns the scheme's codes and ``matches``.
    """
    marks = mark_determinants(coded["definition"], codebook, scheme)
    marks.index = coded.index
    return marks


def mark_tables(
    coded: pd.DataFrame,
    codebook: Codebook,
    scheme: str | None = None,
    *,
    bibliography: Path | None = None,
) -> list[Table]:
    """Definition by category of a keyword scheme (the matched words), and counts by code.

    Parameters
    ----------
    scheme : str, optional
        The scheme marked; by default the first the codebook marks.
    bibliography : Path, optional
        The ``.bib`` file holding the definitions' ``key`` column: each is
        cited (LaTeX ``\\citet``) rather than named by authors and year.

    Returns
    -------
    list of Table
        ``marks_<scheme>`` (one row per definition, the words that name each
        category) and ``marks_<scheme>_by_<primary>`` (how many definitions of
        each code of the codebook's first single-code scheme name each
        category, with a total row); the bundled codebook calls them
        ``determinants`` and ``determinants_by_school``.
    """
    name = scheme or marked_schemes(codebook)[0]
    chosen, by = codebook.scheme(name), primary_scheme(codebook)
    marks = keyword_marks(coded, codebook, name)
    ident = "key" if "key" in coded else "id"
    words = pd.DataFrame(
        {
            code: [", ".join(found.get(code, [])) for found in marks["matches"]]
            for code in chosen.codes
        },
        index=coded.index,
    )
    # A coding store's distinct definitions have both: the item's id and the cited work's key.
    idents = [c for c in ("id", "key") if c in coded]
    by_definition = pd.concat([coded[[*idents, "authors", "year"]], words], axis=1)
    labels = {c.code: c.label for c in chosen.categories}
    counts = marks[chosen.codes].astype(int).groupby(coded[by.name]).sum()
    counts = counts.reindex(by.codes, fill_value=0)
    counts.loc["Total"] = counts.sum()
    counts.insert(0, "definitions", coded[by.name].value_counts())
    counts.loc["Total", "definitions"] = len(coded)
    counts["definitions"] = counts["definitions"].fillna(0).astype(int)
    share = f"{(TEXT_WIDTH - 2.4) / len(chosen.codes):.2f}cm"
    narrow = f"{(TEXT_WIDTH - 4.5) / len(chosen.codes):.2f}cm"
    if ident != "key":
        bibliography = None
    tables = [
        Table(
            name=f"marks_{name}",
            data=by_definition.reset_index(drop=True),
            caption=f"{chosen.label}: the words of each definition that name them",
            headers={"authors": "Authors"} | labels,
            widths={"authors": "2.4cm"} | {c: share for c in chosen.codes},
            note="Marked by a spaCy PhraseMatcher on lemmas, with the codebook's keywords.",
            cite=ident if bibliography is not None else None,
            small=True,
            bibliography=bibliography,
        ),
        Table(
            name=f"marks_{name}_by_{by.name}",
            data=_with_index(counts.rename_axis(by.name)),
            caption=f"Definitions naming each category of {chosen.label.lower()}, "
            f"by {by.label.lower()}",
            headers={by.name: by.label, "definitions": "Definitions"} | labels,
            widths={by.name: "2.5cm"} | {c: narrow for c in chosen.codes},
            small=True,
        ),
    ]
    return [worded(table, codebook) for table in tables]


def determinant_tables(coded: pd.DataFrame, codebook: Codebook) -> list[Table]:
    """:func:`mark_tables` of the codebook's first keyword scheme.

    The seed paper's own definitions cite the paper's references.
    """
    return mark_tables(coded, codebook, bibliography=seed_bibliography(coded, codebook))


def agreement_tables(
    coded: pd.DataFrame,
    model: Model,
    *,
    shipped: bool = True,
    proposed: pd.DataFrame | None = None,
) -> list[Table]:
    """Leave-one-out model proposals against the codes: kappa and a confusion matrix per scheme.

    ``shipped`` says the model is the one that ships with defcode, for the note;
    ``proposed`` is :func:`analysis.agreement.loo_proposals` of ``coded`` when
    the caller has it already.

    Returns
    -------
    list of Table
        ``agreement`` (per scheme: n, accuracy, Cohen's kappa) and
        ``confusion_<scheme>`` for every scheme of the model.
    """
    proposed = loo_proposals(coded, model) if proposed is None else proposed
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
        f"hyperparameters are the {'shipped ' if shipped else ''}model's.",
    )
    return [summary, *tables]


def store_agreement_table(
    conn: sqlite3.Connection, codebook: Codebook, schemes: list[str], *, shipped: bool = True
) -> Table | None:
    """The model's stored proposals against each coder's current values, per scheme.

    ``shipped`` says the proposals come from the model that ships with defcode.

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
        + (
            "trained on the bundled definitions: for those definitions the agreement is in-sample."
            if shipped
            else "trained: for the definitions it was trained on the agreement is in-sample."
        ),
    )
