"""Coded definitions: the seed paper's Table 2 and users' coded CSV files."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pandas as pd

from coding.codebook import Codebook, load_codebook
from corpus.errors import InputError
from corpus.records import read_records, whole_number

_KEY = re.compile(r"^[A-Za-z0-9_:.\-]+$")


def bundled_definitions_path(concept: str = "cluster") -> Path:
    """The path of the coded definitions that ship with defcode."""
    return Path(str(resources.files("coding") / "data" / concept / "definitions.csv"))


def load_definitions(
    path: str | Path | None = None,
    codebook: Codebook | None = None,
    schemes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read coded definitions, checking every row against the codebook.

    Two shapes are read: the bundled Table 2, whose rows cite their source by
    BibTeX ``key``, and a user's coded CSV (as ``defcode codings export
    --agreed`` writes it), whose rows have an ``id`` instead, authors as plain
    text; there, authors and year may be empty where they are not known.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file with columns ``key`` or ``id``, then ``authors, year,
        definition`` and one column per scheme; the bundled Table 2 when omitted.
    codebook : Codebook, optional
        The codes allowed; the bundled cluster codebook when omitted.
    schemes : sequence of str, optional
        The schemes the file must have a column of. When omitted, every
        scheme of one code per item is required, and a column of a scheme of
        several codes per item (codes separated by ``;``) is read when present.

    Returns
    -------
    pandas.DataFrame
        Columns: key or id, authors, year (int; ``Int64`` with missing values
        when some are unknown), definition, then one per scheme; codes
        normalised to the codebook's spelling.

    Raises
    ------
    InputError
        Naming the file, row and field of every bad cell.
    """
    path = Path(path) if path is not None else bundled_definitions_path()
    codebook = codebook or load_codebook()
    header = _header(path)
    ident = "key" if "key" in header and "id" not in header else "id"
    if schemes is None:
        required = codebook.single_schemes()
        optional = [n for n, s in codebook.schemes.items() if s.multiple and n in header]
    else:
        required, optional = list(schemes), []
    try:
        checks = {name: codebook.scheme(name).check for name in [*required, *optional]}
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None
    checks["year"] = whole_number
    known = ["authors", "year"] if ident == "key" else []
    if ident == "key":
        checks["key"] = _check_key
    frame = read_records(
        path,
        required=[ident, *known, "definition", *required],
        optional=[*(c for c in ("authors", "year") if c not in known), *optional],
        checks=checks,
    )
    frame = frame[[ident, "authors", "year", "definition", *required, *optional]]
    if (frame["year"] == "").any():
        frame["year"] = pd.to_numeric(frame["year"].replace("", None)).astype("Int64")
    repeated = frame[ident].duplicated(keep="first")
    if repeated.any():
        problems = [
            f"{path}, row {row + 1}, field {ident!r}: "
            f"{frame.at[row, ident]!r} repeats an earlier row"
            for row in frame.index[repeated]
        ]
        raise InputError(f"{path}: {len(problems)} problem(s)", problems)
    return frame


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):  # read_records names the problem
        return []
    return [column.strip() for column in first]


def is_bibtex_key(text: str) -> bool:
    """Whether ``text`` is a BibTeX key as defcode cites one: letters, digits and ``_:.-``.

    Examples
    --------
    >>> is_bibtex_key("porter1998"), is_bibtex_key("a}b")
    (True, False)
    """
    return bool(_KEY.match(text))


def _check_key(text: str) -> str:
    if not is_bibtex_key(text):
        raise ValueError(f"{text!r} is not a BibTeX key (letters, digits and _:.- only)")
    return text
