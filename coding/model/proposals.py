"""Proposals a coder can weigh: the code, its probability, the runners-up, and why."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from coding.model.classifier import DefinitionClassifier, _texts
from corpus.nlp import lemma_string, lemma_strings


def propose(
    model: DefinitionClassifier,
    X: Any,
    n_terms: int = 3,
    *,
    lemmas: list[str] | None = None,
    words: Any = None,
) -> pd.DataFrame:
    """Propose a code for each definition and say why.

    The terms are the words (and likenesses to the codebook's categories)
    that pushed the proposal above the runner-up most: for a logistic
    regression, each feature's value times the difference of the two classes'
    coefficients. The features of the definition's form (its length and
    coordinated parts) that pushed it are reported apart, so that they never
    take a word's place.

    Parameters
    ----------
    model : DefinitionClassifier
        A fitted classifier.
    X : sequence of str
        The definitions.
    n_terms : int, default=3
        How many terms to report.
    lemmas : list of str, optional
        ``corpus.nlp.lemma_strings(X)``, when the caller has it already.
    words : sparse matrix, optional
        ``model.words_.transform(lemmas)``, when the caller has it already.

    Returns
    -------
    pandas.DataFrame
        One row per definition: ``code``, ``confidence`` (its probability),
        ``runner_up``, ``runner_up_confidence``, ``terms`` (a list),
        ``form`` (a list, from :data:`coding.model.classifier.FORM_FEATURES`),
        ``nearest`` (the id of the most similar coded definition the model
        was fitted on), ``nearest_code`` (its code), ``nearest_similarity``
        (cosine, lemma TF-IDF), ``in_sample`` (the code the definition was
        trained with, where the model was trained on it; else None) and
        ``reason``, all of it in one sentence. The nearest coded definition is
        never the definition itself: a proposal for a definition the model was
        trained on is in-sample, and its reason starts by saying so.
    """
    lemmas = lemma_strings(_texts(X)) if lemmas is None else lemmas
    words = model.words_.transform(lemmas) if words is None else words
    features = model._features(lemmas, words)
    probs = model.probabilities(features)
    ranked = np.argsort(-probs, axis=1)
    best, second = ranked[:, 0], ranked[:, 1]
    coef = model.model_.coef_
    if coef.shape[0] == 1:  # binary: the weights favour classes_[1] over classes_[0]
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
    terms, form = _pushing_terms(
        features,
        coef[model._order],
        best,
        second,
        model.feature_names(),
        n_terms,
        model.form_columns(),
    )
    similarity = (words @ model.example_words_.T).toarray()
    trained_as = _itself(model, lemmas, similarity)
    nearest = similarity.argmax(axis=1) if similarity.shape[1] else np.zeros(len(lemmas), int)
    rows = np.arange(len(lemmas))
    closest = similarity[rows, nearest] if similarity.size else np.zeros(len(lemmas))
    found = closest >= 0 if similarity.size else np.zeros(len(lemmas), bool)
    ids = model.examples_.index.to_numpy(dtype=object)
    codes = model.examples_["label"].to_numpy(dtype=object)
    out = pd.DataFrame(
        {
            "code": model.classes_[best],
            "confidence": probs[rows, best],
            "runner_up": model.classes_[second],
            "runner_up_confidence": probs[rows, second],
            "terms": terms,
            "form": form,
            "nearest": np.where(found, ids[nearest] if len(ids) else None, None),
            "nearest_code": np.where(found, codes[nearest] if len(codes) else None, None),
            "nearest_similarity": np.where(found, closest, 0.0),
            "in_sample": pd.Series(trained_as, dtype=object),
        }
    )
    percents = {c: _percents(out[c].to_numpy(dtype=float)) for c in _PERCENT_COLUMNS}
    columns = [percents[c] if c in percents else out[c].tolist() for c in _REASON_COLUMNS]
    out["reason"] = [_reason(*row) for row in zip(*columns, strict=True)]
    return out


def _itself(model: DefinitionClassifier, lemmas: list[str], similarity: np.ndarray) -> list:
    """The code each definition was trained with, where the model was trained on it, else None.

    A coded definition of the same lemmas is the definition itself (or a copy of
    it): its similarity is set to -1 in ``similarity``, so that the nearest coded
    definition is another one.
    """
    trained: dict[str, list[int]] = {}
    for position, text in enumerate(model.examples_["text"].tolist()):
        if text.strip():
            trained.setdefault(lemma_string(text), []).append(position)
    labels = model.examples_["label"].tolist()
    codes = []
    for row, lemma in enumerate(lemmas):
        own = trained.get(lemma, []) if lemma else []
        similarity[row, own] = -1.0
        codes.append(labels[own[0]] if own else None)
    return codes


def _pushing_terms(
    features: Any,
    coef: np.ndarray,
    best: np.ndarray,
    second: np.ndarray,
    names: np.ndarray,
    n_terms: int,
    form: np.ndarray,
) -> tuple[list[list[str]], list[list[str]]]:
    """Each row's features that pushed ``best`` over ``second``, strongest first.

    Returns up to ``n_terms`` of each row's other features, and all of its
    features that ``form`` marks. All rows at once: one push per stored value
    of the CSR ``features``.
    """
    counts = np.diff(features.indptr)
    rows = np.repeat(np.arange(len(counts)), counts)
    columns = features.indices
    push = features.data * (coef[best[rows], columns] - coef[second[rows], columns])
    pushed, of_form = push > 0, form[columns]
    entries = rows, columns, push, names, len(counts)
    return (
        _strongest(*entries, pushed & ~of_form, n_terms),
        _strongest(*entries, pushed & of_form, int(form.sum())),
    )


def _strongest(
    rows: np.ndarray,
    columns: np.ndarray,
    push: np.ndarray,
    names: np.ndarray,
    n_rows: int,
    kept: np.ndarray,
    n_terms: int,
) -> list[list[str]]:
    """The names of each row's ``kept`` entries with the ``n_terms`` largest pushes,
    in descending push (ties in feature order)."""
    rows, columns, push = rows[kept], columns[kept], push[kept]
    order = np.lexsort((-push, rows))
    rows, columns = rows[order], columns[order]
    top = np.arange(len(rows)) - np.searchsorted(rows, rows) < n_terms
    labels = [str(name) for name in np.asarray(names, dtype=object)[columns[top]].tolist()]
    bounds = np.searchsorted(rows[top], np.arange(n_rows + 1)).tolist()
    return [labels[start:end] for start, end in pairwise(bounds)]


_REASON_COLUMNS = (
    "code",
    "confidence",
    "runner_up",
    "runner_up_confidence",
    "terms",
    "form",
    "nearest",
    "nearest_code",
    "nearest_similarity",
    "in_sample",
)


_PERCENT_COLUMNS = ("confidence", "runner_up_confidence")


def _reason(
    code: str,
    confidence: str,
    runner_up: str,
    runner_up_confidence: str,
    terms: list[str],
    form: list[str],
    nearest: Any,
    nearest_code: str | None,
    nearest_similarity: float,
    in_sample: str | None = None,
) -> str:
    """A proposal's reason in one sentence; its two probabilities written by :func:`_percents`."""
    said = ", ".join(terms) if terms else "no single term stands out"
    shape = f"form: {', '.join(form)}; " if form else ""
    in_sample = None if pd.isna(in_sample) else in_sample
    other = "other " if in_sample is not None else ""
    near = (
        f"nearest {other}coded: {nearest} as {nearest_code} ({nearest_similarity:.2f})"
        if not pd.isna(nearest)
        else f"no {other}coded definition to compare"
    )
    own = (
        f"in-sample: the model was trained on this definition, coded {in_sample}; "
        if in_sample is not None
        else ""
    )
    return (
        f"{own}{confidence} {code} over {runner_up_confidence} {runner_up}; "
        f"terms: {said}; {shape}{near}"
    )


def _percents(probabilities: np.ndarray) -> list[str]:
    """Each probability as a whole percentage that never rounds to a certainty.

    ``f"{p:.0%}"`` rounds ``p * 100`` half to even, as :func:`numpy.rint` does.
    """
    whole = np.rint(probabilities * 100).astype(np.int64).tolist()
    high, low = (probabilities >= 0.995).tolist(), (probabilities < 0.005).tolist()
    return [
        ">99%" if h else "<1%" if lo else f"{w}%" for w, h, lo in zip(whole, high, low, strict=True)
    ]
