"""A codebook's tables: its categories, its coded definitions and the tables it ships.

Titles, column heads and captions are made from the codebook (its concept,
scheme labels and category labels). A codebook's ``report`` section may word
them otherwise: the bundled cluster codebook gives the seed paper's own, so
that its Tables 1 to 3 are the paper's, cell for cell.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from coding.codebook import Codebook, Scheme, load_codebook
from coding.definitions import load_definitions
from corpus.errors import InputError
from corpus.records import read_records

#: Width in cm of a LaTeX table's columns together, on an A4 page with 2 cm margins.
TEXT_WIDTH = 15.2


@dataclass(frozen=True)
class Table:
    """A publication table: its data and how to show it.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"table2"``.
    data : pandas.DataFrame
        The cells, with machine-readable column names (written to CSV).
    caption : str
        The table's caption.
    headers : dict of str to str
        Column name to printed header, for Markdown and LaTeX.
    widths : dict of str to str
        Column name to LaTeX column width (e.g. ``"8cm"``); others are ``l``.
    note : str
        A line printed under the table, e.g. its source.
    cite : str or None
        A column of BibTeX keys; when set, LaTeX cites each row's entry under
        its ``authors`` and ``year`` cells as printed (natbib's
        ``\\citetalias``), so the bibliography lists it; the key column is
        hidden. A row whose key is empty prints its authors and year as text.
    number : int or None
        The table's number in the paper, kept in standalone LaTeX documents.
    small : bool
        Set in a smaller font with narrower column gaps in LaTeX, for wide tables.
    bibliography : Path or None
        The ``.bib`` file holding the keys of ``cite``.
    """

    name: str
    data: pd.DataFrame
    caption: str
    headers: dict[str, str]
    widths: dict[str, str] = field(default_factory=dict)
    note: str = ""
    cite: str | None = None
    number: int | None = None
    small: bool = False
    bibliography: Path | None = None

    @property
    def cites(self) -> bool:
        """Whether some row cites a BibTeX entry (a non-empty key in the ``cite`` column)."""
        return self.cite is not None and bool((self.data[self.cite].fillna("") != "").any())

    def display(self) -> pd.DataFrame:
        """The cells as printed: authors joined with their year (n.d. when unknown)."""
        frame = self.data.copy()
        if {"authors", "year"} <= set(frame.columns):
            year = frame["year"].astype("string").replace("", pd.NA).fillna("n.d.")
            frame["authors"] = frame["authors"].fillna("") + " (" + year + ")"
        columns = [c for c in self.headers if c in frame.columns]
        return frame[columns].rename(columns=self.headers)


def table_settings(codebook: Codebook, key: str) -> dict[str, Any]:
    """The codebook's settings for the table ``key`` (its ``report.tables`` entry), or {}."""
    return dict(((codebook.report or {}).get("tables") or {}).get(key) or {})


def worded(table: Table, codebook: Codebook, key: str | None = None) -> Table:
    """``table`` with the codebook's own name, caption, headers, widths and note for it.

    Parameters
    ----------
    table : Table
        A table with the wording made from the codebook.
    codebook : Codebook
        Its ``report.tables`` entry ``key`` (the table's name by default)
        overrides the file name, caption and note, and adds to the headers and
        widths; a ``columns`` mapping renames data columns.
    """
    settings = table_settings(codebook, key or table.name)
    if not settings:
        return table
    rename = settings.get("columns", {})
    data = table.data.rename(columns=rename)
    headers = {rename.get(c, c): h for c, h in table.headers.items()} | settings.get("headers", {})
    widths = {rename.get(c, c): w for c, w in table.widths.items()} | settings.get("widths", {})
    return replace(
        table,
        name=settings.get("name", table.name),
        data=data,
        caption=settings.get("caption", table.caption),
        headers=headers,
        widths=widths,
        note=settings.get("note", table.note),
        number=settings.get("number", table.number),
    )


def category_label(scheme: Scheme, code: str) -> str:
    """A category as printed: its label, with its code when the two differ."""
    label = scheme.category(code).label
    return label if label.casefold() == code.casefold() else f"{label} ({code})"


def table1(codebook: Codebook | None = None) -> Table:
    """Table 1: the categories of the codebook's schemes, with their descriptions.

    The schemes are those the codebook's ``report.tables.table1.schemes``
    names, else all of them. For the bundled codebook: the paper's five
    dominating schools of clustering.

    Returns
    -------
    Table
        Data columns: the scheme's name and ``description`` for one scheme
        (the bundled codebook: school, general_understanding); ``scheme``,
        ``category`` and ``description`` for several.
    """
    codebook = codebook or load_codebook()
    names = table_settings(codebook, "table1").get("schemes") or list(codebook.schemes)
    schemes = [codebook.scheme(name) for name in names]
    if len(schemes) == 1:
        (scheme,) = schemes
        data = pd.DataFrame(
            [(category_label(scheme, c.code), c.description) for c in scheme.categories],
            columns=[scheme.name, "description"],
        )
        headers = {scheme.name: scheme.label, "description": "Description"}
        widths = {scheme.name: "4.5cm", "description": "11cm"}
        caption = f"{scheme.label}: the categories of {codebook.concept}"
    else:
        data = pd.DataFrame(
            [
                (scheme.label, category_label(scheme, c.code), c.description)
                for scheme in schemes
                for c in scheme.categories
            ],
            columns=["scheme", "category", "description"],
        )
        headers = {"scheme": "Scheme", "category": "Category", "description": "Description"}
        widths = {"scheme": "3cm", "category": "3.5cm", "description": "8.7cm"}
        caption = f"The coding schemes of {codebook.concept}: categories and descriptions"
    table = Table("table1", data, caption, headers, widths, number=1)
    return worded(table, codebook)


def table2(
    input_csv: str | Path | None = None,
    codebook: Codebook | None = None,
    bibliography: str | Path | None = None,
) -> Table:
    """Table 2: coded definitions, a column per scheme.

    Parameters
    ----------
    input_csv : str or Path, optional
        A user's coded CSV (columns ``id`` or ``key``, ``authors, year,
        definition`` and one per single-code scheme of the codebook); the
        bundled definitions (the paper's 17) when omitted.
    codebook : Codebook, optional
        The codes allowed; the bundled cluster codebook when omitted.
    bibliography : str or Path, optional
        A ``.bib`` file holding the ``key`` column's entries: rows cite them.

    Returns
    -------
    Table
        Data columns: key or id, authors, year, definition, then one per scheme.
    """
    codebook = codebook or load_codebook()
    if input_csv is None:
        if not is_bundled(codebook):
            raise InputError(
                f"{codebook.path}: codebook {codebook.concept!r} ships no coded definitions; "
                "give a coded CSV (--input) or a coding store (--db)"
            )
        schemes = tuple(codebook.single_schemes())
        data = load_definitions(None, codebook, schemes)
    else:
        data = load_definitions(input_csv, codebook, coded_schemes(input_csv, codebook))
    return coded_table2(
        data,
        codebook=codebook,
        bundled=input_csv is None,
        bibliography=bibliography,
    )


def is_bundled(codebook: Codebook) -> bool:
    """Whether ``codebook`` is the cluster codebook that ships with defcode (the seed case)."""
    from coding.codebook import bundled_codebook_path

    bundled = bundled_codebook_path()
    if codebook.path and Path(codebook.path).resolve() == bundled.resolve():
        return True
    # A codebook kept as text (e.g. recorded in a coding store) is the bundled one
    # when its text is.
    text = getattr(codebook, "text", "")
    return bool(text) and text == bundled.read_text(encoding="utf-8")


def references_path() -> Path:
    """The bibliography of every work the seed paper cites, as shipped with defcode.

    Only the seed case (the bundled definitions) cites it; a user's tables
    cite the user's own ``.bib``.
    """
    return Path(str(resources.files("analysis") / "data" / "references.bib"))


def seed_bibliography(coded: pd.DataFrame, codebook: Codebook) -> Path | None:
    """The paper's bibliography when ``coded`` are the seed paper's own definitions, else None.

    They are when the codebook is the bundled one and every row cites a key of
    the bundled definitions: only then do tables cite the paper's references.
    """
    if "key" not in coded.columns or not is_bundled(codebook):
        return None
    if not set(coded["key"]) <= set(load_definitions(codebook=codebook, schemes=())["key"]):
        return None
    return references_path()


def bundled_folder() -> Path:
    """The folder of the bundled cluster codebook and the tables it ships."""
    from coding.codebook import bundled_codebook_path

    return bundled_codebook_path().parent


def coded_schemes(path: str | Path, codebook: Codebook) -> tuple[str, ...]:
    """The codebook's schemes coded in a CSV file: a column each, in codebook order.

    Every single-code scheme must have its column; a scheme of several codes
    per item is included when its column is there.

    Raises
    ------
    InputError
        When a single-code scheme has no column, naming the file, the codebook
        and the missing schemes.
    """
    try:
        with Path(path).open(encoding="utf-8-sig") as handle:
            header = {column.strip() for column in next(csv.reader(handle), [])}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    missing = [n for n in codebook.single_schemes() if n not in header]
    if missing:
        raise InputError(
            f"{path}: no column for scheme(s) {', '.join(map(repr, missing))} of codebook "
            f"{codebook.concept!r} ({codebook.path}); a coded CSV has id, authors, year, "
            "definition and a column per scheme"
        )
    return tuple(name for name in codebook.schemes if name in header)


def coded_table2(
    data: pd.DataFrame,
    *,
    bundled: bool = False,
    codebook: Codebook | None = None,
    bibliography: str | Path | None = None,
) -> Table:
    """Table 2 from coded definitions already read (see :func:`table2`).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``key`` or ``id``, ``authors, year, definition`` and one per
        scheme of the codebook.
    bundled : bool, default=False
        Whether these are the codebook's own definitions (the paper's 17):
        the codebook's source note is printed, and they cite the paper's
        bibliography.
    codebook : Codebook, optional
        The bundled cluster codebook when omitted.
    bibliography : str or Path, optional
        A ``.bib`` file holding the ``key`` column's entries.
    """
    codebook = codebook or load_codebook()
    schemes = [codebook.schemes[name] for name in codebook.schemes if name in data.columns]
    if bundled and bibliography is None:
        bibliography = references_path()
    cites = "key" in data.columns and bibliography is not None
    if cites and not bundled:
        _check_keys(data["key"], Path(bibliography))
    settings = table_settings(codebook, "table2")
    labels = " and ".join(
        [", ".join(s.label.lower() for s in schemes[:-1]), schemes[-1].label.lower()]
        if len(schemes) > 1
        else [s.label.lower() for s in schemes]
    )
    widths = {"authors": "3cm"} | {s.name: _code_width(s) for s in schemes}
    rest = TEXT_WIDTH - sum(float(w.removesuffix("cm")) for w in widths.values())
    widths["definition"] = f"{max(rest, 4.0):g}cm"
    table = Table(
        name="table2",
        data=data,
        caption=f"Definitions of {codebook.concept} coded by {labels}",
        headers={
            "authors": "Authors",
            "definition": f"{codebook.concept[:1].upper()}{codebook.concept[1:]} definition",
        }
        | {s.name: s.label for s in schemes},
        widths=widths,
        cite="key" if cites else None,
        number=2,
        bibliography=Path(bibliography) if cites else None,
    )
    table = worded(table, codebook)
    if bundled and settings.get("source_note"):
        table = replace(table, note=" ".join(filter(None, [table.note, settings["source_note"]])))
    return table


def _check_keys(keys: pd.Series, bibliography: Path) -> None:
    """Raise an InputError naming the keys, but empty ones, that ``bibliography`` does not hold."""
    from corpus.readers.bibliography import load_bibtex

    known = set(load_bibtex(bibliography)["key"])
    missing = sorted(set(keys) - known - {""})
    if missing:
        raise InputError(
            f"{bibliography}: no entry for key(s) {', '.join(map(repr, missing))} of the coded "
            "definitions' 'key' column"
        )


def citable(coded: pd.DataFrame, bibliography: str | Path | None) -> pd.DataFrame:
    """``coded`` with each ``key`` kept only where ``bibliography`` holds it, else emptied.

    A coding store's distinct definitions carry the BibTeX key their credited
    work was resolved to (``defcode definitions --bib``); a table cites a
    row's key only when the report's bibliography holds it, and prints the
    others' authors and year as text, so that a key the bibliography lacks
    never breaks the LaTeX. A user's coded CSV is checked strictly instead
    (:func:`coded_table2`). Without a bibliography, ``coded`` is returned as
    it is.

    Examples
    --------
    >>> coded = pd.DataFrame({"id": ["d1", "d2"], "key": ["porter1998", "nobody2001"]})
    >>> citable(coded, references_path())["key"].tolist()
    ['porter1998', '']
    """
    if "key" not in coded.columns or bibliography is None:
        return coded
    from coding.definitions import is_bibtex_key
    from corpus.readers.bibliography import load_bibtex

    known = set(load_bibtex(bibliography)["key"])
    keys = coded["key"].fillna("").astype(str)
    usable = keys.isin(known) & keys.map(is_bibtex_key)
    return coded.assign(key=keys.where(usable, ""))


def coded_tables(
    coded: pd.DataFrame, codebook: Codebook, bibliography: str | Path | None = None
) -> list[Table]:
    """Tables 1 and 2 from coded definitions already read, and the tables the codebook ships.

    Table 2 cites the rows' ``key`` entries of ``bibliography``; the seed
    paper's own definitions cite the paper's references (see
    :func:`seed_bibliography`).

    Examples
    --------
    >>> from coding.definitions import load_definitions
    >>> [table.name for table in coded_tables(load_definitions(), load_codebook())]
    ['table1', 'table2', 'table3']
    """
    seed = seed_bibliography(coded, codebook)
    bib = Path(bibliography) if bibliography is not None else seed
    return [
        table1(codebook),
        coded_table2(coded, bundled=seed is not None, codebook=codebook, bibliography=bib),
        *extra_tables(codebook),
    ]


def _code_width(scheme: Scheme) -> str:
    """A column wide enough for the scheme's longest code, between 1.4 and 3 cm."""
    longest = max(len(word) for code in scheme.codes for word in code.split())
    return f"{min(max(0.2 * longest + 0.6, 1.4), 3.0):.1f}cm"


def extra_tables(codebook: Codebook | None = None) -> list[Table]:
    """The tables a codebook ships as CSV files (``report.tables.<name>.file``).

    For the bundled codebook: the paper's Table 3, clusters against business
    networks, with each dimension's Section 6 discussion (not printed).

    Returns
    -------
    list of Table
        One per table with a ``file``, numbered from 3 in codebook order
        unless the codebook numbers it; every column of the file is kept,
        those with a header printed.
    """
    codebook = codebook or load_codebook()
    folder = Path(codebook.path).parent
    if is_bundled(codebook):
        folder = bundled_folder()
    elif not Path(codebook.path).is_file():
        return []  # a codebook kept as text has no folder to read its tables from
    tables, number = [], 2
    for name, settings in ((codebook.report or {}).get("tables") or {}).items():
        if "file" not in settings:
            continue
        number = settings.get("number", number + 1)
        path = folder / settings["file"]
        if not path.is_file():
            raise InputError(f"{codebook.path}: table {name!r}: no such file {str(path)!r}")
        headers = settings.get("headers") or {}
        with path.open(encoding="utf-8-sig") as handle:
            columns = [c.strip() for c in next(csv.reader(handle), [])]
        data = read_records(
            path,
            required=[c for c in columns if c in headers] or columns,
            optional=[c for c in columns if headers and c not in headers],
        )
        shown = headers or {c: c for c in columns}
        tables.append(
            worded(
                Table(name=name, data=data, caption=name, headers=shown, number=number), codebook
            )
        )
    return tables


def table3() -> Table:
    """Table 3 of the seed paper: comparison between clusters and business networks.

    Returns
    -------
    Table
        Data columns: dimension, cluster, business_network (nine rows), and
        discussion: the paper's Section 6 text on that dimension (not printed
        in the table).
    """
    return next(t for t in extra_tables(load_codebook()) if t.name == "table3")


def paper_tables(
    input_csv: str | Path | None = None,
    codebook: Codebook | None = None,
    bibliography: str | Path | None = None,
) -> list[Table]:
    """A codebook's Tables 1 and 2 (from ``input_csv`` when given) and the tables it ships.

    For the bundled codebook and no input: the seed paper's Tables 1 to 3.
    """
    codebook = codebook or load_codebook()
    return [
        table1(codebook),
        table2(input_csv, codebook, bibliography),
        *extra_tables(codebook),
    ]
