"""The coding store: items to code and every decision coders make about them.

The store lives in SQLite, in the corpus database or a file of its own. It
holds:

- ``items``: the definitions to code, copied from the bundled Table 2, from a
  CSV file or from the corpus's candidate definitions (with document, page and
  character offsets);
- ``decisions``: an append-only log of who coded which item how, when and
  from where (``human``, ``model`` or ``import``). Triggers refuse ``UPDATE``
  and ``DELETE``, so the history is complete; the ``current_decisions`` view
  holds each coder's latest value per item and scheme;
- ``adjudications``: values an adjudicator chose where coders disagree, kept
  apart from the coders' own values, also append-only.

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

from coding.codebook import Codebook, Scheme
from coding.definitions import load_definitions
from corpus.errors import InputError
from corpus.records import read_records
from corpus.store import candidates, connect, transaction

if TYPE_CHECKING:
    from coding.model import Model

SCHEMA_VERSION = 1
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
"""
_ITEM_COLUMNS = ["id", "concept", "text", "doc", "page", "start", "end", "origin"]
CODING_COLUMNS = ["item", "scheme", "coder", "value", "note", "timestamp"]


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open (or create) a coding store; the file may also hold a corpus.

    Raises
    ------
    InputError
        When the file is not a SQLite database or was written by a newer defcode.
    """
    conn = connect(path)
    conn.executescript(
        f"BEGIN IMMEDIATE;\n{_SCHEMA}\nINSERT INTO coding_schema_version SELECT {SCHEMA_VERSION} "
        "WHERE NOT EXISTS (SELECT 1 FROM coding_schema_version);\nCOMMIT;"
    )
    versions = [v for (v,) in conn.execute("SELECT version FROM coding_schema_version")]
    if max(versions) > SCHEMA_VERSION:
        conn.close()
        raise InputError(
            f"{path}: its coding tables were written by a newer defcode "
            f"(schema {max(versions)}, this one knows {SCHEMA_VERSION}); upgrade defcode"
        )
    return conn


def now() -> str:
    """The current UTC time as an ISO 8601 string with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def add_items(conn: sqlite3.Connection, frame: pd.DataFrame, *, concept: str, origin: str) -> int:
    """Register items to code; items already in the store are left as they are.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``id, text`` and optionally ``doc, page, start, end``.
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
            origin,
            stamp,
        )
        for row in frame.to_dict("records")
    ]
    with transaction(conn):
        before = conn.total_changes
        conn.executemany(
            'INSERT OR IGNORE INTO items (id, concept, text, doc, page, start, "end", origin, '
            "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return conn.total_changes - before


def add_bundled_items(conn: sqlite3.Connection, codebook: Codebook) -> int:
    """Register the bundled coded definitions (the paper's Table 2) as items.

    Item ids are the definitions' BibTeX keys.
    """
    frame = load_definitions(codebook=codebook)
    items = pd.DataFrame({"id": frame["key"], "text": frame["definition"], "doc": frame["key"]})
    return add_items(conn, items, concept=codebook.concept, origin="bundled")


def add_candidate_items(conn: sqlite3.Connection, concept: str, min_score: float = 0.5) -> int:
    """Register the corpus's candidate definitions of ``concept`` as items."""
    found = candidates(conn, concept, min_score)
    return add_items(conn, found, concept=concept, origin="candidates")


def items(conn: sqlite3.Connection, concept: str | None = None) -> pd.DataFrame:
    """The items to code, in document, page and character order.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, concept, text, doc, page, start, end, origin``.
    """
    where, params = ("WHERE concept = ?", (concept,)) if concept else ("", ())
    frame = pd.read_sql_query(
        f'SELECT id, concept, text, doc, page, start, "end", origin FROM items {where} '
        "ORDER BY doc, page, start, id",
        conn,
        params=params,
    )
    for column in ("page", "start", "end"):
        frame[column] = frame[column].astype("Int64")
    return frame


def check_value(scheme: Scheme, value: str) -> str:
    """The codebook's spelling of ``value``; for a multiple scheme, codes joined by ``"; "``.

    Raises
    ------
    ValueError
        Naming the value and the scheme's codes.
    """
    if not scheme.multiple:
        return scheme.normalize(value)
    codes = {scheme.normalize(part.strip()) for part in str(value).split(";") if part.strip()}
    if not codes:
        raise ValueError(f"no code given for scheme {scheme.name!r}")
    return "; ".join(code for code in scheme.codes if code in codes)


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
            problems.append((row, "scheme", f"{scheme!r} is not a scheme of the codebook"))
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
    """Each coder's latest value per item and scheme.

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
    """Every decision ever stored, oldest first, with its sequence number."""
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


def store_proposals(conn: sqlite3.Connection, model: Model, concept: str | None = None) -> int:
    """Run ``model`` over the items and store what changed as ``model`` decisions.

    A proposal equal to the model's current one (same value and confidence)
    is not stored again.

    Returns
    -------
    int
        How many decisions were stored.
    """
    todo = items(conn, concept or model.codebook.concept)
    if todo.empty:
        return 0
    proposed = model.propose(todo["text"])
    rows, confidences = [], []
    for scheme in model.classifiers:
        known = proposals(conn, scheme).set_index("item")
        for item, value, confidence, reason in zip(
            todo["id"],
            proposed[scheme],
            proposed[f"{scheme}_confidence"],
            proposed[f"{scheme}_reason"],
            strict=True,
        ):
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
    where, params = ("WHERE scheme = ?", (scheme,)) if scheme else ("", ())
    return pd.read_sql_query(
        "SELECT item, scheme, value, adjudicator, note, timestamp FROM current_adjudications "
        f"{where} ORDER BY item, scheme",
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

    Authors and year come from the item's document in the corpus, or for the
    bundled definitions from the paper's Table 2.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, authors, year, definition`` and one per scheme.
    """
    found = items(conn, codebook.concept).set_index("id")
    meta = pd.read_sql_query("SELECT key AS doc, authors, year FROM documents", conn)
    meta = meta.drop_duplicates("doc").set_index("doc")
    bundled = load_definitions(codebook=codebook).set_index("key")[["authors", "year"]]
    ids = found.index.to_series()
    frame = pd.DataFrame(
        {
            column: found["doc"].map(meta[column]).combine_first(ids.map(bundled[column]))
            for column in ("authors", "year")
        }
    )
    frame["definition"] = found["text"]
    for scheme in schemes:
        frame[scheme] = consensus(conn, scheme)
    frame = frame.dropna(subset=list(schemes))
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame.rename_axis("id").reset_index()
