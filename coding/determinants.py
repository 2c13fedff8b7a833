"""Mark which categories of a keyword scheme a definition names, with spaCy's ``PhraseMatcher``.

A keyword scheme is a codebook scheme whose categories list the words that
name them as ``keywords``; a codebook asks for its marks with ``report:
marks: [scheme, ...]`` (the bundled cluster codebook: its determinants, the
paper's Section 5). Keywords and texts are compared by lemma, so
*relationships* matches the keyword *relationship* and *linked* matches *link*.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from coding.codebook import Codebook, Scheme
from corpus.nlp import blank_english, lemma_lookup

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc


def determinant_matcher(scheme: Scheme) -> PhraseMatcher:
    """A ``PhraseMatcher`` on lemmas with one rule per category, its keywords as patterns.

    Raises
    ------
    ValueError
        When a category has no keywords to match.
    """
    return _matcher(scheme)


@cache
def _matcher(scheme: Scheme) -> PhraseMatcher:
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(blank_english().vocab, attr="LEMMA")
    for category in scheme.categories:
        if not category.keywords:
            raise ValueError(
                f"scheme {scheme.name!r}, category {category.code!r}: no keywords to match"
            )
        matcher.add(category.code, list(_lemmatized(category.keywords)))
    return matcher


def _lemmatized(texts: Iterable[str]) -> Iterator[Doc]:
    """Tokenized texts, lemmas looked up by the lower-case word as ``lemma_strings`` does."""
    nlp = blank_english()
    table = lemma_lookup()
    for doc in nlp.tokenizer.pipe(str(t) for t in texts):
        for token in doc:
            token.lemma_ = table.get(token.lower, token.lower_)
        yield doc


def marked_schemes(codebook: Codebook) -> list[str]:
    """The schemes a codebook asks to be marked by their keywords (``report: marks``).

    Returns
    -------
    list of str
        In the order the codebook gives; empty when it asks for none.
    """
    return list((codebook.report or {}).get("marks") or [])


def mark_determinants(
    texts: Iterable[str], codebook: Codebook, scheme: str | None = None
) -> pd.DataFrame:
    """Which categories of a keyword scheme each text names, and with which words.

    Parameters
    ----------
    texts : iterable of str
        The definitions.
    codebook : Codebook
        Holds the scheme; its categories' keywords are the patterns.
    scheme : str, optional
        The scheme's name; by default the first the codebook marks
        (:func:`marked_schemes`), else its first scheme of several codes per
        item, else its first scheme.

    Raises
    ------
    ValueError
        When a category of the scheme has no keywords.

    Returns
    -------
    pandas.DataFrame
        One row per text: a boolean column per category code, in codebook
        order, then ``matches``: a dict of code to the words as written, in
        text order.

    Examples
    --------
    >>> from coding.codebook import load_codebook
    >>> marks = mark_determinants(["Firms linked by trading relationships."], load_codebook())
    >>> marks.loc[0, "matches"]
    {'other_firms': ['Firms'], 'inter_firm_relations': ['linked', 'trading', 'relationships']}
    """
    if scheme is None:
        several = [name for name, s in codebook.schemes.items() if s.multiple]
        scheme = [*marked_schemes(codebook), *several, *codebook.schemes][0]
    chosen = codebook.scheme(scheme)
    matcher = determinant_matcher(chosen)
    strings = blank_english().vocab.strings
    rows = []
    for doc in _lemmatized(texts):
        found: dict[str, list[str]] = {}
        for rule, start, end in sorted(matcher(doc), key=lambda m: (m[1], m[2])):
            words = found.setdefault(strings[rule], [])
            span = doc[start:end].text
            if span not in words:
                words.append(span)
        ordered = {code: found[code] for code in chosen.codes if code in found}
        rows.append({**{code: code in found for code in chosen.codes}, "matches": ordered})
    return pd.DataFrame(rows, columns=[*chosen.codes, "matches"])
