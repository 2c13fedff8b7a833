"""Inter-coder reliability: how far coders agree on the codes of the same items.

Ratings come in long format, one row per item and coder. From the counts
``r_ik`` (ratings of item ``i`` in category ``k``, ``r_i`` ratings of item
``i``, ``q`` categories) the coefficients for any number of coders, each
coding any subset of the items, are (Gwet 2014, ch. 2 and 4):

- observed agreement ``p_a``: the mean, over items with two or more ratings,
  of ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``, the share of agreeing
  pairs of ratings (reported as ``percent_agreement``);
- ``pi_k``: the mean, over items with at least one rating, of ``r_ik / r_i``;
- Fleiss' kappa (Fleiss 1971): chance agreement ``p_e = sum_k pi_k**2``;
- Gwet's AC1: ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``;
- either coefficient is ``(p_a - p_e) / (1 - p_e)``.

Krippendorff's alpha (Krippendorff 2011) comes from the ``krippendorff``
package at the chosen level of measurement, with a percentile bootstrap
interval over the items; Cohen's kappa (Cohen 1960) from scikit-learn for
each pair of coders. Only alpha uses the level; the others treat codes as
nominal.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any, Literal, get_args

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from coding.intervals import percentile_interval
from corpus.errors import InputError
from corpus.formulas import restore_frame
from corpus.records import check_cells

__all__ = [
    "pairwise_kappa",
    "per_category",
    "read_ratings",
    "reliability",
    "reliability_matrix",
    "reliability_tables",
    "select_scheme",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)
COLUMNS = ("item", "coder", "value")


def read_ratings(path: str | Path) -> pd.DataFrame:
    """Read a long CSV of ratings: one row per item and coder.

    Cells are read as text, restored from defcode's formula escape (as
    ``codings export`` writes them); an empty ``value`` counts as missing.

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV with columns ``item, coder, value`` and optionally ``scheme``.

    Returns
    -------
    pandas.DataFrame
        The file's columns, ``value`` NaN where it was empty.

    Raises
    ------
    InputError
        Naming the file when it cannot be read or lacks a column.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame = restore_frame(frame)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot read the ratings: {exc}") from exc
    check_cells(frame, str(path))
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(map(repr, missing))}; "
            f"the ratings need columns item, coder, value (found: {', '.join(frame.columns)})"
        )
    return frame.assign(value=frame["value"].str.strip().replace("", np.nan))


def select_scheme(frame: pd.DataFrame, scheme: str | None = None) -> pd.DataFrame:
    """The ratings of one scheme.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings, with or without a ``scheme`` column.
    scheme : str, optional
        The scheme to keep; may be omitted when the ratings hold only one.

    Returns
    -------
    pandas.DataFrame
        The rows of that scheme.

    Raises
    ------
    InputError
        When the scheme is absent, or omitted while several are present.
    """
    schemes = sorted(map(str, pd.unique(frame["scheme"]))) if "scheme" in frame else []
    if scheme is None:
        if len(schemes) > 1:
            raise InputError(
                f"the ratings hold {len(schemes)} schemes ({', '.join(schemes)}); choose one "
                "(--scheme)"
            )
        return frame
    if "scheme" not in frame:
        raise InputError(f"scheme {scheme!r} asked for, but the ratings have no 'scheme' column")
    if scheme not in schemes:
        raise InputError(
            f"no ratings of scheme {scheme!r}; schemes: {', '.join(schemes) or '(none)'}"
        )
    return frame[frame["scheme"] == scheme]


def reliability_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Coders by items: each coder's value for each item.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long ratings with columns ``item, coder, value``; values of any kind,
        NaN (or an empty string) for missing.

    Returns
    -------
    pandas.DataFrame
        Index ``coder``, one column per item, both in order of first
        appearance; NaN where a coder did not code an item.

    Raises
    ------
    InputError
        For a missing column, an empty item or coder, or a coder who coded
        the same item twice.

    Examples
    --------
    >>> long = pd.DataFrame({"item": ["u1", "u1", "u2"], "coder": ["A", "B", "A"],
    ...                      "value": ["x", "y", "x"]})
    >>> reliability_matrix(long)  # doctest: +NORMALIZE_WHITESPACE
    item  u1   u2
    coder
    A      x    x
    B      y  NaN
    """
    ratings = _ratings(frame)
    return ratings.set_index(["coder", "item"])["value"].unstack("item", sort=False)


def pairwise_kappa(frame: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa for every pair of coders, over the items both coded.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long ratings with columns ``item, coder, value``.

    Returns
    -------
    pandas.DataFrame
        Columns ``coder_a, coder_b, n_items, kappa``; ``kappa`` is NaN when the
        pair shares fewer than two items or kappa is undefined (both coders
        gave one and the same code throughout).
    """
    matrix = reliability_matrix(frame)
    rows = []
    for a, b in combinations(matrix.index, 2):
        shared = matrix.loc[[a, b]].dropna(axis=1)
        kappa = np.nan
        if shared.shape[1] >= 2:
            first, second = shared.loc[a].tolist(), shared.loc[b].tolist()
            labels = list(pd.unique(np.array(first + second, dtype=object)))
            kappa = cohen_kappa_score(first, second, labels=labels) if len(labels) > 1 else np.nan
        rows.append((a, b, shared.shape[1], kappa))
    return pd.DataFrame(rows, columns=["coder_a", "coder_b", "n_items", "kappa"])


def per_category(frame: pd.DataFrame) -> pd.DataFrame:
    """Each category's count and specific agreement.

    Specific agreement is ``sum_i r_ik (r_ik - 1) / sum_i r_ik (r_i - 1)``
    over items with two or more ratings: of the pairs of ratings in which one
    rating is ``k``, the share in which the other is ``k`` too.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long ratings with columns ``item, coder, value``.

    Returns
    -------
    pandas.DataFrame
        Index ``category``; columns ``count`` (ratings in the category) and
        ``agreement`` (NaN when the category was never paired).
    """
    counts = _counts(_ratings(frame))
    paired = counts[counts.sum(axis=1) >= 2]
    agree = (paired * (paired - 1)).sum()
    pairs = paired.mul(paired.sum(axis=1) - 1, axis=0).sum()
    return pd.DataFrame(
        {"count": counts.sum(), "agreement": (agree / pairs.where(pairs > 0)).astype(float)}
    ).rename_axis("category")


def reliability(
    frame: pd.DataFrame,
    level: Level = "nominal",
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Agreement among coders: Krippendorff's alpha, Fleiss' kappa, Gwet's AC1 and more.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long ratings with columns ``item, coder, value``; NaN for missing.
    level : {"nominal", "ordinal", "interval", "ratio"}, default="nominal"
        Krippendorff's level of measurement. All but nominal need numeric
        codes; ordinal uses only their order.
    n_boot : int, default=1000
        Bootstrap resamples of the items for alpha's 95% interval; 0 for none.
    seed : int, default=0
        Seed of the bootstrap's random generator.

    Returns
    -------
    dict
        ``level``, ``n_items`` (items with a rating), ``n_paired_items``
        (items with two or more), ``n_coders``, ``n_ratings``, ``categories``,
        ``krippendorff_alpha``, ``krippendorff_alpha_ci95`` (``[low, high]``),
        ``n_boot``, ``fleiss_kappa``, ``gwet_ac1``, ``percent_agreement``,
        ``cohen_kappa_pairs`` (``{"A|B": kappa}``), ``cohen_kappa`` (only with
        exactly two coders) and ``per_category`` (``{category: {"count",
        "agreement"}}``). Undefined values are None, so the dict is JSON-ready.

    Raises
    ------
    InputError
        For bad ratings (see :func:`reliability_matrix`), an unknown level,
        non-numeric codes at a numeric level, or no item with two ratings.

    Examples
    --------
    >>> long = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "coder": ["A", "B"] * 3,
    ...                      "value": ["x", "x", "y", "y", "x", "y"]})
    >>> result = reliability(long, n_boot=0)
    >>> round(result["percent_agreement"], 3), round(result["cohen_kappa"], 3)
    (0.667, 0.4)
    """
    if level not in LEVELS:
        raise InputError(f"level={level!r}; possible values are: {', '.join(LEVELS)}")
    ratings = _ratings(frame, level)
    counts = _counts(ratings)
    if not (counts.sum(axis=1) >= 2).any():
        raise InputError("no item was coded by two or more coders: agreement cannot be measured")
    p_a, fleiss, ac1 = _chance_corrected(counts.to_numpy())
    alpha, interval = _alpha(counts, level, n_boot, seed)
    pairs = pairwise_kappa(ratings)
    kappas = {f"{a}|{b}": _plain(k) for a, b, k in pairs[["coder_a", "coder_b", "kappa"]].values}
    categories = per_category(ratings)
    result = {
        "level": level,
        "n_items": len(counts),
        "n_paired_items": int((counts.sum(axis=1) >= 2).sum()),
        "n_coders": int(ratings["coder"].nunique()),
        "n_ratings": len(ratings),
        "categories": counts.columns.tolist(),
        "krippendorff_alpha": _plain(alpha),
        "krippendorff_alpha_ci95": interval,
        "n_boot": n_boot,
        "fleiss_kappa": _plain(fleiss),
        "gwet_ac1": _plain(ac1),
        "percent_agreement": _plain(p_a),
        "cohen_kappa_pairs": kappas,
        "per_category": {
            category: {"count": int(row["count"]), "agreement": _plain(row["agreement"])}
            for category, row in categories.iterrows()
        },
    }
    if len(kappas) == 1:
        result["cohen_kappa"] = next(iter(kappas.values()))
    return result


def reliability_tables(result: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A :func:`reliability` result as tables to print, keyed by title.

    Returns
    -------
    dict of str to pandas.DataFrame
        The coefficients (index ``statistic``, column ``value``), Cohen's kappa
        per pair of coders (index ``coders``) and the categories (index
        ``category``, columns ``count, agreement``).
    """
    interval = result["krippendorff_alpha_ci95"]
    summary = {
        "items (with two or more ratings)": f"{result['n_items']} ({result['n_paired_items']})",
        "coders": result["n_coders"],
        "ratings": result["n_ratings"],
        f"Krippendorff's alpha ({result['level']})": result["krippendorff_alpha"],
        f"alpha 95% bootstrap interval ({result['n_boot']} resamples)": (
            f"{interval[0]:.3f} to {interval[1]:.3f}" if interval else "-"
        ),
        "Fleiss' kappa": result["fleiss_kappa"],
        "Gwet's AC1": result["gwet_ac1"],
        "percent agreement": result["percent_agreement"],
    }
    if "cohen_kappa" in result:
        summary["Cohen's kappa"] = result["cohen_kappa"]
    pairs = pd.Series(result["cohen_kappa_pairs"], dtype=object).rename_axis("coders")
    categories = pd.DataFrame.from_dict(result["per_category"], orient="index")
    return {
        "Inter-coder reliability": _shown(pd.Series(summary, dtype=object), "statistic", "value"),
        "Cohen's kappa by pair": _shown(pairs, "coders", "kappa"),
        "Categories: specific agreement": _shown(categories, "category"),
    }


def _ratings(frame: pd.DataFrame, level: Level = "nominal") -> pd.DataFrame:
    """The ratings checked, stripped, without missing values, in the level's type."""
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}; "
            "the ratings need columns item, coder, value"
        )
    ratings = frame[list(COLUMNS)].map(lambda v: v.strip() if isinstance(v, str) else v)
    ratings = ratings.replace("", np.nan).reset_index(drop=True)
    problems = [
        f"row {row + 1}: empty {column}"
        for column in ("item", "coder")
        for row in np.flatnonzero(ratings[column].isna())
    ]
    twice = ratings[ratings.duplicated(["item", "coder"], keep=False)]
    problems += [
        f"item {item!r}: coded {len(rows)} times by coder {coder!r} (rows "
        f"{', '.join(str(row + 1) for row in rows.index)})"
        for (item, coder), rows in twice.groupby(["item", "coder"], sort=False)
    ]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the ratings", problems)
    ratings = ratings.dropna(subset=["value"])
    if level == "nominal":
        return ratings
    numbers = pd.to_numeric(ratings["value"], errors="coerce")
    bad = pd.unique(ratings["value"][numbers.isna()])
    if len(bad):
        raise InputError(
            f"level {level!r} needs numeric codes; not numbers: "
            f"{', '.join(map(repr, bad[:5]))}; use level 'nominal' for codes without order"
        )
    return ratings.assign(value=numbers)


def _counts(ratings: pd.DataFrame) -> pd.DataFrame:
    """Items by categories: how many coders gave each item each code (``r_ik``)."""
    return pd.crosstab(ratings["item"], ratings["value"], dropna=False).rename_axis(
        index="item", columns="category"
    )


def _chance_corrected(counts: np.ndarray) -> tuple[float, float, float]:
    """Observed agreement, Fleiss' kappa and Gwet's AC1 from item-by-category counts."""
    per_item = counts.sum(axis=1)
    paired = per_item >= 2
    agreeing = (counts * (counts - 1)).sum(axis=1)[paired]
    p_a = np.mean(agreeing / (per_item[paired] * (per_item[paired] - 1)))
    pi = (counts / per_item[:, None]).mean(axis=0)
    q = counts.shape[1]
    fleiss_pe = np.sum(pi**2)
    ac1_pe = np.sum(pi * (1 - pi)) / (q - 1) if q > 1 else 1.0
    return p_a, _corrected(p_a, fleiss_pe), _corrected(p_a, ac1_pe)


def _corrected(p_a: float, p_e: float) -> float:
    return (p_a - p_e) / (1 - p_e) if p_e < 1 else np.nan


def _alpha(
    counts: pd.DataFrame, level: Level, n_boot: int, seed: int
) -> tuple[float, list[float] | None]:
    """Krippendorff's alpha and its percentile bootstrap interval over paired items."""
    if counts.shape[1] < 2:
        return np.nan, None
    domain = counts.columns.to_numpy() if level != "nominal" else np.arange(counts.shape[1])
    paired = counts[counts.sum(axis=1) >= 2].to_numpy()

    def alpha(rows: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return krippendorff.alpha(
                value_counts=rows, value_domain=domain, level_of_measurement=level
            )

    estimate = alpha(paired)
    rng = np.random.default_rng(seed)
    draws = (alpha(paired[rng.integers(0, len(paired), len(paired))]) for _ in range(n_boot))
    low, high = percentile_interval(np.fromiter(draws, float, n_boot))
    return estimate, None if np.isnan(low) else [low, high]


def _plain(value: Any) -> float | None:
    """A plain float, or None when undefined."""
    return None if value is None or not np.isfinite(value) else float(value)


def _shown(data: pd.Series | pd.DataFrame, index: str, column: str = "value") -> pd.DataFrame:
    """A table for printing: undefined values shown as a dash."""
    frame = data.to_frame(column) if isinstance(data, pd.Series) else data
    return frame.astype(object).where(frame.notna(), "-").rename_axis(index)
