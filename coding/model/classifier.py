"""A scikit-learn classifier that proposes one scheme's code for a definition.

Seventeen coded definitions are too few to learn five schools from, so the
classifier also learns from the codebook: each category's description, keywords
and account (for the schools, the seed paper's Section 3) are weak training
examples, and the similarity of a definition to each category's codebook text
(its *prototype*) is a feature of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from coding.codebook import Codebook, load_codebook
from coding.model.calibration import scale
from corpus.nlp import lemma_string, lemma_strings

_WORD_PATTERN = r"(?u)\b[^\W\d_][\w\-]+\b"
FORM_FEATURES = ("length", "coordinated parts")
"""Names of the features that describe a definition's form rather than its words."""


@cache
def _thread_pools() -> ThreadpoolController:
    """The process's native thread pools, found once: finding them took 7 ms a fit."""
    return ThreadpoolController()


def _texts(X: Any) -> list[str]:
    """The texts of ``X``: a sequence or 1-D array of strings, or a one-column table."""
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(f"X must have one column of texts; it has {X.shape[1]}")
        X = X.iloc[:, 0]
    array = np.asarray(X, dtype=object)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"X must be a sequence of texts; got an array of shape {array.shape}")
    return ["" if v is None or v != v else str(v) for v in array]


def _ids(X: Any) -> list[Any]:
    return list(X.index) if isinstance(X, pd.Series | pd.DataFrame) else list(range(len(X)))


class DefinitionClassifier(ClassifierMixin, BaseEstimator):
    """Propose a category of one codebook scheme for each definition.

    Features are lemma word n-grams, optionally lemma character n-grams, a
    definition's cosine similarity to each category's codebook text, and its length and
    number of coordinated parts; a multinomial logistic regression weighs them.
    The codebook's descriptions, keywords, examples and account passages of
    each category are added to the training data with weight ``weak_weight``,
    so that every category can be proposed even when no coded definition has it.

    Parameters
    ----------
    codebook : Codebook, str, Path or None, default=None
        The codebook, or its YAML file; the bundled cluster codebook if None.
    scheme : str or None, default=None
        The scheme whose categories are predicted; the codebook's first scheme
        of one code per item if None.
    C : float, default=1.0
        Inverse strength of the logistic regression's L2 penalty.
    weak_weight : float, default=0.5
        The sample weight of each codebook text relative to a coded definition.
    prototype_weight : float, default=1.0
        Scale of the prototype-similarity features relative to the n-grams.
    char_weight : float, default=0.0
        Scale of the character n-gram features; 0 (the default) drops them,
        which makes prediction about three times faster.
    word_ngrams : tuple of (int, int), default=(1, 2)
        The shortest and longest lemma n-grams.
    class_weight : "balanced" or None, default="balanced"
        Passed to the logistic regression.
    temperature : float, default=1.0
        Divides the log-probabilities before they are normalised again
        (:func:`coding.model.calibration.scale`); it does not change the prediction.
        :class:`coding.model.calibration.TemperatureScaled` fits it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The scheme's codes, in codebook order, whether or not ``y`` holds them.
    prototypes_ : sparse matrix of shape (n_classes, n_words)
        Each category's codebook text as a unit TF-IDF vector.
    examples_ : pandas.DataFrame
        The coded definitions fitted on (index: their ids; columns text,
        label), for finding the nearest one to a new definition.

    Examples
    --------
    >>> from coding.definitions import load_definitions
    >>> defs = load_definitions().set_index("key")
    >>> model = DefinitionClassifier(scheme="breadth").fit(defs["definition"], defs["breadth"])
    >>> model.predict(["A cluster means firms of one industry in one town."])
    array(['N'], dtype=object)
    """

    def __init__(
        self,
        *,
        codebook: Codebook | str | Path | None = None,
        scheme: str | None = None,
        C: float = 1.0,
        weak_weight: float = 0.5,
        prototype_weight: float = 1.0,
        char_weight: float = 0.0,
        word_ngrams: tuple[int, int] = (1, 2),
        class_weight: str | None = "balanced",
        temperature: float = 1.0,
    ) -> None:
        self.codebook = codebook
        self.scheme = scheme
        self.C = C
        self.weak_weight = weak_weight
        self.prototype_weight = prototype_weight
        self.char_weight = char_weight
        self.word_ngrams = word_ngrams
        self.class_weight = class_weight
        self.temperature = temperature

    def _codebook(self) -> Codebook:
        if isinstance(self.codebook, Codebook):
            return self.codebook
        return load_codebook(self.codebook)

    def fit(self, X: Any, y: Sequence[str], sample_weight: Any = None) -> DefinitionClassifier:
        """Fit on coded definitions and the codebook's text.

        Parameters
        ----------
        X : sequence of str, or pandas.Series of str
            Definitions; a Series's index names them as the nearest coded
            definition in :func:`coding.model.proposals.propose`.
        y : sequence of str
            Their codes (or labels) in the scheme.
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the definitions; the codebook texts get ``weak_weight``.

        Returns
        -------
        self
        """
        for name in ("C", "weak_weight", "prototype_weight", "char_weight", "temperature"):
            value = getattr(self, name)
            positive = name in ("C", "temperature")
            if not isinstance(value, int | float) or value < 0 or (positive and value == 0):
                bound = "> 0" if positive else ">= 0"
                raise ValueError(f"{name} == {value!r}, must be a number {bound}")
        codebook = self._codebook()
        named = None if self.scheme is None else [self.scheme]
        scheme = codebook.scheme(codebook.schemes_to_learn(named)[0])
        texts = _texts(X)
        try:
            labels = [scheme.normalize(v) for v in y]
        except ValueError as error:
            if not any(isinstance(v, Integral) for v in y):
                raise
            raise ValueError(
                f"{error}. scikit-learn's cross_val_predict passes codes as integers when "
                "method='predict_proba'; coding.model.calibration.cross_val_proba passes them "
                "as they are"
            ) from error
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight)

        weak_texts, weak_labels = [], []
        for category in scheme.categories:
            keywords = "; ".join(category.keywords)
            for text in (category.description, keywords, *category.examples, *category.account):
                if text:
                    weak_texts.append(text)
                    weak_labels.append(category.code)
        self.classes_ = np.array(scheme.codes, dtype=object)

        lemmas = [lemma_string(t) for t in [*texts, *weak_texts]]
        self.words_ = TfidfVectorizer(
            token_pattern=_WORD_PATTERN,
            ngram_range=tuple(self.word_ngrams),
            stop_words=sorted(ENGLISH_STOP_WORDS),
            sublinear_tf=True,
        )
        words = self.words_.fit_transform(lemmas)
        self.chars_ = None
        if self.char_weight:
            self.chars_ = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
            ).fit(lemmas)

        weak_words = words[len(texts) :]
        codes = np.array(weak_labels, dtype=object)
        rows = [sparse.csr_matrix(weak_words[codes == c].sum(axis=0)) for c in self.classes_]
        self.prototypes_ = normalize(sparse.vstack(rows).tocsr())

        features = self._features(lemmas, words)
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000)
        # Threaded BLAS only adds overhead on a few dozen rows, and thrashes under load.
        with _thread_pools().limit(limits=1, user_api="blas"):
            self.model_.fit(
                features,
                labels + weak_labels,
                sample_weight=np.concatenate([weights, np.full(len(weak_texts), self.weak_weight)]),
            )
        self._order = np.searchsorted(self.model_.classes_, self.classes_)
        self.examples_ = pd.DataFrame(
            {"text": texts, "label": labels}, index=pd.Index(_ids(X), name="id")
        )
        self.example_words_ = words[: len(texts)]
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _structure(self, lemmas: list[str]) -> sparse.csr_matrix:
        rows = []
        for text in lemmas:
            words = text.split()
            rows.append(
                (len(words), words.count("and") + words.count("or") + words.count("and/or"))
            )
        counts = np.array(rows, dtype=float).reshape(len(lemmas), 2)
        return sparse.csr_matrix(np.log1p(counts) / 4)

    def _features(self, lemmas: list[str], words: Any = None) -> sparse.csr_matrix:
        words = self.words_.transform(lemmas) if words is None else words
        blocks = [words, (words @ self.prototypes_.T) * self.prototype_weight]
        blocks.append(self._structure(lemmas))
        if self.chars_ is not None:
            blocks.append(self.chars_.transform(lemmas) * self.char_weight)
        return sparse.hstack(blocks, format="csr")

    def feature_names(self) -> np.ndarray:
        """Readable names of the features, in the order the model weighs them."""
        check_is_fitted(self)
        names = [
            self.words_.get_feature_names_out().astype(object),
            np.array([f"like the codebook's {c}" for c in self.classes_], dtype=object),
            np.array(FORM_FEATURES, dtype=object),
        ]
        if self.chars_ is not None:
            names.append("chars:" + self.chars_.get_feature_names_out().astype(object))
        return np.concatenate(names)

    def form_columns(self) -> np.ndarray:
        """A mask of the features that describe a definition's form, not its words.

        By position, so that a word spelt like one of :data:`FORM_FEATURES`
        (such as "length" in "arm's length") stays a word.
        """
        check_is_fitted(self)
        start = len(self.words_.vocabulary_) + len(self.classes_)
        chars = 0 if self.chars_ is None else len(self.chars_.vocabulary_)
        mask = np.zeros(start + len(FORM_FEATURES) + chars, dtype=bool)
        mask[start : start + len(FORM_FEATURES)] = True
        return mask

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class, columns in the order of ``classes_``."""
        check_is_fitted(self)
        return self.probabilities(self._features(lemma_strings(_texts(X))))

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        """Probability of each class given the rows of :meth:`_features`, scaled by
        ``temperature``; columns in the order of ``classes_``."""
        probabilities = self.model_.predict_proba(features)[:, self._order]
        return probabilities if self.temperature == 1 else scale(probabilities, self.temperature)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable code of each definition."""
        check_is_fitted(self)
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
