"""The corpus database: sources, documents, pages and candidate definitions in SQLite.

The database runs in WAL mode with foreign keys on. Every write happens in
one ``BEGIN IMMEDIATE`` transaction per source file, so a file's rows appear
whole or not at all, and a changed file replaces its old rows atomically.
``schema_version`` records the layout; :func:`connect` migrates an older
layout in one transaction (version 1 to 2: candidates gain ``end_page``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.errors import InputError
from corpus.readers.sources import Source

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 2
#: The candidates table; ``end`` is an offset into page ``end_page``'s text, which
#: is the start page's number unless the sentence runs over a page break.
_CANDIDATES = """
CREATE TABLE IF NOT EXISTS {name} (
    id TEXT NOT NULL,
    concept TEXT NOT NULL,
    page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL CHECK ("end" > 0),
    text TEXT NOT NULL,
    score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    rule TEXT NOT NULL,
    end_page INTEGER NOT NULL CHECK (end_page >= 1),
    PRIMARY KEY (concept, id)
);
"""
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_sha256 ON sources (sha256);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '',
    year TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{{}}'
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    text TEXT NOT NULL,
    UNIQUE (document_id, number)
);
CREATE TABLE IF NOT EXISTS scans (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    concept TEXT NOT NULL,
    terms TEXT NOT NULL,
    PRIMARY KEY (document_id, concept)
);
{_CANDIDATES.format(name="candidates").strip()}
CREATE INDEX IF NOT EXISTS candidates_page ON candidates (page_id);
CREATE TABLE IF NOT EXISTS definitions (
    concept TEXT NOT NULL,
    id TEXT NOT NULL,
    text TEXT NOT NULL,
    authors TEXT NOT NULL DEFAULT '',
    year TEXT NOT NULL DEFAULT '',
    page TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (concept, id)
);
CREATE TABLE IF NOT EXISTS occurrences (
    concept TEXT NOT NULL,
    candidate TEXT NOT NULL,
    definition TEXT NOT NULL,
    text TEXT NOT NULL,
    quoted INTEGER NOT NULL CHECK (quoted IN (0, 1)),
    cited_authors TEXT NOT NULL DEFAULT '',
    cited_year TEXT NOT NULL DEFAULT '',
    cited_page TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    resolved INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    PRIMARY KEY (concept, candidate),
    FOREIGN KEY (concept, candidate) REFERENCES candidates (concept, id) ON DELETE CASCADE,
    FOREIGN KEY (concept, definition) REFERENCES definitions (concept, id)
);
CREATE INDEX IF NOT EXISTS occurrences_definition ON occurrences (concept, definition);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (or create) a corpus database.

    Raises
    ------
    InputError
        When the file is not a SQLite database, or was written by a newer
        defcode whose layout this one does not know.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL keeps the database consistent on power loss; only the
        # last commits may be lost, and a re-ingest restores them.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.executescript(f"BEGIN IMMEDIATE;\n{_SCHEMA}\nCOMMIT;")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(f"{path}: not a defcode database ({exc})") from None
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_version")]
    if not versions:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    elif max(versions) > SCHEMA_VERSION:
        conn.close()
        raise InputError(
            f"{path}: written by a newer defcode (schema {max(versions)}, "
            f"this one knows {SCHEMA_VERSION}); upgrade defcode"
        )
    elif max(versions) < SCHEMA_VERSION:
        try:
            _migrate(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a version-1 database to version 2 in one transaction.

    Candidates gain ``end_page`` (their page: version 1 had no sentence over a
    page break) and ``end`` is checked against the end page, so the table is
    rebuilt. Foreign keys are off while it is, or dropping the old table would
    delete the occurrences that refer to its rows; they are checked before
    the commit.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(conn):
            (version,) = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            if version >= SCHEMA_VERSION:  # another process migrated it meanwhile
                return
            conn.execute(_CANDIDATES.format(name="candidates_v2"))
            conn.execute(
                'INSERT INTO candidates_v2 (id, concept, page_id, start, "end", text, score, rule,'
                ' end_page) SELECT c.id, c.concept, c.page_id, c.start, c."end", c.text, c.score,'
                " c.rule, p.number FROM candidates c JOIN pages p ON p.id = c.page_id"
            )
            conn.execute("DROP TABLE candidates")
            conn.execute("ALTER TABLE candidates_v2 RENAME TO candidates")
            conn.execute("CREATE INDEX IF NOT EXISTS candidates_page ON candidates (page_id)")
            if conn.execute("PRAGMA foreign_key_check").fetchone():
                raise InputError("the migration to schema 2 would break a foreign key")
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def path_with_digest(conn: sqlite3.Connection, sha256: str) -> str | None:
    """The path of a stored source with these bytes, if any."""
    row = conn.execute("SELECT path FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def store_source(
    conn: sqlite3.Connection,
    source: Source,
    concept: str,
    terms: list[str],
    candidates: dict[str, pd.DataFrame],
) -> list[str]:
    """Store a source with its documents, pages and candidates in one transaction.

    Rows of an earlier version of the same path are replaced.

    Parameters
    ----------
    candidates : dict of str to pandas.DataFrame
        Per document digest, the frame :func:`corpus.finding.finder.find_definitions`
        returns for ``concept``.

    Returns
    -------
    list of str
        Documents skipped because another source already holds them.
    """
    skipped = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn):
        conn.execute("DELETE FROM sources WHERE path = ?", (str(source.path),))
        source_id = conn.execute(
            "INSERT INTO sources (path, sha256, kind, ingested_at) VALUES (?, ?, ?, ?)",
            (str(source.path), source.sha256, source.kind, now),
        ).lastrowid
        for document in source.documents:
            uid = document.digest[:16]
            if conn.execute("SELECT 1 FROM documents WHERE uid = ?", (uid,)).fetchone():
                skipped.append(f"{source.path}: {document.key} is already stored from another file")
                continue
            meta = document.metadata
            document_id = conn.execute(
                "INSERT INTO documents (source_id, uid, key, title, authors, year, doi, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source_id,
                    uid,
                    document.key,
                    meta.get("title", ""),
                    meta.get("authors", ""),
                    meta.get("year", ""),
                    meta.get("doi", ""),
                    json.dumps(meta, ensure_ascii=False, sort_keys=True),
                ),
            ).lastrowid
            conn.executemany(
                "INSERT INTO pages (document_id, number, text) VALUES (?, ?, ?)",
                [(document_id, n, text) for n, text in enumerate(document.pages, start=1)],
            )
            _insert_candidates(conn, document_id, uid, concept, terms, candidates[document.digest])
    return skipped


def _insert_candidates(
    conn: sqlite3.Connection,
    document_id: int,
    uid: str,
    concept: str,
    terms: list[str],
    frame: pd.DataFrame,
) -> None:
    conn.execute(
        "INSERT INTO scans (document_id, concept, terms) VALUES (?, ?, ?)",
        (document_id, concept, json.dumps(list(terms))),
    )
    page_ids = dict(
        conn.execute("SELECT number, id FROM pages WHERE document_id = ?", (document_id,))
    )
    conn.executemany(
        'INSERT INTO candidates (id, concept, page_id, start, "end", text, score, rule, end_page)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f"{uid[:12]}-{row.page}-{row.start}",
                concept,
                page_ids[row.page],
                row.start,
                row.end,
                row.text,
                row.score,
                row.rule,
                row.end_page,
            )
            for row in frame.itertuples(index=False)
        ],
    )


def unscanned(conn: sqlite3.Connection, concept: str) -> Iterator[tuple[int, str, list[str]]]:
    """Documents not yet searched for ``concept``: their id, uid and page texts."""
    rows = conn.execute(
        "SELECT id, uid FROM documents WHERE id NOT IN "
        "(SELECT document_id FROM scans WHERE concept = ?) ORDER BY id",
        (concept,),
    ).fetchall()
    for document_id, uid in rows:
        yield document_id, uid, document_pages(conn, document_id)


def document_pages(conn: sqlite3.Connection, document_id: int) -> list[str]:
    """The text of a stored document's pages, page 1 first."""
    query = "SELECT text FROM pages WHERE document_id = ? ORDER BY number"
    return [text for (text,) in conn.execute(query, (document_id,))]


def store_scan(
    conn: sqlite3.Connection,
    document_id: int,
    uid: str,
    concept: str,
    terms: list[str],
    frame: pd.DataFrame,
) -> None:
    """Store the candidates of one stored document for a concept it was not searched for."""
    with transaction(conn):
        _insert_candidates(conn, document_id, uid, concept, terms, frame)


def update_documents(
    conn: sqlite3.Connection, path: str, key: str | None, fields: dict[str, str]
) -> int:
    """Set ``authors`` and ``year`` of a stored source's documents (of ``key`` only, if given).

    Returns
    -------
    int
        How many documents were updated.
    """
    chosen = {k: v for k, v in fields.items() if k in ("authors", "year")}
    if not chosen:
        return 0
    sets = ", ".join(f"{k} = ?" for k in chosen)
    where = "source_id = (SELECT id FROM sources WHERE path = ?)"
    params = [*chosen.values(), path]
    if key is not None:
        where += " AND (key = ? OR (SELECT COUNT(*) FROM documents d WHERE d.source_id = "
        where += "documents.source_id) = 1)"
        params.append(key)
    with transaction(conn):
        return conn.execute(f"UPDATE documents SET {sets} WHERE {where}", params).rowcount


def candidates(conn: sqlite3.Connection, concept: str, min_score: float = 0.0) -> pd.DataFrame:
    """The candidate definitions of ``concept`` scoring at least ``min_score``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, doc, page, start, end, text, score, rule, end_page``, in
        document, page and character order; ``doc`` is the document's key.
        ``start`` is an offset into page ``page``'s text and ``end`` into page
        ``end_page``'s, which is ``page`` unless the sentence runs over a page
        break.
    """
    import pandas as pd

    return pd.read_sql_query(
        'SELECT c.id, d.key AS doc, p.number AS page, c.start, c."end", c.text, c.score, c.rule,'
        " c.end_page "
        "FROM candidates c JOIN pages p ON p.id = c.page_id "
        "JOIN documents d ON d.id = p.document_id "
        "WHERE c.concept = ? AND c.score >= ? ORDER BY d.id, p.number, c.start",
        conn,
        params=(concept, min_score),
    )


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows each table holds."""
    tables = ("sources", "documents", "pages", "candidates")
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
