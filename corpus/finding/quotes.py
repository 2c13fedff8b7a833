"""Quotations that run over a sentence end, found in a page's text.

A definition quoted in full often holds more than one sentence (Oakey et
al.'s "Physical clustering exists where ... location. Functional clustering
arises where ... occurs" (p. 402)); the sentencizer would cut it at its full
stop and part its citation from its first sentence. :func:`quoted_spans`
gives the character ranges that are to stay one sentence: each from its
opening mark to its closing mark, or to the end of the citation just after
it.

Marks pair with their own kind: \u201c with \u201d, \u2018 with \u2019, \u00ab with
\u00bb, a straight mark with a straight mark. A straight mark opens after a space
or an opening bracket, before a word, and closes after a word, before a space
or punctuation: so the straight quotes of a page pair up one by one, and an
apostrophe ("firms' location", "Porter\u2019s") opens nothing. A quotation is
kept only when it closes within :data:`QUOTE_REACH` characters and
:data:`QUOTE_ENDS` sentence ends, before a blank line and before another mark
of its kind opens: an unclosed or unbalanced mark joins nothing.
"""

from __future__ import annotations

import re

#: The most characters from an opening mark to its closing mark. The longest quoted
#: definitions of the seed and the quoting sets run to about 330 characters; twice
#: that leaves room for a definition of four sentences, and no more than a short
#: paragraph is joined when marks are misread.
QUOTE_REACH = 700
#: The most sentence ends within a quotation, its last full stop included.
QUOTE_ENDS = 3
_MARKS = re.compile("[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb]")
#: Each mark's kind, and whether it opens (True), closes (False) or depends on the text
#: around it (None: the straight marks).
_KINDS = {
    "\u201c": ("double", True),
    "\u201d": ("double", False),
    "\u2018": ("single", True),
    "\u2019": ("single", False),
    "\u00ab": ("angle", True),
    "\u00bb": ("angle", False),
    '"': ("straight", None),
    "'": ("straight single", None),
}
_OPEN_BEFORE = frozenset(" \t\n([{/\u2013\u2014-")
#: A sentence end as the sentencizer sees one: not an ellipsis ("...", "[...]").
_SENTENCE_END = re.compile(r"(?<!\.)[.!?](?![.\]])(?=[\s\"'\u201d\u2019\u00bb)]|$)")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
#: A citation right after a closing mark: "(Porter, 1998, p. 199)", "(p. 402)", "[3]".
_CITATION = re.compile(
    r"[^\S\n]*\n?[^\S\n]*(?:\((?=[^()\n]{0,78}\d)[^()]{1,80}\)|\[\d[^\[\]]{0,20}\])"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The character ranges of the quotations in ``text`` that hold a sentence end.

    A range runs from the opening mark to the closing mark, or to the end of
    the citation that follows it ("(Oakey et al., 2001)", "(p. 402)",
    "[3]"). A quotation whose only sentence end is its last full stop is
    given only when a citation follows it: the citation belongs to its
    sentence.

    Parameters
    ----------
    text : str
        A page's text.

    Returns
    -------
    list of tuple of int
        ``(start, end)`` ranges, in order, none overlapping.

    Examples
    --------
    >>> text = 'They write: "Firms meet. Firms learn" (Oakey, 2001). Then it ends.'
    >>> [text[a:b] for a, b in quoted_spans(text)]
    ['"Firms meet. Firms learn" (Oakey, 2001)']
    >>> quoted_spans("The firms' location. Clusters are groups.")
    []
    """
    marks = [(m.start(), *_role(text, m.start())) for m in _MARKS.finditer(text)]
    spans: list[tuple[int, int]] = []
    for index, (start, kind, opens) in enumerate(marks):
        if opens is not True:
            continue
        close = next(
            ((at, o) for at, k, o in marks[index + 1 :] if k == kind and o is not None), None
        )
        if close is None or close[1] or close[0] - start > QUOTE_REACH:
            continue
        inside = text[start + 1 : close[0]]
        ends = len(_SENTENCE_END.findall(inside))
        if not 0 < ends <= QUOTE_ENDS or _PARAGRAPH.search(inside):
            continue
        end = close[0] + 1
        cited = _CITATION.match(text, end)
        if cited:
            end = cited.end()
        elif ends == 1 and inside.rstrip()[-1:] in ".!?":
            continue
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _role(text: str, at: int) -> tuple[str, bool | None]:
    """The kind of the mark at ``at`` and whether it opens (True), closes (False) or
    neither (None: a straight mark between two words, an apostrophe)."""
    kind, opens = _KINDS[text[at]]
    if opens is not None and kind != "single":
        return kind, opens
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if opens is True or (opens is None and before in _OPEN_BEFORE):
        return kind, True if after.isalnum() or after in "\u2026." else None
    word_before = before.isalnum() or before in ".,;:!?)\u2026"
    return kind, False if word_before and not after.isalnum() else None
