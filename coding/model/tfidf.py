"""Several fitted TF-IDF vectorizers applied to the same texts at once, as each would alone.

A model holds one :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
per scheme, all reading the same lemma strings. Each counts its words in a
Python loop over the texts (the most time ``defcode classify`` spent). Here
the texts are split at spaces once and each distinct word is tokenized once;
the n-grams of each text are then counted with NumPy and weighted by each
vectorizer's own TF-IDF step, so that the matrices are those of
``vectorizer.transform(texts)``, value for value.

That holds because the vectorizer's analysis (lower-casing, its token
pattern) cannot cross a space: the tokens of a text are those of its
space-separated words in turn. A vectorizer configured otherwise (another
analyzer, its own tokenizer or preprocessor, accents stripped, binary
counts) is applied as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def transform_many(vectorizers: Sequence[Any], texts: Sequence[str]) -> list[Any]:
    """``[v.transform(texts) for v in vectorizers]``, each text's words analysed once.

    Parameters
    ----------
    vectorizers : sequence of TfidfVectorizer
        Fitted vectorizers.
    texts : sequence of str
        The texts.

    Returns
    -------
    list of sparse matrix
        One per vectorizer, equal to its ``transform(texts)``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> texts = ["a cluster of firms", "firms and institutions"]
    >>> v = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)
    >>> (transform_many([v], texts)[0] != v.transform(texts)).nnz
    0
    """
    texts = list(texts)
    if not all(isinstance(text, str) for text in texts):  # the vectorizers' own errors
        return [vectorizer.transform(texts) for vectorizer in vectorizers]
    tokens: dict[tuple, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    out = []
    for vectorizer in vectorizers:
        if not _plain(vectorizer):
            out.append(vectorizer.transform(texts))
            continue
        key = (vectorizer.lowercase, vectorizer.token_pattern, vectorizer.get_stop_words())
        if key not in tokens:
            tokens[key] = _tokens(vectorizer, texts)
        counts = _counts(vectorizer, len(texts), *tokens[key])
        out.append(vectorizer._tfidf.transform(counts, copy=False))
    return out


def _plain(vectorizer: Any) -> bool:
    """Whether ``vectorizer`` analyses a text as its space-separated words in turn."""
    return (
        vectorizer.analyzer == "word"
        and vectorizer.tokenizer is None
        and vectorizer.preprocessor is None
        and vectorizer.strip_accents is None
        and vectorizer.input == "content"
        and not vectorizer.binary
        and hasattr(vectorizer, "_tfidf")
    )


def _tokens(vectorizer: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every token of the texts, in order: its text's number, its id, and the tokens by id."""
    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    stop = vectorizer.get_stop_words() or frozenset()
    words = " ".join(texts).split(" ")
    per_text = np.fromiter((t.count(" ") + 1 for t in texts), dtype=np.int64, count=len(texts))
    codes, distinct = pd.factorize(np.array(words, dtype=object))
    names: dict[str, int] = {}
    of_word = [
        [names.setdefault(t, len(names)) for t in tokenize(preprocess(w)) if t not in stop]
        for w in distinct.tolist()
    ]
    lengths = np.fromiter(map(len, of_word), dtype=np.int64, count=len(of_word))
    flat = np.fromiter((t for ts in of_word for t in ts), dtype=np.int64, count=int(lengths.sum()))
    firsts = np.cumsum(lengths) - lengths
    text_of_word = np.repeat(np.arange(len(texts)), per_text)
    n = lengths[codes]
    occurrence = np.repeat(np.arange(len(codes)), n)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    token_ids = flat[firsts[codes][occurrence] + within]
    return text_of_word[occurrence], token_ids, list(names)


def _counts(
    vectorizer: Any, n_texts: int, text_of: np.ndarray, ids: np.ndarray, names: list[str]
) -> Any:
    """The count matrix the vectorizer's ``CountVectorizer.transform`` would make."""
    vocabulary = vectorizer.vocabulary_
    low, high = vectorizer.ngram_range
    if high == 1:
        low = 1
    rows, columns = [], []
    for n in range(low, high + 1):
        if n == 1:
            feature = np.array([vocabulary.get(t, -1) for t in names], dtype=np.int64)
            found, texts = feature[ids], text_of
        else:
            starts = np.flatnonzero(text_of[: len(ids) - n + 1] == text_of[n - 1 :])
            grams = np.stack([ids[starts + k] for k in range(n)], axis=1)
            if not len(grams):
                continue
            distinct, inverse = np.unique(grams, axis=0, return_inverse=True)
            feature = np.array(
                [vocabulary.get(" ".join(names[t] for t in g), -1) for g in distinct.tolist()],
                dtype=np.int64,
            )
            found, texts = feature[inverse.ravel()], text_of[starts]
        kept = found >= 0
        rows.append(texts[kept])
        columns.append(found[kept])
    width = len(vocabulary)
    cells = np.concatenate([r * width + c for r, c in zip(rows, columns, strict=True)] or [[]])
    cells, counts = np.unique(cells.astype(np.int64), return_counts=True)
    row_of = cells // width
    indptr = np.searchsorted(row_of, np.arange(n_texts + 1))
    index = np.int32 if len(cells) < np.iinfo(np.int32).max else np.int64
    kind = type(vectorizer.transform([""]))
    return kind(
        (counts.astype(vectorizer.dtype), (cells % width).astype(index), indptr.astype(index)),
        shape=(n_texts, width),
    )
