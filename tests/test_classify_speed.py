"""The fast paths of `defcode classify` give the proposals of the plain ones, byte for byte.

``tests/data/classify_regression/proposals.csv`` is a regression fixture: the
output of ``defcode classify`` on ``definitions.csv`` beside it with the
bundled model, first written by the code before the speed work of issue 25 and
written again when the bundled model was retrained to read credited authors
(the plain and fast paths are compared directly below).
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from coding.model import classify_file, load_model
from coding.model.proposals import _percents, propose
from coding.model.tfidf import transform_many
from corpus.formulas import TRIGGERS, neutralise, neutralise_frame, restore, restore_frame
from corpus.nlp import blank_english, lemma_lookup, lemma_strings
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "classify_regression"
ODD = [
    "",
    " ",
    "ΣΊΣΥΦΟΣ ΣΑ Σ",
    "a  b",
    "co-operation and/or inter-firm",
    "x",
    "12 ab",
    "_ab a_b ab_",
    "İstanbul\u2019s",
    " lead trail ",
]


def same_matrix(a, b) -> bool:
    return (
        type(a) is type(b)
        and a.shape == b.shape
        and a.data.dtype == b.data.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def test_classify_writes_the_regression_fixture_byte_for_byte(tmp_path):
    out = tmp_path / "proposals.csv"
    # Chunks of 50: several chunks, tokenized by the child process.
    written = classify_file(None, FIXTURE / "definitions.csv", out, chunksize=50)
    assert written == 285
    assert out.read_bytes() == (FIXTURE / "proposals.csv").read_bytes()


def test_model_propose_equals_each_scheme_proposed_alone():
    texts = pd.read_csv(FIXTURE / "definitions.csv")["definition"].tolist() + ODD
    model = load_model()
    fast = model.propose(texts)
    parts = {}
    for scheme, classifier in model.classifiers.items():
        alone = propose(classifier, texts)  # sklearn's own transform, reason by reason
        parts[scheme] = alone["code"]
        parts[f"{scheme}_confidence"] = alone["confidence"].round(4)
        parts[f"{scheme}_reason"] = alone["reason"]
    pd.testing.assert_frame_equal(fast, pd.DataFrame(parts))


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3)])
@pytest.mark.parametrize(
    "options",
    [
        {
            "token_pattern": r"(?u)\b[^\W\d_][\w\-]+\b",
            "stop_words": sorted(ENGLISH_STOP_WORDS),
            "sublinear_tf": True,
        },
        {},
        {"lowercase": False, "norm": None, "use_idf": False},
    ],
)
def test_transform_many_equals_each_vectorizers_transform(ngrams, options):
    texts = pd.read_csv(FIXTURE / "definitions.csv")["definition"].tolist()
    docs = lemma_strings(texts) + ODD + texts
    vectorizer = TfidfVectorizer(ngram_range=ngrams, **options).fit(docs[:150])
    other = TfidfVectorizer(ngram_range=(1, 1), **options).fit(docs[100:])
    fast = transform_many([vectorizer, other], docs)
    assert same_matrix(fast[0], vectorizer.transform(docs))
    assert same_matrix(fast[1], other.transform(docs))


def test_transform_many_leaves_other_analyzers_to_the_vectorizer():
    docs = ["a cluster of firms", "firms and institutions", ""]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(docs)
    accents = TfidfVectorizer(strip_accents="unicode").fit(docs)
    fast = transform_many([chars, accents], docs)
    for vectorizer, matrix in zip([chars, accents], fast, strict=True):
        assert same_matrix(matrix, vectorizer.transform(docs))
    with pytest.raises(ValueError, match=r"np\.nan is an invalid document"):
        transform_many([accents], ["a", np.nan])


def _percent(probability: float) -> str:
    """The reference: one probability as a whole percentage, never a certainty."""
    if probability >= 0.995:
        return ">99%"
    if probability < 0.005:
        return "<1%"
    return f"{probability:.0%}"


def test_percents_round_as_percent_does():
    rng = np.random.default_rng(25)
    edges = [0.0, 0.005, 0.995, 1.0, 0.125, 0.135, 0.5, 0.015, np.nextafter(0.995, 0)]
    probabilities = np.concatenate([rng.random(20_000), np.linspace(0, 1, 10_001), edges])
    assert _percents(probabilities) == [_percent(p) for p in probabilities.tolist()]


def test_formula_frames_change_the_cells_their_functions_change():
    rng = random.Random(25)
    alphabet = [*TRIGGERS, "'", "a", "1", ".", " ", "é"]

    def cell():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))

    for _ in range(200):
        n = rng.randint(1, 6)
        frame = pd.DataFrame(
            {
                "text": [cell() for _ in range(n)],
                "typed": pd.Series([cell() for _ in range(n)], dtype="string"),
                "number": range(n),
            }
        )
        for whole, one in ((neutralise_frame, neutralise), (restore_frame, restore)):
            changed = whole(frame)
            for column in ("text", "typed"):
                assert changed[column].tolist() == [one(v) for v in frame[column]]
            assert changed["number"].tolist() == list(range(n))


def test_lemma_strings_are_those_of_the_english_tokenizer():
    """The lean vocabulary tokenizes as English's: each text alone, token by token."""
    rng = random.Random(25)
    alphabet = [*"aZé1.,;:'\"()[]-/&%$@#!? \t\nΣİ\u0131\u2019\u201c\u2026", "e.g.", "U.S.", "can't"]
    alphabet += ["1am", "3a.m.", "10km", ":)", "C++", "http://x.org", "don't", "variant 1234."]
    texts = pd.read_csv(FIXTURE / "definitions.csv")["definition"].tolist() + ODD
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(500)]
    english, table = blank_english(), lemma_lookup()
    expected = [
        " ".join(
            table.get(token.lower) or token.lower_
            for token in english.tokenizer(text)
            if not (token.is_punct or token.is_space)
        )
        for text in texts
    ]
    assert lemma_strings(texts) == expected
