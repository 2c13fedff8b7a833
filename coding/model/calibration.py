"""Temperature scaling: a classifier's confidence brought in line with how often it is right.

One number, the temperature T, divides the log-probabilities before they are
normalised again (Guo et al. 2017, "On calibration of modern neural
networks"): T > 1 softens over-confident probabilities, T < 1 sharpens
under-confident ones, and the most probable code never changes. T minimises
the log loss of cross-validated probabilities, so it is learnt from the
training data alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import check_cv
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

TEMPERATURES = (0.02, 50.0)


def scale(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities with their log divided by ``temperature``, each row summing to 1."""
    logs = np.log(np.clip(probabilities, 1e-12, 1.0))
    return softmax(logs / temperature, axis=1)


def fit_temperature(probabilities: np.ndarray, y: Any, classes: Any) -> float:
    """The temperature that minimises the log loss of ``probabilities`` for codes ``y``.

    Parameters
    ----------
    probabilities : ndarray of shape (n_samples, n_classes)
        Cross-validated probabilities, columns in the order of ``classes``.
    y : array-like of shape (n_samples,)
        The true codes.
    classes : array-like of shape (n_classes,)
        The codes of the columns.

    Returns
    -------
    float
        Between 0.02 and 50.
    """
    column = {code: i for i, code in enumerate(classes)}
    unknown = sorted({str(code) for code in y} - set(map(str, column)))
    if unknown:
        raise ValueError(f"codes {unknown} are not among the classifier's classes {list(classes)}")
    rows = np.arange(len(probabilities))
    columns = np.array([column[code] for code in y])

    def log_loss(log_temperature: float) -> float:
        scaled = scale(probabilities, np.exp(log_temperature))[rows, columns]
        return float(-np.log(np.clip(scaled, 1e-12, 1.0)).mean())

    bounds = tuple(np.log(TEMPERATURES))
    return float(np.exp(minimize_scalar(log_loss, bounds=bounds, method="bounded").x))


def cross_val_proba(estimator: BaseEstimator, X: Any, y: Any, cv: Any = None) -> np.ndarray:
    """Each sample's probabilities from a clone of ``estimator`` fitted without it.

    Unlike :func:`sklearn.model_selection.cross_val_predict`, the codes are passed
    to ``fit`` as they are (not encoded as integers), and every fold's model must
    have the same ``classes_``, as a codebook classifier's always do.
    """
    y = np.asarray(y, dtype=object)
    probabilities = None
    for train, test in check_cv(cv, y, classifier=True).split(X, y):
        fitted = clone(estimator).fit(_rows(X, train), y[train])
        if probabilities is None:
            classes = fitted.classes_
            probabilities = np.zeros((len(y), len(classes)))
        if list(fitted.classes_) != list(classes):
            raise ValueError("every fold's model must have the same classes_")
        probabilities[test] = fitted.predict_proba(_rows(X, test))
    return probabilities


def _rows(X: Any, index: np.ndarray) -> Any:
    return X.iloc[index] if hasattr(X, "iloc") else [X[i] for i in index]


class Delegating(ClassifierMixin, BaseEstimator):
    """A classifier whose predictions are those of its fitted ``estimator_``."""

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class, columns in the order of ``classes_``."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable code of each sample."""
        check_is_fitted(self)
        return self.estimator_.predict(X)


class TemperatureScaled(MetaEstimatorMixin, Delegating):
    """Fit a classifier, or a search for one, then the temperature of its probabilities.

    The temperature is fitted to the cross-validated probabilities of the
    classifier fitted (a search's ``best_estimator_``, with the hyperparameters
    the search chose) and set as that classifier's ``temperature`` parameter.

    Parameters
    ----------
    estimator : estimator
        A classifier with a ``temperature`` parameter that its ``predict_proba``
        applies (:class:`coding.model.classifier.DefinitionClassifier`), or a search
        such as :class:`~sklearn.model_selection.GridSearchCV` over one.
    cv : int, cross-validation generator or None, default=None
        How the probabilities the temperature is fitted to are cross-validated.

    Attributes
    ----------
    estimator_ : estimator
        The fitted classifier, its ``temperature`` set.
    search_ : estimator
        ``estimator`` as fitted (the search, when it is one).
    temperature_ : float
        The fitted temperature.
    classes_ : ndarray
        The classifier's classes.
    """

    def __init__(self, estimator: BaseEstimator, *, cv: Any = None) -> None:
        self.estimator = estimator
        self.cv = cv

    def fit(self, X: Any, y: Any) -> TemperatureScaled:
        """Fit the estimator on ``X, y``, then the temperature; return self."""
        self.search_ = clone(self.estimator).fit(X, y)
        chosen = getattr(self.search_, "best_estimator_", self.search_)
        probabilities = cross_val_proba(clone(chosen).set_params(temperature=1.0), X, y, self.cv)
        self.temperature_ = fit_temperature(probabilities, y, chosen.classes_)
        self.estimator_ = chosen.set_params(temperature=self.temperature_)
        self.classes_ = chosen.classes_
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags = get_tags(self.estimator).input_tags
        return tags
