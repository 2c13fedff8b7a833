"""Replay a coded set as a coder would meet it, to measure what retraining saves.

Each run shows the items one at a time in an order of its own (seeded), and
each item's proposal comes from a model that has seen only the codebook and
the items coded before it, refit every ``every`` items (:func:`coding.model.learning.fit_scheme`,
the fixed configuration the widget and ``defcode codings propose --retrain``
use). A proposal that is the coder's code is a click saved. The same items
are proposed by the models a reader would compare: the codebook-only model
(never refit), the most common code so far, and an untuned TF-IDF + logistic
regression on the items coded so far. In the spirit of ASReview's simulation
mode, for coding categories instead of screening.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from coding.codebook import Codebook
from coding.model.credit import credited_texts
from coding.model.learning import REFIT_PARAMS, fit_scheme
from corpus.nlp import lemma_strings

ORDERS = ("random", "uncertain", "confident")
#: The models whose proposals a replay scores, in the order reports show them.
MODELS = ("defcode", "no_retraining", "majority", "tfidf_lr")


def check_replayable(definitions: pd.DataFrame, codebook: Codebook, scheme: str) -> None:
    """Refuse a scheme or a coded set a replay cannot measure anything on.

    Raises
    ------
    ValueError
        For a scheme of several codes per item or of one category, a missing
        column, uncoded rows, or fewer coded items than the scheme has categories.
    """
    chosen = codebook.scheme(scheme)
    if chosen.multiple:
        raise ValueError(
            f"scheme {scheme!r} takes several codes per item; a replay proposes one code per item"
        )
    if len(chosen.codes) < 2:
        raise ValueError(
            f"scheme {scheme!r} of codebook {codebook.concept!r} has one category "
            f"({chosen.codes[0]!r}): every proposal would be it, so there is nothing to measure"
        )
    if scheme not in definitions or "definition" not in definitions:
        raise ValueError(f"the coded definitions have no column {scheme!r} or 'definition'")
    if definitions[scheme].isna().any():
        raise ValueError(f"{int(definitions[scheme].isna().sum())} item(s) have no {scheme!r} code")
    if len(definitions) < len(chosen.codes):
        raise ValueError(
            f"{len(definitions)} coded item(s) for the {len(chosen.codes)} categories of "
            f"{scheme!r}: a replay needs at least one item per category"
        )


def replay(
    definitions: pd.DataFrame,
    codebook: Codebook,
    scheme: str,
    *,
    runs: int = 10,
    order: str = "random",
    every: int = 1,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] = iter,
) -> dict[str, Any]:
    """Replay coded definitions ``runs`` times and score each model's proposals.

    Parameters
    ----------
    definitions : pandas.DataFrame
        A ``definition`` column, an ``id`` or ``key`` column (else the row
        number names each item) and a column of codes for ``scheme``.
    codebook : Codebook
        The codebook; its weak examples are all the models know before the first item.
    scheme : str
        The scheme replayed.
    runs : int, default=10
        Orders replayed; run ``r`` shuffles with ``numpy.random.default_rng([seed, r])``.
    order : {"random", "uncertain", "confident"}, default="random"
        ``random`` shows the items in the run's shuffled order; ``uncertain``
        shows next the item whose current proposal is least probable,
        ``confident`` the most probable (ties in the shuffled order).
    every : int, default=1
        Refit after this many items.
    seed : int, default=0
        The replay is the same for the same seed.
    params : dict, optional
        The classifier's configuration; :data:`coding.model.learning.REFIT_PARAMS` when omitted.
    progress : callable, optional
        Wraps the runs, e.g. in a progress bar.

    Returns
    -------
    dict
        ``scheme, n, runs, order, every, seed, params``; ``accepted`` (per
        model of :data:`MODELS`, the share of items whose proposal was the
        coder's code, averaged over runs) and ``accepted_spread`` (its
        standard deviation, lowest and highest across runs); ``curve`` (per
        number of items coded, the accuracy on the items not yet coded of the
        current model and of the codebook-only one, mean, standard deviation,
        lowest and highest across runs); ``fit_seconds`` (median time of a
        refit); and, left out of :func:`as_json`, ``shown``: per run, a frame
        of the items in the order shown, with each model's proposal and the code.

    Raises
    ------
    ValueError
        See :func:`check_replayable`; for an unknown order, or ``runs`` or ``every`` below 1.
    """
    if order not in ORDERS:
        raise ValueError(f"order={order!r} is not one of {', '.join(ORDERS)}")
    for name, value in (("runs", runs), ("every", every)):
        if int(value) < 1:
            raise ValueError(f"{name} == {value}, must be >= 1")
    check_replayable(definitions, codebook, scheme)
    ident = next((c for c in ("id", "key") if c in definitions), None)
    ids = definitions[ident].astype(str).tolist() if ident else list(map(str, definitions.index))
    texts = pd.Series(credited_texts(definitions).to_numpy(), index=ids)
    codes = pd.Series(definitions[scheme].astype(str).to_numpy(), index=ids)
    params = dict(params or REFIT_PARAMS)
    lemmas = lemma_strings(texts.tolist())
    shown, curves, fits = [], [], []
    for run in progress(range(runs)):
        rng = np.random.default_rng([seed, run])
        frame, curve, times = _run(
            texts, codes, lemmas, codebook, scheme, rng, order, every, params
        )
        shown.append(frame)
        curves.append(curve)
        fits.extend(times)
    accepted = pd.DataFrame(
        {model: [(f[model] == f["code"]).mean() for f in shown] for model in MODELS}
    )
    curve = pd.concat(curves, keys=range(runs), names=["run"]).reset_index("run")
    by = curve.groupby("coded")
    return {
        "scheme": scheme,
        "n": len(texts),
        "runs": runs,
        "order": order,
        "every": every,
        "seed": seed,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "accepted": {m: round(float(accepted[m].mean()), 4) for m in MODELS},
        "accepted_spread": {m: _spread(accepted[m]) for m in MODELS},
        "curve": [
            {"coded": int(k), "accuracy": round(float(group["defcode"].mean()), 4)}
            | {f"accuracy_{k2}": v for k2, v in _spread(group["defcode"]).items()}
            | {"no_retraining": round(float(group["no_retraining"].mean()), 4)}
            for k, group in by
        ],
        "fit_seconds": round(float(np.median(fits)), 4) if fits else 0.0,
        "shown": shown,
    }


def _spread(values: pd.Series) -> dict[str, float]:
    sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return {
        "sd": round(sd, 4),
        "low": round(float(values.min()), 4),
        "high": round(float(values.max()), 4),
    }


def _run(
    texts: pd.Series,
    codes: pd.Series,
    lemmas: list[str],
    codebook: Codebook,
    scheme: str,
    rng: np.random.Generator,
    order: str,
    every: int,
    params: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, list[float]]:
    """One replay: the items as shown with each model's proposal, the curve, the refit times."""
    from coding.model.evaluation import baselines

    n = len(texts)
    classes = np.array(codebook.scheme(scheme).codes, dtype=object)
    truth = codes.to_numpy(dtype=object)
    queue = list(rng.permutation(n))
    empty = texts.iloc[:0], codes.iloc[:0]
    base, _ = fit_scheme(*empty, codebook, scheme, params=params)
    base_proba = base.probabilities(base._features(lemmas))
    base_codes = classes[base_proba.argmax(axis=1)]
    proba, learnt_from = base_proba, 0
    lr = baselines(codebook, scheme)["tfidf_lr"]
    coded: list[int] = []
    rows, curve, times = [], [], []
    for step in range(n):
        if step >= len(classes) and step % every == 0:
            start = time.perf_counter()
            model, _ = fit_scheme(
                texts.iloc[coded], codes.iloc[coded], codebook, scheme, params=params
            )
            proba = model.probabilities(model._features(lemmas))
            times.append(time.perf_counter() - start)
            learnt_from = step
        current = classes[proba.argmax(axis=1)]
        curve.append(
            {
                "coded": step,
                "defcode": float((current[queue] == truth[queue]).mean()),
                "no_retraining": float((base_codes[queue] == truth[queue]).mean()),
            }
        )
        if order == "random":
            item = queue[0]
        else:
            certainty = proba[queue].max(axis=1)
            pick = certainty.argmin() if order == "uncertain" else certainty.argmax()
            item = queue[int(pick)]
        seen = truth[coded]
        rows.append(
            {
                "item": texts.index[item],
                "code": truth[item],
                "defcode": current[item],
                "no_retraining": base_codes[item],
                "majority": _majority(seen, classes),
                "tfidf_lr": _tfidf_lr(lr, texts.iloc[coded], seen, texts.iloc[item]),
                "learnt_from": learnt_from,
            }
        )
        coded.append(item)
        queue.remove(item)
    return pd.DataFrame(rows), pd.DataFrame(curve), times


def _majority(seen: np.ndarray, classes: np.ndarray) -> str | None:
    """The most common code of ``seen`` (ties to the codebook's first), None before any."""
    if not len(seen):
        return None
    counts = [(seen == code).sum() for code in classes]
    return str(classes[int(np.argmax(counts))])


def _tfidf_lr(model: Any, texts: pd.Series, seen: np.ndarray, text: str) -> str | None:
    """TF-IDF + logistic regression's code for ``text``, fitted on the items seen so far.

    Before two codes are seen, the one code seen (None before any).
    """
    if len(set(seen)) < 2:
        return str(seen[0]) if len(seen) else None
    return str(clone(model).fit(texts.tolist(), seen).predict([text])[0])


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    """The replay's summary without the per-run frames, as ``defcode simulate --json`` prints it."""
    return {key: value for key, value in result.items() if key != "shown"}
