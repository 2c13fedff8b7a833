"""``defcode simulate``: a replay is reproducible, never leaks an item's code, refuses bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model.learning import fit_scheme
from coding.model.simulation import MODELS, as_json, replay

runner = CliRunner()
BOOK = load_codebook()


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return load_definitions().rename(columns={"key": "id"})


@pytest.fixture
def coded_csv(tmp_path: Path, coded: pd.DataFrame) -> Path:
    path = tmp_path / "coded.csv"
    coded.to_csv(path, index=False)
    return path


def test_the_same_seed_replays_the_same_and_another_seed_another_order(coded):
    first = replay(coded, BOOK, "breadth", runs=2, seed=7)
    again = replay(coded, BOOK, "breadth", runs=2, seed=7)
    other = replay(coded, BOOK, "breadth", runs=2, seed=8)
    drop = ("fit_seconds",)
    assert {k: v for k, v in as_json(first).items() if k not in drop} == {
        k: v for k, v in as_json(again).items() if k not in drop
    }
    for one, two in zip(first["shown"], again["shown"], strict=True):
        pd.testing.assert_frame_equal(one, two)
    assert first["shown"][0]["item"].tolist() != first["shown"][1]["item"].tolist()
    assert first["shown"][0]["item"].tolist() != other["shown"][0]["item"].tolist()
    assert sorted(first["shown"][0]["item"]) == sorted(coded["id"])


@pytest.mark.parametrize("order", ["random", "uncertain", "confident"])
def test_an_items_code_never_reaches_a_proposal_made_before_it_was_coded(coded, order):
    """Change one item's code: every proposal up to and including its own stays the same."""
    before = replay(coded, BOOK, "school", runs=1, seed=3, order=order)["shown"][0]
    position = 9
    item = before.at[position, "item"]
    truth = before.at[position, "code"]
    changed = coded.copy()
    other = next(code for code in BOOK.scheme("school").codes if code != truth)
    changed.loc[changed["id"] == item, "school"] = other
    after = replay(changed, BOOK, "school", runs=1, seed=3, order=order)["shown"][0]
    columns = ["item", *MODELS]
    pd.testing.assert_frame_equal(
        before.loc[:position, columns], after.loc[:position, columns], check_dtype=False
    )
    assert after.at[position, "code"] == other


def test_the_first_proposals_are_the_codebook_models_and_the_majority_learns(coded):
    shown = replay(coded, BOOK, "school", runs=1, seed=0)["shown"][0]
    categories = len(BOOK.scheme("school").codes)
    early = shown.iloc[:categories]
    assert (early["defcode"] == early["no_retraining"]).all()
    assert (early["learnt_from"] == 0).all()
    assert pd.isna(shown.at[0, "majority"])
    assert shown.at[1, "majority"] == shown.at[0, "code"]
    assert shown["learnt_from"].tolist()[categories:] == list(range(categories, len(shown)))


def test_uncertain_order_shows_the_least_certain_proposal_first(coded):
    base, _ = fit_scheme(coded["definition"].iloc[:0], coded["school"].iloc[:0], BOOK, "school")
    certainty = base.predict_proba(coded["definition"].tolist()).max(axis=1)
    ids = coded["id"].to_numpy()
    uncertain = replay(coded, BOOK, "school", runs=1, order="uncertain")["shown"][0]
    confident = replay(coded, BOOK, "school", runs=1, order="confident")["shown"][0]
    assert uncertain.at[0, "item"] == ids[certainty.argmin()]
    assert confident.at[0, "item"] == ids[certainty.argmax()]


def test_accepted_counts_the_proposals_that_were_the_code(coded):
    result = replay(coded, BOOK, "breadth", runs=3, seed=1)
    for model in MODELS:
        shares = [(frame[model] == frame["code"]).mean() for frame in result["shown"]]
        assert result["accepted"][model] == pytest.approx(sum(shares) / 3, abs=1e-4)
        spread = result["accepted_spread"][model]
        assert spread["low"] == pytest.approx(min(shares), abs=1e-4)
        assert spread["high"] == pytest.approx(max(shares), abs=1e-4)
    assert result["accepted_spread"]["no_retraining"]["sd"] == 0  # the same model every run
    curve = result["curve"]
    assert [point["coded"] for point in curve] == list(range(17))
    assert curve[0]["accuracy"] == curve[0]["no_retraining"]


def test_a_refit_on_a_few_dozen_items_takes_well_under_a_second(coded):
    dev = pd.read_csv(Path(__file__).parents[1] / "bench" / "data" / "cluster_dev.csv")
    both = pd.concat([coded, dev.rename(columns={"key": "id"})[coded.columns]])
    texts = both.set_index("id")["definition"]
    codes = both.set_index("id")["school"]
    fit_scheme(texts, codes, BOOK, "school")  # lemmas cached, as in a replay
    start = time.perf_counter()
    fit_scheme(texts, codes, BOOK, "school")
    assert time.perf_counter() - start < 0.5


def test_simulate_command_prints_json_and_draws_the_curve(coded_csv, tmp_path):
    plot = tmp_path / "curve.png"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--input",
            str(coded_csv),
            "--scheme",
            "breadth",
            "--runs",
            "2",
            "--every",
            "3",
            "--seed",
            "5",
            "--json",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"scheme", "n", "runs", "accepted", "curve"} <= set(report)
    assert (report["scheme"], report["n"], report["runs"], report["every"]) == ("breadth", 17, 2, 3)
    assert set(report["accepted"]) == {"defcode", "no_retraining", "majority", "tfidf_lr"}
    assert {"coded", "accuracy", "accuracy_low", "accuracy_high"} <= set(report["curve"][0])
    with Image.open(plot) as image:
        assert image.format == "PNG" and image.width > 500


def test_codes_outside_the_codebook_are_refused_whole_naming_row_and_field(coded, tmp_path):
    bad = coded.copy()
    bad.loc[4, "school"] = "Jane Jacobs"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    result = runner.invoke(app, ["simulate", "--input", str(path), "--scheme", "school"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "row 5" in result.stderr and "'school'" in result.stderr
    assert "Jane Jacobs" in result.stderr
    assert result.stdout == ""


def test_a_scheme_of_one_category_and_too_few_items_get_a_clear_message(tmp_path, coded):
    book = tmp_path / "codebook.yaml"
    book.write_text(
        "concept: cluster\nterms: [cluster]\nschemes:\n"
        "  only:\n    label: One\n    description: One category.\n    categories:\n"
        "      - code: all\n        description: Everything.\n"
        "  pair:\n    label: Two\n    description: Two categories.\n    categories:\n"
        "      - code: a\n        description: An a.\n      - code: b\n        description: A b.\n"
        "      - code: c\n        description: A c.\n",
        encoding="utf-8",
    )
    path = tmp_path / "coded.csv"
    pd.DataFrame(
        {"id": ["x", "y"], "definition": ["A cluster.", "Clusters."], "only": "all", "pair": "a"}
    ).to_csv(path, index=False)
    common = ["simulate", "--input", str(path), "--codebook", str(book), "--scheme"]
    one = runner.invoke(app, [*common, "only"])
    assert one.exit_code == 1 and "Traceback" not in one.output
    assert "has one category ('all')" in one.stderr
    few = runner.invoke(app, [*common, "pair"])
    assert few.exit_code == 1 and "Traceback" not in few.output
    assert "2 coded item(s) for the 3 categories of 'pair'" in few.stderr
    unknown = runner.invoke(app, [*common, "colour"])
    assert unknown.exit_code == 1 and "'colour' is not a scheme" in unknown.stderr


def test_bad_replay_settings_are_refused(coded):
    with pytest.raises(ValueError, match="order='sideways'"):
        replay(coded, BOOK, "school", order="sideways")
    with pytest.raises(ValueError, match="every == 0"):
        replay(coded, BOOK, "school", every=0)
