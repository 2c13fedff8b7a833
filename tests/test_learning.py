"""Retraining from the store: agreed human codes only, the codebook alone below one item per
category, proposals that never see themselves, and baselines that can win."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.coders import store
from coding.coders.retraining import retrain_store
from coding.definitions import load_definitions
from coding.model import load_model
from coding.model.credit import credited_texts
from coding.model.evaluation import baselines
from coding.model.learning import CodebookOnly, describe_model, refit
from coding.model.proposals import propose

runner = CliRunner()
BOOK = load_codebook()


@pytest.fixture(scope="module")
def paper() -> pd.DataFrame:
    return load_definitions()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The 17 bundled items and the bundled model's proposals; no human code yet."""
    path = tmp_path / "review.db"
    conn = store.open_store(path)
    store.record_codebook(conn, BOOK)
    store.add_bundled_items(conn, BOOK)
    store.store_proposals(conn, load_model())
    conn.close()
    return path


def _code(db: Path, paper: pd.DataFrame, n: int, coder: str = "ab") -> None:
    conn = store.open_store(db)
    for key, school, breadth in paper[["key", "school", "breadth"]].head(n).to_numpy():
        store.record(conn, BOOK, key, "school", coder, school)
        store.record(conn, BOOK, key, "breadth", coder, breadth)
    conn.close()


def _latest_proposals(db: Path, scheme: str) -> pd.DataFrame:
    conn = store.open_store(db)
    try:
        return store.proposals(conn, scheme).set_index("item")
    finally:
        conn.close()


def test_refit_learns_from_the_coded_rows_of_each_scheme(paper):
    frame = paper.rename(columns={"key": "id"})[["id", "definition", "school", "breadth"]].copy()
    frame.loc[10:, "school"] = None  # 10 coded in school, 17 in breadth
    model = refit(frame, BOOK)
    assert model.info["coded"] == {"school": 10, "breadth": 17}
    assert model.info["notes"] == {}
    assert list(model.classifiers["school"].examples_.index) == frame["id"].head(10).tolist()
    assert model.info["chosen_by"] == "a fixed configuration (no search)"
    assert describe_model(model).startswith("trained on 17 coded item(s) at ")
    assert model.classifiers["school"].temperature != 1.0  # 10 coded: calibrated


def test_with_fewer_coded_items_than_categories_the_codebook_alone_proposes(paper):
    frame = paper.rename(columns={"key": "id"})[["id", "definition", "school", "breadth"]].copy()
    frame.loc[4:, "school"] = None  # 4 of 5 schools' worth
    model = refit(frame, BOOK)
    assert model.info["coded"] == {"school": 0, "breadth": 17}
    assert len(model.classifiers["school"].examples_) == 0
    reasons = model.propose(["Firms of one industry in one town."])
    assert reasons.at[0, "school_reason"].startswith(
        "from the codebook alone (4 coded item(s) of 'school', fewer than its 5 categories): "
    )
    assert "codebook alone" not in reasons.at[0, "breadth_reason"]


def test_retrain_counts_agreed_human_codes_never_model_proposals(db, paper):
    _code(db, paper, 6, "ab")
    _code(db, paper, 3, "cd")
    conn = store.open_store(db)
    store.record(conn, BOOK, paper.at[0, "key"], "school", "cd", "Michael Porter")  # disagreement
    model, stored = retrain_store(conn, BOOK)
    conn.close()
    # ab coded 6, cd agreed on 2 of 3 schools: 5 agreed schools, 6 breadths
    assert model.info["coded"] == {"school": 5, "breadth": 6}
    assert paper.at[0, "key"] not in model.classifiers["school"].examples_.index
    assert stored > 0
    # the disputed item is not agreed on: it is re-proposed with the items nobody coded
    keys = paper["key"]
    school = _latest_proposals(db, "school").loc[[keys.iloc[0], *keys.iloc[6:]]]
    assert school["reason"].str.contains("nearest coded: ").all()
    assert not school["reason"].str.contains("in-sample").any()
    bundled = _latest_proposals(db, "school").loc[keys.iloc[1:6]]  # the model trained on the 17
    assert bundled["reason"].str.startswith("in-sample").all()


@pytest.mark.parametrize("n", [0, 1, 12])
def test_propose_retrain_on_a_store_with_0_1_and_many_coded_items(db, paper, n):
    _code(db, paper, n)
    before = _latest_proposals(db, "school")
    result = runner.invoke(app, ["codings", "propose", "--db", str(db), "--retrain"])
    assert result.exit_code == 0, result.output
    after = _latest_proposals(db, "school")
    uncoded = paper["key"].iloc[n:].tolist()
    coded = paper["key"].iloc[:n].tolist()
    # every uncoded item gets the retrained model's proposal; coded items keep the old one
    assert after.loc[coded, "reason"].equals(before.loc[coded, "reason"])
    if n < 5:
        assert after.loc[uncoded, "reason"].str.startswith("from the codebook alone").all()
        assert f"school: proposed from the codebook alone ({n} coded item(s)" in result.stderr
        assert "codebook alone" in result.stdout
    else:
        assert not after.loc[uncoded, "reason"].str.contains("codebook alone").any()
        assert f"trained on {n} coded item(s)" in result.stdout
        model = refit(
            paper.rename(columns={"key": "id"}).head(n)[["id", "definition", "school"]],
            BOOK,
            ["school"],
        )
        expected = model.propose(paper["definition"].iloc[n:])["school"].tolist()
        assert after.loc[uncoded, "value"].tolist() == expected
    assert f"stored {2 * len(uncoded)} proposal(s)" in result.stdout


def test_propose_retrain_refuses_a_model_file_too(db, tmp_path):
    result = runner.invoke(
        app, ["codings", "propose", "--db", str(db), "--retrain", "--model", str(tmp_path / "m")]
    )
    assert result.exit_code == 1
    assert "give --model or --retrain, not both" in result.stderr


def test_train_from_a_store_learns_its_agreed_codes(db, paper, tmp_path):
    out = tmp_path / "model.zip"
    args = ["train", "--db", str(db), "--model", str(out), "--scheme", "breadth", "-j", "1"]
    none = runner.invoke(app, args)
    assert none.exit_code == 1  # the bundled model's proposals are not codes
    assert "its agreed codes): scheme 'breadth': 0 coded definition(s)" in none.stderr
    _code(db, paper, 8)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "from 8 definitions" in result.stdout
    model = load_model(out)
    assert model.info["n"] == 8
    assert sorted(model.classifiers["breadth"].examples_.index) == sorted(paper["key"].head(8))


def test_the_nearest_coded_definition_is_never_the_definition_itself(paper):
    model = load_model()
    proposals = propose(model.classifiers["school"], credited_texts(paper).tolist())
    assert (proposals["nearest"].to_numpy() != paper["key"].to_numpy()).all()
    assert proposals["in_sample"].tolist() == paper["school"].tolist()
    brenner = proposals.loc[paper.index[paper["key"] == "brenner2004"][0], "reason"]
    assert brenner.startswith(
        "in-sample: the model was trained on this definition, coded Alfred Marshall; "
    )
    assert "nearest other coded: " in brenner and "brenner2004" not in brenner
    outside = propose(model.classifiers["school"], ["A cluster is firms in one town."])
    assert pd.isna(outside.at[0, "in_sample"])
    assert "in-sample" not in outside.at[0, "reason"]
    assert "nearest coded: " in outside.at[0, "reason"]


def test_a_model_trained_on_one_definition_has_no_other_to_compare(paper):
    frame = paper.rename(columns={"key": "id"}).head(2)[["id", "definition", "breadth"]]
    model = refit(frame, BOOK, ["breadth"], calibrate=False)
    reason = model.propose(frame["definition"].head(1))["breadth_reason"].iloc[0]
    assert reason.startswith("in-sample")
    assert f"nearest other coded: {frame['id'].iloc[1]} " in reason


def test_the_baselines_can_tell_codes_apart(paper):
    models = baselines(BOOK, "school")
    assert set(models) == {"majority", "tfidf_lr", "codebook_only"}
    X, y = paper["definition"], paper["school"]
    tfidf = models["tfidf_lr"].fit(X, y)
    assert len(set(tfidf.predict(X))) > 1
    only = models["codebook_only"].fit(X, y)
    assert len(set(only.predict(X))) > 1
    untouched = CodebookOnly(codebook=BOOK, scheme="school").fit(X.head(0), y.head(0))
    np.testing.assert_allclose(only.predict_proba(X), untouched.predict_proba(X))
