"""Read BibTeX files with bibtexparser v2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from corpus.errors import InputError

_VENUE_FIELDS = ("journal", "booktitle", "publisher", "institution", "school", "howpublished")


def load_bibtex(path: str | Path) -> pd.DataFrame:
    """Read a ``.bib`` file, one row per entry.

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
    import bibtexparser

    path = Path(path)
    try:
        library = bibtexparser.parse_file(str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as BibTeX ({exc})") from None
    problems = [
        f"{path}, line {block.start_line + 1}: {type(block).__name__}: "
        f"{getattr(block, 'error', None) or 'cannot be parsed'}"
        for block in library.failed_blocks
    ]
    if problems:
        raise InputError(f"{path}: {len(problems)} BibTeX block(s) failed to parse", problems)
    rows = []
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value).strip() for f in entry.fields}
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
            }
        )
    return pd.DataFrame(
        rows, columns=["key", "entry_type", "authors", "title", "year", "venue", "note", "line"]
    )
