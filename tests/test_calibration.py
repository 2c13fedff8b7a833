"""Temperature scaling: fitted on cross-validated probabilities, never changing the code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import LeaveOneOut

from coding.definitions import load_definitions
from coding.model.calibration import TemperatureScaled, cross_val_proba, fit_temperature, scale
from coding.model.classifier import DefinitionClassifier


def test_scale_keeps_each_rows_order_and_sums_to_one():
    probabilities = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(scale(probabilities, 1.0), probabilities)
    sharp, soft = scale(probabilities, 0.5), scale(probabilities, 4.0)
    for scaled in (sharp, soft):
        np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
        assert (scaled.argmax(axis=1) == probabilities.argmax(axis=1)).all()
    np.testing.assert_allclose(sharp[0], np.array([25, 9, 4]) / 38)
    assert soft[1, 2] < 0.8 < sharp[1, 2]


def test_under_confident_probabilities_get_a_temperature_below_one_and_over_confident_above():
    rng = np.random.default_rng(0)
    n, classes = 200, np.array(["a", "b", "c"])
    true = rng.integers(0, 3, n)
    right = rng.random(n) < 0.9
    predicted = np.where(right, true, (true + 1) % 3)
    timid = np.full((n, 3), 0.3)
    timid[np.arange(n), predicted] = 0.4  # right 90% of the time, 40% sure
    bold = np.full((n, 3), 0.005)
    bold[np.arange(n), predicted] = 0.99  # right 90% of the time, 99% sure
    y = classes[true]
    assert fit_temperature(timid, y, classes) < 0.2
    assert fit_temperature(bold, y, classes) > 1.5
    calibrated = scale(timid, fit_temperature(timid, y, classes))
    # the log loss is least where the confidence is how often the code is right
    assert calibrated.max(axis=1).mean() == pytest.approx(right.mean(), abs=1e-3)


def test_fit_temperature_names_codes_it_does_not_know():
    with pytest.raises(ValueError, match=r"codes \['Marshal'\] are not among"):
        fit_temperature(np.array([[0.6, 0.4]]), ["Marshal"], ["B", "N"])


@pytest.fixture(scope="module")
def definitions() -> pd.DataFrame:
    return load_definitions()


def test_cross_val_proba_fits_on_codes_and_keeps_every_codebook_class(definitions):
    X, y = definitions["definition"], definitions["school"]
    probabilities = cross_val_proba(DefinitionClassifier(), X, y, LeaveOneOut())
    assert probabilities.shape == (17, 5)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    perry = definitions.index[definitions["key"] == "perry2005"][0]
    by_hand = DefinitionClassifier().fit(X.drop(index=perry), y.drop(index=perry))
    np.testing.assert_allclose(probabilities[perry], by_hand.predict_proba(X[[perry]])[0])


def test_temperature_scaled_changes_the_confidence_not_the_code(definitions):
    X, y = definitions["definition"], definitions["breadth"]
    plain = DefinitionClassifier(scheme="breadth").fit(X, y)
    tuned = TemperatureScaled(DefinitionClassifier(scheme="breadth"), cv=LeaveOneOut()).fit(X, y)
    assert tuned.estimator_.temperature == tuned.temperature_ != 1.0
    assert clone(tuned).get_params()["cv"].__class__ is LeaveOneOut
    new = ["A cluster means firms of one industry in one town.", *X.iloc[:5]]
    np.testing.assert_array_equal(tuned.predict(new), plain.predict(new))
    np.testing.assert_allclose(
        tuned.predict_proba(new), scale(plain.predict_proba(new), tuned.temperature_)
    )
    expected = fit_temperature(
        cross_val_proba(DefinitionClassifier(scheme="breadth"), X, y, LeaveOneOut()),
        y,
        plain.classes_,
    )
    assert tuned.temperature_ == pytest.approx(expected)
