"""Train, save and load a model: one fitted classifier per coded scheme.

A model file (:mod:`corpus.modelfile`: a ZIP of JSON and NumPy arrays, which
loads without running any of its content) holds the classifiers, the codebook
they were trained with, the hyperparameters chosen, a digest of the training
data and the library versions.
"""

from __future__ import annotations

import copy
import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from coding.codebook import Codebook, load_codebook
from coding.model.credit import credited_texts
from corpus.children import Ahead
from corpus.errors import InputError
from corpus.modelfile import library_versions, load_bundle, save_bundle, warn_if_versions_differ
from corpus.nlp import lemma_strings
from corpus.records import read_texts, write_csv_chunks

# scikit-learn is imported only when a model is loaded or used, so that
# classify_file can start its child process first.
if TYPE_CHECKING:
    from coding.model.classifier import DefinitionClassifier

FORMAT = 2


@dataclass
class Model:
    """Fitted classifiers for the schemes of one codebook.

    Attributes
    ----------
    codebook : Codebook
        The codebook the classifiers were trained with.
    classifiers : dict of str to DefinitionClassifier
        One per scheme, in codebook order.
    info : dict
        Chosen hyperparameters, training-data digest and library versions.
    """

    codebook: Codebook
    classifiers: dict[str, DefinitionClassifier]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def concept(self) -> str:
        """The concept of the codebook the model was trained with."""
        return self.codebook.concept

    def describe(self) -> str:
        """The model's concept and schemes for messages."""
        return f"{self.concept!r} (schemes {', '.join(self.classifiers)})"

    def check_codebook(self, codebook: Codebook, path: str | Path | None = None) -> None:
        """Refuse to code with ``codebook``'s items unless the model was trained with it.

        The codebooks must be of the same concept, and each scheme the model
        proposes must be in ``codebook`` with the same codes.

        Parameters
        ----------
        path : str or Path, optional
            The model file, to name in the message.

        Raises
        ------
        InputError
            Naming both concepts (or the scheme whose codes differ), and saying
            that ``defcode train`` makes a model for ``codebook``.
        """
        model = f"the model {path} " if path else "the model "
        remedy = (
            f"`defcode train --input CODED.csv --codebook CODEBOOK.yaml --model MODEL` makes "
            f"a model of {codebook.concept!r}"
        )
        if self.concept != codebook.concept:
            raise InputError(
                f"{model}is of concept {self.describe()}, the codebook of concept "
                f"{codebook.concept!r}: {remedy}"
            )
        for name, classifier in self.classifiers.items():
            scheme = codebook.schemes.get(name)
            if scheme is None or list(classifier.classes_) != scheme.codes:
                what = "has no scheme" if scheme is None else "has other codes in scheme"
                raise InputError(
                    f"{model}of concept {self.concept!r} was trained with another version "
                    f"of its codebook: codebook {codebook.describe()} {what} {name!r}; {remedy}"
                )

    def propose(self, texts: Iterable[str], *, lemmas: list[str] | None = None) -> pd.DataFrame:
        """A code, its confidence and a reason per scheme for each text.

        Parameters
        ----------
        texts : iterable of str
            The definitions.
        lemmas : list of str, optional
            ``corpus.nlp.lemma_strings(texts)``, when the caller has it already.

        Returns
        -------
        pandas.DataFrame
            Columns ``<scheme>, <scheme>_confidence, <scheme>_reason`` for
            every scheme, one row per text. A scheme fitted on the codebook
            alone (``info["notes"]``, see :func:`coding.model.learning.refit`) says so
            at the start of each reason.
        """
        from coding.model.proposals import propose
        from coding.model.tfidf import transform_many

        texts = list(texts)
        lemmas = lemma_strings(texts) if lemmas is None else lemmas
        # The schemes' word counts together: each distinct word is analysed once.
        counted = transform_many([c.words_ for c in self.classifiers.values()], lemmas)
        parts = {}
        notes = self.info.get("notes", {})
        for (scheme, classifier), words in zip(self.classifiers.items(), counted, strict=True):
            proposal = propose(classifier, texts, lemmas=lemmas, words=words)
            parts[scheme] = proposal["code"]
            parts[f"{scheme}_confidence"] = proposal["confidence"].round(4)
            note = f"{notes[scheme]}: " if scheme in notes else ""
            parts[f"{scheme}_reason"] = note + proposal["reason"]
        return pd.DataFrame(parts)


def _versions() -> dict[str, str]:
    return library_versions("scikit-learn", "spacy") | {"format": FORMAT}


def _provenance(definitions: pd.DataFrame, codebook: Codebook, schemes: Sequence[str]) -> dict:
    """What a model's ``info`` records of what it was trained on, and with which libraries."""
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(definitions, index=False).to_numpy().tobytes()
    ).hexdigest()
    return {
        "concept": codebook.concept,
        "schemes": list(schemes),
        "codebook_sha256": codebook.sha256,
        "data_sha256": digest,
    } | _versions()


def _as_lists(params: dict) -> dict:
    """Hyperparameters with tuples as lists, as JSON gives them back."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


#: The fewest coded definitions a scheme is learnt (or evaluated) from.
MIN_DEFINITIONS = 3
#: A model whose top two probabilities are closer than this on every training
#: definition cannot tell its categories apart.
NEAR_EQUAL = 0.05


def learnable(definitions: pd.DataFrame, scheme: str, minimum: int = MIN_DEFINITIONS) -> str | None:
    """Why a model cannot be learnt for ``scheme`` from ``definitions``, or None if it can.

    A scheme needs ``minimum`` coded definitions, and two codes among them.
    """
    if scheme not in definitions:
        return f"no column {scheme!r} of codes"
    codes = definitions[scheme].dropna()
    if len(codes) < minimum:
        return (
            f"{len(codes)} coded definition(s); at least {minimum} are needed to learn and "
            "calibrate a model"
        )
    if codes.nunique() < 2:
        return (
            f"all {len(codes)} coded definitions have the code {codes.iloc[0]!r}; a model "
            "learns to tell codes apart from definitions of at least two"
        )
    return None


def degenerate(classifier: DefinitionClassifier, texts: Iterable[str]) -> str | None:
    """Why a fitted classifier cannot tell its categories apart, or None if it can.

    Its temperature is at a bound of the search (50 flattens every proposal
    to near-equal probabilities; 0.02 makes every one certain), or its top two
    probabilities are within :data:`NEAR_EQUAL` of each other on every one of
    the ``texts`` it was trained on.
    """
    import numpy as np

    from coding.model.calibration import TEMPERATURES

    low, high = TEMPERATURES
    if classifier.temperature >= high * 0.99 or classifier.temperature <= low * 1.01:
        return (
            f"its temperature {classifier.temperature:.4g} is at the bound of the search "
            f"({low} to {high}): its cross-validated proposals were no better than chance, "
            "so every proposal comes out as near-equal (or certain) probabilities"
        )
    probabilities = np.sort(classifier.predict_proba(list(texts)), axis=1)
    if len(probabilities) and (probabilities[:, -1] - probabilities[:, -2] < NEAR_EQUAL).all():
        return (
            "on every definition it was trained on, its top two codes are within "
            f"{NEAR_EQUAL:.0%} of each other"
        )
    return None


def train(
    definitions: pd.DataFrame,
    codebook: Codebook | None = None,
    schemes: Iterable[str] | None = None,
    param_grid: dict[str, list[Any]] | None = None,
    n_jobs: int | None = None,
) -> Model:
    """Fit one classifier per scheme, its hyperparameters and temperature cross-validated.

    Leave-one-out chooses them for up to 20 definitions, 5-fold
    cross-validation for more (:func:`coding.model.evaluation.inner_cv`). A scheme
    whose classifier cannot tell its categories apart (:func:`degenerate`)
    is named in ``info["warnings"]``.

    Parameters
    ----------
    definitions : pandas.DataFrame
        A ``definition`` column, an ``id`` or ``key`` column naming each row,
        and one column of codes per scheme.
    codebook : Codebook, optional
        The bundled cluster codebook when omitted.
    schemes : iterable of str, optional
        The schemes to learn; every scheme of one code per item when omitted.
    param_grid : dict, optional
        The hyperparameters searched; see :data:`coding.model.evaluation.PARAM_GRID`.
    n_jobs : int, optional
        Processes for the grid search; the model is the same whatever the number.

    Raises
    ------
    ValueError
        For a scheme of several codes per item, one not in the codebook, or
        one that cannot be learnt from ``definitions`` (:func:`learnable`).
    """
    from coding.model.evaluation import describe_cv, inner_cv, tuned_classifier

    codebook = codebook or load_codebook()
    schemes = codebook.schemes_to_learn(schemes)
    for scheme in schemes:
        problem = learnable(definitions, scheme)
        if problem:
            raise ValueError(f"scheme {scheme!r} of codebook {codebook.concept!r}: {problem}")
    ident = next((c for c in ("key", "id") if c in definitions), None)
    texts = credited_texts(definitions.set_index(ident) if ident else definitions)
    classifiers, chosen, warnings = {}, {}, {}
    cv = inner_cv(len(definitions))
    for scheme in schemes:
        tuned = tuned_classifier(codebook, scheme, param_grid, n_jobs, cv)
        tuned.fit(texts, definitions[scheme])
        classifiers[scheme] = tuned.estimator_
        chosen[scheme] = _as_lists(tuned.search_.best_params_) | {
            "temperature": round(tuned.temperature_, 4)
        }
        problem = degenerate(tuned.estimator_, texts)
        if problem:
            warnings[scheme] = f"cannot tell the codes of {scheme!r} apart: {problem}"
    info = {"params": chosen, "chosen_by": describe_cv(cv), "n": len(definitions)}
    info |= {"warnings": warnings} | _provenance(definitions, codebook, schemes)
    return Model(codebook, classifiers, info)


def _trusted() -> tuple[type, ...]:
    """The classes a model file may hold objects of."""
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from coding.codebook import Category, Scheme
    from coding.model.classifier import DefinitionClassifier

    return (
        Codebook,
        Scheme,
        Category,
        DefinitionClassifier,
        TfidfVectorizer,
        TfidfTransformer,
        LogisticRegression,
    )


def save_model(model: Model, path: str | Path) -> Path:
    """Write ``model`` to ``path``, a model file (:func:`corpus.modelfile.save_bundle`).

    The codebook is kept whole (its text identifies it) but for the folder it
    was read from, which is of the machine that trained the model.
    """
    codebook = replace(model.codebook, path=Path(model.codebook.path).name)
    classifiers = {
        scheme: copy.copy(classifier).set_params(codebook=codebook)
        for scheme, classifier in model.classifiers.items()
    }
    bundle = {"codebook": codebook, "classifiers": classifiers, "info": model.info}
    return save_bundle(bundle, path, "model", _trusted())


def bundled_model_path(concept: str = "cluster") -> Path:
    """The model that ships with defcode for a bundled codebook."""
    return Path(str(resources.files("coding") / "data" / concept / "model.zip"))


def load_model(path: str | Path | None = None) -> Model:
    """Read a model written by :func:`save_model`; the bundled one when omitted.

    Nothing in the file is run: it is refused unless it holds only data and
    objects of the classes a model is made of (:func:`corpus.modelfile.load_bundle`).

    Raises
    ------
    InputError
        If the file is missing or is not a defcode model.
    """
    from coding.model.classifier import DefinitionClassifier

    path = Path(path) if path is not None else bundled_model_path()
    stored = load_bundle(path, "model", _trusted())
    if (
        set(stored) != {"codebook", "classifiers", "info"}
        or not isinstance(stored["codebook"], Codebook)
        or not isinstance(stored["classifiers"], dict)
        or not all(isinstance(c, DefinitionClassifier) for c in stored["classifiers"].values())
        or not isinstance(stored["info"], dict)
    ):
        raise InputError(f"{path}: not a defcode model (written by `defcode train`)")
    if stored["info"].get("format") != FORMAT:
        raise InputError(
            f"{path}: a model of format {stored['info'].get('format')}, written by another "
            f"version of defcode; this one reads format {FORMAT}: retrain it with `defcode train`"
        )
    current = _versions()
    written = {k: stored["info"].get(k) for k in current}
    warn_if_versions_differ(
        path, written, current, "retrain it with `defcode train` if its proposals look wrong"
    )
    return Model(stored["codebook"], stored["classifiers"], stored["info"])


def classify_file(
    model: Model | str | Path | None,
    source: str | Path,
    out: str | Path,
    *,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
    chunksize: int = 5000,
    raw: bool = False,
    codebook: Codebook | None = None,
) -> int:
    """Write proposals for every definition of ``source`` to ``out``, chunk by chunk.

    A definition is read with its credited authors where ``source`` has an
    ``authors`` column (:func:`coding.model.credit.credited_text`).

    A child process tokenizes the next chunks while this one classifies the
    current one; given a model file (or None, the bundled model), it is loaded
    while the child tokenizes the first chunks. Memory stays bounded by a few
    chunks of ``chunksize`` definitions. The output appears whole or not at all (see
    :func:`corpus.records.write_csv_chunks`); cells that a spreadsheet would run
    as formulas get a leading ``'``, unless ``raw``. ``progress`` wraps the stream
    of ``(chunk, lemmas)`` pairs as they are classified, e.g. in a progress bar.
    Given a ``codebook``, a model not trained with it is refused
    (:meth:`Model.check_codebook`) before anything is written.

    Returns
    -------
    int
        The number of definitions classified.

    Notes
    -----
    Off Linux the child is spawned, so a script calling :func:`classify_file`
    there on more than one chunk needs the ``if __name__ == "__main__":`` guard.
    """

    def proposals() -> Iterator[pd.DataFrame]:
        chunks = (
            chunk.assign(text=credited_texts(chunk, "text"))
            for chunk in read_texts(source, ("definition", "text"), chunksize, also=("authors",))
        )
        with Ahead(chunks, _chunk_lemmas, inline_single=True) as lemmatized:
            fitted = model if isinstance(model, Model) else load_model(model)
            if codebook is not None:
                named = None if isinstance(model, Model) else model or bundled_model_path()
                fitted.check_codebook(codebook, named)
            # What is loaded lives to the end: the collector need not go over it again
            # and again as proposals are made (it took a third of their time).
            gc.freeze()
            try:
                for chunk, lemmas in progress(lemmatized):
                    frame = fitted.propose(chunk["text"], lemmas=lemmas)
                    frame.insert(0, "id", chunk["id"].to_numpy())
                    yield frame
            finally:
                gc.unfreeze()

    total = write_csv_chunks(out, proposals(), raw=raw)
    if total == 0:
        raise InputError(f"{source}: no definitions to classify")
    return total


def _chunk_lemmas(chunk: pd.DataFrame) -> list[str]:
    """The lemma strings of a chunk's texts, as the child of :func:`classify_file` makes them."""
    return lemma_strings(chunk["text"].tolist())
