"""A model that learns from the coder: refit on the codes agreed so far, after every click.

:func:`coding.model.train` searches a grid of hyperparameters and fits a
temperature by cross-validation: right for a model trained once, too slow to
refit after each decision. :func:`refit` fits one fixed, untuned
configuration of :class:`coding.classifier.DefinitionClassifier`
(:data:`REFIT_PARAMS`) on the items coded so far plus the codebook's weak
examples, in well under a second for a few hundred definitions. It is what
``defcode codings propose --retrain``, the widget's ``learn=True`` and
``defcode simulate`` use, so the replay measures the model the coder gets.

With fewer coded items than a scheme has categories, the scheme's model is
fitted on the codebook alone, and every reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

from coding.codebook import Codebook, load_codebook
from coding.model._model import Model, _as_lists, _provenance
from coding.model.calibration import Delegating, cross_val_proba, fit_temperature
from coding.model.classifier import DefinitionClassifier
from coding.model.credit import credited_texts

#: The configuration every refit uses; never searched at run time. Chosen on the 37
#: development definitions, read with their credited authors: of 18 configurations
#: (``python bench/replay.py --grid``), the one whose proposals were accepted most often,
#: averaged over school and breadth (docs/learning.md).
REFIT_PARAMS: dict[str, Any] = {
    "C": 1.0,
    "word_ngrams": (1, 1),
    "prototype_weight": 0.0,
    "weak_weight": 0.5,
}
#: The fewest coded items of a scheme whose model gets a fitted temperature
#: (5-fold cross-validated probabilities); below, its probabilities are left as fitted.
CALIBRATE_FROM = 10


def fixed_classifier(
    codebook: Codebook, scheme: str, params: dict[str, Any] | None = None
) -> DefinitionClassifier:
    """The classifier of ``scheme`` in the fixed configuration (:data:`REFIT_PARAMS`)."""
    return DefinitionClassifier(codebook=codebook, scheme=scheme, **(params or REFIT_PARAMS))


def codebook_only_reason(n_coded: int, scheme: str, n_categories: int) -> str:
    """Why a scheme's model was fitted on the codebook alone, for the proposals' reasons."""
    return (
        f"from the codebook alone ({n_coded} coded item(s) of {scheme!r}, fewer than its "
        f"{n_categories} categories)"
    )


def fit_scheme(
    texts: pd.Series,
    codes: pd.Series,
    codebook: Codebook,
    scheme: str,
    *,
    params: dict[str, Any] | None = None,
    calibrate: bool = False,
) -> tuple[DefinitionClassifier, str | None]:
    """Fit one scheme's classifier on the coded ``texts``, or on the codebook alone.

    Parameters
    ----------
    texts, codes : pandas.Series
        The coded definitions and their codes, sharing an index of item ids.
    calibrate : bool, default=False
        Fit a temperature (:func:`coding.calibration.fit_temperature`) to
        5-fold cross-validated probabilities, given :data:`CALIBRATE_FROM`
        coded items of at least two codes; it never changes the proposed code.

    Returns
    -------
    classifier : DefinitionClassifier
    note : str or None
        :func:`codebook_only_reason` when fewer items are coded than the
        scheme has categories (the classifier then learnt from the codebook alone).
    """
    categories = len(codebook.scheme(scheme).codes)
    note = None
    if len(codes) < categories:
        note = codebook_only_reason(len(codes), scheme, categories)
        texts, codes = texts.iloc[:0], codes.iloc[:0]
    classifier = fixed_classifier(codebook, scheme, params).fit(texts, codes)
    if calibrate and len(codes) >= CALIBRATE_FROM and codes.nunique() >= 2:
        cv = KFold(5, shuffle=True, random_state=0)
        probabilities = cross_val_proba(clone(classifier), texts, codes, cv)
        classifier.set_params(
            temperature=fit_temperature(probabilities, codes, classifier.classes_)
        )
    return classifier, note


def refit(
    definitions: pd.DataFrame,
    codebook: Codebook | None = None,
    schemes: Iterable[str] | None = None,
    *,
    params: dict[str, Any] | None = None,
    calibrate: bool = True,
) -> Model:
    """A model of the fixed configuration fitted on the coded rows of ``definitions``.

    Unlike :func:`coding.model.train`, nothing is searched, any number of coded
    items will do (none included), and each scheme learns from the rows coded
    in it (an NA code is an uncoded item).

    Parameters
    ----------
    definitions : pandas.DataFrame
        An ``id`` (or ``key``) column, ``definition``, and a column of codes
        per scheme, as :func:`coding.coders.store.agreed` gives them.
    codebook : Codebook, optional
        The bundled cluster codebook when omitted.
    schemes : iterable of str, optional
        Every scheme of one code per item when omitted.
    params : dict, optional
        The classifier's parameters; :data:`REFIT_PARAMS` when omitted.
    calibrate : bool, default=True
        Fit each scheme's temperature where enough items are coded (see :func:`fit_scheme`).

    Returns
    -------
    Model
        ``info`` holds ``coded`` (items learnt from, per scheme), ``trained_at``,
        ``params`` and ``notes`` (per scheme fitted on the codebook alone, the
        reason; :meth:`coding.model.Model.propose` puts it before every reason).
    """

    codebook = codebook or load_codebook()
    schemes = codebook.schemes_to_learn(schemes)
    ident = next((c for c in ("id", "key") if c in definitions), None)
    texts = credited_texts(definitions.set_index(ident) if ident else definitions)
    classifiers, coded, notes, chosen = {}, {}, {}, {}
    for scheme in schemes:
        codes = pd.Series(definitions[scheme].to_numpy(), index=texts.index).dropna()
        classifier, note = fit_scheme(
            texts.loc[codes.index], codes, codebook, scheme, params=params, calibrate=calibrate
        )
        classifiers[scheme] = classifier
        coded[scheme] = 0 if note else len(codes)
        if note:
            notes[scheme] = note
        chosen[scheme] = _as_lists(params or REFIT_PARAMS) | {
            "temperature": round(classifier.temperature, 4)
        }
    info = {"params": chosen, "chosen_by": "a fixed configuration (no search)"}
    info |= {
        "n": max(coded.values(), default=0),
        "coded": coded,
        "trained_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    info |= {"notes": notes, "warnings": {}} | _provenance(definitions, codebook, schemes)
    return Model(codebook, classifiers, info)


def describe_model(model: Model) -> str:
    """Which model proposes, in a few words: how many coded items it learnt from, and when.

    Examples
    --------
    "trained on 12 coded items at 2025-01-31 14:03 UTC"; a model from
    :func:`coding.model.train` has no time and says "trained on 17 coded items".
    """
    coded = model.info.get("coded") or {}
    n = max(coded.values(), default=model.info.get("n", 0)) if coded else model.info.get("n", 0)
    when = model.info.get("trained_at")
    stamp = f" at {when[:16].replace('T', ' ')} UTC" if when else ""
    if not n:
        return f"from the codebook alone{stamp}"
    return f"trained on {n} coded item(s){stamp}"


class CodebookOnly(Delegating):
    """The codebook-only baseline: the fixed classifier fitted on the codebook's text alone.

    ``fit`` ignores the coded definitions it is given (but for checking them),
    so this is the model a coder gets before coding anything.

    Parameters
    ----------
    codebook : Codebook, str, Path or None, default=None
        As :class:`coding.classifier.DefinitionClassifier` takes it.
    scheme : str or None, default=None
        The scheme.

    Attributes
    ----------
    estimator_ : DefinitionClassifier
        Fitted on no coded definition.
    classes_ : ndarray
        The scheme's codes.
    """

    def __init__(self, *, codebook: Any = None, scheme: str | None = None) -> None:
        self.codebook = codebook
        self.scheme = scheme

    def fit(self, X: Any, y: Any = None) -> CodebookOnly:
        """Fit on the codebook alone; ``X`` and ``y`` are not learnt from. Returns self."""
        codebook = self.codebook if isinstance(self.codebook, Codebook) else None
        codebook = codebook or load_codebook(self.codebook)
        scheme = self.scheme or codebook.schemes_to_learn()[0]
        self.estimator_ = fixed_classifier(codebook, scheme).fit([], [])
        self.classes_ = self.estimator_.classes_
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
