"""The spaCy pipeline defcode reads text with: ``blank("en")`` plus lookup lemmas.

No model is downloaded: tokens come from spaCy's English tokenizer rules and
lemmas from the lookup table that ships in ``spacy-lookups-data``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

_BATCH = 1000


@cache
def blank_english() -> Language:
    """A blank English pipeline with a lookup lemmatizer, built once per process.

    Examples
    --------
    >>> [t.lemma_ for t in blank_english()("clusters are linked")]
    ['cluster', 'be', 'link']
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@cache
def _lemma_table() -> dict[int, str]:
    """Lemmas keyed by the hash of the lower-case word, as the table stores them."""
    table = blank_english().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return dict(table.items())


def lemma_lookup() -> Mapping[int, str]:
    """The lookup lemmatizer's table, read-only: lemma by the hash of the word as written.

    Keys are string hashes as spaCy stores them (``vocab.strings[word]``, a
    token's ``orth`` or ``lower``). Nearly all entries are lower-case words, so
    most capitalized words find a lemma only through their ``lower`` hash.

    Examples
    --------
    >>> lemma_lookup()[blank_english().vocab.strings["clusters"]]
    'cluster'
    """
    return MappingProxyType(_lemma_table())


def lemma_strings(texts: Iterable[str]) -> list[str]:
    """Each text as its lower-case lemmas joined by single spaces.

    Punctuation and white-space tokens are dropped. Only the tokenizer runs:
    lemmas are read from the lookup table directly, after lower-casing, so
    that sentence-initial words find theirs. Tokens are read as arrays of
    hashes, without building a ``Token`` object each.

    Examples
    --------
    >>> lemma_strings(["Clusters are geographically proximate groups."])
    ['cluster be geographically proximate group']
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER

    nlp = blank_english()
    table, strings = _lemma_table(), nlp.vocab.strings
    seen: dict[int, str] = {}
    out = []
    for doc in nlp.tokenizer.pipe((str(t) for t in texts), batch_size=_BATCH):
        words = []
        for lower, punct, space in doc.to_array([LOWER, IS_PUNCT, IS_SPACE]).tolist():
            if punct or space:
                continue
            lemma = seen.get(lower)
            if lemma is None:
                lemma = seen[lower] = table.get(lower) or strings[lower]
            words.append(lemma)
        out.append(" ".join(words))
    return out


@lru_cache(maxsize=1 << 16)
def lemma_string(text: str) -> str:
    """One text's lemmas as :func:`lemma_strings` gives them, remembered.

    For code that reads the same few texts many times, such as
    cross-validation folds.
    """
    return lemma_strings([text])[0]
