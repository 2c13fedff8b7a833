"""Retraining while coding: refit on a store's agreed codes and propose for the rest.

The model side is :func:`coding.model.learning.refit`; this module reads the
store's agreed codes and stores the new proposals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from coding.codebook import Codebook
from coding.coders import store
from coding.model import Model
from coding.model.learning import refit

__all__ = ["retrain_store"]


def retrain_store(
    conn: sqlite3.Connection,
    codebook: Codebook,
    schemes: Iterable[str] | None = None,
    *,
    calibrate: bool = True,
) -> tuple[Model, int]:
    """Refit on a store's agreed codes and re-propose every item not yet agreed on.

    The agreed codes (:func:`coding.coders.store.agreed`: adjudicated, else
    unanimous; model proposals never count) are the training data; the
    proposals are stored as the model's decisions (:func:`coding.coders.store.store_proposals`).

    Returns
    -------
    model : Model
    stored : int
        How many proposals were stored.
    """
    schemes = codebook.schemes_to_learn(schemes)
    agreed = store.agreed(conn, codebook, schemes)
    model = refit(agreed, codebook, schemes, calibrate=calibrate)
    return model, store.store_proposals(conn, model, uncoded_only=True)
