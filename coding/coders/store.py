"""The coding store: items to code and every decision coders make about them.

The store lives in SQLite, in the corpus database or a file of its own. It
holds:

- ``items``: the definitions to code, copied from the bundled Table 2, from a
  CSV file, from the corpus's candidate definitions (with document, page and
  character offsets) or from its distinct definitions (credited to the work
  that gave them, see :mod:`corpus.definitions`). ``start`` is an offset into
  page ``page``'s text and ``end`` into page ``end_page``'s, which is
  ``page`` unless the sentence runs over a page break;
- ``item_occurrences``: where each distinct definition was found, one row per
  candidate sentence that holds it (document, pages, offsets and what its
  citation says), kept as registered even when the corpus changes;
- ``decisions``: an append-only log of who coded which item how, when and
  from where (``human``, ``model`` or ``import``). Triggers refuse ``UPDATE``
  and ``DELETE``, so the history is complete; the ``current_decisions`` view
  holds each coder's latest value per item and scheme;
- ``adjudications``: values an adjudicator chose where coders disagree, kept
  apart from the coders' own values, also append-only;
- ``item_removals``: items taken out of the coding, append-only: a removed
  item and its decisions stay in the history, but lists, exports and
  proposals leave it out;
- ``codebooks``: the codebook the store was started with, its YAML text and
  SHA-256, so that later commands code with it (see :func:`store_codebook`).

Values are checked against the codebook before anything is written, and each
write is one ``BEGIN IMMEDIATE`` transaction, so concurrent coders never see
or leave half a file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from coding.codebook import Codebook, Scheme, load_codebook, parse_codebook
from coding.definitions import load_definitions
from coding.model.credit import credited_texts
from corpus.errors import InputError
from corpus.records import read_records
from corpus.store import candidates, connect, transaction

if TYPE_CHECKING:
    from coding.model import Model

SCHEMA_VERSION = 3
SOURCES = ("human", "model", "import")
MODEL_CODER = "defcode-model"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS coding_schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY CHECK (length(trim(id)) > 0),
    concept TEXT NOT NULL,
    text TEXT NOT NULL,
    doc TEXT NOT NULL DEFAULT '',
    page INTEGER,
    start INTEGER,
    "end" INTEGER,
    origin TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item TEXT NOT NULL REFERENCES items (id),
    scheme TEXT NOT NULL,
    coder TEXT NOT NULL CHECK (length(trim(coder)) > 0),
    value TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('human', 'model', 'import')),
    confidence REAL CHECK (confidence BETWEEN 0 AND 1)
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (item, scheme, coder, seq);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE VIEW IF NOT EXISTS current_decisions AS
    SELECT d.* FROM decisions d
    JOIN (SELECT MAX(seq) AS seq FROM decisions GROUP BY item, scheme, coder) USING (seq);
CREATE TABLE IF NOT EXISTS adjudications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item TEXT NOT NULL REFERENCES items (id),
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    adjudicator TEXT NOT NULL CHECK (length(trim(adjudicator)) > 0),
    note TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS adjudications_no_update BEFORE UPDATE ON adjudications
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
CREATE TRIGGER IF NOT EXISTS adjudications_no_delete BEFORE DELETE ON adjudications
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
CREATE VIEW IF NOT EXISTS current_adjudications AS
    SELECT a.* FROM adjudications a
    JOIN (SELECT MAX(seq) AS seq FROM adjudications GROUP BY item, scheme) USING (seq);
CREATE TABLE IF NOT EXISTS item_removals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item TEXT NOT NULL REFERENCES items (id),
    note TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS item_removals_no_update BEFORE UPDATE ON item_removals
BEGIN SELECT RAISE(ABORT, 'item removals are append-only'); END;
CREATE TRIGGER IF NOT EXISTS item_removals_no_delete BEFORE DELETE ON item_removals
BEGIN SELECT RAISE(ABORT, 'item removals are append-only'); END;
CREATE TABLE IF NOT EXISTS item_occurrences (
    item TEXT NOT NULL REFERENCES items (id),
    candidate TEXT NOT NULL,
    doc TEXT NOT NULL,
    page INTEGER,
    start INTEGER,
    "end" INTEGER,
    end_page INTEGER,
    text TEXT NOT NULL DEFAULT '',
    quoted INTEGER NOT NULL DEFAULT 0 CHECK (quoted IN (0, 1)),
    cited_authors TEXT NOT NULL DEFAULT '',
    cited_year TEXT NOT NULL DEFAULT '',
    cited_page TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    PRIMARY KEY (item, candidate)
);
CREATE TRIGGER IF NOT EXISTS item_occurrences_no_update BEFORE UPDATE ON item_occurrences
BEGIN SELECT RAISE(ABORT, 'item occurrences are append-only'); END;
CREATE TRIGGER IF NOT EXISTS item_occurrences_no_delete BEFORE DELETE ON item_occurrences
BEGIN SELECT RAISE(ABORT, 'item occurrences are append-only'); END;
CREATE TABLE IF NOT EXISTS codebooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    concept TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    yaml TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);
"""
#: Columns added to ``items`` since schema 1: an item's authors and year when
#: its CSV gives them (schema 2); for a distinct definition, the credited work's
#: BibTeX key and the page it gives the definition on (schema 3). Schema 3 also
#: adds ``end_page``, the page ``end`` is an offset into, filled with ``page``
#: (no item ran over a page break before).
_ITEM_ADDITIONS = {
    name: "TEXT NOT NULL DEFAULT ''" for name in ("authors", "year", "key", "cited_page")
}
_ITEM_COLUMNS = ["id", "concept", "text", "doc", "page", "start", "end", "origin"]
_REMOVED = "(SELECT item FROM item_removals)"
CODING_COLUMNS = ["item", "scheme", "coder", "value", "note", "timestamp"]


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open (or create) a coding store; the file may also hold a corpus.

    Raises
    ------
    InputError
        When the file is not a SQLite database or was written by a newer defcode.
    """
    conn = connect(path)
    conn.executescript(f"BEGIN IMMEDIATE;\n{_SCHEMA}\nCOMMIT;")
    versions = [v for (v,) in conn.execute("SELECT version FROM coding_schema_version")]
    if versions and max(versions) > SCHEMA_VERSION:
        conn.close()
        raise InputError(
            f"{path}: its coding tables were written by a newer defcode "
            f"(schema {max(versions)}, this one knows {SCHEMA_VERSION}); upgrade defcode"
        )
    if not versions or max(versions) < SCHEMA_VERSION:
        with transaction(conn):
            have = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
            for column, kind in _ITEM_ADDITIONS.items():
                if column not in have:
                    conn.execute(f"ALTER TABLE items ADD COLUMN {column} {kind}")
            if "end_page" not in have:
                conn.execute("ALTER TABLE items ADD COLUMN end_page INTEGER")
                conn.execute("UPDATE items SET end_page = page")
            conn.execute("DELETE FROM coding_schema_version")
            conn.execute("INSERT INTO coding_schema_version VALUES (?)", (SCHEMA_VERSION,))
    return conn


def now() -> str:
    """The current UTC time as an ISO 8601 string with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def add_items(conn: sqlite3.Connection, frame: pd.DataFrame, *, concept: str, origin: str) -> int:
    """Register items to code; items already in the store are left as they are.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``id, text`` and optionally ``doc, page, start, end,
        end_page`` (``end_page`` is taken to be ``page`` where not given),
        ``authors, year`` (when a CSV of items gives them) and ``key,
        cited_page`` (a distinct definition's credited work).
    concept : str
        The concept the items define.
    origin : str
        Where they come from, e.g. ``"bundled"``, ``"csv"``, ``"candidates"``.

    Returns
    -------
    int
        How many items were new.
    """
    stamp = now()
    rows = [
        (
            str(row["id"]),
            concept,
            str(row["text"]),
            str(row.get("doc", "") or ""),
            _int_or_none(row.get("page")),
            _int_or_none(row.get("start")),
            _int_or_none(row.get("end")),
            _end_page(row),
            origin,
            stamp,
            *(_text_or_empty(row.get(column)) for column in _ITEM_ADDITIONS),
        )
        for row in frame.to_dict("records")
    ]
    with transaction(conn):
        before = conn.total_changes
        conn.executemany(
            'INSERT OR IGNORE INTO items (id, concept, text, doc, page, start, "end", end_page, '
            f"origin, added_at, {', '.join(_ITEM_ADDITIONS)}) "
            f"VALUES ({', '.join('?' * (10 + len(_ITEM_ADDITIONS)))})",
            rows,
        )
        return conn.total_changes - before


def _end_page(row: dict) -> int | None:
    """The page a row's ``end`` is an offset into: its ``end_page``, else its ``page``."""
    end_page = _int_or_none(row.get("end_page"))
    return _int_or_none(row.get("page")) if end_page is None else end_page


def _text_or_empty(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def add_bundled_items(conn: sqlite3.Connection, codebook: Codebook) -> int:
    """Register the bundled coded definitions (the paper's Table 2) as items.

    Item ids are the definitions' BibTeX keys.

    Raises
    ------
    ValueError
        When ``codebook`` is not the bundled cluster codebook they are coded with.
    """
    bundled = load_codebook()
    if codebook.concept != bundled.concept:
        raise ValueError(
            f"the bundled definitions are of concept {bundled.concept!r}, not "
            f"{codebook.concept!r}: register your items with --input or --candidates"
        )
    frame = load_definitions(codebook=bundled)
    items = pd.DataFrame({"id": frame["key"], "text": frame["definition"], "doc": frame["key"]})
    return add_items(conn, items, concept=codebook.concept, origin="bundled")


def add_candidate_items(conn: sqlite3.Connection, concept: str, min_score: float = 0.5) -> int:
    """Register the corpus's candidate definitions of ``concept`` as items."""
    found = candidates(conn, concept, min_score)
    return add_items(conn, found, concept=concept, origin="candidates")


def add_definition_items(conn: sqlite3.Connection, concept: str) -> int:
    """Register the corpus's distinct definitions of ``concept`` as items, with their occurrences.

    Each definition (see :func:`corpus.definitions.store.definitions`) found
    in at least one candidate becomes one item: its id is the definition's
    id, its text the canonical text, its ``authors``, ``year``,
    ``cited_page`` and ``key`` those of the credited work (not of the paper
    that quotes it), and its ``doc``, ``page``, ``start``, ``end`` and
    ``end_page`` those of its first occurrence, so that items in document order follow the
    corpus. Every occurrence is listed in ``item_occurrences``
    (:func:`item_occurrences`). A definition registered before keeps its
    item as it was; occurrences found since are added to it.

    Returns
    -------
    int
        How many items were new.

    Raises
    ------
    ValueError
        When no definitions of ``concept`` are stored.

    Examples
    --------
    >>> conn = open_store(":memory:")
    >>> add_definition_items(conn, "cluster")
    Traceback (most recent call last):
    ...
    ValueError: no definitions of 'cluster' are stored: run `defcode definitions` first
    """
    from corpus.definitions.store import definitions, occurrences

    found = definitions(conn, concept)
    held = occurrences(conn, concept)
    if found.empty or held.empty:
        raise ValueError(
            f"no definitions of {concept!r} are stored: run `defcode definitions` first"
        )
    first = held.drop_duplicates("definition").set_index("definition")
    found = found[found["definition"].isin(first.index)]
    frame = pd.DataFrame(
        {
            "id": found["definition"],
            "text": found["text"],
            "authors": found["authors"],
            "year": found["year"],
            "key": found["key"],
            "cited_page": found["page"],
        }
    ).join(first[["doc", "page", "start", "end", "end_page"]], on="id")
    added = add_items(conn, frame, concept=concept, origin="definitions")
    known = {item for (item,) in conn.execute("SELECT id FROM items WHERE concept = ?", (concept,))}
    held = held[held["definition"].isin(known)]
    stamp = now()
    with transaction(conn):
        conn.executemany(
            'INSERT OR IGNORE INTO item_occurrences (item, candidate, doc, page, start, "end", '
            "end_page, text, quoted, cited_authors, cited_year, cited_page, reference, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row.definition,
                    row.candidate,
                    row.doc,
                    _int_or_none(row.page),
                    _int_or_none(row.start),
                    _int_or_none(row.end),
                    _int_or_none(row.end_page),
                    row.text,
                    int(row.quoted),
                    row.cited_authors,
                    row.cited_year,
                    row.cited_page,
                    row.reference,
                    stamp,
                )
                for row in held.itertuples(index=False)
            ],
        )
    return added


#: The columns of :func:`item_occurrences`.
OCCURRENCE_COLUMNS = [
    "item",
    "candidate",
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


def item_occurrences(conn: sqlite3.Connection, concept: str | None = None) -> pd.DataFrame:
    """Where each distinct definition item was found, as registered.

    Parameters
    ----------
    concept : str, optional
        Only the items of this concept.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OCCURRENCE_COLUMNS`, one row per candidate sentence
        that holds an item's definition, by item, then document, page and
        position: the document's key, the page, the character offsets (``end``
        into page ``end_page``, which is ``page`` unless the sentence runs
        over a page break), the
        definition's text there, whether it was quoted, what the citation
        says and the reference-list entry it matched (empty where none did).
        Items of other origins have none.

    Examples
    --------
    >>> item_occurrences(open_store(":memory:")).columns.tolist()[:4]
    ['item', 'candidate', 'doc', 'page']
    """
    where, params = ("WHERE i.concept = ?", (concept,)) if concept else ("", ())
    columns = ", ".join(f'o."{column}"' for column in OCCURRENCE_COLUMNS)
    frame = pd.read_sql_query(
        f"SELECT {columns} FROM item_occurrences o JOIN items i ON i.id = o.item {where} "
        "ORDER BY o.item, o.doc, o.page, o.start, o.candidate",
        conn,
        params=params,
    )
    for column in ("page", "start", "end", "end_page"):
        frame[column] = frame[column].astype("Int64")
    return frame.astype({"quoted": bool})


def items(
    conn: sqlite3.Connection, concept: str | None = None, *, removed: bool = False
) -> pd.DataFrame:
    """The items to code, in document, page and character order.

    Parameters
    ----------
    concept : str, optional
        Only the items of this concept.
    removed : bool, default=False
        Also the items removed with :func:`remove_item`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, concept, text, doc, page, start, end, end_page, origin,
        authors, year, key, cited_page`` (the last two empty but for distinct
        definitions); ``start`` is an offset into page ``page``'s text and
        ``end`` into page ``end_page``'s, which is ``page`` unless the item
        runs over a page break. With ``removed``, also ``removed`` (bool).
    """
    clauses, params = [], []
    if concept:
        clauses.append("concept = ?")
        params.append(concept)
    if not removed:
        clauses.append(f"id NOT IN {_REMOVED}")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    extra = f", id IN {_REMOVED} AS removed" if removed else ""
    frame = pd.read_sql_query(
        f'SELECT id, concept, text, doc, page, start, "end", end_page, origin, authors, year, key, '
        f"cited_page{extra} "
        f"FROM items {where} ORDER BY doc, page, start, id",
        conn,
        params=params,
    )
    if removed:
        frame["removed"] = frame["removed"].astype(bool)
    for column in ("page", "start", "end", "end_page"):
        frame[column] = frame[column].astype("Int64")
    return frame


def check_value(scheme: Scheme, value: str) -> str:
    """The codebook's spelling of ``value``; for a multiple scheme, codes joined by ``"; "``.

    Raises
    ------
    ValueError
        Naming the value and the scheme's codes.
    """
    return scheme.check(value)


def record(
    conn: sqlite3.Connection,
    codebook: Codebook,
    item: str,
    scheme: str,
    coder: str,
    value: str,
    note: str = "",
    *,
    source: str = "human",
    confidence: float | None = None,
) -> int:
    """Append one decision, checked against the codebook, in its own transaction.

    Returns
    -------
    int
        The decision's sequence number.

    Raises
    ------
    ValueError
        For an unknown item or scheme, an empty coder, a value that is not a
        code of the scheme, or an unknown source.
    """
    frame = pd.DataFrame(
        [{"item": item, "scheme": scheme, "coder": coder, "value": value, "note": note}]
    )
    problems = _check_decisions(conn, codebook, frame)
    if problems:
        raise ValueError("; ".join(message for _, _, message in problems))
    return _append(conn, frame, codebook, source=source, confidences=[confidence])[-1]


def import_codings(
    conn: sqlite3.Connection, codebook: Codebook, path: str | Path, *, source: str = "import"
) -> int:
    """Import a CSV file of decisions whole, or nothing of it.

    Parameters
    ----------
    path : str or Path
        Columns ``item, scheme, coder, value`` and optionally ``note``.

    Returns
    -------
    int
        How many decisions were stored.

    Raises
    ------
    InputError
        Naming the file and, for every bad cell, its row, field and value;
        then nothing of the file is stored.
    """
    frame = read_records(path, required=["item", "scheme", "coder", "value"], optional=["note"])
    problems = _check_decisions(conn, codebook, frame)
    if problems:
        lines = [f"{path}, row {row + 1}, field {field!r}: {msg}" for row, field, msg in problems]
        raise InputError(f"{path}: {len(lines)} problem(s); nothing was stored", lines)
    return len(_append(conn, frame, codebook, source=source))


def _check_decisions(
    conn: sqlite3.Connection, codebook: Codebook, frame: pd.DataFrame
) -> list[tuple[int, str, str]]:
    known = {item for (item,) in conn.execute("SELECT id FROM items")}
    problems = []
    for row, (item, scheme, coder, value) in enumerate(
        frame[["item", "scheme", "coder", "value"]].itertuples(index=False)
    ):
        if item not in known:
            problems.append((row, "item", f"{item!r} is not an item of the store"))
        if not str(coder).strip():
            problems.append((row, "coder", "empty"))
        if scheme not in codebook.schemes:
            problems.append(
                (
                    row,
                    "scheme",
                    f"{scheme!r} is not a scheme of codebook {codebook.concept!r}; schemes: "
                    + ", ".join(map(repr, codebook.schemes)),
                )
            )
            continue
        try:
            check_value(codebook.schemes[scheme], value)
        except ValueError as exc:
            problems.append((row, "value", str(exc)))
    return problems


def _append(
    conn: sqlite3.Connection,
    frame: pd.DataFrame,
    codebook: Codebook,
    *,
    source: str,
    confidences: Sequence[float | None] | None = None,
) -> list[int]:
    if source not in SOURCES:
        raise ValueError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    stamp = now()
    notes = frame["note"] if "note" in frame else [""] * len(frame)
    confidences = confidences or [None] * len(frame)
    seqs = []
    with transaction(conn):
        for (item, scheme, coder, value), note, confidence in zip(
            frame[["item", "scheme", "coder", "value"]].itertuples(index=False),
            notes,
            confidences,
            strict=True,
        ):
            cursor = conn.execute(
                "INSERT INTO decisions (item, scheme, coder, value, note, timestamp, source, "
                "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item,
                    scheme,
                    coder.strip(),
                    check_value(codebook.schemes[scheme], value),
                    note or "",
                    stamp,
                    source,
                    confidence,
                ),
            )
            seqs.append(cursor.lastrowid)
    return seqs


def current(
    conn: sqlite3.Connection,
    scheme: str | None = None,
    *,
    sources: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Each coder's latest value per item and scheme, removed items left out.

    Parameters
    ----------
    scheme : str, optional
        Only this scheme.
    sources : iterable of str, optional
        Only decisions from these sources (``human``, ``model``, ``import``).

    Returns
    -------
    pandas.DataFrame
        Columns ``item, scheme, coder, value, note, timestamp, source,
        confidence``, ordered by item, scheme and coder.
    """
    return _select(conn, "current_decisions", scheme, sources, order="item, scheme, coder")


def history(
    conn: sqlite3.Connection,
    scheme: str | None = None,
    *,
    sources: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every decision ever stored, oldest first, with its sequence number (removed items too)."""
    return _select(conn, "decisions", scheme, sources, order="seq", seq=True)


def _select(
    conn: sqlite3.Connection,
    table: str,
    scheme: str | None,
    sources: Iterable[str] | None,
    *,
    order: str,
    seq: bool = False,
) -> pd.DataFrame:
    clauses, params = [], []
    if table != "decisions":
        clauses.append(f"item NOT IN {_REMOVED}")
    if scheme is not None:
        clauses.append("scheme = ?")
        params.append(scheme)
    if sources is not None:
        sources = list(sources)
        clauses.append(f"source IN ({', '.join('?' * len(sources))})")
        params.extend(sources)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    columns = ", ".join([*(["seq"] if seq else []), *CODING_COLUMNS, "source", "confidence"])
    return pd.read_sql_query(
        f"SELECT {columns} FROM {table} {where} ORDER BY {order}", conn, params=params
    )


def proposals(conn: sqlite3.Connection, scheme: str) -> pd.DataFrame:
    """The model's current proposals for one scheme.

    Returns
    -------
    pandas.DataFrame
        Columns ``item, value, confidence, reason``.
    """
    frame = current(conn, scheme, sources=["model"])
    frame = frame[frame["coder"] == MODEL_CODER]
    return frame[["item", "value", "confidence", "note"]].rename(columns={"note": "reason"})


def store_proposals(
    conn: sqlite3.Connection,
    model: Model,
    concept: str | None = None,
    *,
    uncoded_only: bool = False,
) -> int:
    """Run ``model`` over the items and store what changed as ``model`` decisions.

    A proposal equal to the model's current one (same value and confidence)
    is not stored again. With ``uncoded_only``, items with an agreed value
    in a scheme (:func:`consensus`) get no proposal in it.

    Returns
    -------
    int
        How many decisions were stored.
    """
    todo = items(conn, concept or model.codebook.concept)
    if todo.empty:
        return 0
    proposed = model.propose(model_texts(conn, todo))
    rows, confidences = [], []
    for scheme in model.classifiers:
        known = proposals(conn, scheme).set_index("item")
        settled = set(consensus(conn, scheme).index) if uncoded_only else set()
        for item, value, confidence, reason in zip(
            todo["id"],
            proposed[scheme],
            proposed[f"{scheme}_confidence"],
            proposed[f"{scheme}_reason"],
            strict=True,
        ):
            if item in settled:
                continue
            if item in known.index and (known.at[item, "value"], known.at[item, "confidence"]) == (
                value,
                confidence,
            ):
                continue
            rows.append((item, scheme, MODEL_CODER, value, reason))
            confidences.append(float(confidence))
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=["item", "scheme", "coder", "value", "note"])
    return len(_append(conn, frame, model.codebook, source="model", confidences=confidences))


def resolve(
    conn: sqlite3.Connection,
    codebook: Codebook,
    item: str,
    scheme: str,
    value: str,
    adjudicator: str,
    note: str = "",
) -> int:
    """Record an adjudicated value, apart from the coders' own values.

    Returns
    -------
    int
        The adjudication's sequence number.
    """
    frame = pd.DataFrame(
        [{"item": item, "scheme": scheme, "coder": adjudicator, "value": value, "note": note}]
    )
    problems = _check_decisions(conn, codebook, frame)
    if problems:
        raise ValueError("; ".join(message for _, _, message in problems))
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO adjudications (item, scheme, value, adjudicator, note, timestamp) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                item,
                scheme,
                check_value(codebook.schemes[scheme], value),
                adjudicator.strip(),
                note,
                now(),
            ),
        )
    return cursor.lastrowid


def adjudications(conn: sqlite3.Connection, scheme: str | None = None) -> pd.DataFrame:
    """The latest adjudicated value per item and scheme.

    Returns
    -------
    pandas.DataFrame
        Columns ``item, scheme, value, adjudicator, note, timestamp``.
    """
    where, params = (" AND scheme = ?", (scheme,)) if scheme else ("", ())
    return pd.read_sql_query(
        "SELECT item, scheme, value, adjudicator, note, timestamp FROM current_adjudications "
        f"WHERE item NOT IN {_REMOVED}{where} ORDER BY item, scheme",
        conn,
        params=params,
    )


def disagreements(conn: sqlite3.Connection, scheme: str | None = None) -> pd.DataFrame:
    """Items whose coders' current values differ, with each coder's value and any adjudication.

    Model proposals do not count as a coder.

    Returns
    -------
    pandas.DataFrame
        One row per item and scheme: ``item, scheme``, one column per coder,
        then ``adjudicated`` (empty when not yet resolved).
    """
    coded = current(conn, scheme, sources=["human", "import"])
    wide = coded.pivot(index=["item", "scheme"], columns="coder", values="value")
    split = wide.nunique(axis=1) > 1
    wide = wide[split].reset_index()
    wide.columns.name = None
    settled = adjudications(conn, scheme).set_index(["item", "scheme"])["value"]
    keys = list(zip(wide["item"], wide["scheme"], strict=True))
    wide["adjudicated"] = [settled.get(key, "") for key in keys]
    return wide


def consensus(conn: sqlite3.Connection, scheme: str) -> pd.Series:
    """Each item's agreed value: the adjudicated one, else the one all its coders gave.

    Items whose coders disagree and that are not adjudicated are left out;
    model proposals do not count.

    Returns
    -------
    pandas.Series
        Values indexed by item, named ``scheme``.
    """
    coded = current(conn, scheme, sources=["human", "import"])
    values = coded.groupby("item")["value"].agg(lambda v: v.iloc[0] if v.nunique() == 1 else None)
    settled = adjudications(conn, scheme).set_index("item")["value"]
    values = settled.combine_first(values.dropna())
    return values.rename(scheme).rename_axis("item")


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) or value == "" else int(value)


def coded_items(
    conn: sqlite3.Connection, codebook: Codebook, schemes: Sequence[str]
) -> pd.DataFrame:
    """Items with an agreed value (see :func:`consensus`) for every one of ``schemes``.

    Authors and year come from the item itself (a CSV of items may give
    them), else from its document in the corpus, else, for the bundled
    definitions, from the paper's Table 2.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, authors, year, definition`` and one per scheme; year
        is ``Int64``, missing where it is not known.
    """
    frame = agreed(conn, codebook, schemes)
    return frame.dropna(subset=list(schemes)).reset_index(drop=True)


def agreed(
    conn: sqlite3.Connection, codebook: Codebook, schemes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every item of the codebook's concept with its agreed value per scheme, or NA.

    Parameters
    ----------
    schemes : sequence of str, optional
        The schemes, one column each; all the codebook's schemes when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, authors, year, definition`` and one per scheme, one row
        per item that is not removed, in document order; a scheme's cell is
        NA where the item is not coded or its coders disagree unresolved.
        When some items are distinct definitions whose credited work has a
        BibTeX key, also ``key`` after ``id`` (empty where none).
    """
    schemes = list(codebook.schemes) if schemes is None else list(schemes)
    found = items(conn, codebook.concept)
    frame = item_sources(conn, found)
    if (found["key"] != "").any():
        frame.insert(0, "key", found.set_index("id")["key"])
    frame["definition"] = found.set_index("id")["text"]
    for scheme in schemes:
        frame[scheme] = consensus(conn, scheme).reindex(frame.index)
    return frame.rename_axis("id").reset_index()


def item_sources(conn: sqlite3.Connection, found: pd.DataFrame) -> pd.DataFrame:
    """The authors and year of each item of ``found`` (a frame of :func:`items`).

    From the item itself (a CSV of items may give them; a distinct
    definition gives its credited work's), else from its document in the
    corpus (never for a distinct definition: that is the paper quoting it),
    else, for the bundled definitions, from the paper's Table 2.

    Returns
    -------
    pandas.DataFrame
        Index: the items' ids; columns ``authors`` (empty when unknown) and
        ``year`` (``Int64``, missing when unknown).
    """
    found = found.set_index("id")
    meta = pd.read_sql_query("SELECT key AS doc, authors, year FROM documents", conn)
    meta = meta.replace("", None).drop_duplicates("doc").set_index("doc")
    frame = pd.DataFrame(index=found.index)
    # A distinct definition is credited to its work, never to the paper that quotes it.
    quoting = found["doc"].where(found["origin"] != "definitions")
    for column in ("authors", "year"):
        own = found[column].replace("", None)
        frame[column] = own.combine_first(quoting.map(meta[column]))
    if (found["origin"] == "bundled").any():
        table2 = load_definitions().set_index("key")
        ids = found.index.to_series()
        for column in ("authors", "year"):
            frame[column] = frame[column].combine_first(ids.map(table2[column]))
    frame["authors"] = frame["authors"].fillna("")
    # "2001a" (a second work of the year) is 2001.
    year = frame["year"].astype("string").str.extract(r"^\s*(\d{1,4})[a-z]?\s*$")[0]
    frame["year"] = pd.to_numeric(year, errors="coerce").astype("Int64")
    return frame


def model_texts(conn: sqlite3.Connection, found: pd.DataFrame) -> pd.Series:
    """What a model reads of each item of ``found`` (a frame of :func:`items`).

    Its text, then the names of the work it is credited to
    (:func:`item_sources`, :func:`coding.model.credit.credited_text`), as
    :func:`agreed` gives them to a model to learn from.
    """
    authors = item_sources(conn, found)["authors"].loc[found["id"]].to_numpy()
    return credited_texts(found.assign(authors=authors), "text")


def remove_item(conn: sqlite3.Connection, item: str, note: str = "") -> int:
    """Take an item out of the coding; its decisions stay in the history.

    Returns
    -------
    int
        The removal's sequence number.

    Raises
    ------
    ValueError
        For an item the store does not hold, or one already removed.
    """
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM items WHERE id = ?", (item,)).fetchone():
            raise ValueError(f"{item!r} is not an item of the store")
        if conn.execute("SELECT 1 FROM item_removals WHERE item = ?", (item,)).fetchone():
            raise ValueError(f"{item!r} was removed already")
        cursor = conn.execute(
            "INSERT INTO item_removals (item, note, timestamp) VALUES (?, ?, ?)",
            (item, note, now()),
        )
    return cursor.lastrowid


def recorded_codebook(conn: sqlite3.Connection) -> Codebook | None:
    """The codebook the store was started with, or None for a store that has none recorded."""
    row = conn.execute("SELECT yaml, path FROM codebooks ORDER BY seq LIMIT 1").fetchone()
    if row is None:
        return None
    yaml_text, path = row
    return parse_codebook(yaml_text, f"{path or 'codebook'} (as recorded in the store)")


def record_codebook(conn: sqlite3.Connection, codebook: Codebook) -> bool:
    """Record ``codebook`` as the store's, unless the store records it already.

    Returns
    -------
    bool
        Whether it was recorded now (False: the store recorded it already).

    Raises
    ------
    InputError
        When the store records another codebook (see :func:`store_codebook`).
    ValueError
        When ``codebook`` has no YAML text.
    """
    if not codebook.text:
        raise ValueError(f"codebook {codebook.concept!r} has no YAML text to record")
    with transaction(conn):
        row = conn.execute("SELECT sha256 FROM codebooks ORDER BY seq LIMIT 1").fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO codebooks (concept, sha256, yaml, path, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (codebook.concept, codebook.sha256, codebook.text, codebook.path, now()),
            )
            return True
    if row[0] != codebook.sha256:
        raise _other_codebook(recorded_codebook(conn), codebook)
    return False


def _other_codebook(recorded: Codebook, given: Codebook) -> InputError:
    where = f" ({given.path})" if given.path else ""
    return InputError(
        f"the store records codebook {recorded.describe()}; the codebook given{where} "
        f"is {given.describe()}; a store is coded with one codebook: give the store's "
        "(or none) or start another store"
    )


def store_codebook(
    conn: sqlite3.Connection, given: Codebook | None, *, record: bool | None = None
) -> tuple[Codebook, list[str]]:
    """The codebook to code a store with, recording it when the store has none.

    The store's recorded codebook when ``given`` is None; ``given`` when it
    is the same (same SHA-256) or the store records none yet; the bundled
    cluster codebook when neither is there.

    Parameters
    ----------
    given : Codebook or None
        The codebook the user named (``--codebook``).
    record : bool, optional
        Record the codebook used on a store that records none; by default
        when the store holds items (a store made before stores recorded
        their codebook), so that an empty store is not tied to a codebook
        before its first items are registered.

    Returns
    -------
    codebook : Codebook
    notes : list of str
        What was done without being asked: the bundled codebook used, a
        codebook recorded.

    Raises
    ------
    InputError
        When ``given`` differs from the codebook the store records: the
        message names both (concept and SHA-256 prefix).
    """
    notes = []
    recorded = recorded_codebook(conn)
    if recorded is not None:
        if given is not None and given.sha256 != recorded.sha256:
            raise _other_codebook(recorded, given)
        return recorded, notes
    concepts = sorted(c for (c,) in conn.execute("SELECT DISTINCT concept FROM items"))
    book = given
    if book is None:
        book = load_codebook()
        if concepts and book.concept not in concepts:
            raise InputError(
                f"the store holds items of concept {', '.join(map(repr, concepts))} and records "
                "no codebook: give their codebook with --codebook FILE (it is then recorded)"
            )
        notes.append(f"using the bundled codebook {book.concept!r}")
    elif concepts and book.concept not in concepts:
        raise InputError(
            f"the store holds items of concept {', '.join(map(repr, concepts))}, the codebook "
            f"given is of concept {book.concept!r}"
        )
    had_items = bool(concepts)
    wanted = record or (record is None and had_items)
    if wanted and record_codebook(conn, book) and had_items:
        notes.append(f"recorded codebook {book.describe()} as this store's (it had none)")
    return book, notes
