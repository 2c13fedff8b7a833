"""The DEFT reader and the sentence-level definition detector."""

from __future__ import annotations

import gzip
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score

from corpus.errors import InputError
from corpus.finding.detector import (
    DENSE_COLUMNS,
    THRESHOLD_GRID,
    Detector,
    SentenceFeatures,
    choose_threshold,
    evaluate_detector,
    load_detector,
    shape_token,
    train_detector,
)
from corpus.readers.deft import COLUMNS, load_deft

DEFT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "deft"
DEFINITION = "A cluster is defined as a group of interconnected firms in a particular field."
NOT_DEFINITION = "The results are shown in Figure 3."


# --- SentenceFeatures ----------------------------------------------------------------------


def test_sentence_features_columns_shape_and_dtypes():
    texts = [DEFINITION, NOT_DEFINITION, ""]
    features = SentenceFeatures().fit(texts).transform(texts)
    assert list(features.columns) == ["lower", "lemma", "shape", *DENSE_COLUMNS]
    assert features.shape == (3, 24)
    assert (features[list(DENSE_COLUMNS)].dtypes == np.float32).all()
    assert SentenceFeatures().get_feature_names_out().tolist() == list(features.columns)
    assert features.loc[2, ["lower", "lemma", "shape"]].tolist() == ["", "", ""]
    assert clone(SentenceFeatures()).get_params() == {}


def test_sentence_features_views_join_spacy_tokens():
    features = SentenceFeatures().transform(["Clusters are linked  by trade (Porter, 1990)."])
    row = features.loc[0]
    assert row["lower"] == "clusters are linked by trade ( porter , 1990 ) ."
    # Lemmas are looked up for the word as written: "Clusters" is not in the table.
    assert row["lemma"] == "clusters be link by trade ( porter , 1990 ) ."
    assert row["shape"] == "Xx are xx-ed by xx ( Xx , DD ) ."


def test_sentence_features_ignore_original_spacing():
    spaced = SentenceFeatures().transform(["In deductive reasoning, the premise holds."])
    tokens = SentenceFeatures().transform(["In deductive reasoning , the premise holds ."])
    pd.testing.assert_frame_equal(spaced, tokens)


def test_sentence_features_reject_a_single_string():
    with pytest.raises(TypeError, match=re.escape("wrap it in a list: [sentence]")):
        SentenceFeatures().transform(DEFINITION)


@pytest.mark.parametrize(
    ("token", "shape"),
    [
        ("Defined", "defined"),
        ("the", "the"),
        ("i.e.", "i.e."),
        ("(", "("),
        ("1990s", "DD"),
        ("+", "SYM"),
        ("NATO", "XX"),
        ("A", "a"),
        ("Porter", "Xx"),
        ("innovation", "xx-tion"),
        ("proximity", "xx-ity"),
        ("linked", "xx-ed"),
        ("cluster", "xx-er"),
        ("firms", "xx-s"),
        ("red", "xx"),
        ("firm", "xx"),
    ],
)
def test_shape_token(token, shape):
    assert shape_token(token) == shape


def _cues_on(text: str) -> set[str]:
    """The binary cue columns set for one sentence."""
    row = SentenceFeatures().transform([text]).loc[0]
    return {c for c in DENSE_COLUMNS if c != "log_len" and row[c] == 1.0}


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("A cluster is defined as a group of firms.", {"defined_as"}),
        ("The term X refers to Y", {"termed", "refers_to", "cap_term_is"}),
        ("Such a region is known as a cluster (Porter, 1990).", {"known_as", "paren", "this_that"}),
        ("5. We call it a hub?", {"starts_number", "first_person", "question"}),
        ("Clusters are a group of firms that are linked.", {"is_a", "is_any", "which_that"}),
        ("What is a cluster?", {"is_a", "short", "question"}),
        (
            "A hub is often called a node: a core — or centre.",
            {"is_called", "called", "colon", "dash", "ie_eg"},
        ),
        ("Economists say 'cluster means proximity'.", {"means", "cap_term_is"}),
        ("He wrote “Clusters are groups” once.", {"cap_term_is"}),
        ("The results are shown in Figure 3.", set()),
    ],
)
def test_cue_flags(text, cues):
    assert _cues_on(text) == cues


def test_log_len_counts_tokens():
    row = SentenceFeatures().transform(["A cluster is defined as a group of firms."]).loc[0]
    assert row["log_len"] == pytest.approx(np.log1p(10))


# --- load_deft -----------------------------------------------------------------------------


def _deft_line(token: str, start: int, end: int, tag: str = "O") -> str:
    return f"{token}\t data/source_txt/x.deft\t {start}\t {end}\t {tag}\t -1\t -1\t 0\n"


SNIPPET = "".join(
    [
        # "5 ." alone before one blank line: glued to the next sentence.
        _deft_line("5", 0, 1),
        _deft_line(".", 1, 2),
        "\n",
        _deft_line("A", 3, 4, "B-Term"),
        _deft_line("cell", 5, 9, "I-Term"),
        _deft_line("is", 10, 12),
        _deft_line("a", 13, 14, "B-Definition"),
        _deft_line("unit", 15, 19, "I-Definition"),
        _deft_line(".", 19, 20),
        "\n",
        # Only I-Definition: positive under the official rule, has_b_def 0.
        _deft_line("It", 21, 23, "I-Definition"),
        _deft_line("grows", 24, 29, "I-Definition"),
        _deft_line(".", 29, 30),
        "\n",
        # Secondary-Definition and Definition-frag do not count.
        _deft_line("Mitosis", 31, 38, "B-Term"),
        _deft_line("divides", 39, 46, "B-Secondary-Definition"),
        _deft_line("cells", 47, 52, "I-Secondary-Definition"),
        _deft_line("(", 53, 54),
        _deft_line("see", 54, 57, "B-Definition-frag"),
        _deft_line(")", 57, 58),
        _deft_line(".", 58, 59),
        "\n",
        # "7 ." before two blank lines: a sentence of its own.
        _deft_line("7", 60, 61),
        _deft_line(".", 61, 62),
        "\n",
        "\n",
        # No blank line after the last sentence: the official converter drops it.
        _deft_line("Last", 63, 67, "B-Definition"),
        _deft_line("one", 68, 71, "I-Definition"),
        _deft_line(".", 71, 72),
    ]
)
EXPECTED = [
    ("5. A cell is a unit.", "5 . A cell is a unit .", 1, 1),
    ("It grows.", "It grows .", 1, 0),
    ("Mitosis divides cells (see).", "Mitosis divides cells ( see ) .", 0, 0),
    ("7.", "7 .", 0, 0),
]


@pytest.fixture
def deft_root(tmp_path: Path) -> Path:
    """A tiny deft_corpus copy: data/deft_files/{train,dev}/."""
    files = tmp_path / "data" / "deft_files"
    (files / "train").mkdir(parents=True)
    (files / "dev").mkdir()
    (files / "train" / "x.deft").write_text(SNIPPET, encoding="utf-8")
    (files / "dev" / "y.deft").write_text(SNIPPET.split("\n\n\n")[0] + "\n\n", encoding="utf-8")
    return tmp_path


def test_load_deft_reproduces_the_official_converter(deft_root):
    deft = load_deft(deft_root, splits=["train"])
    assert list(deft.columns) == list(COLUMNS)
    assert deft["split"].tolist() == ["train"] * 4
    assert deft["file"].tolist() == ["x.deft"] * 4
    assert deft["sentence_no"].tolist() == [0, 1, 2, 3]
    got = list(deft[["text", "text_tok", "label", "has_b_def"]].itertuples(index=False, name=None))
    assert got == EXPECTED


def test_load_deft_keep_trailing_keeps_the_last_sentence(deft_root):
    deft = load_deft(deft_root, splits="train", keep_trailing=True)
    assert len(deft) == 5
    assert deft.iloc[-1][["text", "text_tok", "label", "has_b_def"]].tolist() == [
        "Last one.",
        "Last one .",
        1,
        1,
    ]


def test_load_deft_reads_splits_in_order(deft_root):
    deft = load_deft(deft_root)
    assert deft["split"].tolist() == ["train"] * 4 + ["dev"] * 3
    assert deft.loc[deft["split"] == "dev", "text"].tolist() == [e[0] for e in EXPECTED[:3]]


@pytest.mark.parametrize("sub", ["", "data", "data/deft_files"])
def test_load_deft_accepts_the_corpus_or_the_split_folders(deft_root, sub):
    assert load_deft(deft_root / sub, splits=["dev"])["file"].tolist() == ["y.deft"] * 3


def test_load_deft_names_the_folder_without_data(tmp_path):
    with pytest.raises(InputError, match=re.escape(f"{tmp_path}: no DEFT data found")):
        load_deft(tmp_path)


def test_load_deft_names_a_missing_split(deft_root):
    split = deft_root / "data" / "deft_files" / "test"
    with pytest.raises(InputError, match=re.escape(f"{split}: no .deft files for split 'test'")):
        load_deft(deft_root, splits=["train", "test"])


def test_load_deft_names_file_and_line_of_a_short_row(deft_root):
    bad = deft_root / "data" / "deft_files" / "train" / "z.deft"
    bad.write_text(_deft_line("A", 0, 1) + "oops\t 1\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{bad}, line 2: expected at least 5")):
        load_deft(deft_root, splits=["train"])


# --- choose_threshold ----------------------------------------------------------------------


def test_choose_threshold_takes_the_middle_of_a_plateau():
    # F1 is 0.8 up to 0.45, 1.0 from 0.46 to 0.55, 0.67 above.
    assert choose_threshold([0, 0, 1, 1], [0.1, 0.45, 0.55, 0.9]) == 0.48
    assert choose_threshold([0, 0, 1, 1], [0.1, 0.45, 0.55, 0.9], window=0) == 0.46


def test_choose_threshold_passes_over_a_single_spike():
    # F1 is 0.952 up to 0.64, 1.0 at 0.65 only, 0.8 from 0.66 on.
    y = np.r_[np.ones(30, int), np.zeros(33, int)]
    proba = np.r_[np.full(20, 0.9), np.full(10, 0.655), np.full(3, 0.645), np.full(30, 0.1)]
    assert choose_threshold(y, proba, window=0) == 0.65
    assert choose_threshold(y, proba) == 0.63


def test_choose_threshold_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=re.escape("y and proba differ in shape: (2,) and (3,)")):
        choose_threshold([0, 1], [0.1, 0.2, 0.3])


# --- training, saving, loading -------------------------------------------------------------

TINY_DEFINITIONS = [
    "A {} is defined as a group of firms.",
    "The term {} refers to a set of linked industries.",
    "A {} is a concentration of companies in one place.",
    "{} is called a network of suppliers.",
]
TINY_OTHERS = [
    "The results for {} are shown in Figure 3.",
    "We collected data on {} in 2019.",
    "Table 2 lists every {} we visited.",
    "Prices of {} rose sharply last year.",
]
WORDS = ["cluster", "district", "hub", "region", "milieu", "network"]


def _tiny_frame() -> pd.DataFrame:
    rows = [(t.format(w), 1) for t in TINY_DEFINITIONS for w in WORDS]
    rows += [(t.format(w), 0) for t in TINY_OTHERS for w in WORDS]
    return pd.DataFrame(rows, columns=["text", "label"])


@pytest.fixture(scope="module")
def tiny_detector() -> Detector:
    frame = _tiny_frame()
    return train_detector(frame.iloc[::2], frame.iloc[1::2])


def test_train_detector_records_how_it_was_made(tiny_detector):
    info = tiny_detector.info
    assert tiny_detector.threshold == info["threshold"]
    assert info["threshold"] in THRESHOLD_GRID
    assert (info["train_sentences"], info["train_positives"]) == (24, 12)
    assert (info["dev_sentences"], info["dev_positives"]) == (24, 12)
    assert info["dev_at_threshold"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert set(info["dev_at_0.5"]) == {"precision", "recall", "f1"}
    assert {"scikit-learn", "spacy", "spacy-lookups-data", "trained", "C"} <= set(info)
    for _, transformer, _ in tiny_detector.pipeline.named_steps["vectorize"].transformers_:
        assert not hasattr(transformer, "stop_words_")


def test_train_detector_names_missing_columns():
    frame = _tiny_frame().rename(columns={"label": "y"})
    with pytest.raises(InputError, match=re.escape("train: needs columns 'text' and 'label'")):
        train_detector(frame, frame)


def test_train_detector_names_rows_with_bad_labels():
    frame = _tiny_frame()
    frame.loc[3, "label"] = 2
    with pytest.raises(InputError, match=re.escape("dev, row 3, field 'label': must be 0 or 1")):
        train_detector(_tiny_frame(), frame)


def test_detector_save_and_load_round_trip(tiny_detector, tmp_path):
    path = tiny_detector.save(tmp_path / "sub" / "detector.zip")
    loaded = load_detector(path)
    assert loaded.threshold == tiny_detector.threshold
    assert loaded.info == tiny_detector.info
    texts = _tiny_frame()["text"].tolist()
    np.testing.assert_allclose(loaded.score(texts), tiny_detector.score(texts))


def test_load_detector_warns_about_another_sklearn_version(tiny_detector, tmp_path):
    old = Detector(tiny_detector.pipeline, 0.5, tiny_detector.info | {"scikit-learn": "0.1"})
    path = old.save(tmp_path / "old.zip")
    with pytest.warns(UserWarning, match=re.escape("written with scikit-learn 0.1")):
        load_detector(path)


def test_load_detector_names_a_file_that_is_not_a_detector(tmp_path):
    random_bytes = tmp_path / "random.zip"
    random_bytes.write_bytes(np.random.default_rng(0).bytes(512))
    with pytest.raises(InputError, match=re.escape(f"{random_bytes}: not a defcode detector")):
        load_detector(random_bytes)
    other_pickle = tmp_path / "other.pkl.gz"
    other_pickle.write_bytes(gzip.compress(pickle.dumps({"model": "x"})))
    with pytest.raises(InputError, match=re.escape(f"{other_pickle}: not a defcode detector")):
        load_detector(other_pickle)


def test_load_detector_names_a_missing_file(tmp_path):
    missing = tmp_path / "missing.zip"
    with pytest.raises(InputError, match=re.escape(f"{missing}: no such detector file")):
        load_detector(missing)


# --- the shipped detector ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Detector:
    return load_detector()


def test_shipped_detector_is_loaded_once(shipped):
    assert load_detector() is shipped
    assert shipped.info["train_sentences"] == 17739
    # regression values: the shipped detector's scores on DEFT dev, recorded when it was
    # trained (docs/finding-definitions.md quotes them; test_shipped_detector_on_deft_dev
    # recomputes them where DEFT is available).
    assert shipped.threshold == 0.48
    at_threshold = shipped.info["dev_at_threshold"]
    assert round(at_threshold["f1"], 3) == 0.754
    assert (round(at_threshold["precision"], 3), round(at_threshold["recall"], 3)) == (0.719, 0.792)
    assert round(shipped.info["dev_at_0.5"]["f1"], 3) == 0.754
    assert (shipped.info["dev_sentences"], shipped.info["dev_positives"]) == (872, 284)


def test_shipped_detector_separates_clear_cases(shipped):
    scores = shipped.score([DEFINITION, NOT_DEFINITION, "The term X refers to Y."])
    assert scores.shape == (3,)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[0] >= shipped.threshold > scores[1]
    assert shipped.predict([DEFINITION, NOT_DEFINITION]).tolist() == [True, False]
    assert shipped.predict([DEFINITION]).dtype == bool


def test_shipped_detector_scores_nothing_for_no_texts(shipped):
    assert shipped.score([]).shape == (0,)


def test_evaluate_detector_counts_and_scores(shipped):
    frame = pd.DataFrame(
        {
            "text": [DEFINITION, NOT_DEFINITION, "Porter called such groups clusters."],
            "label": [1, 0, 0],
        }
    )
    predicted = shipped.predict(frame["text"])
    result = evaluate_detector(shipped, frame)
    assert result["n"] == 3
    assert result["positives"] == 1
    assert result["threshold"] == shipped.threshold
    assert result["f1"] == pytest.approx(f1_score(frame["label"], predicted))
    assert result["recall"] == 1.0
    everything = evaluate_detector(shipped, frame, threshold=0.0)
    assert (everything["precision"], everything["recall"]) == (pytest.approx(1 / 3), 1.0)


@pytest.mark.slow
def test_shipped_detector_on_deft_dev():
    if not (DEFT / "data" / "deft_files").is_dir():
        pytest.skip(f"DEFT is not at {DEFT}")
    deft = load_deft(DEFT)
    counts = deft.groupby("split").agg(
        sentences=("label", "size"),
        positives=("label", "sum"),
        b_def=("has_b_def", "sum"),
        files=("file", "nunique"),
    )
    assert counts.loc["train"].tolist() == [17739, 5776, 5770, 80]
    assert counts.loc["dev"].tolist() == [872, 284, 283, 68]
    result = evaluate_detector(load_detector(), deft[deft["split"] == "dev"])
    assert result["n"] == 872
    # regression value: the F1 the shipped detector recorded at training time.
    assert result["f1"] == pytest.approx(load_detector().info["dev_at_threshold"]["f1"], abs=1e-9)
    assert round(result["f1"], 3) == 0.754
