"""Read CSV files of records, checking columns and fields row by row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from corpus.errors import InputError
from corpus.files import atomic_open
from corpus.formulas import neutralise_frame, restore, restore_frame

#: A field check takes the stripped cell text and returns the value to keep,
#: or raises ``ValueError`` with a message saying what is wrong.
FieldCheck = Callable[[str], object]

_MAX_REPORTED = 20
#: The longest cell defcode reads from a CSV file, in characters: far above any
#: definition, note or abstract, far below what would exhaust memory. A longer
#: cell is an error that names its file, row and field.
MAX_CELL = 4_000_000


def whole_number(text: str) -> int:
    """Parse ``text`` as a whole number, e.g. a year."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


def header_names(header: Iterable[str]) -> str:
    """A CSV header's column names as error messages quote them, an unnamed one as ``''``."""
    return ", ".join(map(repr, header)) or "no columns"


def read_records(
    source: str | Path | IO[str],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    checks: dict[str, FieldCheck] | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """Read a UTF-8 CSV file whose header names its columns, checking every row.

    Parameters
    ----------
    source : str, Path or text stream
        The CSV file.
    required : sequence of str
        Columns that must be present and non-empty in every row.
    optional : sequence of str, default=()
        Columns that may be absent or empty; absent ones are added empty.
    checks : dict of str to callable, optional
        Per column, a function that converts the stripped text or raises
        ``ValueError``; it is not called on empty optional cells.
    name : str, optional
        How to name the file in messages; defaults to its path.

    Returns
    -------
    pandas.DataFrame
        The ``required`` then ``optional`` columns, one row per record, cells
        stripped of surrounding white space, restored from defcode's formula
        escape (:func:`corpus.formulas.restore`) and converted by ``checks``.

    Raises
    ------
    InputError
        Naming the file, and for each bad cell its row (1 is the first row
        after the header) and field.
    """
    if name is None:
        name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<csv>")
    label = name
    text = _read_text(source, label)
    reader = csv_rows(text, label)
    header = [restore(h.strip()) for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{label}: missing column(s) {', '.join(map(repr, missing))}; "
            f"the header has {header_names(header)}"
        )
    checks = checks or {}
    columns = [*required, *optional]
    rows, problems = [], []
    for number, cells in enumerate(reader, start=1):
        if len(cells) > len(header):
            problems.append(f"{label}, row {number}: more cells than the header has columns")
            continue
        raw, row = dict(zip(header, cells, strict=False)), {}
        for column in columns:
            cell = restore((raw.get(column) or "").strip())
            if not cell:
                if column in required:
                    problems.append(f"{label}, row {number}, field {column!r}: empty")
                row[column] = cell
                continue
            try:
                row[column] = checks[column](cell) if column in checks else cell
            except ValueError as exc:
                problems.append(f"{label}, row {number}, field {column!r}: {exc}")
        rows.append(row)
    if problems:
        shown = problems[:_MAX_REPORTED]
        if len(problems) > _MAX_REPORTED:
            shown.append(f"... and {len(problems) - _MAX_REPORTED} more")
        raise InputError(f"{label}: {len(problems)} problem(s)", shown)
    if not rows:
        raise InputError(f"{label}: no rows after the header")
    return pd.DataFrame(rows, columns=columns)


def csv_rows(text: str, name: str) -> Iterator[list[str]]:
    """The rows of CSV text, header first, with no cell longer than :data:`MAX_CELL`.

    Blank lines are skipped, as :class:`csv.DictReader` skips them; lines may
    end in ``\\n``, ``\\r\\n`` or ``\\r``.

    Parameters
    ----------
    text : str
        The whole file.
    name : str
        How to name the file in messages.

    Yields
    ------
    list of str
        The header's cells, then each row's.

    Raises
    ------
    InputError
        For a cell longer than :data:`MAX_CELL`, naming its row (1 is the first
        row after the header) and field, or for text the CSV reader refuses.
    """
    stream = io.StringIO(text, newline="")
    reader = csv.reader(iter(stream.readline, ""))
    header: list[str] | None = None
    number = 0
    while True:
        start = stream.tell()  # where the next row starts, to read it again if it fails
        csv.field_size_limit(MAX_CELL)
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            where = f"{name}, row {number + 1}" if header is not None else f"{name}, header"
            if "field limit" not in str(exc):
                raise InputError(f"{where}: cannot be read as CSV ({exc})") from None
            raise InputError(f"{where}{_long_cell(text, start, header)}") from None
        if cells is None:
            return
        if not cells:
            continue
        if header is None:
            header = cells
        else:
            number += 1
        yield cells


def _long_cell(text: str, start: int, header: list[str] | None) -> str:
    """The field and length of the longest cell of the row at ``start``, for a message."""
    stream = io.StringIO(text, newline="")
    stream.seek(start)
    csv.field_size_limit(len(text) + 1)
    try:
        cells = next(csv.reader(iter(stream.readline, "")))
    finally:
        csv.field_size_limit(MAX_CELL)
    index = max(range(len(cells)), key=lambda i: len(cells[i]))
    column = header[index].strip() if header is not None and index < len(header) else ""
    field = f"field {column!r}" if column else f"column {index + 1}"
    return f", {field}: {len(cells[index]):,} characters; a cell holds at most {MAX_CELL:,}"


def check_cells(frame: pd.DataFrame, name: str, first_row: int = 1) -> None:
    """Refuse a frame read from a CSV file whose text cells are longer than :data:`MAX_CELL`.

    For readers, such as pandas', that have no cell limit of their own.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows as read, the first being row ``first_row`` of the file (1 is the
        first row after the header).
    name : str
        How to name the file in messages.
    first_row : int, default=1
        The file's row number of the frame's first row.

    Raises
    ------
    InputError
        Naming the row and field of the first cell that is too long.
    """
    for column in frame.columns:
        cells = frame[column]
        if cells.dtype != object and not pd.api.types.is_string_dtype(cells):
            continue
        lengths = cells.map(len, na_action="ignore").fillna(0).to_numpy()
        over = np.flatnonzero(lengths > MAX_CELL)
        if over.size:
            row = first_row + int(over[0])
            raise InputError(
                f"{name}, row {row}, field {column!r}: {int(lengths[over[0]]):,} characters; "
                f"a cell holds at most {MAX_CELL:,}"
            )


def _read_text(source: str | Path | IO[str], label: str) -> str:
    if hasattr(source, "read"):
        return source.read()
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a folder, not a CSV file") from None


def read_texts(
    path: str | Path,
    text_columns: Sequence[str] = ("text",),
    chunksize: int = 5000,
    also: Sequence[str] = (),
) -> Iterator[pd.DataFrame]:
    """Read a CSV's ``id`` column and its first column named in ``text_columns``, in chunks.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file with a header.
    text_columns : sequence of str, default=("text",)
        Accepted names of the text column, in order of preference.
    chunksize : int, default=5000
        Rows per chunk, which bounds memory.
    also : sequence of str, default=()
        Columns read as well where the header has them (such as ``authors``).

    Yields
    ------
    pandas.DataFrame
        Columns ``id``, ``text`` and those of ``also`` the file has, as
        strings, restored from defcode's formula escape (:func:`corpus.formulas.restore`).

    Raises
    ------
    InputError
        Naming the file, and the rows of empty texts.
    """
    path = Path(path)
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: empty file, expected a header with id and text") from None
    text = next((c for c in text_columns if c in header), None)
    if "id" not in header or text is None:
        wanted = " or ".join(map(repr, text_columns))
        raise InputError(
            f"{path}: needs columns 'id' and {wanted}; the header has {header_names(header)}"
        )
    extra = [c for c in also if c in header and c not in ("id", text)]
    reader = pd.read_csv(
        path,
        usecols=["id", text, *extra],
        dtype=str,
        keep_default_na=False,
        chunksize=chunksize,
        encoding="utf-8-sig",
    )
    seen = 0
    while True:
        try:
            chunk = next(reader, None)
        except ValueError as exc:  # pandas' ParserError, or a UnicodeDecodeError
            reason = " ".join(str(exc).split())
            raise InputError(f"{path}: cannot be read as CSV ({reason})") from None
        if chunk is None:
            return
        check_cells(chunk, str(path), seen + 1)
        empty = np.flatnonzero(chunk[text].str.strip().eq("").to_numpy()) + seen + 1
        if empty.size:
            rows = ", ".join(map(str, empty[:20].tolist()))
            raise InputError(f"{path}, row {rows}, field {text!r}: empty text")
        seen += len(chunk)
        yield restore_frame(chunk[["id", text, *extra]]).rename(columns={text: "text"})


def write_csv_chunks(
    out: str | Path, chunks: Iterable[pd.DataFrame], *, empty: bool = False, raw: bool = False
) -> int:
    """Write data frames to one CSV file that appears whole or not at all.

    The rows go to a temporary file beside ``out`` that replaces it at the
    end (see :func:`corpus.files.atomic_open`); on an error, ``out`` is left as
    it was. Cells a spreadsheet would run as formulas get a leading ``'``
    (see :mod:`corpus.formulas`), unless ``raw``.

    Parameters
    ----------
    out : str or Path
        The CSV file; its missing parent folders are created.
    chunks : iterable of pandas.DataFrame
        The rows, all with the same columns; the first gives the header.
    empty : bool, default=False
        With no rows, write the header alone; otherwise ``out`` is left as it was.
    raw : bool, default=False
        Write cells as they are, formulas included.

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    OutputError
        When ``out`` cannot be written.
    """
    total, header = 0, True
    with suppress(_NoRowsError), atomic_open(out, "w", newline="") as stream:
        for chunk in chunks:
            (chunk if raw else neutralise_frame(chunk)).to_csv(stream, header=header, index=False)
            total, header = total + len(chunk), False
        if total == 0 and not (empty and not header):
            raise _NoRowsError
    return total


class _NoRowsError(Exception):
    """Leaves the output as it was: there were no rows to write."""
