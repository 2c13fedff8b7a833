"""The learning curve of a replay (:func:`coding.model.simulation.replay`).

Drawn as the report's figures are.

Accuracy of the current model on the items not yet coded, by the number
coded, its mean across runs as a line and its lowest to highest across runs
as a band; the codebook-only model's accuracy, dashed, for comparison. The
last points, measured on fewer than :data:`FEWEST` items, are left out: one
item more or less right swings them by a fifth or more. One journal column
wide, 8 pt text, Okabe-Ito colours (see :mod:`analysis.figures`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.figures import COLUMN_WIDTH, OKABE_ITO, _figure, _style

__all__ = ["FEWEST", "replay_curve"]

FEWEST = 5
"""The fewest items not yet coded that a point of the curve is measured on."""


def replay_curve(results: Mapping[str, dict[str, Any]], title: str = "") -> Figure:
    """One panel per replay: accuracy on the items not yet coded, by the number coded.

    Parameters
    ----------
    results : mapping of str to dict
        Panel title to a :func:`coding.model.simulation.replay` result (its ``curve``
        and ``runs`` are read).
    title : str, default=""
        Printed above the panels.

    Returns
    -------
    matplotlib.figure.Figure
        One column wide; panels side by side, sharing the accuracy axis.

    Examples
    --------
    >>> curve = [{"coded": k, "accuracy": 0.5 + k / 20, "accuracy_low": 0.4 + k / 20,
    ...           "accuracy_high": 0.6 + k / 20, "no_retraining": 0.5} for k in range(5)]
    >>> figure = replay_curve({"school": {"curve": curve, "runs": 3}})
    >>> figure.axes[0].get_xlabel()
    'Definitions coded'
    """
    if not results:
        raise ValueError("no replay to draw")
    with _style():
        figure = _figure(COLUMN_WIDTH, 2.4 + (0.2 if title else 0))
        axes = figure.subplots(1, len(results), sharey=True, squeeze=False)[0]
        for ax, (name, result) in zip(axes, results.items(), strict=True):
            curve = pd.DataFrame(result["curve"])
            n = int(result.get("n", len(curve)))
            curve = curve[n - curve["coded"] >= min(FEWEST, n)]
            ax.fill_between(
                curve["coded"],
                curve["accuracy_low"],
                curve["accuracy_high"],
                color=OKABE_ITO[0],
                alpha=0.25,
                linewidth=0,
                label=f"lowest to highest of {result['runs']} runs",
            )
            ax.plot(curve["coded"], curve["accuracy"], color=OKABE_ITO[0], label="retrained")
            ax.plot(
                curve["coded"],
                curve["no_retraining"],
                color=OKABE_ITO[1],
                linestyle="--",
                label="codebook only",
            )
            ax.set_title(name)
            ax.set_xlabel("Definitions coded")
            ax.set_ylim(0, 1)
            ax.set_xlim(0, max(int(curve["coded"].max()), 1))
        axes[0].set_ylabel("Accuracy, items not yet coded")
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=2)
        if title:
            figure.suptitle(title, fontweight="bold")
    return figure
