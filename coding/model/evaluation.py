"""Honest evaluation of the classifier: nested leave-one-out against baselines.

Every held-out definition is predicted by a model that never saw it: its
vocabulary, prototypes, weights, *hyperparameters and temperature* are chosen
from the other definitions only (the grid search and the calibration run their
own cross-validation inside each fold: leave-one-out too, for training folds of
up to 20 definitions; see :func:`inner_cv`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score
from sklearn.model_selection import BaseCrossValidator, GridSearchCV, KFold, LeaveOneOut
from sklearn.pipeline import make_pipeline

from coding.codebook import Codebook, load_codebook
from coding.intervals import percentile_interval
from coding.model.calibration import TemperatureScaled
from coding.model.classifier import DefinitionClassifier
from coding.model.credit import credited_texts

PARAM_GRID: dict[str, list[Any]] = {
    "C": [1.0, 10.0, 100.0],
    "word_ngrams": [(1, 1), (1, 2)],
    "prototype_weight": [0.0, 3.0],
}


LEAVE_ONE_OUT_UP_TO = 20


def inner_cv(n_items: int) -> BaseCrossValidator:
    """How a training set of ``n_items`` definitions is split to tune and calibrate a model.

    Leave-one-out up to :data:`LEAVE_ONE_OUT_UP_TO` definitions, where every
    item counts; beyond, 5-fold cross-validation (shuffled, seed 0), since
    leave-one-out fits a model per item and candidate: evaluating 200
    definitions would fit about 500,000 models per scheme instead of 13,000.
    """
    if n_items <= LEAVE_ONE_OUT_UP_TO:
        return LeaveOneOut()
    return KFold(5, shuffle=True, random_state=0)


def describe_cv(cv: BaseCrossValidator) -> str:
    """``cv`` in words, e.g. "leave-one-out" or "5-fold cross-validation"."""
    if isinstance(cv, LeaveOneOut):
        return "leave-one-out"
    return f"{cv.get_n_splits()}-fold cross-validation"


def tuned_classifier(
    codebook: Codebook,
    scheme: str,
    param_grid: dict[str, list[Any]] | None = None,
    n_jobs: int | None = None,
    cv: BaseCrossValidator | None = None,
) -> TemperatureScaled:
    """The defcode classifier with its hyperparameters and temperature chosen by cross-validation.

    Fitting it runs the grid search on the data it is given, then fits the
    chosen classifier's temperature to its cross-validated probabilities on
    the same data, so inside an outer cross-validation both see the training
    fold only. ``n_jobs`` is passed to :class:`~sklearn.model_selection.GridSearchCV`:
    the number of processes that fit the grid's candidates. ``cv`` splits the
    data for both (leave-one-out if None; see :func:`inner_cv`).
    """
    cv = LeaveOneOut() if cv is None else cv
    search = GridSearchCV(
        DefinitionClassifier(codebook=codebook, scheme=scheme),
        param_grid if param_grid is not None else PARAM_GRID,
        cv=cv,
        scoring="accuracy",
        n_jobs=n_jobs,
    )
    return TemperatureScaled(search, cv=cv)


def baselines(
    codebook: Codebook | None = None, scheme: str | None = None
) -> dict[str, BaseEstimator]:
    """The baselines the classifier is measured against, each of which can win.

    ``majority`` proposes the most common code; ``tfidf_lr`` is what a reader
    would try first: an untuned TF-IDF and logistic regression on the coded
    definitions alone (classes balanced, as defcode's are; unbalanced, it
    proposes one code for every item of the 17); ``codebook_only`` is
    defcode's fixed classifier fitted on the codebook's text alone
    (:class:`coding.model.learning.CodebookOnly`), the model of a coder who has coded nothing.
    """
    from coding.model.learning import CodebookOnly

    return {
        "majority": DummyClassifier(strategy="most_frequent"),
        "tfidf_lr": make_pipeline(
            TfidfVectorizer(), LogisticRegression(class_weight="balanced", max_iter=1000)
        ),
        "codebook_only": CodebookOnly(codebook=codebook, scheme=scheme),
    }


def loo_predictions(
    model: BaseEstimator,
    X: pd.Series,
    y: pd.Series,
    *,
    on_fold: Callable[[int, BaseEstimator], None] | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] = iter,
) -> pd.DataFrame:
    """Leave-one-out predictions, each from a clone fitted without its item.

    Parameters
    ----------
    model : estimator
        Cloned afresh for every fold.
    X, y : pandas.Series
        Texts and their codes, sharing an index.
    on_fold : callable, optional
        Called with the held-out position and the fitted fold model.
    progress : callable, optional
        Wraps the fold positions, e.g. in a progress bar.

    Returns
    -------
    pandas.DataFrame
        Index as ``X``; columns ``true``, ``predicted`` and one probability
        column per class (when the model has ``predict_proba``).
    """
    rows = []
    for i in progress(range(len(X))):
        train = np.arange(len(X)) != i
        fitted = clone(model).fit(X[train], y[train])
        row = {"true": y.iloc[i], "predicted": fitted.predict(X.iloc[[i]])[0]}
        if hasattr(fitted, "predict_proba"):
            row |= dict(zip(fitted.classes_, fitted.predict_proba(X.iloc[[i]])[0], strict=True))
        rows.append(row)
        if on_fold is not None:
            on_fold(i, fitted)
    return pd.DataFrame(rows, index=X.index).fillna({c: 0.0 for c in set().union(*rows)})


def scores(true: pd.Series, predicted: pd.Series) -> dict[str, float]:
    """Accuracy, Cohen's kappa and macro F1 of predictions against codes."""
    return {
        "accuracy": round(float(accuracy_score(true, predicted)), 4),
        "kappa": round(float(cohen_kappa_score(true, predicted)), 4),
        "macro_f1": round(float(f1_score(true, predicted, average="macro", zero_division=0)), 4),
    }


def confusion(true: pd.Series, predicted: pd.Series, labels: list[str]) -> pd.DataFrame:
    """Confusion matrix with the codebook's codes as row (true) and column labels.

    With no items, all counts are 0 (scikit-learn refuses empty input).
    """
    counts = (
        confusion_matrix(true, predicted, labels=labels)
        if len(true)
        else np.zeros((len(labels), len(labels)), dtype=np.int64)
    )
    return pd.DataFrame(
        counts,
        index=pd.Index(labels, name="true"),
        columns=pd.Index(labels, name="predicted"),
    )


def kappa_intervals(
    predictions: dict[str, pd.DataFrame],
    reference: str = "defcode",
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each model's Cohen's kappa with a 95% bootstrap interval, and ``reference``'s lead.

    The items are drawn with replacement ``n_boot`` times, the same draws for
    every model, so that a lead (the reference's kappa minus the model's) is
    measured on paired items. The intervals are percentile intervals of the
    draws with a defined kappa. They show how much the scores could move with
    other items like these, given the predictions; they do not refit the models.

    Parameters
    ----------
    predictions : dict of str to pandas.DataFrame
        Per model, columns ``true`` and ``predicted`` over the same items, as
        :func:`loo_predictions` gives them.
    reference : str, default="defcode"
        The model whose lead over each other model is measured.
    n_boot : int, default=2000
        Bootstrap draws.
    seed : int, default=0
        Seed of the draws' random generator.

    Returns
    -------
    pandas.DataFrame
        Index ``model``; columns ``kappa``, ``low``, ``high``, ``lead``,
        ``lead_low`` and ``lead_high`` (NaN for the reference itself).
    """
    true = predictions[reference]["true"]
    labels = pd.Index(pd.unique(pd.concat([true, *(p["predicted"] for p in predictions.values())])))
    n = len(true)
    draws = np.vstack([np.arange(n), np.random.default_rng(seed).integers(0, n, (n_boot, n))])
    truth = labels.get_indexer(true)
    kappas = {
        name: _kappas(truth[draws], labels.get_indexer(frame["predicted"])[draws], len(labels))
        for name, frame in predictions.items()
    }
    rows = {}
    for name, values in kappas.items():
        lead = kappas[reference] - values if name != reference else np.full_like(values, np.nan)
        rows[name] = (
            values[0],
            *percentile_interval(values[1:]),
            lead[0],
            *percentile_interval(lead[1:]),
        )
    columns = ["kappa", "low", "high", "lead", "lead_low", "lead_high"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("model")


def _kappas(true: np.ndarray, predicted: np.ndarray, n_labels: int) -> np.ndarray:
    """Cohen's kappa of each row of two arrays of label numbers; NaN where it is undefined.

    The formula of :func:`sklearn.metrics.cohen_kappa_score`, for all rows at
    once: that function takes milliseconds a call, and a bootstrap makes thousands.
    """
    observed = (true == predicted).mean(axis=1)
    share = np.eye(n_labels)
    expected = (share[true].mean(axis=1) * share[predicted].mean(axis=1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)


def reliability_curve(predictions: pd.DataFrame, n_bins: int = 5) -> pd.DataFrame:
    """How often the proposed code is right, by the model's confidence in it.

    Returns
    -------
    pandas.DataFrame
        One row per confidence bin: ``bin``, ``n``, ``mean_confidence``,
        ``accuracy``; ``attrs["ece"]`` holds the expected calibration error
        and ``attrs["brier"]`` the multi-class Brier score.
    """
    probs = predictions.drop(columns=["true", "predicted"])
    confidence = probs.max(axis=1)
    correct = predictions["true"] == predictions["predicted"]
    bins = pd.cut(confidence, np.linspace(0, 1, n_bins + 1), include_lowest=True)
    table = (
        pd.DataFrame({"bin": bins, "confidence": confidence, "correct": correct})
        .groupby("bin", observed=True)
        .agg(
            n=("correct", "size"),
            mean_confidence=("confidence", "mean"),
            accuracy=("correct", "mean"),
        )
        .reset_index()
    )
    table["bin"] = table["bin"].astype(str)
    onehot = pd.get_dummies(predictions["true"]).reindex(columns=probs.columns, fill_value=0)
    table.attrs["ece"] = float(
        (table["n"] * (table["mean_confidence"] - table["accuracy"]).abs()).sum() / len(probs)
    )
    table.attrs["brier"] = float(((probs - onehot.astype(float)) ** 2).sum(axis=1).mean())
    return table


def evaluate(
    definitions: pd.DataFrame,
    codebook: Codebook | None = None,
    schemes: Iterable[str] | None = None,
    *,
    param_grid: dict[str, list[Any]] | None = None,
    n_jobs: int | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] = iter,
) -> dict[str, dict[str, Any]]:
    """Nested leave-one-out evaluation of defcode and the baselines.

    Parameters
    ----------
    definitions : pandas.DataFrame
        Coded definitions: a ``definition`` column and one column per scheme.
    codebook : Codebook, optional
        The bundled cluster codebook when omitted.
    schemes : iterable of str, optional
        The schemes to evaluate; every scheme of one code per item when omitted.
    param_grid : dict, optional
        The hyperparameters searched inside each fold (:data:`PARAM_GRID`).
    n_jobs : int, optional
        Processes for each fold's grid search (see :func:`tuned_classifier`);
        the results are the same whatever the number.
    progress : callable, optional
        Wraps the outer folds of the defcode model, e.g. in a progress bar.

    Returns
    -------
    dict
        Per scheme: ``n``; ``models`` with accuracy, kappa and macro F1 of
        ``defcode`` and the :func:`baselines`; ``confusion`` of defcode
        as ``{true: {predicted: count}}``; and, kept apart for the printed
        report, ``predictions`` (a DataFrame), ``calibration`` and
        ``intervals`` (:func:`kappa_intervals`).

    Raises
    ------
    ValueError
        For a scheme of several codes per item, one not in the codebook, or
        one with a single code or too few coded definitions: one more than
        :func:`coding.model.learnable` asks, as each fold leaves one out.
    """
    from coding.model import MIN_DEFINITIONS, learnable

    codebook = codebook or load_codebook()
    schemes = codebook.schemes_to_learn(schemes)
    for scheme in schemes:
        problem = learnable(definitions, scheme, MIN_DEFINITIONS + 1)
        if problem:
            raise ValueError(f"scheme {scheme!r} of codebook {codebook.concept!r}: {problem}")
    X = credited_texts(definitions)
    report: dict[str, dict[str, Any]] = {}
    for scheme in schemes:
        y = definitions[scheme]
        tuned = tuned_classifier(codebook, scheme, param_grid, n_jobs, inner_cv(len(X) - 1))
        models = {"defcode": tuned} | baselines(codebook, scheme)
        predictions = {
            name: loo_predictions(model, X, y, progress=progress if name == "defcode" else iter)
            for name, model in models.items()
        }
        ours = predictions["defcode"]
        matrix = confusion(ours["true"], ours["predicted"], codebook.scheme(scheme).codes)
        report[scheme] = {
            "n": len(X),
            "models": {name: scores(p["true"], p["predicted"]) for name, p in predictions.items()},
            "confusion": {
                true: {pred: int(n) for pred, n in row.items()} for true, row in matrix.iterrows()
            },
            "predictions": ours,
            "calibration": reliability_curve(ours),
            "intervals": kappa_intervals(predictions),
        }
    return report


def as_json(report: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The report with only the keys ``defcode evaluate --json`` prints."""
    return {
        scheme: {key: part[key] for key in ("n", "models", "confusion")}
        for scheme, part in report.items()
    }
