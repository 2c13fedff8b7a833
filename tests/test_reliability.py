"""Inter-coder reliability against published worked examples."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from analysis.cli import app
from coding.coders.reliability import (
    pairwise_kappa,
    per_category,
    read_ratings,
    reliability,
    reliability_matrix,
    select_scheme,
)
from corpus.errors import InputError

runner = CliRunner()

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
# four observers, twelve units, nominal values 1-5, some missing.
KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}

# Fleiss (1971), as worked on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters
# each, the number of raters who chose each of 5 categories.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def krippendorff_long() -> pd.DataFrame:
    rows = [
        (f"u{unit}", coder, "" if value == "." else value)
        for coder, values in KRIPPENDORFF_2011.items()
        for unit, value in enumerate(values.split(), start=1)
    ]
    return pd.DataFrame(rows, columns=["item", "coder", "value"])


def write_csv(path, frame: pd.DataFrame):
    frame.to_csv(path, index=False)
    return path


def test_cli_json_gives_krippendorff_2011_nominal_alpha(tmp_path):
    ratings = write_csv(tmp_path / "ratings.csv", krippendorff_long())
    result = runner.invoke(app, ["reliability", "--input", str(ratings), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert round(report["krippendorff_alpha"], 3) == 0.743
    assert (report["n_items"], report["n_coders"], report["n_ratings"]) == (12, 4, 41)
    assert report["categories"] == ["1", "2", "3", "4", "5"]
    assert "cohen_kappa" not in report
    assert set(report["cohen_kappa_pairs"]) == {"A|B", "A|C", "A|D", "B|C", "B|D", "C|D"}


def test_krippendorff_2011_data_at_numeric_levels():
    # The values the krippendorff package's tests give for the same data.
    alphas = {
        level: reliability(krippendorff_long(), level=level, n_boot=0)["krippendorff_alpha"]
        for level in ("ordinal", "interval", "ratio")
    }
    assert {k: round(v, 3) for k, v in alphas.items()} == {
        "ordinal": 0.815,
        "interval": 0.849,
        "ratio": 0.797,
    }


def test_gwet_ac1_and_fleiss_kappa_match_gwet_and_irrcac():
    # Gwet (2014) analyses the same data; irrCAC documents AC1 0.77544, Fleiss'
    # kappa 0.76117 and percent agreement 0.81818 for it (irrCAC.raw, raw_4raters).
    report = reliability(krippendorff_long(), n_boot=0)
    assert round(report["gwet_ac1"], 5) == 0.77544
    assert round(report["fleiss_kappa"], 5) == 0.76117
    assert round(report["percent_agreement"], 5) == 0.81818


def test_fleiss_1971_example_gives_kappa_0_210():
    rows = []
    for subject, counts in enumerate(FLEISS_1971, start=1):
        values = [k for k, n in enumerate(counts, start=1) for _ in range(n)]
        rows += [(subject, f"r{r}", value) for r, value in enumerate(values, start=1)]
    report = reliability(pd.DataFrame(rows, columns=["item", "coder", "value"]), n_boot=0)
    assert round(report["fleiss_kappa"], 3) == 0.210
    assert round(report["percent_agreement"], 3) == 0.378
    assert (report["n_items"], report["n_ratings"]) == (10, 140)


def test_two_coders_cohen_kappa_equals_sklearn():
    first = list("aabbcabcaabcbb")
    second = list("abbbcaccaabcab")
    long = pd.DataFrame(
        {
            "item": list(range(14)) * 2,
            "coder": ["ann"] * 14 + ["bob"] * 14,
            "value": first + second,
        }
    )
    report = reliability(long, n_boot=0)
    expected = cohen_kappa_score(first, second)
    assert round(report["cohen_kappa"], 3) == round(expected, 3)
    assert report["cohen_kappa_pairs"] == {"ann|bob": report["cohen_kappa"]}


def test_overlapping_subsets_of_items_are_kept():
    long = pd.DataFrame(
        [
            ("d1", "A", "x"),
            ("d1", "B", "x"),
            ("d2", "A", "y"),
            ("d2", "B", "y"),
            ("d3", "B", "x"),
            ("d3", "C", "y"),
            ("d4", "C", "x"),
            ("d5", "A", "x"),
            ("d5", "C", np.nan),
        ],
        columns=["item", "coder", "value"],
    )
    matrix = reliability_matrix(long)
    assert matrix.shape == (3, 5)
    assert matrix.loc["C"].isna().tolist() == [True, True, False, False, True]
    report = reliability(long, n_boot=0)
    assert (report["n_items"], report["n_paired_items"], report["n_ratings"]) == (5, 3, 8)
    # d1, d2 agree, d3 does not.
    assert report["percent_agreement"] == pytest.approx(2 / 3)
    pairs = pairwise_kappa(long).set_index(["coder_a", "coder_b"])
    assert pairs.loc[("A", "B"), "n_items"] == 2
    assert pairs.loc[("A", "C"), "n_items"] == 0
    assert report["cohen_kappa_pairs"]["A|C"] is None
    assert report["cohen_kappa_pairs"]["B|C"] is None
    assert per_category(long).to_dict("index") == {
        "x": {"count": 5, "agreement": 2 / 3},
        "y": {"count": 3, "agreement": 2 / 3},
    }


def test_bootstrap_interval_contains_alpha_and_repeats_with_its_seed():
    long = krippendorff_long()
    first = reliability(long, n_boot=300, seed=7)
    low, high = first["krippendorff_alpha_ci95"]
    assert low <= first["krippendorff_alpha"] <= high
    assert reliability(long, n_boot=300, seed=7)["krippendorff_alpha_ci95"] == [low, high]
    assert reliability(long, n_boot=300, seed=8)["krippendorff_alpha_ci95"] != [low, high]
    assert reliability(long, n_boot=0)["krippendorff_alpha_ci95"] is None


def test_repeated_item_and_coder_fails_naming_file_item_and_coder(tmp_path):
    long = krippendorff_long()
    long.loc[len(long)] = ("u3", "B", "2")
    ratings = write_csv(tmp_path / "twice.csv", long)
    result = runner.invoke(app, ["reliability", "--input", str(ratings)])
    assert result.exit_code == 1
    assert f"{ratings}: 1 problem(s) in the ratings" in result.output
    assert "item 'u3': coded 2 times by coder 'B' (rows 15, 49)" in result.output
    assert "Traceback" not in result.output


def test_input_missing_a_column_fails_naming_file_and_column(tmp_path):
    ratings = write_csv(tmp_path / "ratings.csv", krippendorff_long().drop(columns="value"))
    result = runner.invoke(app, ["reliability", "--input", str(ratings)])
    assert result.exit_code == 1
    assert f"{ratings}: missing column(s) 'value'" in result.output


def test_empty_coder_fails_with_its_row():
    long = pd.DataFrame({"item": ["a", "a"], "coder": ["A", " "], "value": ["x", "y"]})
    with pytest.raises(InputError, match="row 2: empty coder"):
        reliability_matrix(long)


def test_numeric_level_refuses_text_codes():
    long = pd.DataFrame({"item": ["a", "a"], "coder": ["A", "B"], "value": ["B", "N"]})
    with pytest.raises(InputError, match="level 'interval' needs numeric codes; not numbers: 'B'"):
        reliability(long, level="interval")


def test_several_schemes_need_a_choice(tmp_path):
    long = krippendorff_long()
    both = pd.concat([long.assign(scheme="school"), long.assign(scheme="breadth")])
    ratings = write_csv(tmp_path / "ratings.csv", both)
    result = runner.invoke(app, ["reliability", "--input", str(ratings)])
    assert result.exit_code == 1
    assert "the ratings hold 2 schemes (breadth, school); choose one (--scheme)" in result.output
    chosen = runner.invoke(
        app, ["reliability", "--input", str(ratings), "--scheme", "school", "--json"]
    )
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.output)["n_ratings"] == 41
    assert len(select_scheme(read_ratings(ratings), "breadth")) == 48


def test_cli_prints_tables_without_json(tmp_path):
    ratings = write_csv(tmp_path / "ratings.csv", krippendorff_long())
    result = runner.invoke(app, ["reliability", "--input", str(ratings), "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    assert "Krippendorff's alpha (nominal)" in result.output
    assert "0.743" in result.output
    assert "Gwet's AC1" in result.output


def test_cli_needs_exactly_one_source(tmp_path):
    result = runner.invoke(app, ["reliability"])
    assert result.exit_code == 1
    assert "exactly one of --input" in result.output


def test_cli_db_measures_the_coders_current_values_without_the_model(tmp_path):
    from coding.codebook import load_codebook
    from coding.coders import store

    book = load_codebook()
    db = tmp_path / "coding.db"
    conn = store.open_store(db)
    try:
        store.add_bundled_items(conn, book)
        keys = store.items(conn)["id"].tolist()[:8]
        ann, bob = list("BBNNBNBN"), list("BNNNBNBB")
        for key, first, second in zip(keys, ann, bob, strict=True):
            store.record(conn, book, key, "breadth", "ann", "N" if first == "B" else "B")
            store.record(conn, book, key, "breadth", "ann", first)
            store.record(conn, book, key, "breadth", "bob", second)
            store.record(conn, book, key, "breadth", store.MODEL_CODER, "B", source="model")
        store.record(conn, book, keys[0], "school", "ann", "Michael Porter")
    finally:
        conn.close()
    several = runner.invoke(app, ["reliability", "--db", str(db)])
    assert several.exit_code == 1
    assert f"{db}: the ratings hold 2 schemes (breadth, school)" in several.output
    result = runner.invoke(app, ["reliability", "--db", str(db), "--scheme", "breadth", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["n_items"], report["n_coders"], report["n_ratings"]) == (8, 2, 16)
    assert report["cohen_kappa"] == pytest.approx(cohen_kappa_score(ann, bob))
    assert report["percent_agreement"] == pytest.approx(6 / 8)
