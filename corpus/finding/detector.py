"""Find definitional sentences: a linear model trained on DEFT (SemEval-2020 Task 6.1).

The detector is a scikit-learn :class:`~sklearn.pipeline.Pipeline`:

1. :class:`SentenceFeatures` tokenizes each sentence with :func:`corpus.nlp.blank_english`
   and returns three space-joined views of its tokens (lower case, lookup lemmas,
   abstracted "shapes", see :func:`shape_token`) and 21 dense cue features
   (:data:`DENSE_COLUMNS`).
2. A :class:`~sklearn.compose.ColumnTransformer` turns the views into TF-IDF n-grams
   (lower and lemma 1-2-grams, shape 1-4-grams) and standardizes the cues.
3. ``LogisticRegression(C=1, class_weight="balanced")``.

:func:`train_detector` fits it on the DEFT train split and chooses the decision
threshold on dev (:func:`choose_threshold`). The model shipped in
``corpus/data/deft_detector.zip`` scores dev F1 0.754 on the definition class
(P 0.719, R 0.792 at its threshold 0.48; P 0.732, R 0.778 at 0.5); its ``info``
records these figures. It is derived from DEFT and so falls under DEFT's licence,
CC BY-NC-SA 4.0.

Because the views are built from spaCy tokens joined by single spaces, original
spacing (``"reason, the"``) and DEFT's token spacing (``"reason , the"``) score
almost the same.

Examples
--------
>>> detector = load_detector()
>>> detector.predict(["A cluster is defined as a group of firms.",
...                   "The results are shown in Figure 3."]).tolist()
[True, False]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from corpus.errors import InputError
from corpus.finding.ngrams import counted_with_numpy, counters_made
from corpus.modelfile import library_versions, load_bundle, save_bundle, warn_if_versions_differ
from corpus.nlp import blank_english, lemma_lookup

__all__ = [
    "CUE_PATTERNS",
    "CUE_WORDS",
    "DENSE_COLUMNS",
    "FUNCTION_WORDS",
    "KEEP_TOKENS",
    "PUNCT_KEEP",
    "SUFFIXES",
    "THRESHOLD_GRID",
    "VIEW_COLUMNS",
    "Detector",
    "SentenceFeatures",
    "build_detector",
    "choose_threshold",
    "evaluate_detector",
    "load_detector",
    "shape_token",
    "train_detector",
]

FORMAT = "defcode-deft-detector/1"

# The word lists, shape classes and cue patterns below are the ones the shipped
# model was validated with (bench/deft/REPORT.md); changing them needs a retrain.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    a an the this that these those it its they them their there here
    is are was were be been being am 's
    has have had do does did can could may might must shall should will would
    of in on at by for from with without to into onto as than like such
    and or but nor not no also both either neither
    which who whom whose what where when why how whether if because while
    although though since so then thus therefore hence however
    all any each every some many most more other another one two
    we you i he she our your his her us
    """.split()  # noqa: SIM905
)
CUE_WORDS: frozenset[str] = frozenset(
    """
    called call calls refer refers referred referring known define defines
    defined definition mean means meaning meant term terms termed describe
    describes described description name named names denote denotes denoted
    represent represents represented consist consists include includes
    involve involves process type types kind form example examples
    specifically namely i.e. e.g. ie eg etc. also-known
    """.split()  # noqa: SIM905
)
KEEP_TOKENS: frozenset[str] = FUNCTION_WORDS | CUE_WORDS
# Dashes and quotes spelled as escapes: em dash, en dash, curly double and single quotes.
PUNCT_KEEP: frozenset[str] = frozenset("()[],:;.?!\"'-\u2014\u2013\u201c\u201d\u2018\u2019/%$")
SUFFIXES: tuple[str, ...] = (
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ism",
    "ing",
    "ed",
    "ly",
    "al",
    "ive",
    "ous",
    "er",
    "s",
)

CUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "is_called": re.compile(
        r"\b(is|are|was|were|be|been|being)( also| often| sometimes| commonly| usually)? called\b"
    ),
    "called": re.compile(r"\bcalled\b"),
    "defined_as": re.compile(r"\bdefined (as|by)\b|\bdefinition of\b"),
    "refers_to": re.compile(r"\brefer(s|red)? to\b"),
    "known_as": re.compile(r"\bknown as\b"),
    "termed": re.compile(r"\b(termed|the term|a term)\b"),
    "means": re.compile(r"\b(means|meaning)\b"),
    "is_a": re.compile(r"^(\S+ ){1,6}(is|are) (a|an|the)\b"),
    "is_any": re.compile(r"\b(is|are) (a|an) \S+ (of|that|which|in|where)\b"),
    "which_that": re.compile(r"\b(which|that|who) (is|are)\b"),
    "paren": re.compile(r"\("),
    "colon": re.compile(r":"),
    "ie_eg": re.compile(r"\b(i\.e\.|e\.g\.|or)\b"),
    "dash": re.compile("[\u2014\u2013]"),  # em or en dash
    "starts_number": re.compile(r"^\d+ \. "),
    "first_person": re.compile(r"\b(we|you|i)\b"),
    "this_that": re.compile(r"^(this|these|it|they|that|those|such)\b"),
}
"""Binary cues, searched in the lower-case tokens joined by single spaces."""

# At least one of these substrings must occur for the pattern to match: a cheap
# filter that leaves the result unchanged. Patterns not listed always run.
_CUE_PRECHECK: dict[str, tuple[str, ...]] = {
    "is_called": ("called",),
    "called": ("called",),
    "defined_as": ("defin",),
    "refers_to": ("refer",),
    "known_as": ("known as",),
    "termed": ("term",),
    "means": ("mean",),
    "is_a": ("is ", "are "),
    "is_any": ("is a", "are a"),
    "which_that": (" is", " are"),
    "paren": ("(",),
    "colon": (":",),
    "dash": ("\u2014", "\u2013"),
}
_CUES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (_CUE_PRECHECK.get(name, ()), pattern) for name, pattern in CUE_PATTERNS.items()
)
_COPULAS = frozenset({"is", "are", "refers", "means"})
_QUOTES = frozenset({'"', "“", "'"})

DENSE_COLUMNS: tuple[str, ...] = (*CUE_PATTERNS, "cap_term_is", "log_len", "short", "question")
"""The dense feature columns of :class:`SentenceFeatures`, in order."""
VIEW_COLUMNS: tuple[str, ...] = ("lower", "lemma", "shape")
"""The text views of :class:`SentenceFeatures`: tokens joined by single spaces."""
THRESHOLD_GRID: np.ndarray = np.round(np.arange(0.30, 0.701, 0.01), 2)
"""The probabilities :func:`choose_threshold` chooses from: 0.30 to 0.70 by 0.01."""

_BATCH = 1000
#: Sentences a :meth:`Detector.score` call must have for their n-grams to be
#: counted with NumPy (:mod:`corpus.finding.ngrams`); fewer are counted by
#: scikit-learn. The scores are the same either way.
NUMPY_COUNTS_FROM = 1000


@lru_cache(maxsize=1 << 17)
def shape_token(token: str) -> str:
    """A token's abstract form in the "shape" view.

    Function and cue words (:data:`FUNCTION_WORDS`, :data:`CUE_WORDS`) and common
    punctuation stay, lower-cased. Other tokens become ``DD`` if they hold a
    digit, ``SYM`` if they hold no letter, ``XX`` if all capitals, ``Xx`` if
    capitalized, ``xx-<suffix>`` for the first suffix of :data:`SUFFIXES` they
    end with (when longer than the suffix by more than 2), and ``xx`` otherwise.

    Examples
    --------
    >>> [shape_token(t) for t in ["Defined", "cluster", "1990s", "NATO", "Porter", "%", "firm"]]
    ['defined', 'xx-er', 'DD', 'XX', 'Xx', '%', 'xx']
    """
    lower = token.lower()
    if lower in KEEP_TOKENS or token in PUNCT_KEEP:
        return lower
    if any(c.isdigit() for c in token):
        return "DD"
    if not any(c.isalpha() for c in token):
        return "SYM"
    if token.isupper() and len(token) > 1:
        return "XX"
    if token[0].isupper():
        return "Xx"
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            return "xx-" + suffix
    return "xx"


class SentenceFeatures(TransformerMixin, BaseEstimator):
    """Turn sentences into text views and dense cue features.

    Stateless: ``fit`` learns nothing. The spaCy pipeline is
    :func:`corpus.nlp.blank_english`, shared by the process and never saved
    with the estimator. Tokens are read as arrays of hashes, and each distinct
    token is looked up once per call.

    See Also
    --------
    shape_token : The mapping behind the ``shape`` view.
    build_detector : The pipeline this transformer starts.

    Examples
    --------
    >>> features = SentenceFeatures().transform(["A cluster is defined as a group of firms."])
    >>> features.loc[0, "shape"]
    'a xx-er is defined as a xx of xx-s .'
    >>> features.loc[0, "lower"]
    'a cluster is defined as a group of firms .'
    >>> float(features.loc[0, "defined_as"]), float(features.loc[0, "refers_to"])
    (1.0, 0.0)
    """

    def fit(self, X: Iterable[str], y: Any = None) -> SentenceFeatures:
        """Check ``X`` and return ``self``; there is nothing to learn.

        Parameters
        ----------
        X : iterable of str
            Sentences.
        y : ignored
        """
        _as_texts(X)
        return self

    def transform(self, X: Iterable[str]) -> pd.DataFrame:
        """Tokenize the sentences and build their views and cue features.

        Parameters
        ----------
        X : iterable of str
            Sentences; ``None`` and missing values count as empty.

        Returns
        -------
        pandas.DataFrame
            One row per sentence. Columns ``lower`` (lower-case tokens), ``lemma``
            (lower-case lookup lemmas) and ``shape`` (:func:`shape_token` of each
            token), each joined by single spaces, then the float32 columns of
            :data:`DENSE_COLUMNS`: 17 binary cues (:data:`CUE_PATTERNS`),
            ``cap_term_is`` (a capitalized or quoted non-initial token followed by
            is/are/refers/means), ``log_len`` (log1p of the token count),
            ``short`` (at most 5 tokens) and ``question`` (ends with ``?``).
        """
        return _sentence_features(_as_texts(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The output column names: :data:`VIEW_COLUMNS`, then :data:`DENSE_COLUMNS`."""
        return np.asarray([*VIEW_COLUMNS, *DENSE_COLUMNS], dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _as_texts(X: Iterable[str]) -> list[str]:
    """The sentences of ``X`` as a list of str, missing values as ``""``."""
    if isinstance(X, str):
        raise TypeError(
            f"X must be a sequence of sentences, not one string ({X[:40]!r}); "
            "wrap it in a list: [sentence]"
        )
    return [t if isinstance(t, str) else "" if t is None or t != t else str(t) for t in X]


def _sentence_features(texts: list[str]) -> pd.DataFrame:
    """The feature frame of :meth:`SentenceFeatures.transform`."""
    from spacy.attrs import ORTH

    nlp = blank_english()
    strings, lemmas = nlp.vocab.strings, lemma_lookup()
    # token hash -> (text, lower, lemma, shape), or None for white space
    seen: dict[int, tuple[str, str, str, str] | None] = {}
    columns: dict[str, list[str]] = {name: [] for name in VIEW_COLUMNS}
    rows: list[list[float]] = []
    for doc in nlp.tokenizer.pipe(texts, batch_size=_BATCH):
        tokens = []
        for orth in doc.to_array(ORTH).tolist():
            info = seen.get(orth, False)
            if info is False:
                info = seen[orth] = _token_info(strings[orth], lemmas.get(orth))
            if info is not None:
                tokens.append(info)
        words, lower, lemma, shape = zip(*tokens, strict=True) if tokens else ((), (), (), ())
        lower_text = " ".join(lower)
        columns["lower"].append(lower_text)
        columns["lemma"].append(" ".join(lemma))
        columns["shape"].append(" ".join(shape))
        row = [
            (not needles or any(map(lower_text.__contains__, needles)))
            and pattern.search(lower_text) is not None
            for needles, pattern in _CUES
        ]
        n = len(words)
        row += (_cap_term_is(words), math.log1p(n), n <= 5, n > 0 and words[-1] == "?")
        rows.append(row)
    dense = np.array(rows, dtype=np.float32).reshape(len(texts), len(DENSE_COLUMNS))
    # One constructor call: adding 21 columns one by one cost 14 ms a call. The views
    # stay Python strings (object), which the vectorizers iterate: pandas' own string
    # type would copy each into Arrow and back (3.75 -> 3.59 s of CPU to score 41,973).
    views = {name: pd.Series(values, dtype=object) for name, values in columns.items()}
    return pd.DataFrame(views | dict(zip(DENSE_COLUMNS, dense.T, strict=True)))


def _token_info(text: str, lemma: str | None) -> tuple[str, str, str, str] | None:
    """A token's text, lower case, lower-case lemma and shape; None for white space.

    The lemma is looked up for the token as written, as the lookup lemmatizer
    does; a capitalized word missing from the table keeps its own form.
    """
    if text.isspace():
        return None
    return text, text.lower(), (text if lemma is None else lemma).lower(), shape_token(text)


def _cap_term_is(words: Sequence[str]) -> bool:
    """Whether a capitalized or quoted non-initial token comes before is/are/refers/means."""
    for k in range(1, len(words) - 1):
        if words[k + 1].lower() in _COPULAS and (words[k][:1].isupper() or words[k - 1] in _QUOTES):
            return True
    return False


def _tfidf(ngram_range: tuple[int, int], min_df: int) -> TfidfVectorizer:
    """TF-IDF over text already split into tokens by single spaces."""
    return TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=ngram_range,
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float32,
    )


def build_detector(C: float = 1.0) -> Pipeline:
    """The unfitted detector pipeline: features, TF-IDF views and cues, logistic regression.

    Parameters
    ----------
    C : float, default=1.0
        Inverse L2 penalty of the logistic regression.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` (:class:`SentenceFeatures`), ``vectorize`` (TF-IDF of
        lower 1-2-grams and lemma 1-2-grams with ``min_df=2``, shape 1-4-grams with
        ``min_df=3``, standardized cues) and ``clf``
        (``LogisticRegression(class_weight="balanced")``). It takes raw sentences.

    Examples
    --------
    >>> list(build_detector().named_steps)
    ['features', 'vectorize', 'clf']
    """
    vectorize = ColumnTransformer(
        [
            ("lower", _tfidf((1, 2), 2), "lower"),
            ("lemma", _tfidf((1, 2), 2), "lemma"),
            ("shape", _tfidf((1, 4), 3), "shape"),
            ("cues", StandardScaler(), list(DENSE_COLUMNS)),
        ],
        sparse_threshold=1.0,
    )
    return Pipeline(
        [
            ("features", SentenceFeatures()),
            ("vectorize", vectorize),
            ("clf", LogisticRegression(C=C, class_weight="balanced", max_iter=5000)),
        ]
    )


def choose_threshold(y: Sequence[int], proba: Sequence[float], *, window: int = 2) -> float:
    """The decision threshold with the best F1 smoothed over neighbouring thresholds.

    F1 of the positive class is computed at each threshold of
    :data:`THRESHOLD_GRID` (0.30 to 0.70 by 0.01) and averaged over ``window``
    grid points either side (the end values repeated at the edges), so that a
    single lucky spike on a small selection set is not chosen. Ties go to the
    lowest threshold.

    Parameters
    ----------
    y : sequence of int
        Gold labels, 1 for a definition.
    proba : sequence of float
        Predicted probabilities of the definition class.
    window : int, default=2
        Half-width of the moving average, in grid points.

    Returns
    -------
    float
        The chosen threshold.

    Examples
    --------
    >>> choose_threshold([0, 0, 1, 1], [0.1, 0.45, 0.55, 0.9])
    0.48
    """
    from sklearn.metrics import f1_score

    y, proba = np.asarray(y), np.asarray(proba)
    if y.shape != proba.shape:
        raise ValueError(f"y and proba differ in shape: {y.shape} and {proba.shape}")
    if window < 0:
        raise ValueError(f"window == {window}, must be >= 0.")
    f1s = np.array([f1_score(y, proba >= t, zero_division=0) for t in THRESHOLD_GRID])
    kernel = np.ones(2 * window + 1) / (2 * window + 1)
    smooth = np.convolve(np.pad(f1s, window, mode="edge"), kernel, mode="valid")
    return float(THRESHOLD_GRID[int(np.argmax(smooth))])


_TRUSTED = (
    Pipeline,
    SentenceFeatures,
    ColumnTransformer,
    TfidfVectorizer,
    TfidfTransformer,
    StandardScaler,
    LogisticRegression,
)
"""The classes a detector file may hold objects of."""


@dataclass
class Detector:
    """A fitted detector pipeline, its decision threshold and how it was made.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted :func:`build_detector` pipeline; takes raw sentences.
    threshold : float
        Probability at or above which a sentence counts as a definition.
    info : dict
        Training data sizes, dev scores, library versions and training date.
    """

    pipeline: Pipeline
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """The probability that each sentence holds a definition.

        Parameters
        ----------
        texts : sequence of str
            Sentences, one per item.

        Returns
        -------
        numpy.ndarray of shape (n_texts,)
            Probabilities in [0, 1].
        """
        texts = _as_texts(texts)
        if not texts:
            return np.zeros(0)
        from sklearn import config_context

        positive = list(self.pipeline.classes_).index(1)
        # The pipeline's own features are finite and its parameters were checked
        # when it was fitted; skipping both checks halves the cost of a small call.
        # Many sentences' n-grams are counted with NumPy: the same counts in a
        # third of the time, once its tables are made (about 0.1 s a process);
        # once they are, few sentences' too.
        vectorizers = _vectorizers(self.pipeline)
        numpy = len(texts) >= NUMPY_COUNTS_FROM or counters_made(vectorizers)
        with (
            config_context(assume_finite=True, skip_parameter_validation=True),
            counted_with_numpy(vectorizers if numpy else []),
        ):
            return self.pipeline.predict_proba(texts)[:, positive]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Whether each sentence holds a definition: ``score >= threshold``.

        Returns
        -------
        numpy.ndarray of bool, shape (n_texts,)
        """
        return self.score(texts) >= self.threshold

    def save(self, path: str | Path) -> Path:
        """Write the detector to ``path``, a model file; read it with :func:`load_detector`.

        The file holds only data (:func:`corpus.modelfile.save_bundle`).

        Returns
        -------
        Path
            ``path``.
        """
        bundle = {
            "format": FORMAT,
            "pipeline": self.pipeline,
            "threshold": self.threshold,
            "info": self.info,
        }
        return save_bundle(bundle, path, "detector", _TRUSTED)


def _vectorizers(pipeline: Pipeline) -> list[Any]:
    """The steps of ``pipeline`` and the transformers of its column transformers."""
    steps = []
    for step in pipeline.named_steps.values():
        steps += [t for _, t, _ in getattr(step, "transformers_", ())] or [step]
    return steps


def _texts_and_labels(frame: pd.DataFrame, name: str) -> tuple[list[str], np.ndarray]:
    """The ``text`` and 0/1 ``label`` columns of ``frame``, checked."""
    missing = [c for c in ("text", "label") if c not in frame]
    if missing:
        raise InputError(
            f"{name}: needs columns 'text' and 'label'; missing {', '.join(missing)} "
            f"(found {', '.join(map(str, frame.columns))})"
        )
    labels = frame["label"]
    bad = ~labels.isin([0, 1])
    if bad.any():
        rows = ", ".join(map(str, frame.index[bad][:10]))
        raise InputError(f"{name}, row {rows}, field 'label': must be 0 or 1")
    return _as_texts(frame["text"]), labels.to_numpy(dtype=int)


def _scores(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of the positive class."""
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        y, predicted, average="binary", pos_label=1, zero_division=0
    )
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def train_detector(train: pd.DataFrame, dev: pd.DataFrame, *, C: float = 1.0) -> Detector:
    """Fit the detector on ``train`` and choose its threshold on ``dev``.

    Parameters
    ----------
    train, dev : pandas.DataFrame
        Sentences in ``text`` and 0/1 labels in ``label``, e.g. the two splits of
        :func:`corpus.readers.deft.load_deft`. ``dev`` is used only to choose the threshold
        (:func:`choose_threshold`) and to record scores.
    C : float, default=1.0
        Inverse L2 penalty of the logistic regression.

    Returns
    -------
    Detector
        ``info`` holds ``threshold``, ``dev_at_threshold`` and ``dev_at_0.5``
        (each precision, recall, f1), ``train_sentences``, ``train_positives``,
        ``dev_sentences``, ``dev_positives``, ``C``, ``n_features``, the
        library versions and the ``trained`` date.

    Raises
    ------
    InputError
        If a frame lacks ``text`` or ``label``, or a label is not 0 or 1.

    Examples
    --------
    >>> from corpus.readers.deft import load_deft
    >>> deft = load_deft("../shared/data/deft")  # doctest: +SKIP
    >>> train, dev = deft[deft.split == "train"], deft[deft.split == "dev"]  # doctest: +SKIP
    >>> detector = train_detector(train, dev)  # doctest: +SKIP
    >>> detector.save("corpus/data/deft_detector.zip")  # doctest: +SKIP
    """
    x_train, y_train = _texts_and_labels(train, "train")
    x_dev, y_dev = _texts_and_labels(dev, "dev")
    pipeline = build_detector(C).fit(x_train, y_train)
    for _, transformer, _ in pipeline.named_steps["vectorize"].transformers_:
        if hasattr(transformer, "stop_words_"):  # pruned terms: only bloat the file
            del transformer.stop_words_
    detector = Detector(pipeline)
    proba = detector.score(x_dev)
    threshold = choose_threshold(y_dev, proba)
    detector.threshold = threshold
    detector.info = {
        "threshold": threshold,
        "threshold_rule": "max F1 on dev over 0.30-0.70 by 0.01, smoothed over +-2 points",
        "dev_at_threshold": _scores(y_dev, proba >= threshold),
        "dev_at_0.5": _scores(y_dev, proba >= 0.5),
        "train_sentences": len(y_train),
        "train_positives": int(y_train.sum()),
        "dev_sentences": len(y_dev),
        "dev_positives": int(y_dev.sum()),
        "C": C,
        "n_features": int(pipeline.named_steps["clf"].coef_.shape[1]),
        "trained": date.today().isoformat(),
        **library_versions("scikit-learn", "spacy", "spacy-lookups-data"),
    }
    return detector


def evaluate_detector(
    detector: Detector, frame: pd.DataFrame, *, threshold: float | None = None
) -> dict[str, float | int]:
    """Precision, recall and F1 of the definition class on labelled sentences.

    Parameters
    ----------
    detector : Detector
        The detector to evaluate.
    frame : pandas.DataFrame
        Sentences in ``text`` and 0/1 labels in ``label``.
    threshold : float, optional
        The decision threshold; the detector's own when omitted.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (sklearn, positive class, 0 when
        undefined), ``n`` (sentences), ``positives`` (gold definitions) and
        ``threshold``.
    """
    texts, y = _texts_and_labels(frame, "frame")
    threshold = detector.threshold if threshold is None else threshold
    predicted = detector.score(texts) >= threshold
    return _scores(y, predicted) | {"n": len(y), "positives": int(y.sum()), "threshold": threshold}


def load_detector(path: str | Path | None = None) -> Detector:
    """Read a detector written by :meth:`Detector.save`; the shipped one when omitted.

    The shipped detector (``corpus/data/deft_detector.zip``) is read once per
    process. It was trained on DEFT and is licensed CC BY-NC-SA 4.0. Nothing in
    a file is run: it is refused unless it holds only data and objects of the
    classes the detector is made of (:func:`corpus.modelfile.load_bundle`).

    Parameters
    ----------
    path : str or Path, optional
        A saved detector.

    Returns
    -------
    Detector

    Raises
    ------
    InputError
        If the file is missing or is not a saved detector.

    Warns
    -----
    UserWarning
        If the file was written with another scikit-learn version.
    """
    if path is None:
        return _shipped_detector()
    return _read_detector(Path(path))


@cache
def _shipped_detector() -> Detector:
    """The detector in the package data, read once."""
    with resources.as_file(resources.files("corpus") / "data" / "deft_detector.zip") as path:
        return _read_detector(path)


def _read_detector(path: Path) -> Detector:
    """Read and check a detector bundle."""
    bundle = load_bundle(path, "detector", _TRUSTED)
    if (
        bundle.get("format") != FORMAT
        or set(bundle) != {"format", "pipeline", "threshold", "info"}
        or not isinstance(bundle["pipeline"], Pipeline)
        or not isinstance(bundle["threshold"], float)
        or not isinstance(bundle["info"], dict)
    ):
        raise InputError(f"{path}: not a defcode detector (written by Detector.save)")
    warn_if_versions_differ(
        path,
        {"scikit-learn": bundle["info"].get("scikit-learn")},
        library_versions("scikit-learn"),
        "its scores may differ, retrain it with train_detector if they look wrong",
        stacklevel=3,
    )
    return Detector(bundle["pipeline"], float(bundle["threshold"]), bundle["info"])
