"""The spaCy pipeline defcode reads text with: ``blank("en")`` plus lookup lemmas.

No model is downloaded: tokens come from spaCy's English tokenizer rules and
lemmas from the lookup table that ships in ``spacy-lookups-data``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

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


@cache
def _lemma_tokenizer() -> Tokenizer:
    """:func:`blank_english`'s tokenizer over a vocabulary that computes only what
    :func:`lemma_strings` reads.

    Each new word becomes a lexeme, and English computes a dozen attributes of
    it (shape, affixes, whether it looks like a number or a URL...) in Python:
    most of the time tokenizing text full of new words took. This vocabulary
    computes the lower-case form and the punctuation and space flags, with
    English's functions; the tokenizer has English's rules, so the tokens are
    the same.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    english = blank_english()
    getters = english.vocab.lex_attr_getters
    vocab = Vocab(lex_attr_getters={attr: getters[attr] for attr in (LOWER, IS_PUNCT, IS_SPACE)})
    tokenizer = english.tokenizer
    return Tokenizer(
        vocab,
        rules=tokenizer.rules,
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
        faster_heuristics=tokenizer.faster_heuristics,
    )


def lemma_strings(texts: Iterable[str]) -> list[str]:
    """Each text as its lower-case lemmas joined by single spaces.

    Punctuation and white-space tokens are dropped. Only the tokenizer runs:
    lemmas are read from the lookup table directly, after lower-casing, so
    that sentence-initial words find theirs. The tokenizer splits at white
    space before it applies any other rule, so a batch of texts joined by
    line breaks is tokenized as one ``Doc`` with the same tokens as each text
    alone; each token goes back to its text by its character offset. That
    saves a ``Doc`` per text, and each distinct word is looked up once a batch.

    Examples
    --------
    >>> lemma_strings(["Clusters are geographically proximate groups.", "", "Firms, too"])
    ['cluster be geographically proximate group', '', 'firm too']
    """
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LOWER

    tokenizer = _lemma_tokenizer()
    table, strings = _lemma_table(), tokenizer.vocab.strings
    texts = [str(t) for t in texts]
    out: list[str] = []
    for first in range(0, len(texts), _BATCH):
        batch = texts[first : first + _BATCH]
        starts = np.cumsum([0, *(len(t) + 1 for t in batch[:-1])])
        tokens = tokenizer("\n".join(batch)).to_array([LOWER, IS_PUNCT, IS_SPACE, IDX])
        tokens = tokens[(tokens[:, 1] == 0) & (tokens[:, 2] == 0)]
        words, word_of_token = np.unique(tokens[:, 0], return_inverse=True)
        lemmas = [table.get(h) or strings[h] for h in words.tolist()]
        lemma_of_token = np.array(lemmas, dtype=object)[word_of_token].tolist()
        text_of_token = np.searchsorted(starts, tokens[:, 3].astype(np.int64), side="right") - 1
        bounds = np.searchsorted(text_of_token, np.arange(len(batch) + 1)).tolist()
        out.extend(" ".join(lemma_of_token[a:b]) for a, b in pairwise(bounds))
    return out


@lru_cache(maxsize=1 << 16)
def lemma_string(text: str) -> str:
    """One text's lemmas as :func:`lemma_strings` gives them, remembered.

    For code that reads the same few texts many times, such as
    cross-validation folds.
    """
    return lemma_strings([text])[0]
