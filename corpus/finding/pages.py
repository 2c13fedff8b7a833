"""A document's pages as the finder reads them.

A sentence may run over a page break: :func:`continued` gives a page's text
with the next page's up to that sentence's end, and :func:`placed`,
:func:`span_text` and :func:`owned` put what is found in it back on the
pages, each candidate once. :func:`page_docs` makes spaCy docs of a page's
passages around the concept, keeping the page's offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: ``doc.user_data`` key of the text with its line breaks, when the doc was made
#: from the text with line breaks turned into spaces (see :func:`page_docs`).
LINES_KEY = "defcode_lines"
#: ``doc.user_data`` key of the character ranges of the quotations kept in one sentence
#: (:func:`corpus.finding.quotes.quoted_spans`), when the doc's text is not the text they
#: were found in (see :func:`page_docs`).
QUOTES_KEY = "defcode_quotes"
#: ``doc.user_data`` key of the doc's own text (see :func:`page_docs`): a span's text
#: sliced from it is the span's text, without a Python object made for each token.
TEXT_KEY = "defcode_text"
#: The columns of a document's candidates, as :func:`owned` gives them.
CANDIDATE_COLUMNS = ["page", "start", "end", "text", "score", "rule", "end_page"]


def placed(number: int, length: int, start: int, end: int) -> tuple[int, int, int, int]:
    """``page, start, end, end_page`` of a span of page ``number``'s :func:`continued` text.

    Past the page's ``length`` and the line break after it lies the next page.
    """
    if start > length:
        return number + 1, start - length - 1, end - length - 1, number + 1
    if end > length:
        return number, start, end - length - 1, number + 1
    return number, start, end, number


def span_text(text: str, length: int, start: int, end: int) -> str:
    """A span's text, white space collapsed; a word hyphenated over the page break joined
    as the PDF reader joins one hyphenated at a line end."""
    from corpus.readers.pdf import LINE_END_HYPHENS, join_broken_word

    if not start < length < end:
        return " ".join(text[start:end].split())
    before, after = text[start:length].split(), text[length + 1 : end].split()
    if before and after and before[-1][-1] in LINE_END_HYPHENS:
        probe = f"{before[-1]}\n{after[0]}"
        joined = join_broken_word(probe, text)
        if joined != probe:
            before[-1:], after[:1] = [joined], []
    return " ".join([*before, *after])


def owned(found: list[tuple], read: set[int]) -> pd.DataFrame:
    """The candidates of a document, each once, in page and character order.

    A sentence that runs over a page break is the candidate of its first
    page's text: the second page's text gives up what starts before that
    sentence ends. What a page's text found at the next page's start is kept
    only when the next page was not read itself.
    """
    covered: dict[int, int] = {}
    for page, _, end, *_, end_page, origin in found:
        if origin == page and end_page > page:
            covered[end_page] = max(covered.get(end_page, 0), end)
    kept = sorted(
        row[:-1]
        for row in found
        if (row[-1] == row[0] and row[1] >= covered.get(row[0], 0))
        or (row[-1] < row[0] and row[0] not in read)
    )
    return pd.DataFrame(kept, columns=CANDIDATE_COLUMNS)


#: The most characters of the next page read for a sentence that runs over a page break.
_HEAD_LIMIT = 2000


#: A page's text ends a sentence: its last mark is a full stop, "?" or "!", perhaps quoted.
_ENDED = re.compile(r"[.!?][\"\u201d\u2019')\]]*\s*$")


#: A list item's or a numbered heading's start: no sentence runs on into it.
_LIST_START = re.compile(r"\s*(?:\d{1,2}(?:\.\d{1,2})*|[a-z]|[ivx]{1,4})[.)]\s")


def continued(pages: Sequence[str], number: int) -> str:
    """Page ``number``'s text, and, when its last sentence runs on, the next page's up to
    that sentence's end.

    The next page's text follows a line break; the lines between, a page
    number or a running head the reader left at the page's foot or the next
    page's top, become spaces. So offsets up to the page's length are the
    page's, and an offset past it by ``1 + k`` is offset ``k`` of the next page.

    Examples
    --------
    >>> continued(["Clusters are groups\\n7", "of firms. Networks differ."], 1)
    'Clusters are groups  \\nof firms. '
    >>> continued(["Clusters are groups of firms.", "Networks differ."], 1)
    'Clusters are groups of firms.'
    """
    text = pages[number - 1]
    if number >= len(pages):
        return text
    body = _edge(pages, number, top=False)
    if not text[:body].strip() or _ENDED.search(text, max(0, body - 8), body):
        return text
    following = pages[number]
    skip = _edge(pages, number + 1, top=True)
    rest = following[skip : skip + _HEAD_LIMIT]
    if not rest.strip() or _LIST_START.match(rest):
        return text
    stop = _SENTENCE_END.search(rest)
    if stop:
        cut = stop.end()
    elif len(following) - skip <= _HEAD_LIMIT:
        cut = len(rest)
    else:
        cut = rest.rfind("\n") + 1
    if cut <= 0:
        return text
    blank = " " * (len(text) - body) + "\n" + " " * skip
    return text[:body] + blank + following[skip : skip + cut]


def _edge(pages: Sequence[str], number: int, *, top: bool) -> int:
    """Where page ``number``'s text starts (``top``) or ends, past the page furniture at
    that edge: a page number, or a line also at that edge of a page up to two away."""
    from corpus.readers.pdf import PAGE_NUMBER, furniture_key

    text = pages[number - 1]
    near = [
        pages[n - 1] for n in range(number - 2, number + 3) if n != number and 1 <= n <= len(pages)
    ]
    seen = set().union(*(_edge_keys(page, top) for page in near))
    at = 0 if top else len(text)
    for line, (start, end) in _edge_lines(text, top):
        if not (PAGE_NUMBER.match(line) or furniture_key(line) in seen):
            break
        at = end if top else start
    if top:
        return at + len(text[at:]) - len(text[at:].lstrip())
    return len(text[:at].rstrip())


@lru_cache(maxsize=64)
def _edge_keys(text: str, top: bool) -> frozenset[str]:
    """The furniture keys of a page's edge lines, kept for the pages around it: each page
    is a neighbour of up to four others."""
    from corpus.readers.pdf import furniture_key

    return frozenset(furniture_key(line) for line, _ in _edge_lines(text, top))


def _edge_lines(text: str, top: bool) -> list[tuple[str, tuple[int, int]]]:
    """The first (or last) non-blank lines of ``text``, edge first, with their character
    ranges."""
    from corpus.readers.pdf import EDGE_LINES

    found: list[tuple[str, tuple[int, int]]] = []
    if top:
        for line in re.finditer(r"[^\n]+", text):
            if line.group().strip():
                found.append((line.group(), line.span()))
                if len(found) == EDGE_LINES:
                    break
        return found
    end = len(text)
    while end > 0 and len(found) < EDGE_LINES:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            found.append((text[start:end], (start, end)))
        end = start - 1
    return found


def names_concept(text: str, first_words: set[str], mentioned: re.Pattern[str]) -> bool:
    """Whether ``text`` names the concept.

    A page can name a form only if it holds the form's first word: a test fifty
    times cheaper than the pattern, and one that most pages of most papers fail.
    """
    lower = text.lower()
    return any(word in lower for word in first_words) and mentioned.search(text) is not None


def page_docs(nlp: Language, text: str, mentioned: re.Pattern[str]) -> Iterator[tuple[int, Doc]]:
    """Docs of a page's passages around the concept, each with its offset in the page.

    Line breaks become spaces, so that patterns match across lines, and text
    far from any mention of the concept or table row becomes spaces too,
    which spaCy skips as one token: the offsets stay those of the page text,
    at a fraction of the tokens. :class:`corpus.finding.finder.LineBreaks` reads the line breaks
    from ``doc.user_data``.

    A page is one doc, at offset 0, unless it is longer than :data:`WINDOW`
    characters (or the pipeline's ``max_length``): then its passages are
    grouped into docs of at most that length, each starting at its first
    passage, and a longer passage is cut at a sentence end, else at a line
    break or a space.
    """
    from corpus.finding.quotes import quoted_spans

    quotes = quoted_spans(text)
    ends = [
        0,
        *(m.end() for m in _SENTENCE_END.finditer(text) if not quotes or not _within(quotes, m)),
        len(text),
    ]
    anchors = [m.start() for m in mentioned.finditer(text)]
    anchors += [m.start() for m in _ROW_START.finditer(text)]
    passages = list(_windows(ends, sorted(anchors)))
    limit = min(WINDOW, nlp.max_length)
    if len(text) <= limit:
        groups = [[(0, 0), *passages, (len(text), len(text))]]
    else:
        groups = _groups(_cut(text, ends, passages, limit), limit)
    for group in groups:
        first, last = group[0][0], group[-1][1]
        flat, kept = [], first
        for start, end in group:
            flat += [" " * (start - kept), text[start:end].replace("\n", " ")]
            kept = end
        own = "".join(flat)
        doc = nlp.make_doc(own)
        doc.user_data[TEXT_KEY] = own
        doc.user_data[LINES_KEY] = text[first:last]
        doc.user_data[QUOTES_KEY] = (
            quotes
            if first == 0 and last == len(text)
            else [(s - first, e - first) for s, e in quotes if first <= s and e <= last]
        )
        yield first, doc


def _within(spans: list[tuple[int, int]], found: re.Match[str]) -> bool:
    """Whether the match starts within one of the ordered, disjoint ``spans``."""
    at = bisect.bisect_right(spans, (found.start(), len(found.string))) - 1
    return at >= 0 and spans[at][0] < found.start() < spans[at][1]


#: The most characters of a page made into one spaCy doc; see :func:`page_docs`.
WINDOW = 200_000


def _cut(
    text: str, ends: list[int], passages: Iterable[tuple[int, int]], limit: int
) -> Iterator[tuple[int, int]]:
    """The passages, each one longer than ``limit`` cut into parts that are not."""
    for start, end in passages:
        while end - start > limit:
            at = ends[bisect.bisect_right(ends, start + limit) - 1]
            if at <= start:
                at = text.rfind("\n", start + 1, start + limit) + 1
            if at <= start:
                at = text.rfind(" ", start + 1, start + limit) + 1
            if at <= start:
                at = start + limit
            yield start, at
            start = at
        yield start, end


def _groups(passages: Iterable[tuple[int, int]], limit: int) -> list[list[tuple[int, int]]]:
    """Consecutive passages grouped so that no group spans more than ``limit`` characters."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in passages:
        if groups and end - groups[-1][0][0] <= limit:
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    return groups


#: Ends of likely sentences and paragraphs, to cut passages at.
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]?\s+(?=[A-Z0-9(\"\u201c])|\n\s*\n")


#: "Author (1998)" at a line's start: a table row that may define without the term.
_ROW_START = re.compile(r"(?m)^[A-Z][^\n(]{0,60}\(\d{4}[a-z]?\)")


#: Likely sentence ends kept on each side of a mention's sentence.
_MARGIN = 2


def _windows(ends: list[int], anchors: list[int]) -> Iterator[tuple[int, int]]:
    """Merged character ranges from ``_MARGIN`` sentence ends before each anchor to after it."""
    current: tuple[int, int] | None = None
    for anchor in anchors:
        at = bisect.bisect_right(ends, anchor)
        start = ends[max(0, at - 1 - _MARGIN)]
        end = ends[min(len(ends) - 1, at + _MARGIN)]
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            yield current
        current = (start, end)
    if current:
        yield current
