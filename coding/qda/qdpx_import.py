"""Read a REFI-QDA project (``.qdpx``) into a coding store.

Text sources become documents, selections items and codings decisions (source
``import``) with their coder and time. A project defcode wrote (its
``origin`` starts with ``defcode``) comes back as it was: item ids, documents,
pages and offsets (a selection over a page break is one item from its first
page to its last), and every decision of the history with its note and time.

From another program (NVivo, ATLAS.ti, MAXQDA, QualCoder):

- an item's id is ``"<source name>:<start>-<end>"``, so selections of the same
  span are one item; its offsets count characters of the source's text and
  it has no page;
- a coder's codes of one scheme on one item make one decision, at the time of
  the latest coding;
- a coding's note is the text of the ``Note`` its ``NoteRef`` names, else the
  selection's ``Description`` or the notes the selection refers to (a memo);
- picture, PDF, audio and video sources and codings of a whole source are
  left out, with a warning.

Nothing is stored unless everything is right: every problem is reported with
its line and GUID, and the import is one transaction.

The archive is read defensively (see ``docs/refi-qda-safety.md``): only
stored and deflated entries, none encrypted, no name twice; an entry is read
in chunks, and refused as soon as its declared or decompressed size passes
``max_entry_size``, or what the archive gave so far passes ``max_total_size``.
"""

from __future__ import annotations

import sqlite3
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coding.codebook import Codebook
from coding.coders.store import check_value, now
from coding.qda.qdc import (
    CodeNode,
    all_codes,
    derive_codebook,
    description,
    lf,
    map_codes,
    norm_guid,
    parse_xml,
    read_codes,
    read_concept_set,
    split_fields,
    squash,
    start_line,
    text_lines,
    text_of,
    to_timestamp,
)
from coding.qda.qdpx_export import ITEM_TEXT, SELECTION_KEYS, SOURCE_KEYS, QdpxReport
from corpus.errors import InputError
from corpus.store import transaction

__all__ = ["MAX_ENTRY_SIZE", "MAX_TOTAL_SIZE", "import_project"]

#: The most bytes one entry of an archive may give: 256 MiB, ten times the project.qde of
#: a large project (a 20 MB project.qde holds some 50,000 codings) and over a hundred
#: times a book's text; parsing a project.qde that size takes a few GB of memory.
MAX_ENTRY_SIZE = 256 * 2**20
#: The most bytes all the entries read from one archive may give together: 1 GiB.
MAX_TOTAL_SIZE = 2**30
_CHUNK = 2**20
_ENCRYPTED = 0x1
#: Python's zipfile decompresses other methods (bzip2, LZMA) with no bound on the output
#: of one read, so a few compressed bytes could fill the memory before any check.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_METHOD_NAMES = {9: "deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 98: "PPMd"}
_WINZIP_AES = 99


@dataclass
class _Item:
    id: str
    text: str
    doc: str
    page: int | None
    start: int | None
    end: int | None
    end_page: int | None
    line: int

    @property
    def row(self) -> tuple:
        return (self.text, self.doc, self.page, self.start, self.end, self.end_page)


@dataclass
class _Coding:
    item: str
    scheme: str
    code: str
    coder: str
    timestamp: str
    notes: tuple[str, ...]
    guid: str
    line: int


@dataclass
class _Decision:
    item: str
    scheme: str
    coder: str
    value: str
    note: str
    timestamp: str


def import_project(
    path: str | Path,
    conn: sqlite3.Connection,
    codebook: Codebook | None = None,
    *,
    max_entry_size: int = MAX_ENTRY_SIZE,
    max_total_size: int = MAX_TOTAL_SIZE,
) -> QdpxReport:
    """Store a ``.qdpx`` project's selections as items and its codings as decisions.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file.
    conn : sqlite3.Connection
        A coding store (see :func:`coding.coders.store.open_store`).
    codebook : Codebook, optional
        The codebook to code with. The project's codes map to it by defcode's
        GUIDs, else by scheme and category name or label (see
        :func:`coding.qda.qdc.map_codes`). When omitted, the codebook is made from
        the project's CodeBook as :func:`coding.qda.qdc.qdc_to_codebook` does, and
        returned in the report.
    max_entry_size, max_total_size : int
        The most bytes one entry of the archive, and all the entries read
        together, may give when decompressed (entries that are not read, such
        as pictures or video, do not count).

    Returns
    -------
    QdpxReport

    Raises
    ------
    InputError
        Naming the file and entry when the archive is not a ZIP archive, is
        broken (bad CRC, broken compressed data), holds a name twice, or an
        entry read is encrypted, compressed with a method other than deflate,
        or larger than the limits. Naming the file and, for every problem,
        its line and GUID: a coding whose code is not in the CodeBook, maps to
        no category or is a scheme's parent code; a selection outside its
        source's text; an unknown user or note; a value the codebook refuses;
        an item the store holds with another text. Then nothing is stored.
    """
    path = Path(path)
    with _Archive(path, max_entry_size, max_total_size) as archive:
        reader = _ProjectReader(path, archive)
        reader.read(codebook)
    if reader.problems:
        raise InputError(
            f"{path}: {len(reader.problems)} problem(s); nothing was stored", reader.problems
        )
    reader.report.warnings += reader.warnings
    _store(conn, reader, path)
    return reader.report


def _size(size: int) -> str:
    """A number of bytes as people read it, e.g. ``"4,000,000,000 bytes (3,815 MiB)"``."""
    mib = f" ({size / 2**20:,.0f} MiB)" if size >= 2**20 else ""
    return f"{size:,} bytes{mib}"


class _Archive:
    """A ZIP archive whose entries are read in chunks, within size limits.

    Every ZIP error, and every entry defcode will not read, is an InputError
    naming the file and the entry.
    """

    def __init__(self, path: Path, max_entry_size: int, max_total_size: int) -> None:
        self.path = path
        self.max_entry_size, self.left = max_entry_size, max_total_size
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
            raise InputError(f"{path}: not a .qdpx (ZIP) archive ({exc})") from None
        #: The entries by their name case folded: paths in a project ignore case.
        self.members: dict[str, str] = {}
        for name in self.zip.namelist():
            other = self.members.setdefault(name.casefold(), name)
            if other is not name:
                self.zip.close()
                same = "twice" if other == name else f"twice, as {other!r} and {name!r}"
                raise InputError(f"{path}: the archive holds the entry {name!r} {same}")

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        """The entry's bytes, decompressed and checked.

        Raises
        ------
        InputError
            When the entry is encrypted, compressed with a method other than
            deflate, broken, or gives more bytes than the limits allow.
        """
        info = self.zip.getinfo(name)
        where = f"{self.path}, {name}"
        if info.flag_bits & _ENCRYPTED or info.compress_type == _WINZIP_AES:
            raise InputError(f"{where}: the entry is encrypted; give an archive without password")
        if info.compress_type not in _METHODS:
            method = _METHOD_NAMES.get(info.compress_type, "unknown")
            raise InputError(
                f"{where}: compression method {info.compress_type} ({method}) is not read; "
                "only stored and deflated entries are"
            )
        limit = min(self.max_entry_size, self.left)
        if info.file_size > limit:
            raise InputError(f"{where}: {self._over(info.file_size, 'declares')}")
        chunks, size = [], 0
        try:
            with self.zip.open(info) as stream:
                while size <= limit and (chunk := stream.read(_CHUNK)):
                    chunks.append(chunk)
                    size += len(chunk)
        except (
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            zipfile.BadZipFile,
            zlib.error,
        ) as exc:
            reason = "its data end early" if isinstance(exc, EOFError) else str(exc) or repr(exc)
            if isinstance(exc, OSError) and exc.strerror:
                reason = exc.strerror
            raise InputError(f"{where}: a broken entry ({reason})") from None
        if size > limit:
            raise InputError(f"{where}: {self._over(size, 'gives over')}")
        self.left -= size
        return b"".join(chunks)

    def _over(self, size: int, verb: str) -> str:
        if size > self.max_entry_size:
            return (
                f"{verb} {_size(size)} decompressed, over the limit of "
                f"{_size(self.max_entry_size)} per entry (--max-entry-size)"
            )
        return (
            f"{verb} {_size(size)} decompressed, over the {_size(self.left)} left of the "
            "limit on the archive's total (--max-total-size)"
        )


class _ProjectReader:
    """Read one ``.qdpx`` archive, collecting every problem with its line and GUID."""

    def __init__(self, path: Path, archive: _Archive) -> None:
        self.archive = archive
        self.members = archive.members
        member = self._qde(path)
        self.where = f"{path}, {member}"
        data = archive.read(member)
        self.root = parse_xml(data, self.where)
        self.lines = text_lines(data)
        if etree.QName(self.root).localname != "Project":
            raise InputError(f"{self.where}, line {self.line(self.root)}: not a REFI-QDA Project")
        self.path = path
        self.defcode_made = (self.root.get("origin") or "").startswith("defcode")
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.report = QdpxReport()
        self.items: dict[str, _Item] = {}
        self.codings: list[_Coding] = []
        self.decisions: list[_Decision] = []
        self._docs: dict[str, int] = {}

    def _qde(self, path: Path) -> str:
        names = [n for n in self.members.values() if "/" not in n and n.casefold().endswith(".qde")]
        if not names:
            raise InputError(f"{path}: the archive holds no project.qde")
        return next((n for n in names if n.casefold() == "project.qde"), names[0])

    def line(self, node: etree._Element) -> int:
        """The line where the element's start tag begins."""
        return start_line(node, self.lines)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(f"{self.where}, line {line}: {message}")

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"{self.where}, line {line}: {message}")

    def read(self, codebook: Codebook | None) -> None:
        """Read the users, codes, notes, sources and codings, then make the decisions."""
        root = self.root
        codes = read_codes(root.find("{*}CodeBook/{*}Codes"), self.lines)
        if codebook is None:
            codebook, self.mapping, skipped = derive_codebook(
                codes,
                read_concept_set(root.find("{*}Sets")),
                concept=root.get("name") or self.path.stem,
                source=f"{self.path.name} (REFI-QDA project)",
                path=str(self.path),
            )
            self.warnings += [f"{self.where}, {line}" for line in skipped]
            self.report.derived = True
        else:
            self.mapping = map_codes(codes, codebook)
            self._unmapped(codes, codebook)
        self.codebook = self.report.codebook = codebook
        self.code_names = {code.guid: code.name for code in all_codes(codes)}
        self.users = {
            norm_guid(user.get("guid", "")): squash(
                user.get("name") or user.get("id") or user.get("guid", "")
            )
            for user in root.iterfind("{*}Users/{*}User")
        }
        self.notes = {
            norm_guid(note.get("guid", "")): self._text(note, "Note", required=False) or ""
            for note in root.iterfind("{*}Notes/{*}Note")
        }
        self.report.users, self.report.notes = len(self.users), len(self.notes)
        for source in root.iterfind("{*}Sources/*"):
            self._source(source)
        self.decisions = _decisions(self.codings, codebook, self, keep_history=self.defcode_made)

    def _unmapped(self, codes: list[CodeNode], codebook: Codebook) -> None:
        unmapped = [c for c in all_codes(codes) if c.codable and c.guid not in self.mapping]
        if unmapped:
            self.warnings.append(
                f"{self.where}: {len(unmapped)} code(s) match no category of codebook "
                f"{codebook.concept!r}; codings with them are refused: "
                + ", ".join(f"{c.name} ({c.guid}, line {c.line})" for c in unmapped)
            )

    def _text(self, node: etree._Element, what: str, *, required: bool = True) -> str | None:
        """The plain text of a source or note: inline, or a file inside the archive."""
        content = node.find("{*}PlainTextContent")
        if content is not None:
            return lf(text_of(content))
        where = node.get("plainTextPath") or ""
        label = f"{what} {norm_guid(node.get('guid', ''))}"
        if not where:
            if required:
                self.problem(self.line(node), f"{label} has no plain text")
            return None if required else description(node)
        if not where.startswith("internal://"):
            self.problem(self.line(node), f"{label}: its text {where!r} is not inside the archive")
            return None
        name = where.removeprefix("internal://")
        found = self.members.get(name.casefold()) or self.members.get(f"sources/{name}".casefold())
        if found is None:
            self.problem(self.line(node), f"{label}: {where} is not in the archive")
            return None
        try:
            return lf(self.archive.read(found).decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            self.problem(self.line(node), f"{label}: {where} is not UTF-8 ({exc.reason})")
            return None

    def _source(self, source: etree._Element) -> None:
        kind = etree.QName(source).localname
        source_guid = norm_guid(source.get("guid", ""))
        if kind != "TextSource":
            self.warn(self.line(source), f"{kind} {source_guid} left out: only text is read")
            return
        text = self._text(source, "TextSource")
        if text is None:
            return
        self.report.sources += 1
        _, fields = split_fields(description(source), SOURCE_KEYS)
        doc = self._doc(source, fields)
        starts = self._page_starts(source, fields, text)
        if source.find("{*}Coding") is not None:
            self.warn(self.line(source), f"codings of the whole TextSource {source_guid} left out")
        for selection in source.iterfind("{*}PlainTextSelection"):
            item, memo = self._selection(selection, doc, text, starts, composed="Text" in fields)
            if item is None:
                continue
            known = self.items.setdefault(item.id, item)
            if known.row != item.row:
                self.problem(
                    item.line,
                    f"PlainTextSelection {norm_guid(selection.get('guid', ''))}: item "
                    f"{item.id!r} is also another selection (line {known.line})",
                )
            for node in selection.iterfind("{*}Coding"):
                self.report.codings += 1
                coding = self._coding(node, item.id, selection)
                if coding is not None:
                    coding.notes = coding.notes or tuple(m for m in memo if m)
                    self.codings.append(coding)

    def _doc(self, source: etree._Element, fields: dict[str, list[str]]) -> str:
        """The document key: defcode's, else the source's name (numbered when repeated)."""
        if "Document" in fields:
            return squash(fields["Document"][0])
        doc = squash(source.get("name") or "") or norm_guid(source.get("guid", ""))
        self._docs[doc] = self._docs.get(doc, 0) + 1
        return doc if self._docs[doc] == 1 else f"{doc} ({self._docs[doc]})"

    def _page_starts(
        self, source: etree._Element, fields: dict[str, list[str]], text: str
    ) -> list[int] | None:
        if "Page starts" not in fields:
            return None
        given = fields["Page starts"][0]
        try:
            starts = [int(s) for s in given.split(",")]
        except ValueError:
            starts = []
        if not starts or starts[0] != 0 or starts != sorted(starts) or starts[-1] > len(text):
            self.problem(
                self.line(source),
                f"TextSource {norm_guid(source.get('guid', ''))}: 'Page starts' {given!r} "
                "are not ascending offsets in its text",
            )
            return None
        return starts

    def _selection(
        self,
        selection: etree._Element,
        doc: str,
        text: str,
        starts: list[int] | None,
        *,
        composed: bool,
    ) -> tuple[_Item | None, list[str]]:
        """The item a selection stands for, and its memos."""
        label = f"PlainTextSelection {norm_guid(selection.get('guid', ''))}"
        try:
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
        except ValueError:
            self.problem(
                self.line(selection), f"{label}: startPosition and endPosition must be numbers"
            )
            return None, []
        if not 0 <= start <= end <= len(text):
            self.problem(
                self.line(selection),
                f"{label}: characters {start}-{end} lie outside its source's text "
                f"({len(text)} characters)",
            )
            return None, []
        note = description(selection)
        own, item_text = _selection_fields(note)
        memo = [] if own is not None else [note.strip()]
        memo += [self.notes.get(norm_guid(r.get("targetGUID", "")), "") for r in _refs(selection)]
        name = (selection.get("name") or "").strip()
        values: dict[str, int | None] = {"Page": None, "Start": start, "End page": None, "End": end}
        if starts is not None:
            page, end_page = (_page_of(starts, offset) for offset in (start, end))
            values = {
                "Page": page,
                "Start": start - starts[page - 1],
                "End page": end_page,
                "End": end - starts[end_page - 1],
            }
        elif composed:
            values = dict.fromkeys(values)
        for key, value in (own or {}).items():
            try:
                values[key] = int(value)
            except ValueError:
                self.problem(self.line(selection), f"{label}: {key} {value!r} is not a number")
        if values["End page"] is None or (own and "Page" in own and "End page" not in own):
            values["End page"] = values["Page"]
        item = _Item(
            id=name if self.defcode_made and name else f"{doc}:{start}-{end}",
            text=item_text if item_text is not None else text[start:end],
            doc=doc,
            page=values["Page"],
            start=values["Start"],
            end=values["End"],
            end_page=values["End page"],
            line=self.line(selection),
        )
        return item, memo

    def _coding(
        self, coding: etree._Element, item: str, selection: etree._Element
    ) -> _Coding | None:
        label = f"Coding {norm_guid(coding.get('guid', ''))}"
        ref = coding.find("{*}CodeRef")
        target = norm_guid(ref.get("targetGUID", "")) if ref is not None else ""
        line = self.line(ref) if ref is not None else self.line(coding)
        if target not in self.code_names:
            self.problem(line, f"{label}: code {target or '(none)'} is not in the CodeBook")
            return None
        name = self.code_names[target]
        if target not in self.mapping:
            self.problem(
                line,
                f"{label}: code {target} ({name}) matches no category of codebook "
                f"{self.codebook.concept!r}",
            )
            return None
        scheme, code = self.mapping[target]
        if code is None:
            self.problem(
                line, f"{label}: code {target} ({name}) is scheme {scheme!r}, not a category"
            )
            return None
        coder = self._coder(coding, selection, label)
        given = coding.get("creationDateTime") or selection.get("creationDateTime")
        stamp = to_timestamp(given) if given else now()
        if stamp is None:
            self.problem(
                self.line(coding), f"{label}: creationDateTime {given!r} is not a date and time"
            )
        notes = []
        for ref_ in _refs(coding):
            note = norm_guid(ref_.get("targetGUID", ""))
            if note not in self.notes:
                self.problem(self.line(ref_), f"{label}: note {note} is not in the Notes")
            notes.append(self.notes.get(note, ""))
        if coder is None or stamp is None:
            return None
        return _Coding(
            item=item,
            scheme=scheme,
            code=code,
            coder=coder,
            timestamp=stamp,
            notes=tuple(n for n in notes if n),
            guid=norm_guid(coding.get("guid", "")),
            line=self.line(coding),
        )

    def _coder(self, coding: etree._Element, selection: etree._Element, label: str) -> str | None:
        """The coding's user's name: its own, the selection's or the project's creator."""
        user = (
            coding.get("creatingUser")
            or selection.get("creatingUser")
            or self.root.get("creatingUserGUID")
        )
        if not user:
            return "unknown"
        if norm_guid(user) not in self.users:
            self.problem(self.line(coding), f"{label}: user {norm_guid(user)} is not in the Users")
            return None
        return self.users[norm_guid(user)] or "unknown"


def _page_of(starts: list[int], offset: int) -> int:
    """The number of the page whose text holds ``offset`` (pages start at ``starts``)."""
    return max(n for n in range(1, len(starts) + 1) if starts[n - 1] <= offset)


def _selection_fields(note: str) -> tuple[dict[str, str] | None, str | None]:
    """defcode's fields of a selection's description (None: a memo) and the item's text."""
    if not note.startswith((*(f"{key}: " for key in SELECTION_KEYS), ITEM_TEXT)):
        return None, None
    head, found, item_text = note.partition(ITEM_TEXT)
    own = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        if key not in SELECTION_KEYS:
            return None, None
        own[key] = value.strip()
    return own, item_text if found else None


def _refs(node: etree._Element) -> list[etree._Element]:
    return list(node.iterfind("{*}NoteRef"))


def _decisions(
    codings: list[_Coding], codebook: Codebook, reader: _ProjectReader, *, keep_history: bool
) -> list[_Decision]:
    """Make decisions of codings, checked against the codebook, oldest first.

    With ``keep_history`` (a project defcode wrote) each run of codings of the
    same item, scheme, coder, time and note is one decision. Otherwise a
    coder's codes of one scheme on one item make one decision.
    """
    groups: list[list[_Coding]] = []
    if keep_history:
        for coding in codings:
            key = (coding.item, coding.scheme, coding.coder, coding.timestamp, coding.notes)
            last = groups[-1][-1] if groups else None
            if (
                last is not None
                and codebook.schemes[coding.scheme].multiple
                and (last.item, last.scheme, last.coder, last.timestamp, last.notes) == key
            ):
                groups[-1].append(coding)
            else:
                groups.append([coding])
    else:
        keyed: dict[tuple[str, str, str], list[_Coding]] = {}
        for coding in codings:
            keyed.setdefault((coding.item, coding.scheme, coding.coder), []).append(coding)
        groups = list(keyed.values())
    decisions = []
    for group in groups:
        first = group[0]
        scheme = codebook.schemes[first.scheme]
        codes = list(dict.fromkeys(c.code for c in group))
        if not scheme.multiple and len(codes) > 1:
            reader.problem(
                first.line,
                f"codings {', '.join(c.guid for c in group)}: {first.coder!r} gives item "
                f"{first.item!r} {len(codes)} codes of scheme {scheme.name!r}, which takes one: "
                + ", ".join(codes),
            )
            continue
        try:
            value = check_value(scheme, "; ".join(codes))
        except ValueError as exc:
            reader.problem(first.line, f"Coding {first.guid}: {exc}")
            continue
        notes = dict.fromkeys(note for c in group for note in c.notes)
        decisions.append(
            _Decision(
                item=first.item,
                scheme=first.scheme,
                coder=first.coder,
                value=value,
                note="\n\n".join(notes),
                timestamp=max(c.timestamp for c in group),
            )
        )
    return sorted(decisions, key=lambda d: d.timestamp)


def _store(conn: sqlite3.Connection, reader: _ProjectReader, path: Path) -> None:
    """Write the items and decisions in one transaction, or nothing."""
    report, concept, stamp = reader.report, reader.codebook.concept, now()
    with transaction(conn):
        clashes = []
        for item in reader.items.values():
            row = conn.execute(
                'SELECT text, doc, page, start, "end", end_page FROM items WHERE id = ?',
                (item.id,),
            ).fetchone()
            if row is None:
                conn.execute(
                    'INSERT INTO items (id, concept, text, doc, page, start, "end", end_page, '
                    "origin, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'qdpx', ?)",
                    (item.id, concept, *item.row, stamp),
                )
                report.items += 1
            elif tuple(row) != item.row:
                clashes.append(
                    f"{reader.where}, line {item.line}: item {item.id!r} is already in the "
                    "store with another text, document, page or offsets"
                )
        if clashes:
            raise InputError(f"{path}: {len(clashes)} problem(s); nothing was stored", clashes)
        for decision in reader.decisions:
            values = (
                decision.item,
                decision.scheme,
                decision.coder,
                decision.value,
                decision.note,
                decision.timestamp,
            )
            if conn.execute(
                "SELECT 1 FROM decisions WHERE item = ? AND scheme = ? AND coder = ? "
                "AND value = ? AND note = ? AND timestamp = ?",
                values,
            ).fetchone():
                report.skipped += 1
                continue
            conn.execute(
                "INSERT INTO decisions (item, scheme, coder, value, note, timestamp, source) "
                "VALUES (?, ?, ?, ?, ?, ?, 'import')",
                values,
            )
            report.decisions += 1
