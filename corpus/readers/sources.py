"""Read the files a researcher collects into documents made of pages.

One file is one *source*. A PDF or a text file is one document; a BibTeX or
RIS export and a CSV of definitions hold one document per entry, record or
row, whose single page is its title and abstract (or its definition).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import InputError

#: File name suffixes defcode reads, and the kind of source each is.
KINDS = {
    ".pdf": "pdf",
    ".txt": "text",
    ".md": "text",
    ".bib": "bibtex",
    ".ris": "ris",
    ".csv": "csv",
}
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


@dataclass(frozen=True)
class Document:
    """A text with its pages and bibliographic metadata.

    Attributes
    ----------
    key : str
        A name for the document within its source: the file name's stem, a
        BibTeX key, a RIS ID or DOI, a CSV ``id``.
    pages : tuple of str
        Page texts, page 1 first.
    metadata : dict of str to str
        Title, authors, year, DOI and the like, where the source has them.
    """

    key: str
    pages: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """A fingerprint of the key and the text, stable across runs and databases."""
        content = "\f".join((self.key, *self.pages))
        return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass
class Source:
    """One file read: its documents, and what was wrong with parts of it.

    Attributes
    ----------
    path : Path
        The file.
    kind : str
        One of the values of :data:`KINDS`.
    sha256 : str
        The digest of the file's bytes.
    documents : list of Document
        What could be read.
    warnings : list of str
        Things the reader worked around, e.g. a file not in UTF-8.
    problems : list of str
        Parts that could not be read, e.g. a broken BibTeX entry; the rest of
        the file is still kept.
    """

    path: Path
    kind: str
    sha256: str
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def read_source(path: str | Path, sha256: str | None = None) -> Source:
    """Read one file into documents.

    Parameters
    ----------
    path : str or Path
        A ``.pdf``, ``.txt``, ``.md``, ``.bib``, ``.ris`` or ``.csv`` file.
    sha256 : str, optional
        The file's digest when the caller has it already; computed otherwise.

    Returns
    -------
    Source

    Raises
    ------
    InputError
        When nothing of the file can be read; the message names the file and
        the reason.
    """
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: unsupported file type (read: {', '.join(KINDS)})")
    try:
        source = Source(path, kind, sha256 or file_digest(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if kind == "pdf":
        from corpus.readers.pdf import read_pdf

        pages, metadata = read_pdf(path)
        source.documents.append(Document(path.stem, tuple(pages), metadata))
        return source
    text = decode_text(path.read_bytes(), path, source.warnings)
    if kind == "text":
        pages = tuple(page.strip("\n") for page in text.replace("\r\n", "\n").split("\f"))
        source.documents.append(Document(path.stem, pages, {}))
    elif kind == "bibtex":
        _read_bibtex(text, source)
    elif kind == "ris":
        _read_ris(text, source)
    else:
        _read_csv(text, source)
    if not source.documents:
        raise InputError(f"{path}: no entries to read" + "".join(f"\n{p}" for p in source.problems))
    return source


def decode_text(data: bytes, path: Path, warnings: list[str]) -> str:
    """Decode a text file: UTF-8 (or UTF-16 with a BOM), else Windows-1252 with a warning.

    Raises
    ------
    InputError
        When the file is empty or holds binary data rather than text.
    """
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: marked as UTF-16 but not UTF-16 text (byte {exc.start}: {exc.reason})"
            ) from None
        if not text.strip() or _binary(text):
            raise InputError(f"{path}: {'binary data, not text' if text.strip() else 'empty file'}")
        return text
    if _binary(data):
        raise InputError(f"{path}: binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
        text, encoding = data.decode("latin-1"), "latin-1"
    warnings.append(f"{path}: not UTF-8 (byte {not_utf8}); read as {encoding}, check its accents")
    return text


def _binary(data: bytes | str) -> bool:
    """Whether ``data`` holds a NUL, or control characters in more than 1 % of its places."""
    control = _CONTROL if isinstance(data, bytes) else _CONTROL.decode("ascii")
    nul = b"\x00" if isinstance(data, bytes) else "\x00"
    return nul in data or sum(map(data.count, control)) > len(data) / 100


def _page(title: str, abstract: str) -> str:
    return "\n\n".join(part for part in (title, abstract) if part)


def _read_bibtex(text: str, source: Source) -> None:
    from corpus.readers.bibliography import bibtex_entries

    entries, source.problems, warnings = bibtex_entries(text, str(source.path))
    source.warnings.extend(warnings)
    for entry in entries.itertuples():
        page = _page(entry.title, entry.abstract)
        if not page:
            source.problems.append(f"{source.path}, line {entry.line}: {entry.key} has no text")
            continue
        metadata = {
            "title": entry.title,
            "authors": entry.authors,
            "year": entry.year,
            "doi": entry.doi,
            "venue": entry.venue,
        }
        source.documents.append(Document(entry.key, (page,), metadata))


def _read_ris(text: str, source: Source) -> None:
    import rispy

    try:
        records = rispy.loads(text)
    except Exception as exc:
        raise InputError(f"{source.path}: cannot be read as RIS ({exc})") from None
    for number, record in enumerate(records, start=1):
        title = record.get("title") or record.get("primary_title") or ""
        abstract = record.get("abstract") or record.get("notes_abstract") or ""
        page = _page(" ".join(title.split()), " ".join(abstract.split()))
        if not page:
            source.problems.append(f"{source.path}, record {number}: no title or abstract")
            continue
        authors = record.get("authors") or record.get("first_authors") or []
        metadata = {
            "title": title,
            "authors": " and ".join(authors),
            "year": str(record.get("year") or record.get("publication_year") or "")[:4],
            "doi": record.get("doi") or "",
            "venue": record.get("journal_name") or record.get("secondary_title") or "",
        }
        key = record.get("id") or metadata["doi"] or f"{source.path.stem}-{number}"
        source.documents.append(Document(str(key), (page,), metadata))


def _read_csv(text: str, source: Source) -> None:
    from corpus.records import csv_rows, header_names, read_records

    header = [h.strip() for h in next(csv_rows(text, str(source.path)), [])]
    column = next((c for c in ("definition", "text") if c in header), None)
    if column is None:
        raise InputError(
            f"{source.path}: needs a 'definition' or 'text' column; its header has "
            f"{header_names(header)}"
        )
    frame = read_records(
        io.StringIO(text, newline=""),
        required=[column],
        optional=["id", "authors", "year"],
        name=str(source.path),
    )
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        key = row.id or f"row{number}"
        metadata = {"authors": row.authors, "year": row.year}
        source.documents.append(Document(key, (getattr(row, column),), metadata))
