"""Bootstrap intervals, shared by the model's evaluation and the coders' reliability."""

from __future__ import annotations

import numpy as np

__all__ = ["percentile_interval"]


def percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The 95% percentile interval of bootstrap draws: their 2.5th and 97.5th
    percentiles, over the draws with a finite value (NaN if fewer than two)."""
    finite = draws[np.isfinite(draws)]
    if len(finite) < 2:
        return np.nan, np.nan
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)
