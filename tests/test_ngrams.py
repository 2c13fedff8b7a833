"""The detector's n-grams counted with NumPy: scikit-learn's counts and probabilities."""

from __future__ import annotations

import random
from weakref import WeakKeyDictionary

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from corpus.finding import ngrams
from corpus.finding.detector import _vectorizers, load_detector
from corpus.finding.ngrams import TOKENS, NgramCounts, countable, counted_with_numpy
from tests.test_finder_identity import dense_documents

#: White space of every kind, and characters that are not white space, between and in tokens.
ODD_TEXTS = [
    "",
    " ",
    "a",
    "  a  b\tc\nd\u00a0e\u2028f\x1cg\u200bh  ",
    "a b a b a b",
    "cluster cluster cluster",
    "x " * 40,
]


def _sentences() -> list[str]:
    """The dense test corpus's lines and sentences, with odd white space."""
    texts = [
        line for pages in dense_documents().values() for page in pages for line in page.split("\n")
    ]
    texts += [s for text in list(texts) for s in text.split(". ")]
    return texts + ODD_TEXTS


def _same(mine, theirs) -> None:
    """Equal CSR matrices, arrays and dtypes alike, each row's indices sorted."""
    theirs.sort_indices()
    assert mine.shape == theirs.shape and mine.dtype == theirs.dtype
    for part in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(mine, part), getattr(theirs, part)), part
        assert getattr(mine, part).dtype == getattr(theirs, part).dtype, part


def test_the_detectors_counts_are_scikit_learns(seed_text):
    features = load_detector().pipeline.named_steps["features"].transform(_sentences())
    vectorize = load_detector().pipeline.named_steps["vectorize"]
    counted = 0
    for _, vectorizer, column in vectorize.transformers_:
        if isinstance(vectorizer, TfidfVectorizer):
            assert countable(vectorizer)
            texts = list(features[column])
            _same(NgramCounts(vectorizer).counts(texts), vectorizer._count_vocab(texts, True)[1])
            counted += 1
    assert counted == 3


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 3), (2, 2), (2, 4)])
def test_counts_of_any_ngram_range_are_scikit_learns(ngrams):
    rng = random.Random(7)
    words = ["a", "b", "c", "d", "e", "é", "A"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(200)] + ODD_TEXTS
    fitted = CountVectorizer(token_pattern=TOKENS, lowercase=False, ngram_range=ngrams)
    fitted.fit(texts[:100])
    _same(NgramCounts(fitted).counts(texts), fitted.transform(texts))


def test_scores_are_those_of_scikit_learns_counts_to_the_bit(monkeypatch, seed_text):
    import corpus.finding.detector as detector_module

    detector = load_detector()
    texts = _sentences()
    monkeypatch.setattr(detector_module, "NUMPY_COUNTS_FROM", 1)
    mine = detector.score(texts)
    monkeypatch.setattr(detector_module, "NUMPY_COUNTS_FROM", len(texts) + 1)
    monkeypatch.setattr(ngrams, "_COUNTERS", WeakKeyDictionary())  # no tables made yet
    counted = []
    monkeypatch.setattr(NgramCounts, "counts", lambda self, texts: counted.append(texts))
    theirs = detector.score(texts)
    assert not counted  # scikit-learn counted these
    assert np.array_equal(mine, theirs)
    assert len(mine) == len(texts) and 0 < mine.mean() < 1


def test_once_its_tables_are_made_few_sentences_are_counted_with_numpy(monkeypatch):
    import corpus.finding.detector as detector_module

    detector = load_detector()
    monkeypatch.setattr(ngrams, "_COUNTERS", WeakKeyDictionary())
    monkeypatch.setattr(detector_module, "NUMPY_COUNTS_FROM", 3)
    counted = []
    own = NgramCounts.counts
    monkeypatch.setattr(
        NgramCounts, "counts", lambda self, texts: counted.append(len(texts)) or own(self, texts)
    )
    detector.score(["A cluster is a group."])  # too few to make the tables for
    assert counted == []
    detector.score(["A cluster is a group.", "Firms gather.", "Clusters are firms."])
    detector.score(["A cluster is a group."])
    assert counted == [3] * 3 + [1] * 3  # three vectorizers, the tables kept


def test_the_vectorizers_count_as_their_own_after_the_block(tmp_path):
    detector = load_detector()
    vectorizers = [v for v in _vectorizers(detector.pipeline) if isinstance(v, TfidfVectorizer)]
    with counted_with_numpy(vectorizers):
        assert all("_count_vocab" in vars(v) for v in vectorizers)
    assert not any("_count_vocab" in vars(v) for v in vectorizers)
    assert load_detector(detector.save(tmp_path / "detector.zip")).predict(["x"]).shape == (1,)


def test_a_vectorizer_it_cannot_count_for_is_left_alone():
    lowering = CountVectorizer().fit(["An example", "another one"])
    assert not countable(lowering)
    with counted_with_numpy([lowering]):
        assert "_count_vocab" not in vars(lowering)
        assert lowering.transform(["AN EXAMPLE"]).sum() == 2
