"""Write a coding store as a REFI-QDA project (``.qdpx``).

A ``.qdpx`` file is a ZIP archive holding ``project.qde``, an XML ``Project``
in the ``urn:QDA-XML:project:1.0`` namespace, and the plain text of each source
under ``Sources/``. defcode writes:

- ``Users``: the coders;
- ``CodeBook``: the codebook as :func:`coding.qda.qdc.codebook_to_qdc` writes it;
- ``Sources``: one ``TextSource`` per document. An item found in the corpus
  is a ``PlainTextSelection`` in its document's text, the pages joined by
  :data:`PAGE_BREAK`; other items (the bundled definitions, a CSV file's) are
  selections in a text made of their document's items, joined by
  :data:`ITEM_BREAK`. A selection's ``name`` is the item's id; an item that
  runs over a page break is one selection, from its offset in its first page
  to its offset in its last;
- one ``Coding`` with a ``CodeRef`` per code of each decision, every decision
  of the history in the order it was made, with its coder and time;
- ``Notes``: each decision's note, referred to by its codings.

Offsets count Unicode characters (code points) of the source's text, which is
written as UTF-8 without a byte order mark and with LF line endings, as the
standard asks. Where an item's text is not its span of the source text (the
corpus keeps candidate definitions with their white space collapsed) the
selection's ``Description`` holds it after ``Item text:``.

:mod:`coding.qda.qdpx_import` reads such a project back.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from coding.codebook import Codebook
from coding.coders.store import history
from coding.coders.store import items as stored_items
from coding.qda.qdc import (
    PROJECT_NAMESPACE,
    add_description,
    code_guid,
    guid,
    is_xsd_datetime,
    lf,
    lf_offset,
    origin,
    qname,
    with_fields,
    write_codes,
    write_concept_set,
    xml_text,
)
from corpus.errors import InputError
from corpus.files import atomic_open
from corpus.store import document_pages

__all__ = ["ITEM_BREAK", "PAGE_BREAK", "QdpxReport", "export_project"]

#: Between the pages of a document's text: a form feed on a line of its own.
PAGE_BREAK = "\n\f\n"
#: Between the items of a text made of items: a blank line.
ITEM_BREAK = "\n\n"
SOURCE_KEYS = frozenset({"Document", "Page starts", "Text"})
#: An item's place, written in the description of a selection in a text made of items
#: (``End page`` only where it is not ``Page``).
SELECTION_KEYS = ("Page", "Start", "End page", "End")
ITEM_TEXT = "Item text: "
COMPOSED = "the items' texts, a blank line apart"


@dataclass
class QdpxReport:
    """What an export or import of a ``.qdpx`` project did.

    Attributes
    ----------
    sources : int
        Text sources written or read.
    items : int
        Items written; on import, items new to the store.
    decisions : int
        Decisions written; on import, decisions stored.
    codings : int
        ``Coding`` elements written or read.
    users, notes : int
        Users (coders) and notes written or read.
    skipped : int
        On import, decisions the store already held (same item, scheme,
        coder, value, note and time), not stored again.
    codebook : Codebook or None
        The codebook exported, or the one the import coded with.
    derived : bool
        Whether the import made that codebook from the project's CodeBook.
    warnings : list of str
        What was left out, e.g. picture sources or codes no category matches.
    """

    sources: int = 0
    items: int = 0
    decisions: int = 0
    codings: int = 0
    users: int = 0
    notes: int = 0
    skipped: int = 0
    codebook: Codebook | None = None
    derived: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Span:
    item: str
    start: int
    end: int
    description: str


@dataclass
class _Text:
    """One source text: a document's pages, or the texts of a document's items."""

    guid: str
    name: str
    text: str
    fields: list[tuple[str, str]]
    title: str = ""
    spans: list[_Span] = field(default_factory=list)


def export_project(
    conn: sqlite3.Connection,
    path: str | Path,
    codebook: Codebook,
    *,
    sources: Iterable[str] = ("human", "import"),
) -> QdpxReport:
    """Write the store's items of the codebook's concept, with their decisions, as a ``.qdpx``.

    Parameters
    ----------
    conn : sqlite3.Connection
        A coding store (see :func:`coding.coders.store.open_store`); its corpus
        tables give the documents' texts.
    path : str or Path
        The ``.qdpx`` file to write; replaced whole, never left half written.
    codebook : Codebook
        The codebook the decisions follow.
    sources : iterable of str, default=("human", "import")
        Which decisions to write; the model's proposals are left out unless
        ``"model"`` is named.

    Returns
    -------
    QdpxReport

    Raises
    ------
    InputError
        When the store holds no items of the concept.
    """
    path = Path(path)
    frame = stored_items(conn, codebook.concept)
    if frame.empty:
        raise InputError(f"the store holds no items of concept {codebook.concept!r} to export")
    report = QdpxReport(codebook=codebook)
    decisions = history(conn, sources=list(sources))
    decisions = decisions[decisions["item"].isin(frame["id"])]
    unknown = sorted(set(decisions["scheme"]) - set(codebook.schemes))
    if unknown:
        report.warnings.append(
            f"decisions of scheme(s) {', '.join(unknown)} are not in codebook "
            f"{codebook.concept!r}; left out"
        )
    decisions = decisions[decisions["scheme"].isin(codebook.schemes)]
    texts = _lay_out(conn, frame, codebook.concept)
    root = _project(codebook, texts, decisions, report)
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    _write_zip(path, qde, {f"Sources/{text.guid}.txt": text.text for text in texts})
    report.sources = len(texts)
    report.items = len(frame)
    return report


def _lay_out(conn: sqlite3.Connection, frame: pd.DataFrame, concept: str) -> list[_Text]:
    """Group the items into source texts: their document's pages, or their own texts."""
    texts = []
    for doc, group in frame.groupby("doc", sort=False):
        doc = str(doc)
        title, pages = _document_pages(conn, doc, group)
        rows = list(group.itertuples(index=False))
        paged = [row for row in rows if _fits(row, pages)]
        rest = [row for row in rows if not _fits(row, pages)]
        name = doc or "(no document)"
        if paged:
            texts.append(
                _paged(guid("source", concept, doc, "pages"), name, doc, title, pages, paged)
            )
        if rest:
            texts.append(
                _composed(
                    guid("source", concept, doc, "items"),
                    f"{name} (items)" if paged else name,
                    doc,
                    rest,
                )
            )
    return texts


def _document_pages(
    conn: sqlite3.Connection, doc: str, group: pd.DataFrame
) -> tuple[str, list[str]]:
    """The title and pages of the corpus document called ``doc`` that holds most of the items."""
    best: tuple[int, str, list[str]] = (0, "", [])
    if not doc:
        return "", []
    rows = list(group.itertuples(index=False))
    documents = conn.execute(
        "SELECT id, title FROM documents WHERE key = ? ORDER BY id", (doc,)
    ).fetchall()
    for document_id, title in documents:
        pages = document_pages(conn, document_id)
        fitting = sum(_fits(row, pages) for row in rows)
        if fitting > best[0]:
            best = (fitting, title, pages)
    return best[1], best[2]


def _end_page(row: object) -> object:
    """The page the item's ``end`` is an offset into: ``end_page``, else ``page``."""
    return row.page if pd.isna(row.end_page) else row.end_page


def _fits(row: object, pages: list[str]) -> bool:
    """Whether the item's pages and offsets lie in ``pages``, its end after its start."""
    page, start, end, end_page = row.page, row.start, row.end, _end_page(row)
    if not pages or pd.isna(page) or pd.isna(start) or pd.isna(end):
        return False
    if not 1 <= page <= end_page <= len(pages):
        return False
    if not 0 <= start <= len(pages[int(page) - 1]) or end > len(pages[int(end_page) - 1]):
        return False
    return start <= end if page == end_page else end >= 0


def _paged(guid_: str, name: str, doc: str, title: str, pages: list[str], rows: list) -> _Text:
    flat = [lf(page) for page in pages]
    starts = [0]
    for page in flat[:-1]:
        starts.append(starts[-1] + len(page) + len(PAGE_BREAK))
    text = _Text(
        guid=guid_,
        name=name,
        text=PAGE_BREAK.join(flat),
        fields=[("Document", doc), ("Page starts", ", ".join(map(str, starts)))],
        title=title,
    )
    for row in rows:
        first, last = int(row.page) - 1, int(_end_page(row)) - 1
        start = starts[first] + lf_offset(pages[first], int(row.start))
        end = starts[last] + lf_offset(pages[last], int(row.end))
        extra = "" if text.text[start:end] == row.text else ITEM_TEXT + row.text
        text.spans.append(_Span(row.id, start, end, extra))
    return text


def _composed(guid_: str, name: str, doc: str, rows: list) -> _Text:
    parts, spans, at = [], [], 0
    for row in rows:
        part = lf(row.text)
        same = pd.isna(row.end_page) or (not pd.isna(row.page) and row.end_page == row.page)
        end_page = None if same else row.end_page
        values = (row.page, row.start, end_page, row.end)
        lines = [
            f"{key}: {int(value)}"
            for key, value in zip(SELECTION_KEYS, values, strict=True)
            if value is not None and not pd.isna(value)
        ]
        if part != row.text:
            lines.append(ITEM_TEXT + row.text)
        spans.append(_Span(row.id, at, at + len(part), "\n".join(lines)))
        parts.append(part)
        at += len(part) + len(ITEM_BREAK)
    return _Text(
        guid=guid_,
        name=name,
        text=ITEM_BREAK.join(parts),
        fields=[("Document", doc), ("Text", COMPOSED)],
        spans=spans,
    )


def _project(
    codebook: Codebook, texts: list[_Text], decisions: pd.DataFrame, report: QdpxReport
) -> etree._Element:
    ns = PROJECT_NAMESPACE
    root = etree.Element(
        qname(ns, "Project"),
        nsmap={None: ns},
        attrib={"name": xml_text(f"defcode: {codebook.concept}"), "origin": origin()},
    )
    coders = sorted(set(decisions["coder"]))
    if coders:
        users = etree.SubElement(root, qname(ns, "Users"))
        for coder in coders:
            etree.SubElement(
                users,
                qname(ns, "User"),
                attrib={"guid": guid("user", coder), "name": xml_text(coder)},
            )
    report.users = len(coders)
    members = write_codes(etree.SubElement(root, qname(ns, "CodeBook")), codebook, ns)
    by_item = dict(iter(decisions.groupby("item", sort=False)))
    notes: list[etree._Element] = []
    holder = etree.SubElement(root, qname(ns, "Sources"))
    for text in texts:
        source = etree.SubElement(
            holder,
            qname(ns, "TextSource"),
            attrib={
                "guid": text.guid,
                "name": xml_text(text.name),
                "plainTextPath": f"internal://{text.guid}.txt",
            },
        )
        add_description(source, ns, with_fields(text.title, text.fields))
        for span in text.spans:
            selection = etree.SubElement(
                source,
                qname(ns, "PlainTextSelection"),
                attrib={
                    "guid": guid("selection", codebook.concept, span.item),
                    "name": xml_text(span.item),
                    "startPosition": str(span.start),
                    "endPosition": str(span.end),
                },
            )
            add_description(selection, ns, span.description)
            if span.item in by_item:
                _codings(selection, codebook, by_item[span.item], notes, report)
    if notes:
        etree.SubElement(root, qname(ns, "Notes")).extend(notes)
    concept_set = write_concept_set(etree.SubElement(root, qname(ns, "Sets")), codebook, ns)
    for member in members:
        etree.SubElement(concept_set, qname(ns, "MemberCode"), targetGUID=member)
    report.notes = len(notes)
    return root


def _codings(
    selection: etree._Element,
    codebook: Codebook,
    decisions: pd.DataFrame,
    notes: list[etree._Element],
    report: QdpxReport,
) -> None:
    """Add one ``Coding`` per code of each decision on the item, oldest decision first."""
    ns = PROJECT_NAMESPACE
    count: dict[tuple[str, str, str], int] = {}
    for row in decisions.itertuples(index=False):
        key = (row.item, row.scheme, row.coder)
        count[key] = count.get(key, 0) + 1
        name = (*key, row.timestamp, str(count[key]))
        scheme = codebook.schemes[row.scheme]
        codes = [c.strip() for c in row.value.split(";")] if scheme.multiple else [row.value]
        made = {"creatingUser": guid("user", row.coder)}
        if is_xsd_datetime(row.timestamp):
            made["creationDateTime"] = row.timestamp
        else:
            report.warnings.append(
                f"decision on {row.item!r} by {row.coder!r}: its time {row.timestamp!r} is "
                "not an ISO 8601 date and time; written without it"
            )
        note_guid = guid("note", *name) if row.note else None
        if note_guid:
            note = etree.Element(
                qname(ns, "Note"),
                attrib={
                    "guid": note_guid,
                    "name": xml_text(f"{row.coder} on {row.item}, {row.scheme}"),
                    **made,
                },
            )
            etree.SubElement(note, qname(ns, "PlainTextContent")).text = xml_text(row.note)
            notes.append(note)
        for code in codes:
            coding = etree.SubElement(
                selection, qname(ns, "Coding"), attrib={"guid": guid("coding", *name, code), **made}
            )
            etree.SubElement(
                coding, qname(ns, "CodeRef"), targetGUID=code_guid(codebook, row.scheme, code)
            )
            if note_guid:
                etree.SubElement(coding, qname(ns, "NoteRef"), targetGUID=note_guid)
            report.codings += 1
        report.decisions += 1


def _write_zip(path: Path, qde: bytes, texts: dict[str, str]) -> None:
    """Write the archive whole or not at all (see :func:`corpus.files.atomic_open`)."""
    with atomic_open(path, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
        archive.writestr(_entry("project.qde"), qde)
        for name, text in texts.items():
            archive.writestr(_entry(name), text.encode("utf-8"))


def _entry(name: str) -> zipfile.ZipInfo:
    """A ZIP entry with a fixed date, so that the same store gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
