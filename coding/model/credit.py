"""What the model reads of a definition: its text, then the names of the work it is credited to.

A school of thought is a lineage of authors as much as a vocabulary, and a
coder who reads "Becattini (1990)" under a definition knows where it belongs
before reading it. The model reads the same: the credited authors' names
follow the text as words of their own, so that a name the codebook's account
of a category cites (the paper's Section 3 cites Becattini, Brusco and Sforzi
for the Italian industrial districts) pulls towards that category, and a name
that coded definitions share is learnt like any other word. Joining words
("and", "&", "et al.") are left out, so that the names add no coordinated
parts to the definition's form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_JOINING = frozenset({"and", "et", "al"})


def credited_text(text: str, authors: str | None = None) -> str:
    """``text``, then on a line of its own the names in ``authors`` (nothing when unknown).

    Examples
    --------
    >>> credited_text("A cluster is a group of firms.", "Bergman and Feser et al.")
    'A cluster is a group of firms.\\nBergman Feser'
    >>> credited_text("A cluster is a group of firms.", "")
    'A cluster is a group of firms.'
    """
    names = [w for w in _NAME_WORD.findall(authors or "") if w.lower() not in _JOINING]
    return f"{text}\n{' '.join(names)}" if names else text


def credited_texts(frame: pd.DataFrame, text: str = "definition") -> pd.Series:
    """:func:`credited_text` of each row of ``frame``, from its ``text`` and ``authors`` columns.

    A frame without an ``authors`` column gives its texts unchanged. The
    result keeps ``frame``'s index.
    """
    import pandas as pd

    texts = frame[text].astype(str)
    if "authors" not in frame:
        return texts
    authors = frame["authors"].astype("string").fillna("")
    credited = [credited_text(t, a) for t, a in zip(texts, authors, strict=True)]
    return pd.Series(credited, index=frame.index, name=text, dtype=object)
