"""Nested leave-one-out: no test-fold leakage, scores against the paper's codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import KFold, LeaveOneOut
from typer.testing import CliRunner

from analysis.cli import app
from analysis.show import print_evaluation
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model import train
from coding.model.evaluation import (
    LEAVE_ONE_OUT_UP_TO,
    _kappas,
    as_json,
    describe_cv,
    evaluate,
    inner_cv,
    kappa_intervals,
    loo_predictions,
    tuned_classifier,
)

GRID = {"C": [1.0, 10.0], "word_ngrams": [(1, 1), (1, 2)]}
DEV = Path(__file__).parents[1] / "bench" / "data" / "cluster_dev.csv"


@pytest.fixture(scope="module")
def definitions() -> pd.DataFrame:
    return load_definitions()


def _fold_state(tuned) -> tuple:
    model = tuned.estimator_
    return (
        tuple(sorted(model.words_.vocabulary_)),
        tuned.search_.best_params_["C"],
        tuned.search_.best_params_["word_ngrams"],
        model.prototypes_.toarray().round(12).tobytes(),
        model.model_.coef_.round(12).tobytes(),
        round(tuned.temperature_, 9),
    )


def test_held_out_text_never_shapes_its_fold(definitions):
    """Replacing a held-out definition by another text changes nothing in its fold's model:
    not the vocabulary, the prototypes, the chosen hyperparameters, the weights or the
    temperature."""
    book = load_codebook()
    rows = [0, 1, 3, 4, 5, 6, 7, 11, 13, 16]  # all five schools, Porter and Perry among them
    X = definitions["definition"].iloc[rows].reset_index(drop=True)
    y = definitions["school"].iloc[rows].reset_index(drop=True)
    held_out = 9  # Perry's definition, the only Italian one
    planted = X.copy()
    planted.iloc[held_out] = "Zyxqua wombatic frobnicated quuxlike clusters of xenoflora."
    states: dict[str, dict[int, tuple]] = {"original": {}, "planted": {}}
    for name, texts in (("original", X), ("planted", planted)):
        loo_predictions(
            tuned_classifier(book, "school", GRID),
            texts,
            y,
            on_fold=lambda i, tuned, name=name: states[name].update({i: _fold_state(tuned)}),
        )
    assert states["original"][held_out] == states["planted"][held_out]
    assert "zyxqua" not in states["planted"][held_out][0]
    assert "zyxqua" in states["planted"][0][0]  # other folds do train on the planted text


def test_grid_search_in_two_processes_chooses_and_fits_the_same_model(definitions):
    book = load_codebook()
    X, y = definitions["definition"], definitions["school"]
    alone = tuned_classifier(book, "school", GRID).fit(X, y)
    shared = tuned_classifier(book, "school", GRID, n_jobs=2).fit(X, y)
    assert shared.search_.n_jobs == 2
    assert shared.search_.best_params_ == alone.search_.best_params_
    np.testing.assert_array_equal(
        shared.search_.cv_results_["mean_test_score"], alone.search_.cv_results_["mean_test_score"]
    )
    np.testing.assert_allclose(
        shared.estimator_.model_.coef_, alone.estimator_.model_.coef_, rtol=0, atol=1e-12
    )
    assert shared.temperature_ == alone.temperature_


def test_evaluate_reports_models_confusion_and_calibration(definitions):
    report = evaluate(definitions, param_grid={"C": [10.0]})
    printed = as_json(report)
    assert set(printed) == {"school", "breadth"}
    for scheme, codes in (("school", 5), ("breadth", 2)):
        part = printed[scheme]
        assert part["n"] == 17
        assert set(part["models"]) == {"defcode", "majority", "tfidf_lr", "codebook_only"}
        for scores in part["models"].values():
            assert set(scores) == {"accuracy", "kappa", "macro_f1"}
        assert part["models"]["majority"]["kappa"] == 0.0
        assert part["models"]["defcode"]["kappa"] > part["models"]["tfidf_lr"]["kappa"]
        matrix = pd.DataFrame(part["confusion"]).T
        assert matrix.shape == (codes, codes) and matrix.to_numpy().sum() == 17
        diagonal = np.trace(matrix.to_numpy())
        assert diagonal / 17 == pytest.approx(part["models"]["defcode"]["accuracy"], abs=1e-4)
        curve = report[scheme]["calibration"]
        assert curve["n"].sum() == 17 and 0 <= curve.attrs["ece"] <= 1
        intervals = report[scheme]["intervals"]
        assert list(intervals.index) == ["defcode", "majority", "tfidf_lr", "codebook_only"]
        for model, row in intervals.iterrows():
            assert row["kappa"] == pytest.approx(part["models"][model]["kappa"], abs=1e-4)
            assert row["low"] <= row["kappa"] <= row["high"]
    json.dumps(printed)
    console = Console(record=True, width=200)
    print_evaluation(report, console)
    text = console.export_text()
    assert "school: Cohen's kappa and defcode's lead" in text
    low, high = report["school"]["intervals"].loc["defcode", ["low", "high"]]
    assert re.search(rf"│ {low:.3f}\s+│ {high:.3f}\s+│ -", text)


@pytest.mark.slow
def test_evaluate_json_command_beats_the_baselines():
    result = CliRunner().invoke(app, ["evaluate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # regression values: nested leave-one-out on the paper's 17 (docs/model.md quotes them).
    measured = {"school": (11, 0.485), "breadth": (13, 0.514)}
    for scheme, (right, kappa) in measured.items():
        models = report[scheme]["models"]
        assert report[scheme]["n"] == 17
        assert round(models["defcode"]["accuracy"] * 17) == right
        assert round(models["defcode"]["kappa"], 3) == kappa
        for baseline in ("majority", "tfidf_lr", "codebook_only"):
            assert models["defcode"]["kappa"] > models[baseline]["kappa"]
            assert models["defcode"]["accuracy"] > models[baseline]["accuracy"]
    # regression values of the baselines (docs/model.md): (right of 17, kappa)
    baselines = {
        "school": {"tfidf_lr": (8, 0.219), "codebook_only": (9, 0.355)},
        "breadth": {"tfidf_lr": (11, 0.239), "codebook_only": (7, 0.0)},
    }
    for scheme, expected in baselines.items():
        for baseline, (right, kappa) in expected.items():
            scores = report[scheme]["models"][baseline]
            assert (round(scores["accuracy"] * 17), round(scores["kappa"], 3)) == (right, kappa)


def test_kappas_of_many_rows_are_scikit_learns():
    rng = np.random.default_rng(3)
    true = rng.integers(0, 4, (300, 17))
    predicted = np.where(rng.random((300, 17)) < 0.6, true, rng.integers(0, 4, (300, 17)))
    predicted[0] = true[0] = 2  # one label only: kappa undefined
    expected = [cohen_kappa_score(t, p) for t, p in zip(true[1:], predicted[1:], strict=True)]
    assert np.isnan(_kappas(true, predicted, 4)[0])
    np.testing.assert_allclose(_kappas(true, predicted, 4)[1:], expected)


def test_kappa_intervals_pair_the_draws_and_bracket_the_estimate():
    true = pd.Series(list("MMMMMMMIEEEEPPPRR"))
    predicted = pd.Series(list("MMMMMMMMMEPPPEPRR"))
    frames = {
        "defcode": pd.DataFrame({"true": true, "predicted": predicted}),
        "majority": pd.DataFrame({"true": true, "predicted": "M"}),
        "copy": pd.DataFrame({"true": true, "predicted": predicted}),
    }
    table = kappa_intervals(frames, n_boot=500, seed=1)
    kappa = cohen_kappa_score(true, predicted)
    assert table.loc["defcode", "kappa"] == pytest.approx(kappa)
    assert table.loc["defcode", "low"] < kappa < table.loc["defcode", "high"]
    assert table.loc["defcode", "low"] > 0 and table.loc["defcode", "high"] < 1
    assert table.loc["majority", ["kappa", "low", "high"]].tolist() == [0, 0, 0]
    assert table.loc["majority", "lead"] == pytest.approx(kappa)
    assert table.loc["copy", ["lead", "lead_low", "lead_high"]].tolist() == [0, 0, 0]
    assert table.loc["defcode", ["lead", "lead_low", "lead_high"]].isna().all()
    assert table.equals(kappa_intervals(frames, n_boot=500, seed=1))
    assert not table.equals(kappa_intervals(frames, n_boot=500, seed=2))


def test_small_training_sets_are_tuned_by_leave_one_out_larger_ones_by_five_folds():
    assert isinstance(inner_cv(LEAVE_ONE_OUT_UP_TO), LeaveOneOut)
    larger = inner_cv(LEAVE_ONE_OUT_UP_TO + 1)
    assert isinstance(larger, KFold) and larger.get_n_splits() == 5
    assert describe_cv(inner_cv(17)) == "leave-one-out"
    assert describe_cv(larger) == "5-fold cross-validation"


def test_train_on_more_definitions_tunes_by_five_folds(definitions):
    dev = pd.read_csv(DEV)[["key", "definition", "school", "breadth"]]
    more = pd.concat([definitions[["key", "definition", "school", "breadth"]], dev])
    assert len(more) > LEAVE_ONE_OUT_UP_TO
    model = train(more, schemes=["school"], param_grid={"C": [1.0, 10.0]})
    assert model.info["chosen_by"] == "5-fold cross-validation"
    assert model.info["n"] == len(more)
    small = train(definitions, schemes=["school"], param_grid={"C": [1.0]})
    assert small.info["chosen_by"] == "leave-one-out"
