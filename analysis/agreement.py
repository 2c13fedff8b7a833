"""How far the model's proposals agree with the paper's codes and with the coders."""

from __future__ import annotations

import sqlite3

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from coding.coders.store import MODEL_CODER, current
from coding.model import Model
from coding.model.credit import credited_texts
from coding.model.evaluation import confusion, loo_predictions


def agreement(reference: pd.Series, proposed: pd.Series, labels: list[str]) -> dict:
    """Confusion matrix, Cohen's kappa and accuracy of ``proposed`` against ``reference``.

    Only items present in both are compared.

    Returns
    -------
    dict
        ``n``, ``accuracy``, ``kappa`` (None when undefined) and ``confusion``
        (a DataFrame: reference codes as rows, proposed as columns, in
        ``labels`` order).
    """
    both = pd.concat([reference.rename("reference"), proposed.rename("proposed")], axis=1)
    both = both.dropna()
    kappa = None
    if both["reference"].nunique() > 1 or both["proposed"].nunique() > 1:
        kappa = float(cohen_kappa_score(both["reference"], both["proposed"], labels=labels))
    return {
        "n": len(both),
        "accuracy": float((both["reference"] == both["proposed"]).mean()) if len(both) else None,
        "kappa": kappa,
        "confusion": confusion(both["reference"], both["proposed"], labels),
    }


def loo_proposals(definitions: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Leave-one-out proposals for coded definitions, one column per scheme of ``model``.

    Each definition is proposed a code by a clone of the model's classifier
    (same hyperparameters) fitted on the other definitions, so no proposal
    has seen its own definition. The hyperparameters themselves were chosen
    on all of them; `defcode evaluate` gives the fully nested figures.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``definitions``; one column per scheme.
    """
    texts = credited_texts(definitions)
    return pd.DataFrame(
        {
            scheme: loo_predictions(classifier, texts, definitions[scheme])["predicted"]
            for scheme, classifier in model.classifiers.items()
        }
    )


def store_agreement(conn: sqlite3.Connection, scheme: str, labels: list[str]) -> pd.DataFrame:
    """Model proposals against each coder's current values in a coding store.

    Returns
    -------
    pandas.DataFrame
        One row per coder: ``coder, n, accuracy, kappa``; no rows when the
        store holds no proposals.
    """
    coded = current(conn, scheme)
    proposed = coded[coded["coder"] == MODEL_CODER].set_index("item")["value"]
    humans = coded[coded["source"] != "model"] if len(proposed) else coded.iloc[:0]
    rows = []
    for coder, values in humans.groupby("coder"):
        result = agreement(values.set_index("item")["value"], proposed, labels)
        rows.append((coder, result["n"], result["accuracy"], result["kappa"]))
    return pd.DataFrame(rows, columns=["coder", "n", "accuracy", "kappa"])
