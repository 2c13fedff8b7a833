"""From candidate sentences to distinct definitions, each credited to the work that gave it.

:func:`build_definitions` frames every candidate (:func:`~corpus.definitions.citations.frame`),
resolves its citation against its document's reference list
(:func:`~corpus.definitions.references.match_reference`), groups the repeats
(:func:`~corpus.definitions.grouping.group_texts`) and stores each group with a
stable id, its fullest text and its attribution
(:func:`~corpus.definitions.store.store_definitions`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from corpus import store
from corpus.definitions.citations import Citation, Framed, frame
from corpus.definitions.grouping import group_texts, normalise
from corpus.definitions.references import (
    Reference,
    _bibtex_surname,
    bib_key,
    match_reference,
    reference_entries,
)
from corpus.definitions.store import (
    STORED_DEFINITION_COLUMNS,
    STORED_OCCURRENCE_COLUMNS,
    candidate_sources,
    definitions,
    held_by,
    store_definitions,
)
from corpus.errors import InputError

#: Sources that hold records with their own metadata, not papers with a reference list.
RECORD_KINDS = frozenset({"bibtex", "ris", "csv"})


@dataclass(frozen=True)
class Credit:
    """A work credited with a definition: its surnames, year and page."""

    authors: tuple[str, ...]
    year: str
    page: str = ""
    et_al: bool = False

    @property
    def names(self) -> str:
        """The authors as printed: ``Porter``, ``Crouch & Farrell``, ``Oakey et al.``."""
        return format_authors(self.authors, et_al=self.et_al)

    @property
    def vote(self) -> tuple[str, str]:
        """What two credits must share to credit the same work: first author and year."""
        first = self.authors[0] if self.authors else ""
        return normalise(first), self.year


@dataclass(frozen=True)
class _Occurrence:
    candidate: str
    doc: int
    framed: Framed
    reference: Reference | None
    credit: Credit | None


def format_authors(authors: Sequence[str], *, et_al: bool = False) -> str:
    """Surnames as a citation prints them.

    Examples
    --------
    >>> format_authors(["Crouch", "Farrell"]), format_authors(["Oakey"], et_al=True)
    ('Crouch & Farrell', 'Oakey et al.')
    >>> format_authors(["Van den Berg", "Braun", "van Winden"])
    'Van den Berg et al.'
    """
    if not authors:
        return ""
    if et_al or len(authors) > 2:
        return f"{authors[0]} et al."
    return " & ".join(authors)


def surnames(authors: str) -> tuple[str, ...]:
    """The surnames of a document's ``authors`` field (BibTeX ``Last, First and ...`` or names).

    Examples
    --------
    >>> surnames("Porter, Michael E."), surnames("Swann & Prevezer")
    (('Porter',), ('Swann', 'Prevezer'))
    >>> surnames("Ann Markusen and Peter Hall; Leo van den Berg")
    ('Markusen', 'Hall', 'van den Berg')
    """
    names = [n for n in re.split(r"\s+and\s+|;|&", authors) if n.strip()]
    return tuple(_bibtex_surname(n) for n in names)


def build_definitions(
    conn: sqlite3.Connection,
    concept: str,
    *,
    min_score: float = 0.5,
    bib: pd.DataFrame | None = None,
) -> list[str]:
    """Group the candidates of ``concept`` into distinct, attributed definitions and store them.

    Every candidate scoring at least ``min_score`` is framed: its definition
    text, whether it was quoted, and its citation, matched against its
    document's reference list (a BibTeX, RIS or CSV record has none; its
    citations stay unresolved). Repeats of one definition are grouped; each
    group is stored with

    - an id ``def-<12 hex digits>``: the id its candidates held before (the
      one most of them held), else a hash of the concept and its normalised
      text, so that running again, or after a source is ingested again, gives
      the same ids;
    - its canonical text: the fullest occurrence;
    - its attribution: the cited work (first author and year) most
      occurrences agree on, ties to the earliest year, with the page a citation
      gives; with no citation at all, the documents that state it themselves;
    - its BibTeX ``key``: the entry of ``bib`` that matches the attribution;
      without ``bib``, the key of a credited document ingested from BibTeX;
      else empty.

    All is stored in one transaction; stored definitions no longer found keep
    their rows (see :func:`~corpus.definitions.store.store_definitions`).

    Parameters
    ----------
    conn : sqlite3.Connection
        A corpus database (:func:`corpus.store.connect`).
    concept : str
        The concept the candidates were found for.
    min_score : float, default=0.5
        The lowest candidate score taken.
    bib : pandas.DataFrame, optional
        Bibliography entries as :func:`corpus.readers.bibliography.load_bibtex`
        returns them, to resolve attributions to their keys.

    Returns
    -------
    list of str
        One message per document whose reference list could not be read; its
        citations stay unresolved and the rest is stored.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from corpus.definitions.store import definitions
    >>> from corpus.ingest import ingest
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text(
    ...     'Porter (1998, p. 199) defines a cluster as "a geographically proximate '
    ...     'group of interconnected companies and associated institutions".'
    ... )
    >>> _ = ingest([folder / "a.txt"], folder / "c.db", "cluster", ["cluster"])
    >>> conn = store.connect(folder / "c.db")
    >>> build_definitions(conn, "cluster")
    []
    >>> definitions(conn, "cluster")[["authors", "year", "page", "occurrences"]].values.tolist()
    [['Porter', '1998', '199', 1]]
    >>> conn.close()
    """
    sources = candidate_sources(conn, concept, min_score)
    documents = sources.drop_duplicates("document").set_index("document")
    references, problems = _reference_lists(conn, documents)
    held = [
        _occurrence(candidate, int(document), frame(text), references.get(int(document), []))
        for candidate, document, text in zip(
            sources.candidate, sources.document, sources.text, strict=True
        )
    ]
    labels = group_texts([o.framed.text for o in held]) if held else []
    groups: dict[int, list[_Occurrence]] = {}
    for label, occurrence in zip(labels, held, strict=True):
        groups.setdefault(int(label), []).append(occurrence)
    members = list(groups.values())
    ids = _ids(conn, concept, members)
    rows = [
        _definition(ident, group, documents, bib) for ident, group in zip(ids, members, strict=True)
    ]
    store_definitions(
        conn,
        concept,
        pd.DataFrame(rows, columns=STORED_DEFINITION_COLUMNS),
        pd.DataFrame(
            [_held(o, ident) for ident, group in zip(ids, members, strict=True) for o in group],
            columns=STORED_OCCURRENCE_COLUMNS,
        ),
    )
    return problems


def _reference_lists(
    conn: sqlite3.Connection, documents: pd.DataFrame
) -> tuple[dict[int, list[Reference]], list[str]]:
    """Each document's reference list, read once; one message per list that does not parse."""
    lists: dict[int, list[Reference]] = {}
    problems = []
    for document, row in documents.iterrows():
        if row.kind in RECORD_KINDS:
            continue
        try:
            lists[int(document)] = reference_entries(store.document_pages(conn, int(document)))
        except InputError as exc:
            problems.append(f"{row.path}: document {row.doc!r}: reference list: {exc}")
    return lists, problems


def _occurrence(
    candidate: str, document: int, framed: Framed, references: list[Reference]
) -> _Occurrence:
    """A framed candidate, its matched reference, the work it credits (None when it names none)."""
    citation: Citation | None = framed.citations[0] if framed.citations else None
    if citation is None:
        return _Occurrence(candidate, document, framed, None, None)
    reference = match_reference(citation, references) if references else None
    if citation.style == "numbered" and reference is not None:
        credit = Credit(reference.authors, reference.year, citation.page)
    elif citation.authors:
        credit = Credit(citation.authors, citation.year, citation.page, citation.et_al)
    else:
        credit = None
    return _Occurrence(candidate, document, framed, reference, credit)


def _attribution(group: list[_Occurrence], documents: pd.DataFrame) -> tuple[Credit | None, int]:
    """The work most occurrences credit (ties to the earliest year), and the document it is, if any.

    Cited works outvote the documents the definition is found in; with no
    citation, the documents that state it themselves are credited.
    """
    cited = [o.credit for o in group if o.credit is not None and o.credit.authors]
    if cited:
        pool = [(c, -1) for c in cited]
    else:
        own = [o for o in group if o.framed.self_stated]
        own = own or [o for o in group if not o.framed.citations]
        pool = [
            (Credit(surnames(documents.at[o.doc, "authors"]), documents.at[o.doc, "year"]), o.doc)
            for o in own
        ]
    if not pool:
        return None, -1
    votes = Counter(credit.vote for credit, _ in pool)
    best = min(votes, key=lambda vote: (-votes[vote], vote[1] or "9999", vote[0]))
    agreeing = [(credit, doc) for credit, doc in pool if credit.vote == best]
    names = Counter(credit.names for credit, _ in agreeing)
    name = max(names, key=lambda n: (names[n], len(n)))
    credit, doc = next((c, d) for c, d in agreeing if c.names == name)
    pages = Counter(c.page for c, _ in agreeing if c.page)
    page = min(pages, key=lambda p: (-pages[p], p)) if pages else ""
    return Credit(credit.authors, credit.year, page, credit.et_al), doc


def _definition(
    ident: str, group: list[_Occurrence], documents: pd.DataFrame, bib: pd.DataFrame | None
) -> tuple[str, str, str, str, str, str]:
    """One row of the definitions table: id, canonical text, authors, year, page, key."""
    credit, doc = _attribution(group, documents)
    if credit is None:
        return ident, _canonical(group), "", "", "", ""
    key = ""
    if bib is not None:
        key = bib_key(Citation(credit.authors, credit.year, credit.page), bib) or ""
    elif doc >= 0 and documents.at[doc, "kind"] == "bibtex":
        key = documents.at[doc, "doc"]
    return ident, _canonical(group), credit.names, credit.year, credit.page, key


def _canonical(group: list[_Occurrence]) -> str:
    """The fullest occurrence's text: the most words, then the most characters, then the first."""
    return max(
        (o.framed.text for o in group),
        key=lambda text: (len(normalise(text).split()), len(text)),
    )


def _held(o: _Occurrence, ident: str) -> tuple:
    """One row of the occurrences table: what the sentence itself says of its source.

    An unresolved numbered citation that names no author keeps its number
    (``[3]``) as its authors;
    ``resolved`` is true for a citation matched in the reference list and for
    a definition its document states itself.
    """
    said = (o.candidate, ident, o.framed.text, o.framed.quoted)
    if not o.framed.citations:
        return (*said, "", "", "", "", o.framed.self_stated)
    citation = o.framed.citations[0]
    reference = o.reference.text if o.reference is not None else ""
    if o.credit is not None:
        authors, year = o.credit.names, o.credit.year
    else:
        authors, year = f"[{citation.number}]" if citation.number else "", citation.year
    return (*said, authors, year, citation.page, reference, o.reference is not None)


def _ids(conn: sqlite3.Connection, concept: str, groups: list[list[_Occurrence]]) -> list[str]:
    """A stable id per group: the one most of its candidates held before, else a hash of its text.

    A held id goes to the group that holds it for the most candidates; a
    hashed id that another group took, or that a stored definition of another
    text has, is hashed again with a counter.
    """
    before = held_by(conn, concept)
    stored = definitions(conn, concept)
    stored_texts = dict(zip(stored.definition, map(normalise, stored.text), strict=True))
    ids: list[str | None] = [None] * len(groups)
    claims = []
    for index, group in enumerate(groups):
        votes = Counter(before[o.candidate] for o in group if o.candidate in before)
        claims.extend((-count, index, ident) for ident, count in votes.items())
    taken: set[str] = set()
    for _, index, ident in sorted(claims):
        if ids[index] is None and ident not in taken:
            ids[index] = ident
            taken.add(ident)
    for index, group in enumerate(groups):
        if ids[index] is not None:
            continue
        text = normalise(_canonical(group))
        for attempt in range(len(groups) + len(stored_texts) + 1):
            seed = f"{concept}\x1f{text}" + (f"\x1f{attempt}" if attempt else "")
            ident = "def-" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]
            if ident not in taken and stored_texts.get(ident, text) == text:
                break
        ids[index] = ident
        taken.add(ident)
    return [str(ident) for ident in ids]
