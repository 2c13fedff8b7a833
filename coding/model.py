"""Train, save and load a model: one fitted classifier per coded scheme.

A model file (:mod:`corpus.modelfile`: a ZIP of JSON and NumPy arrays, which
loads without running any of its content) holds the classifiers, the codebook
they were trained with, the hyperparameters chosen, a digest of the training
data and the library versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from coding.codebook import Codebook, load_codebook
from corpus.children import Ahead
from corpus.errors import InputError
from corpus.modelfile import library_versions, load_bundle, save_bundle, warn_if_versions_differ
from corpus.nlp import lemma_strings
from corpus.records import read_texts, write_csv_chunks

# scikit-learn is imported only when a model is loaded or used, so that
# classify_file can start its child process first.
if TYPE_CHECKING:
    from coding.classifier import DefinitionClassifier

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
            every scheme, one row per text.
        """
        from coding.proposals import propose

        texts = list(texts)
        lemmas = lemma_strings(texts) if lemmas is None else lemmas
        parts = {}
        for scheme, classifier in self.classifiers.items():
            proposal = propose(classifier, texts, lemmas=lemmas)
            parts[scheme] = proposal["code"]
            parts[f"{scheme}_confidence"] = proposal["confidence"].round(4)
            parts[f"{scheme}_reason"] = proposal["reason"]
        return pd.DataFrame(parts)


def _versions() -> dict[str, str]:
    return library_versions("scikit-learn", "spacy") | {"format": FORMAT}


def train(
    definitions: pd.DataFrame,
    codebook: Codebook | None = None,
    schemes: Iterable[str] = ("school", "breadth"),
    param_grid: dict[str, list[Any]] | None = None,
    n_jobs: int | None = None,
) -> Model:
    """Fit one classifier per scheme, its hyperparameters and temperature cross-validated.

    Leave-one-out chooses them for up to 20 definitions, 5-fold
    cross-validation for more (:func:`coding.evaluation.inner_cv`).

    Parameters
    ----------
    definitions : pandas.DataFrame
        A ``definition`` column, an ``id`` or ``key`` column naming each row,
        and one column of codes per scheme.
    codebook : Codebook, optional
        The bundled cluster codebook when omitted.
    schemes : iterable of str
        The schemes to learn.
    param_grid : dict, optional
        The hyperparameters searched; see :data:`coding.evaluation.PARAM_GRID`.
    n_jobs : int, optional
        Processes for the grid search; the model is the same whatever the number.
    """
    from coding.evaluation import describe_cv, inner_cv, tuned_classifier

    codebook = codebook or load_codebook()
    ident = next((c for c in ("key", "id") if c in definitions), None)
    texts = definitions.set_index(ident)["definition"] if ident else definitions["definition"]
    classifiers, chosen = {}, {}
    cv = inner_cv(len(definitions))
    for scheme in schemes:
        tuned = tuned_classifier(codebook, scheme, param_grid, n_jobs, cv)
        tuned.fit(texts, definitions[scheme])
        classifiers[scheme] = tuned.estimator_
        chosen[scheme] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in tuned.search_.best_params_.items()
        } | {"temperature": round(tuned.temperature_, 4)}
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(definitions, index=False).to_numpy().tobytes()
    ).hexdigest()
    info = {"params": chosen, "chosen_by": describe_cv(cv), "n": len(definitions)}
    info |= {"data_sha256": digest} | _versions()
    return Model(codebook, classifiers, info)


def _trusted() -> tuple[type, ...]:
    """The classes a model file may hold objects of."""
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from coding.classifier import DefinitionClassifier
    from coding.codebook import Category, Scheme

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
    """Write ``model`` to ``path``, a model file (:func:`corpus.modelfile.save_bundle`)."""
    bundle = {"codebook": model.codebook, "classifiers": model.classifiers, "info": model.info}
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
    from coding.classifier import DefinitionClassifier

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
) -> int:
    """Write proposals for every definition of ``source`` to ``out``, chunk by chunk.

    A child process tokenizes the next chunks while this one classifies the
    current one; given a model file (or None, the bundled model), it is loaded
    while the child tokenizes the first chunks. Memory stays bounded by a few
    chunks of ``chunksize`` definitions. The output appears whole or not at all (see
    :func:`corpus.records.write_csv_chunks`); cells that a spreadsheet would run
    as formulas get a leading ``'``, unless ``raw``. ``progress`` wraps the stream
    of ``(chunk, lemmas)`` pairs as they are classified, e.g. in a progress bar.

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
        chunks = read_texts(source, ("definition", "text"), chunksize)
        with Ahead(chunks, _chunk_lemmas, inline_single=True) as lemmatized:
            fitted = model if isinstance(model, Model) else load_model(model)
            for chunk, lemmas in progress(lemmatized):
                frame = fitted.propose(chunk["text"], lemmas=lemmas)
                frame.insert(0, "id", chunk["id"].to_numpy())
                yield frame

    total = write_csv_chunks(out, proposals(), raw=raw)
    if total == 0:
        raise InputError(f"{source}: no definitions to classify")
    return total


def _chunk_lemmas(chunk: pd.DataFrame) -> list[str]:
    """The lemma strings of a chunk's texts, as the child of :func:`classify_file` makes them."""
    return lemma_strings(chunk["text"].tolist())
