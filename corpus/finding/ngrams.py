"""The n-gram counts of a fitted word-n-gram vectorizer, counted with NumPy.

scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`
makes a string of every n-gram of every text and looks it up in its
vocabulary, in Python: most of the detector's cost on pages full of
candidates. :class:`NgramCounts` looks each token up once, as a number, and
finds the vocabulary's n-grams among the numbers with NumPy. The counts are
the same matrix, so the TF-IDF weights and the probabilities made of them
are the same to the bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, repeat
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from scipy import sparse

#: The most n-gram codes looked up in a table rather than searched for.
_TABLE = 1 << 20


class NgramCounts:
    """Count the vocabulary's n-grams in texts as a fitted vectorizer does.

    Parameters
    ----------
    vectorizer : CountVectorizer or TfidfVectorizer
        Fitted; :func:`countable` must hold for it.

    Raises
    ------
    ValueError
        If its n-grams have too many words to be numbered in 64 bits.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> texts = ["a cluster is a group", "a group of firms"]
    >>> fitted = CountVectorizer(token_pattern=r"\\S+", ngram_range=(1, 2)).fit(texts)
    >>> mine = NgramCounts(fitted).counts(["a group is a group", ""])
    >>> theirs = fitted.transform(["a group is a group", ""])
    >>> (mine != theirs).nnz, mine.dtype == theirs.dtype
    (0, True)
    """

    def __init__(self, vectorizer: Any) -> None:
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.width, self.dtype = len(vocabulary), vectorizer.dtype
        self.low, self.high = vectorizer.ngram_range
        grams = list(vocabulary)
        features = np.fromiter(vocabulary.values(), np.int64, len(grams))
        # An n-gram's words are joined by single spaces, and no token holds one.
        words = " ".join(grams).split(" ")
        sizes = np.fromiter(map(str.count, grams, repeat(" ")), np.int64, len(grams)) + 1
        # Each word of the vocabulary's n-grams numbered from 1; 0 is any other token.
        self.numbers = {word: n for n, word in enumerate(dict.fromkeys(words), start=1)}
        self.base = len(self.numbers) + 1
        if self.base**self.high >= 2**63:
            raise ValueError(f"{self.high}-grams of {self.base - 1} words do not fit 64-bit codes")
        numbers = np.fromiter(map(self.numbers.__getitem__, words), np.int64, len(words))
        firsts = np.cumsum(sizes) - sizes
        # Per n, the vocabulary's codes sorted and their features in that order,
        # or, when the codes are few enough, the feature of each code (-1 for none).
        self.grams: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n in range(self.low, self.high + 1):
            codes = self._codes([numbers[firsts[sizes == n] + k] for k in range(n)])
            of_n = features[sizes == n]
            if self.base**n <= _TABLE:
                table = np.full(self.base**n, -1, dtype=np.int64)
                table[codes] = of_n
                self.grams[n] = (np.zeros(0, np.int64), table)
            else:
                order = np.argsort(codes)
                self.grams[n] = (codes[order], of_n[order])

    def _codes(self, columns: Sequence[np.ndarray]) -> np.ndarray:
        """Each n-gram's code, from its words' numbers given column by column."""
        codes = columns[0]
        for column in columns[1:]:
            codes = codes * self.base + column
        return codes

    def counts(self, texts: Sequence[str]) -> sparse.csr_array:
        """The n-gram counts of ``texts``: a CSR matrix, a row per text, indices sorted.

        Equal, entry for entry and in dtype, to the vectorizer's count matrix.
        """
        # str.split() splits where the pattern's \\S+ does (the same white space).
        split = list(map(str.split, texts))
        words = list(chain.from_iterable(split))
        lengths = np.fromiter(map(len, split), np.int64, len(texts))
        numbers = np.fromiter(map(self.numbers.get, words, repeat(0)), np.int64, len(words))
        text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        rows, features = [], []
        for n, (codes, feature_of) in self.grams.items():
            starts = len(numbers) - n + 1
            if starts <= 0:
                continue
            window = [numbers[k : k + starts] for k in range(n)]
            whole = text_of[:starts] == text_of[n - 1 :]
            for column in window:
                whole &= column > 0
            code = self._codes([column[whole] for column in window])
            if not len(codes):  # a table of features by code
                feature = feature_of[code]
                found = feature >= 0
                feature = feature[found]
            else:
                at = np.searchsorted(codes, code).clip(max=len(codes) - 1)
                found = codes[at] == code
                feature = feature_of[at[found]]
            rows.append(text_of[:starts][whole][found])
            features.append(feature)
        # Indices as narrow as scikit-learn's: int32 while they fit.
        index = np.int32 if max(len(texts), self.width) < 2**31 else np.int64
        rows, features = (
            np.concatenate([np.zeros(0, index), *x]).astype(index) for x in (rows, features)
        )
        ones = np.ones(len(rows), dtype=self.dtype)
        # The conversion sums the repeated n-grams of a text and sorts each row's indices.
        matrix = sparse.coo_array((ones, (rows, features)), shape=(len(texts), self.width))
        return matrix.tocsr()


def countable(vectorizer: Any) -> bool:
    """Whether :class:`NgramCounts` counts as ``vectorizer`` does.

    It must be fitted and make word n-grams of the ``\\S+`` tokens of the text
    as given: no lower-casing, accent stripping, preprocessor, tokenizer,
    stop words or binary counts. The detector's vectorizers do.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> countable(CountVectorizer(token_pattern=r"\\S+", lowercase=False).fit(["a b"]))
    True
    >>> countable(CountVectorizer().fit(["an example"]))  # lower-cases the text
    False
    """
    from sklearn.feature_extraction.text import CountVectorizer

    return (
        isinstance(vectorizer, CountVectorizer)
        and hasattr(vectorizer, "vocabulary_")
        and vectorizer.analyzer == "word"
        and vectorizer.input == "content"
        and vectorizer.token_pattern == TOKENS
        and not vectorizer.lowercase
        and not vectorizer.binary
        and vectorizer.strip_accents is None
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
    )


#: The token pattern :class:`NgramCounts` counts the n-grams of: no token holds a space.
TOKENS = r"\S+"

_COUNTERS: WeakKeyDictionary[Any, NgramCounts | None] = WeakKeyDictionary()


@contextmanager
def counted_with_numpy(vectorizers: Iterable[Any]) -> Iterator[None]:
    """Within the block, these fitted vectorizers count n-grams with :class:`NgramCounts`.

    Their ``transform`` stays theirs, TF-IDF weighting and all, but for the
    count matrix it starts from; a vectorizer :func:`countable` refuses is
    left as it is. Nothing stays on the vectorizers after the block, so a
    detector saved later holds scikit-learn's objects only.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> fitted = TfidfVectorizer(token_pattern=TOKENS, lowercase=False).fit(["a b", "b c"])
    >>> with counted_with_numpy([fitted]):
    ...     mine = fitted.transform(["a b c b"]).toarray()
    >>> (mine == fitted.transform(["a b c b"]).toarray()).all()
    np.True_
    """
    patched = []
    try:
        for vectorizer in vectorizers:
            counter = _counter(vectorizer)
            if counter is not None and "_count_vocab" not in vars(vectorizer):
                vectorizer._count_vocab = _count_vocab(vectorizer, counter)
                patched.append(vectorizer)
        yield
    finally:
        for vectorizer in patched:
            del vectorizer._count_vocab


def counters_made(vectorizers: Iterable[Any]) -> bool:
    """Whether :func:`counted_with_numpy` has made its tables for these vectorizers."""
    return all(v in _COUNTERS for v in vectorizers if countable(v))


def _counter(vectorizer: Any) -> NgramCounts | None:
    """The vectorizer's :class:`NgramCounts`, made once; None if it cannot count for it."""
    if not countable(vectorizer):
        return None
    if vectorizer not in _COUNTERS:
        try:
            _COUNTERS[vectorizer] = NgramCounts(vectorizer)
        except ValueError:  # too many words for 64-bit codes
            _COUNTERS[vectorizer] = None
    return _COUNTERS[vectorizer]


def _count_vocab(vectorizer: Any, counter: NgramCounts) -> Callable:
    """A stand-in for ``vectorizer._count_vocab`` that counts with ``counter``."""
    own = type(vectorizer)._count_vocab

    def count(raw_documents: Iterable[str], fixed_vocab: bool) -> tuple[dict, sparse.csr_array]:
        if not fixed_vocab:  # fitting: learning a vocabulary is scikit-learn's
            return own(vectorizer, raw_documents, fixed_vocab)
        return vectorizer.vocabulary_, counter.counts(list(raw_documents))

    return count
