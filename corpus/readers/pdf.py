"""The text of a PDF's pages with pypdfium2, cleaned for finding sentences.

Cleaning does three things a reader of the page does without noticing:
running headers, footers and page numbers are dropped, words hyphenated at
a line end are joined (``eco-`` / ``nomic`` becomes ``economic``, while
``inter-`` / ``firm`` keeps its hyphen), and line ends become ``\\n``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from functools import cache, partial
from pathlib import Path

from corpus.errors import InputError

#: Lines looked at for running headers and footers at each end of a page.
EDGE_LINES = 2
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE
)
#: The hyphens that may break a word at a line end: the hyphen and the soft hyphen.
LINE_END_HYPHENS = "-\u00ad"
# Possessive (\w++): a word with no hyphen after it is not retried at every shorter length.
_HYPHEN_BREAK = re.compile(rf"\b(\w++)[{LINE_END_HYPHENS}]\n(?=[a-z])(\w+)[^\S\n]*")
#: A word as it is written, hyphens and all.
_WORD = re.compile(r"\w+(?:-\w+)*")
#: "up- and downstream": a hyphen before these words is not a broken word.
_SUSPENDED = frozenset(["and", "or", "to", "nor"])
#: Fragments before a line-end hyphen that often start a real compound
#: (``co-location``): the hyphen stays unless the joined word is an English word.
_COMPOUND_PREFIXES = frozenset(
    [
        "anti",
        "co",
        "cross",
        "inter",
        "intra",
        "multi",
        "non",
        "post",
        "pre",
        "quasi",
        "re",
        "self",
        "semi",
        "sub",
        "well",
    ]
)


def pdf_pages(path: str | Path) -> list[str]:
    """The cleaned text of each page of a PDF, page 1 first.

    Parameters
    ----------
    path : str or Path
        The PDF file.

    Returns
    -------
    list of str
        One text per page, lines separated by ``\\n``; see :func:`clean_pages`.

    Raises
    ------
    InputError
        When the file is empty, not a PDF, damaged, encrypted, or has no text
        layer; the message names the file and the reason.
    """
    return read_pdf(path)[0]


def read_pdf(path: str | Path) -> tuple[list[str], dict[str, str]]:
    """The cleaned text of each page of a PDF and its title and authors.

    Returns
    -------
    pages : list of str
        As :func:`pdf_pages`.
    metadata : dict
        ``title`` and ``authors`` from the PDF's document information, where
        it has them, and ``year``, the publication year where
        :func:`publication_year` finds one (never the file's creation date).

    Raises
    ------
    InputError
        As :func:`pdf_pages`.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    path = Path(path)
    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")
    # Loaded here, not by PdfDocument(path): PDFium keeps the error of the last
    # load that failed, as a successful load does not reset it, and pypdfium2
    # reads it also for a PDF that loads with no pages, so one file's error was
    # blamed on a later file of the same reader. Here it is read only after a
    # load that failed, which always sets it.
    handle = pdfium_c.FPDF_LoadDocument(os.fsencode(path) + b"\x00", None)
    if not handle:
        code = pdfium_c.FPDF_GetLastError()
        raise InputError(
            f"{path}: {_LOAD_ERRORS.get(code, f'cannot be read as PDF (error {code})')}"
        )
    pdf = pdfium.PdfDocument(handle)
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
        metadata = {
            ours: " ".join(info[theirs].split())
            for ours, theirs in (("title", "Title"), ("authors", "Author"))
            if info.get(theirs, "").strip()
        }
        described = " ".join(info.get(k, "") for k in ("Subject", "Title", "Keywords"))
        raw = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            raw.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path}: {_reason(str(exc))} (page {len(raw) + 1})") from None
    finally:
        pdf.close()
    if not raw:
        raise InputError(f"{path}: the PDF has no pages")
    if not any(text.strip() for text in raw):
        raise InputError(
            f"{path}: no text on any page (a scan or a drawing; scanned pages need OCR first)"
        )
    pages = clean_pages(raw)
    year = publication_year(pages[0], described)
    if year:
        metadata["year"] = year
    return pages, metadata


#: Lines at the top of the first page searched for a citation line's "(2019)".
_HEADER_LINES = 12
_YEAR = r"((?:19|20)\d\d)"
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?" + _YEAR, re.IGNORECASE)
_PUBLISHED = re.compile(
    r"(?:published(?: online)?|available online|accepted)\b[^\n]{0,40}?\b" + _YEAR,
    re.IGNORECASE,
)
_CITED = re.compile(r"\(" + _YEAR + r"\)")


def publication_year(first_page: str, described: str = "") -> str:
    """The year a paper was published, from its first page or document information, or "".

    A PDF's creation and modification dates say when the file was made, not
    when the work was published, so they are never used. In order, the
    first of these that gives a year from 1900 to next year is taken:

    1. a citation in the document information (``Subject``, ``Title``,
       ``Keywords``), e.g. "Journal of Business Research 123 (2021) 45-60",
       as some publishers write it;
    2. a copyright line on the first page: "© 2019", "(c) 2019",
       "Copyright 2019";
    3. "(2019)" in the first lines of the first page, a journal's citation
       line (lower down, "(2019)" is more often a reference to other work);
    4. "Published online 3 May 2019", "Available online ...", "Accepted ..."
       on the first page.

    Parameters
    ----------
    first_page : str
        The first page's text.
    described : str, default=""
        The document information's text fields, joined.

    Returns
    -------
    str
        The year as four digits, or "" when none is found.
    """
    from datetime import date

    latest = date.today().year + 1
    header = "\n".join(first_page.splitlines()[:_HEADER_LINES])
    for pattern, text in (
        (_CITED, described),
        (_COPYRIGHT, first_page),
        (_CITED, header),
        (_PUBLISHED, first_page),
    ):
        for match in pattern.finditer(text):
            if 1900 <= int(match.group(1)) <= latest:
                return match.group(1)
    return ""


#: Why PDFium could not load a file, by its error code (FPDF_ERR_*).
_LOAD_ERRORS = {
    1: "cannot be read as PDF (PDFium: unknown error)",
    2: "cannot be read as PDF (PDFium: file access error)",
    3: "not a PDF, or damaged or truncated (PDFium: data format error)",
    4: "encrypted: the PDF needs a password",
    5: "encrypted with a security scheme PDFium does not support",
    6: "cannot be read as PDF (PDFium: page not found or content error)",
}


def _reason(message: str) -> str:
    if "password" in message.lower():
        return "encrypted: the PDF needs a password"
    if "format" in message.lower():
        return "not a PDF, or damaged or truncated (PDFium: data format error)"
    return f"cannot be read as PDF ({message})"


def clean_pages(pages: list[str]) -> list[str]:
    """Drop running headers, footers and page numbers; join hyphenated words.

    A line is a running header or footer when it is among the first or last
    two lines of two or more pages, and of at least half of the odd or of the
    even pages (journals print the title on one side and the authors on the
    other), once its digits are ignored; a lone number, roman numeral or
    "page n of m" at a page's edge is a page number.

    Examples
    --------
    >>> pages = ["Journal of Clusters\\nThe eco-\\nnomic view.\\n1",
    ...          "Journal of Clusters\\nInter-\\nfirm links.\\n2"]
    >>> clean_pages(pages)
    ['The economic\\nview.', 'Inter-firm\\nlinks.']
    """
    # PDFium marks a hyphen it found at a line end with \x02 and drops the line break.
    split = [
        text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n").split("\n")
        for text in pages
    ]
    sides = (Counter(), Counter())  # edge lines of the odd pages, then of the even ones
    for number, lines in enumerate(split):
        sides[number % 2].update({furniture_key(lines[i]) for i in _edge_indices(lines)})
    pages_per_side = ((len(split) + 1) // 2, len(split) // 2)
    repeated = {
        key
        for key, count in (sides[0] + sides[1]).items()
        if key
        and count >= 2
        and any(side[key] >= n / 2 for side, n in zip(sides, pages_per_side, strict=True))
    }
    cleaned = []
    for lines in split:
        furniture = {
            i
            for i in _edge_indices(lines)
            if furniture_key(lines[i]) in repeated or PAGE_NUMBER.match(lines[i])
        }
        kept = [line.rstrip() for i, line in enumerate(lines) if i not in furniture]
        text = "\n".join(kept).strip("\n")
        cleaned.append(text)
    # A page that breaks no word at a line end is not searched for breaks, and the words
    # of a document none of whose pages does are not collected (``seen``).
    breaks = [hyphen + "\n" for hyphen in LINE_END_HYPHENS]
    broken = [i for i, text in enumerate(cleaned) if any(b in text for b in breaks)]
    if broken:
        seen = frozenset(_WORD.findall("\n".join(cleaned).lower()))
        join = partial(_join_hyphenated, seen=seen)
        for i in broken:
            cleaned[i] = _HYPHEN_BREAK.sub(join, cleaned[i])
    return cleaned


def _edge_indices(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def furniture_key(line: str) -> str:
    """A line as running headers and footers are compared: lower case, white space
    collapsed, every number ``#``."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def join_broken_word(pair: str, document: str) -> str:
    """The last word of a line and the first of the next, ``pair``, as one word when
    the first ends in a hyphen that broke it, as :func:`clean_pages` joins one,
    judged by how ``document`` writes it; ``pair`` unchanged when it is no broken word.

    Examples
    --------
    >>> join_broken_word("eco-\\nnomic.", "an economic view")
    'economic.'
    >>> join_broken_word("small-\\nscale", "small-scale firms")
    'small-scale'
    >>> join_broken_word("firms\\ngrow", "")
    'firms\\ngrow'
    """
    broken = _HYPHEN_BREAK.search(pair)
    if broken is None:
        return pair
    seen = frozenset(_WORD.findall(document.lower()))
    word = _join_hyphenated(broken, seen).rstrip("\n")
    return pair[: broken.start()] + word + pair[broken.end() :]


def _join_hyphenated(match: re.Match[str], seen: frozenset[str]) -> str:
    """A word broken at a line end, joined unless the hyphen is part of it.

    The document decides first: the way the word is written elsewhere in it,
    when it is written only one way (``seen``, lower case). Otherwise the
    joined word wins when it is an English word (``re-`` / ``sults``); the
    hyphen stays after a compound prefix (``co-location``) or between two
    words (``small-scale``), and goes elsewhere (``Schum-peterian``).
    """
    head, tail = match.group(1), match.group(2)
    if tail in _SUSPENDED:
        return f"{head}- {tail}\n"
    joined, hyphenated = f"{head}{tail}", f"{head}-{tail}"
    if (joined.lower() in seen) != (hyphenated.lower() in seen):
        keep = hyphenated.lower() in seen
    else:
        words = _english_words()
        keep = joined.lower() not in words and (
            head.lower() in _COMPOUND_PREFIXES or (head.lower() in words and tail.lower() in words)
        )
    return f"{hyphenated if keep else joined}\n"


@cache
def _english_words() -> frozenset[str]:
    """English words and their inflections: the words of the lemma tables in spacy-lookups-data.

    Read from the package's files rather than through spaCy, which this
    process (ingest's reader) does not load.
    """
    from spacy_lookups_data import get_file

    words: set[str] = set()
    with gzip.open(get_file("en_lemma_index.json.gz"), "rt", encoding="utf-8") as index:
        for listed in json.load(index).values():
            words.update(listed)
    with gzip.open(get_file("en_lemma_lookup.json.gz"), "rt", encoding="utf-8") as lookup:
        for form, lemma in json.load(lookup).items():
            words.update((form, lemma))
    return frozenset(word.lower() for word in words)
