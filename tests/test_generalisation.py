"""The bundled model on cluster definitions outside the paper's 17 (bench/generalisation.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from coding.definitions import load_definitions
from coding.model import load_model
from coding.model.credit import credited_texts
from coding.model.evaluation import reliability_curve, scores
from tests.conftest import five_grams

BENCH = Path(__file__).resolve().parents[1] / "bench" / "generalisation.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("generalisation", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev(bench) -> pd.DataFrame:
    return pd.read_csv(bench.DEV)


def test_the_development_set_is_apart_from_the_17(dev):
    paper = load_definitions()
    assert len(dev) == 37 and dev["key"].is_unique
    assert not set(dev["key"]) & set(paper["key"])
    quoted = set().union(*map(five_grams, paper["definition"]))
    assert not [text for text in dev["definition"] if five_grams(text) & quoted]
    assert dev["school"].value_counts().min() == 7
    assert set(dev["wording"]) == {"recalled", "paraphrase"}


def test_the_bundled_model_codes_the_development_set_as_measured(bench, dev):
    model = load_model()
    school = bench.predictions(model, "school", dev)
    ours = scores(school["defcode"]["true"], school["defcode"]["predicted"])
    assert (school["defcode"]["true"] == school["defcode"]["predicted"]).sum() == 30
    assert ours["kappa"] == pytest.approx(0.7633, abs=1e-4)
    # regression values: the baselines, fitted on the 17 (the codebook-only one on none)
    kappas = {
        baseline: round(scores(school[baseline]["true"], school[baseline]["predicted"])["kappa"], 3)
        for baseline in ("majority", "tfidf_lr", "codebook_only")
    }
    assert kappas == {"majority": 0.0, "tfidf_lr": 0.353, "codebook_only": 0.797}
    right = school["codebook_only"]
    assert (right["true"] == right["predicted"]).sum() == 31  # one more than the bundled model
    curve = reliability_curve(school["defcode"])
    assert curve.attrs["ece"] < 0.1 and curve.attrs["brier"] < 0.3
    breadth = bench.predictions(model, "breadth", dev)["defcode"]
    assert (breadth["true"] == breadth["predicted"]).sum() == 25


def test_figures_the_model_page_quotes(bench, dev):
    # regression values: docs/model.md quotes them; bench/generalisation.py prints the
    # scores, the confusion matrices and the calibration of the same predictions.
    from coding.model.proposals import propose

    model = load_model()
    assert model.info["params"]["school"]["temperature"] == 0.1496
    assert model.info["params"]["breadth"]["temperature"] == 0.1607
    school = bench.predictions(model, "school", dev)["defcode"]
    wrong = school[school["true"] != school["predicted"]]["true"].value_counts().to_dict()
    assert wrong == {"Michael Porter": 3, "Alfred Marshall": 2} | {
        "Italian industrial districts": 1,
        "Economic and industrial geography": 1,
    }
    curve = reliability_curve(school)
    assert (round(curve.attrs["ece"], 3), round(curve.attrs["brier"], 3)) == (0.065, 0.247)
    breadth = bench.predictions(model, "breadth", dev)
    curve = reliability_curve(breadth["defcode"])
    assert (round(curve.attrs["ece"], 3), round(curve.attrs["brier"], 3)) == (0.080, 0.354)
    assert (
        round(scores(breadth["defcode"]["true"], breadth["defcode"]["predicted"])["kappa"], 3)
        == 0.353
    )
    lr, only = breadth["tfidf_lr"], breadth["codebook_only"]
    assert round(scores(lr["true"], lr["predicted"])["kappa"], 3) == 0.409  # beats defcode's
    assert round(scores(only["true"], only["predicted"])["kappa"], 3) == -0.008
    assert only["predicted"].value_counts().to_dict() == {"B": 35, "N": 2}
    # The nearest coded definition's code, against the development set's codes.
    for scheme, right in (("school", 12), ("breadth", 23)):
        proposals = propose(model.classifiers[scheme], credited_texts(dev).tolist())
        assert (proposals["nearest_code"].to_numpy() == dev[scheme].to_numpy()).sum() == right
