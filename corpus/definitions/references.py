"""A document's reference list, and the entry (or BibTeX key) a citation points to.

:func:`reference_entries` finds the section headed References, Bibliography,
Literature (cited) or Works cited in a document's page texts and reads its
entries, in the author-year styles (APA ``Porter, M. E. (1998). Title.``,
Harvard ``Porter, M.E., 1998. Title.``, Chicago ``Porter, Michael E. 1998.
Title.``) and the numbered ones (``[3] M. E. Porter, "Title," ...``,
``3. Porter ME. Title. ...``). :func:`match_reference` finds the entry a
:class:`~corpus.definitions.citations.Citation` points to, and :func:`bib_key`
the key of a BibTeX file's entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from corpus.definitions.citations import _PARTICLE, _YEAR, Citation, _surname, _surnames
from corpus.errors import InputError

__all__ = ["Reference", "bib_key", "match_reference", "reference_entries"]

#: The heading of a reference list, possibly numbered ("7. References").
_HEADING = re.compile(
    r"^\s*(?:(?:\d{1,2}|[IVXL]{1,5})\.?\s+)?(?P<name>references(?:\s+cited)?|bibliography|"
    r"literature(?:\s+cited)?|works\s+cited|reference\s+list|cited\s+literature)\s*:?\s*$",
    re.IGNORECASE,
)
#: Where a reference list ends before the document does.
_APPENDIX = re.compile(
    r"^\s*(?:(?:\d{1,2}|[A-Z])\.?\s+)?(?:appendix|appendices|annex)\b.{0,80}$", re.IGNORECASE
)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_BRACKET_NUMBER = re.compile(r"^\s*\[(?P<number>\d{1,4})\]\s*")
_DOT_NUMBER = re.compile(r"^\s*(?P<number>\d{1,3})[.)]\s+(?=\D)")
_UPPER = r"A-Z\u00c0-\u00d6\u00d8-\u00de"
_NAME = rf"[{_UPPER}][^\W\d_]*(?:['\u2019-][^\W\d_]+)*"
#: An author-year entry starts "Porter, M. E.", "de Langen, Peter", "OECD (2001)" or "———.".
_ENTRY_START = re.compile(
    rf"^(?:(?:{_PARTICLE})\s+)*{_NAME}(?:[\s-]{_NAME})?,\s*(?:[{_UPPER}]\.|[{_UPPER}][a-z]+)"
    rf"|^{_NAME}(?:\s+(?:of|for|and|the|{_NAME}))*\s+\((?:{_YEAR})\)"
    r"|^[\u2014\u2013-]{2,}"
)
_YEAR_IN_ENTRY = re.compile(rf"(?<![\d/-])(?:{_YEAR})(?![\d/-])")
_PAREN_YEAR = re.compile(rf"\((?P<year>{_YEAR})\)")
#: A title in quotation marks (IEEE, Chicago articles).
_QUOTED_TITLE = re.compile(r"[\"\u201c](?P<title>[^\"\u201c\u201d]{3,}?)[,.]?[\"\u201d]")
#: The end of the author part: a period after a word (not after an initial), a year, a quote.
_AUTHORS_END = re.compile(
    rf"(?<=[^\W\d_]{{2}})\.\s|\s*\(?(?:{_YEAR})\b|[\"\u201c]|,?\s+In\s+[{_UPPER}]"
)
_INITIALS = re.compile(rf"^(?:[{_UPPER}](?:\.|\b)[\s-]*)+$|^[{_UPPER}]{{1,3}}$")
_ET_AL = re.compile(r",?\s*\bet\.?\s*al\b\.?")
_EDITORS = re.compile(r"\(\s*eds?\.?\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """An entry of a reference list.

    Parameters
    ----------
    authors : tuple of str
        The authors' surnames, as printed.
    year : str
        ``"1998"``, ``"2001a"``; ``""`` when the entry gives none.
    title : str
        The title, as far as the entry's punctuation shows it.
    text : str
        The entry as printed, white space collapsed.
    number : str
        The entry's number in a numbered list (``"3"`` for ``[3] ...``).
    """

    authors: tuple[str, ...]
    year: str
    title: str
    text: str
    number: str = ""


def reference_entries(pages: Sequence[str]) -> list[Reference]:
    """The entries of a document's reference list.

    The list is the section under the last heading line named References,
    Bibliography, Literature (cited), Works cited or Reference list (possibly
    numbered, "7. References"), to the document's end or an Appendix heading.
    Page numbers and the running heads of its pages are left out; an entry
    wrapped over lines or pages is one entry.

    Parameters
    ----------
    pages : sequence of str
        The document's page texts, lines separated by ``\\n``.

    Returns
    -------
    list of Reference
        In the list's order; ``[]`` when the document has no such section.

    Raises
    ------
    InputError
        When the section exists but no entry in it gives an author and a year
        (or a number); the message names the heading and its page.

    Examples
    --------
    >>> pages = ["Text citing (Porter, 1998).", "References\\nPorter, M. E. (1998). Clusters "
    ...          "and the new\\neconomics of competition. Harvard Business Review, 76, 77-90."]
    >>> [(r.authors, r.year, r.title) for r in reference_entries(pages)]
    [(('Porter',), '1998', 'Clusters and the new economics of competition')]
    """
    section = _section(pages)
    if section is None:
        return []
    heading, page, lines = section
    entries = [e for e in map(_parse, _split(lines)) if e is not None]
    if not entries:
        raise InputError(
            f'reference list under "{heading}" (page {page}): no entry in it gives an author '
            f"and a year, or a number ({len(lines)} line(s) read)"
        )
    return entries


def match_reference(citation: Citation, references: Sequence[Reference]) -> Reference | None:
    """The reference-list entry a citation points to.

    A numbered citation is matched by its number. Otherwise the first author's
    surname must match (case, diacritics and particles aside: "Hakansson"
    matches "Håkansson", "Berg" matches "van den Berg") and the year must
    match, a letter aside when only one side has it ("2001" and "2001a"); the
    other authors and "et al." against the entry's author count break ties.

    Parameters
    ----------
    citation : Citation
        A citation as :func:`corpus.definitions.citations.frame` gives it.
    references : sequence of Reference
        The document's reference list.

    Returns
    -------
    Reference or None
        The one best entry; ``None`` when none matches or several match equally.

    Examples
    --------
    >>> refs = [Reference(("Oakey", "Kipling", "Wildgust"), "2001a", "Title", "...")]
    >>> match_reference(Citation(("Oakey",), "2001", et_al=True), refs).year
    '2001a'
    """
    if citation.number:
        numbered = [r for r in references if r.number == citation.number]
        if len(numbered) == 1:
            return numbered[0]
    if not citation.authors or not citation.year:
        return None
    scored = [(s, r) for r in references if (s := _score(citation, r)) is not None]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    winners = [r for s, r in scored if s == best]
    return winners[0] if len(winners) == 1 else None


def bib_key(citation: Citation, entries: pd.DataFrame) -> str | None:
    """The BibTeX key of the entry a citation points to.

    Parameters
    ----------
    citation : Citation
        A citation with authors and a year.
    entries : pandas.DataFrame
        Entries as :func:`corpus.readers.bibliography.load_bibtex` returns them
        (columns ``key``, ``authors`` in BibTeX form ``"Porter, Michael E. and
        ..."``, ``year``, and ``note``, whose "cited as Feser and Luger (2002)"
        gives the year a work is cited by when it differs from ``year``).

    Returns
    -------
    str or None
        The key; ``None`` when no entry matches or several match equally.

    Examples
    --------
    >>> entries = pd.DataFrame({"key": ["porter1998"], "authors": ["Porter, Michael E."],
    ...                         "year": ["1998"], "note": [""]})
    >>> bib_key(Citation(("Porter",), "1998", "199"), entries)
    'porter1998'
    """
    references, keys = [], []
    notes = entries["note"] if "note" in entries else [""] * len(entries)
    for key, authors, year, note in zip(
        entries["key"], entries["authors"], entries["year"], notes, strict=True
    ):
        surnames = tuple(_bibtex_surname(n) for n in re.split(r"\s+and\s+", str(authors)) if n)
        references.append(Reference(surnames, str(year), "", str(authors)))
        keys.append(key)
        cited_as = re.search(
            rf"\bcited\b[^()]*?\bas\s+(?P<names>[^()\d]+?)\s*\(?(?P<year>{_YEAR})\)?",
            str(note or ""),
            re.IGNORECASE,
        )
        if cited_as:
            names, _ = _surnames(cited_as["names"])
            references.append(Reference(names, cited_as["year"], "", str(authors)))
            keys.append(key)
    found = match_reference(
        Citation(citation.authors, citation.year, et_al=citation.et_al), references
    )
    if found is None:
        return None
    matched = {keys[i] for i, r in enumerate(references) if r is found}
    return matched.pop() if len(matched) == 1 else None


# --- The section -------------------------------------------------------------------------


def _section(pages: Sequence[str]) -> tuple[str, int, list[str]] | None:
    """The heading, its page (from 1) and the lines of the reference list."""
    found = None
    for number, text in enumerate(pages, start=1):
        for at, line in enumerate(text.split("\n")):
            heading = _HEADING.match(line)
            if heading:
                found = (heading["name"], number, at)
    if found is None:
        return None
    name, number, at = found
    tails = [pages[number - 1].split("\n")[at + 1 :]]
    tails += [page.split("\n") for page in pages[number:]]
    heads = _running_heads([page.split("\n") for page in pages])
    lines: list[str] = []
    for tail in tails:
        for line in tail:
            if _APPENDIX.match(line):
                return name, number, lines
            line = line.strip()
            if line and not _PAGE_NUMBER.match(line) and line not in heads:
                lines.append(line)
    return name, number, lines


def _running_heads(pages: list[list[str]]) -> set[str]:
    """Lines that open or close more than one page: running heads and feet."""
    edges: dict[str, int] = {}
    for lines in pages:
        kept = [line.strip() for line in lines if line.strip()]
        for line in {*kept[:1], *kept[-1:]}:
            edges[line] = edges.get(line, 0) + 1
    return {line for line, count in edges.items() if count > 1}


def _split(lines: list[str]) -> list[tuple[str, str]]:
    """The entries, each as (number, text): by their numbers, else by how an entry starts."""
    for pattern in (_BRACKET_NUMBER, _DOT_NUMBER):
        numbered = [pattern.match(line) for line in lines]
        firsts = [int(m["number"]) for m in numbered if m]
        # One numbered entry makes a list only when it opens it as number 1.
        single = firsts == [1] and numbered[0] is not None
        if (len(firsts) >= 2 or single) and firsts == sorted(firsts):
            return _grouped(lines, [m["number"] if m else None for m in numbered], pattern)
    starts = []
    entry = ""
    for line in lines:
        # A wrapped author list is not a new entry: one starts only after a year was given.
        start = bool(_ENTRY_START.match(line)) and (not entry or _YEAR_IN_ENTRY.search(entry))
        starts.append("" if start else None)
        entry = line if start else entry + " " + line
    return _grouped(lines, starts, None)


def _grouped(
    lines: list[str], starts: list[str | None], prefix: re.Pattern | None
) -> list[tuple[str, str]]:
    entries: list[tuple[str, list[str]]] = []
    for line, number in zip(lines, starts, strict=True):
        if number is not None or not entries:
            text = prefix.sub("", line, count=1) if prefix and number is not None else line
            entries.append((number or "", [text]))
        else:
            entries[-1][1].append(line)
    return [(number, _joined(parts)) for number, parts in entries]


def _joined(lines: list[str]) -> str:
    """Lines of one entry as one text; a line ending in a hyphen joins the next without a space."""
    text = lines[0]
    for line in lines[1:]:
        if re.search(r"[^\W\d_]-$", text) and line[:1].islower():
            text += line
        else:
            text += " " + line
    return " ".join(text.split())


# --- One entry ---------------------------------------------------------------------------


def _parse(entry: tuple[str, str]) -> Reference | None:
    number, text = entry
    end = _AUTHORS_END.search(text)
    author_part = text[: end.start()] if end else text
    authors = _reference_surnames(author_part)
    paren = _PAREN_YEAR.search(text)
    years = _YEAR_IN_ENTRY.findall(text)
    if paren:
        year = paren["year"]
    elif years:
        # Numbered styles put the year last, author-year styles right after the authors.
        year = years[-1] if number else years[0]
    else:
        year = ""
    if not authors or not (year or number):
        return None
    return Reference(
        authors, re.sub(r"\s", "", year), _title(text, author_part, year), text, number
    )


def _title(text: str, author_part: str, year: str) -> str:
    quoted = _QUOTED_TITLE.search(text)
    if quoted:
        return quoted["title"].strip()
    rest = text[len(author_part) :]
    at = rest.find(year) if year else -1
    if 0 <= at <= 3:
        rest = rest[at + len(year) :]
    rest = re.sub(r"^[\s).,:;]+", "", rest)
    title = re.split(r"(?<=[^\W\d_]{2})[.?!](?:\s|$)|(?<=[)\]])\.\s", rest, maxsplit=1)[0]
    return title.strip(" .,")


def _reference_surnames(part: str) -> tuple[str, ...]:
    """Surnames of an entry's author part, in whichever order its style writes names."""
    part = _EDITORS.sub("", _ET_AL.sub("", part)).strip(" .,;:")
    part = re.sub(r"^[\u2014\u2013-]{2,}\.?", "", part)
    if "," not in part and re.search(r"\b(?:of|for|the)\b", part):
        return (part,) if part else ()  # a body: "Department of Trade and Industry"
    chunks = [c for c in re.split(r"\s*(?:;|,|&|\band\b)\s*", part) if c]
    names: list[str] = []
    given_next = False
    for at, chunk in enumerate(chunks):
        words = chunk.split()
        if given_next or _INITIALS.match(chunk) or (chunk[0].islower() and not _particle(words[0])):
            given_next = False
            continue
        following = chunks[at + 1] if at + 1 < len(chunks) else ""
        if len(words) > 1 and re.fullmatch(rf"[{_UPPER}]{{1,3}}", words[-1]):
            names.append(" ".join(words[:-1]))  # Vancouver: "Porter ME"
        elif following and (_INITIALS.match(following) or len(words) == 1 or _particle(words[0])):
            names.append(chunk)  # surname first: "Porter, M. E.", "van den Berg, L."
            given_next = not _INITIALS.match(following)
        else:
            names.append(_surname(words))  # "M. E. Porter", "Mark Kramer"
        if not re.search(r"[^\W\d_]{2}", names[-1]):
            names.pop()
    return tuple(names)


def _particle(word: str) -> bool:
    return re.fullmatch(_PARTICLE, word) is not None


def _bibtex_surname(name: str) -> str:
    """The surname of a BibTeX name: "Porter, Michael E." or "Michael E. Porter"."""
    name = name.strip(" {}")
    if "," in name:
        return name.split(",")[0].strip()
    return _surname(name.split()) if name else ""


# --- Matching ----------------------------------------------------------------------------


def _fold(name: str) -> str:
    """A surname's last word, without case or diacritics: "van den Berg" -> "berg"."""
    last = name.split()[-1] if name.split() else ""
    plain = unicodedata.normalize("NFKD", last)
    return "".join(c for c in plain if c.isalnum()).casefold()


def _score(citation: Citation, reference: Reference) -> int | None:
    """How well an entry fits a citation; ``None`` when first author or year differ."""
    if not reference.authors or _fold(reference.authors[0]) != _fold(citation.authors[0]):
        return None
    cited, listed = citation.year, reference.year
    if cited == listed:
        score = 2
    elif cited[:4] == listed[:4] and min(len(cited), len(listed)) == 4:
        score = 1
    else:
        return None
    if citation.et_al:
        score += 1 if len(reference.authors) >= 3 else -1 if len(reference.authors) == 1 else 0
    elif len(citation.authors) == len(reference.authors):
        others = zip(citation.authors[1:], reference.authors[1:], strict=True)
        score += 1 if all(_fold(a) == _fold(b) for a, b in others) else 0
    else:
        score -= 1
    return score
