"""Read BibTeX files with bibtexparser v2."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pandas as pd

from corpus.errors import InputError

_VENUE_FIELDS = ("journal", "booktitle", "publisher", "institution", "school", "howpublished")


_COLUMNS = ["key", "entry_type", "authors", "title", "year", "venue", "note", "line"]


def load_bibtex(path: str | Path) -> pd.DataFrame:
    """Read a ``.bib`` file, one row per entry, refusing a file with any bad block.

    An entry whose LaTeX the decoder cannot read is kept as written, with a
    ``UserWarning`` naming the file, its line and key (see :func:`bibtex_entries`).

    Parameters
    ----------
    path : str or Path
        The BibTeX file.

    Returns
    -------
    pandas.DataFrame
        Columns: key, entry_type, authors, title, year, venue, note, line; indexed
        by nothing (a plain range index), in file order.

    Raises
    ------
    InputError
        If the file cannot be read, a block fails to parse, or a key repeats;
        the message names the file and the line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as BibTeX ({exc})") from None
    entries, problems, kept = bibtex_entries(text, str(path))
    if problems:
        raise InputError(f"{path}: {len(problems)} BibTeX block(s) failed to parse", problems)
    for message in kept:
        warnings.warn(message, stacklevel=2)
    return entries[_COLUMNS]


def bibtex_entries(text: str, name: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Parse BibTeX text with bibtexparser v2, keeping the good entries of a bad file.

    An entry whose LaTeX the decoder cannot read (pylatexenc fails on some
    macros, e.g. ``\\href``) is a good entry: it is kept with its fields as
    written, and a warning says so.

    Parameters
    ----------
    text : str
        The contents of a ``.bib`` file.
    name : str
        The file's name, for messages.

    Returns
    -------
    entries : pandas.DataFrame
        One row per entry that parsed: key, entry_type, authors, title, year,
        venue, note, line, and abstract and doi with LaTeX accents decoded.
    problems : list of str
        One line per block that failed to parse, naming the file and line.
    warnings : list of str
        One line per entry kept with its LaTeX not decoded.
    """
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware
    from bibtexparser.model import Entry, MiddlewareErrorBlock

    # bibtexparser also logs each failure; the problems below say it once, with the file.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    finally:
        logger.setLevel(level)
    entries, problems, kept = list(library.entries), [], []
    for block in library.failed_blocks:
        where = f"{name}, line {block.start_line + 1}"
        if isinstance(block, MiddlewareErrorBlock) and isinstance(block.ignore_error_block, Entry):
            entries.append(block.ignore_error_block)
            kept.append(
                f"{where}: {block.ignore_error_block.key} kept with its LaTeX not decoded "
                f"({_why(block)})"
            )
        else:
            problems.append(f"{where}: {type(block).__name__}: {_why(block)}")
    rows = []
    for entry in sorted(entries, key=lambda e: e.start_line):
        fields = {f.key.lower(): " ".join(str(f.value).split()) for f in entry.fields}
        rows.append(
            {
                "key": entry.key,
                "entry_type": entry.entry_type.lower(),
                "authors": fields.get("author") or fields.get("editor", ""),
                "title": fields.get("title", ""),
                "year": fields.get("year", ""),
                "venue": next((fields[f] for f in _VENUE_FIELDS if fields.get(f)), ""),
                "note": fields.get("note", ""),
                "line": entry.start_line + 1,
                "abstract": fields.get("abstract", ""),
                "doi": fields.get("doi", ""),
            }
        )
    return pd.DataFrame(rows, columns=[*_COLUMNS, "abstract", "doi"]), problems, kept


def _why(block: object) -> str:
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "")
    return " ".join(reason.split()) or "cannot be parsed"
