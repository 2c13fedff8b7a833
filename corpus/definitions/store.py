"""Distinct definitions and their occurrences in the corpus database.

A *definition* is one text, credited to the work that gave it, with a stable
id ``def-<12 hex digits>``; an *occurrence* is a candidate sentence that
holds it, with what the sentence itself says of its source. The tables live
beside the candidates (see :mod:`corpus.store`); an occurrence goes with its
candidate when a changed file is ingested again, a definition stays.
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from corpus.store import transaction

#: The columns of :func:`definitions`, and of ``defcode definitions --out``.
DEFINITION_COLUMNS = [
    "definition",
    "text",
    "authors",
    "year",
    "page",
    "key",
    "occurrences",
    "documents",
]
#: The columns of :func:`occurrences`, and of ``defcode definitions --occurrences``.
OCCURRENCE_COLUMNS = [
    "candidate",
    "definition",
    "doc",
    "page",
    "start",
    "end",
    "end_page",
    "text",
    "quoted",
    "cited_authors",
    "cited_year",
    "cited_page",
    "reference",
]
#: The columns :func:`store_definitions` takes: one row per definition, one per occurrence.
STORED_DEFINITION_COLUMNS = ["definition", "text", "authors", "year", "page", "key"]
STORED_OCCURRENCE_COLUMNS = [
    "candidate",
    "definition",
    "text",
    "quoted",
    "cited_authors",
    "cited_year",
    "cited_page",
    "reference",
    "resolved",
]


def store_definitions(
    conn: sqlite3.Connection, concept: str, found: pd.DataFrame, held: pd.DataFrame
) -> None:
    """Store a concept's definitions and their occurrences in one transaction.

    The concept's occurrences are replaced; its definitions are added or
    updated by id, and a definition no longer found keeps its row, so that
    coded items that name it stay valid.

    Parameters
    ----------
    conn : sqlite3.Connection
        A corpus database (:func:`corpus.store.connect`).
    concept : str
        The concept the candidates were found for.
    found : pandas.DataFrame
        One row per definition: ``definition, text, authors, year, page, key``.
    held : pandas.DataFrame
        One row per occurrence: ``candidate, definition, text, quoted,
        cited_authors, cited_year, cited_page, reference, resolved``; each
        ``candidate`` a stored candidate of ``concept``.
    """
    with transaction(conn):
        conn.execute("DELETE FROM occurrences WHERE concept = ?", (concept,))
        conn.executemany(
            "INSERT INTO definitions (concept, id, text, authors, year, page, key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (concept, id) DO UPDATE SET"
            " text = excluded.text, authors = excluded.authors, year = excluded.year,"
            " page = excluded.page, key = excluded.key",
            [(concept, *row) for row in found[STORED_DEFINITION_COLUMNS].itertuples(index=False)],
        )
        conn.executemany(
            "INSERT INTO occurrences (concept, candidate, definition, text, quoted,"
            " cited_authors, cited_year, cited_page, reference, resolved)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (concept, *row)
                for row in held[STORED_OCCURRENCE_COLUMNS]
                .astype({"quoted": int, "resolved": int})
                .itertuples(index=False)
            ],
        )


def definitions(conn: sqlite3.Connection, concept: str) -> pd.DataFrame:
    """The stored definitions of ``concept``, the most often found first.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DEFINITION_COLUMNS`: the id, the canonical text, the
        credited work's ``authors``, ``year``, ``page`` and BibTeX ``key``
        (empty where unresolved), and how many occurrences and documents
        hold it now.
    """
    return pd.read_sql_query(
        "SELECT d.id AS definition, d.text, d.authors, d.year, d.page, d.key,"
        " COUNT(o.candidate) AS occurrences, COUNT(DISTINCT p.document_id) AS documents"
        " FROM definitions d"
        " LEFT JOIN occurrences o ON o.concept = d.concept AND o.definition = d.id"
        " LEFT JOIN candidates c ON c.concept = o.concept AND c.id = o.candidate"
        " LEFT JOIN pages p ON p.id = c.page_id"
        " WHERE d.concept = ? GROUP BY d.id"
        " ORDER BY occurrences DESC, d.authors, d.year, d.id",
        conn,
        params=(concept,),
    )


def occurrences(conn: sqlite3.Connection, concept: str) -> pd.DataFrame:
    """The stored occurrences of ``concept``'s definitions, in document and page order.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OCCURRENCE_COLUMNS`: the candidate and its definition,
        where the candidate is (``doc`` is the document's key; ``end`` is an
        offset into page ``end_page``, which is ``page`` unless the sentence
        runs over a page break), the text
        without its frame, whether it was quoted, what its citation says and
        the reference-list entry it matched (empty where none did).
    """
    frame = pd.read_sql_query(
        "SELECT o.candidate, o.definition, d.key AS doc, p.number AS page, c.start,"
        ' c."end", c.end_page, o.text, o.quoted, o.cited_authors, o.cited_year, o.cited_page,'
        " o.reference FROM occurrences o"
        " JOIN candidates c ON c.concept = o.concept AND c.id = o.candidate"
        " JOIN pages p ON p.id = c.page_id JOIN documents d ON d.id = p.document_id"
        " WHERE o.concept = ? ORDER BY d.id, p.number, c.start",
        conn,
        params=(concept,),
    )
    return frame.astype({"quoted": bool})


def candidate_sources(
    conn: sqlite3.Connection, concept: str, min_score: float = 0.0
) -> pd.DataFrame:
    """The candidates of ``concept`` scoring at least ``min_score``, with where they come from.

    Returns
    -------
    pandas.DataFrame
        Columns ``candidate, text, document`` (the document's row id, for
        :func:`corpus.store.document_pages`), ``doc`` (its key), ``authors``,
        ``year``, ``path`` and ``kind`` (``pdf``, ``text``, ``bibtex``, ``ris``
        or ``csv``) of its source file; in document, page and character order,
        as :func:`corpus.store.candidates` gives them.
    """
    return pd.read_sql_query(
        "SELECT c.id AS candidate, c.text, d.id AS document, d.key AS doc, d.authors, d.year,"
        " s.path, s.kind FROM candidates c JOIN pages p ON p.id = c.page_id"
        " JOIN documents d ON d.id = p.document_id JOIN sources s ON s.id = d.source_id"
        " WHERE c.concept = ? AND c.score >= ? ORDER BY d.id, p.number, c.start",
        conn,
        params=(concept, min_score),
    )


def held_by(conn: sqlite3.Connection, concept: str) -> dict[str, str]:
    """The stored definition of each candidate of ``concept`` that holds one, by candidate id."""
    query = "SELECT candidate, definition FROM occurrences WHERE concept = ?"
    return dict(conn.execute(query, (concept,)).fetchall())
