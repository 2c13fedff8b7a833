"""Ingest files and folders into a corpus database, one file at a time.

A bad file never stops the batch and never leaves rows behind: each file is
read and searched first, then stored in one transaction. What went wrong is
reported per file; what was stored stays stored.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from corpus.children import Ahead
from corpus.errors import InputError
from corpus.readers.sources import KINDS, Source, file_digest, read_source

T = TypeVar("T")


@dataclass
class IngestReport:
    """What one ingest did.

    Attributes
    ----------
    stored, unchanged : int
        Files stored (new or changed) and files skipped because the database
        already holds them as they are.
    documents, pages, candidates : int
        Rows added.
    failures : list of str
        One line per file, or part of a file, that could not be read.
    warnings : list of str
        Things worked around, e.g. a text file not in UTF-8.
    """

    stored: int = 0
    unchanged: int = 0
    documents: int = 0
    pages: int = 0
    candidates: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def expand_paths(paths: Iterable[str | Path], report: IngestReport) -> list[Path]:
    """The files to ingest: files as given, folders searched recursively for known types.

    Missing paths are reported as failures. Paths are resolved, so that the
    same file named two ways is one source.
    """
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() in KINDS)
            files.extend(p.resolve() for p in found)
        elif given.is_file():
            files.append(given.resolve())
        else:
            report.failures.append(f"{given}: no such file or folder")
    return list(dict.fromkeys(files))


#: The columns of a ``--meta`` CSV: the file, then what to set of its document.
META_COLUMNS = ("path", "key", "authors", "year")


def read_meta(path: str | Path) -> dict[Path, list[dict[str, str]]]:
    """Read a CSV of documents' metadata: ``path`` and any of ``key, authors, year``.

    A relative ``path`` is taken from the CSV's folder. A file holding one
    document (a PDF, a text) gets the row's key, authors and year; in a file
    of several (BibTeX, RIS, CSV), ``key`` names the document whose authors
    and year are set.

    Returns
    -------
    dict of Path to list of dict
        Per resolved file, its rows (``key``, ``authors``, ``year``, ``row``);
        empty cells are left out.

    Raises
    ------
    InputError
        Naming the file, row and field of a missing path or a year that is not
        a whole number.
    """
    from corpus.records import read_records, whole_number

    path = Path(path)
    frame = read_records(
        path, required=["path"], optional=list(META_COLUMNS[1:]), checks={"year": whole_number}
    )
    rows: dict[Path, list[dict[str, str]]] = {}
    for number, row in enumerate(frame.to_dict("records"), start=1):
        file = Path(row["path"]).expanduser()
        file = (file if file.is_absolute() else path.parent / file).resolve()
        given = {k: str(row[k]) for k in META_COLUMNS[1:] if str(row[k]) != ""}
        rows.setdefault(file, []).append(given | {"row": f"{path}, row {number}"})
    return rows


def apply_meta(source: Source, rows: list[dict[str, str]]) -> list[str]:
    """Set the documents' key, authors and year from ``--meta`` rows; return what did not fit."""
    problems = []
    for row in rows:
        fields = {k: row[k] for k in ("authors", "year") if k in row}
        if len(source.documents) == 1:
            document = source.documents[0]
            key = row.get("key", document.key)
            source.documents[0] = replace(document, key=key, metadata=document.metadata | fields)
            continue
        wanted = row.get("key")
        at = [i for i, d in enumerate(source.documents) if d.key == wanted]
        if not at:
            problems.append(
                f"{row['row']}: {source.path} holds {len(source.documents)} documents; "
                f"'key' must name one of them ({wanted!r} does not)"
            )
        for i in at:
            document = source.documents[i]
            source.documents[i] = replace(document, metadata=document.metadata | fields)
    return problems


def ingest(
    paths: Sequence[str | Path],
    db: str | Path,
    concept: str,
    terms: Sequence[str],
    *,
    progress: Callable[[Ahead], Iterable[tuple[tuple[Path, str], Source | str]]] = iter,
    meta: dict[Path, list[dict[str, str]]] | None = None,
) -> IngestReport:
    """Read, search and store every file under ``paths``.

    Parameters
    ----------
    paths : sequence of str or Path
        Files and folders.
    db : str or Path
        The corpus database; created when missing.
    concept : str
        The concept's name, e.g. ``"cluster"``.
    terms : sequence of str
        The words that name it, e.g. ``["cluster", "industrial district"]``.
    progress : callable, default=iter
        Wraps the stream of ``((path, sha256), source)`` pairs as the files
        are read, e.g. in a progress bar; it has a length, the number of files.
    meta : dict, optional
        Documents' key, authors and year by file, as :func:`read_meta` reads
        them; they override what the files say. For a file already stored
        unchanged, the stored documents' authors and year are updated.

    Returns
    -------
    IngestReport

    Notes
    -----
    A child process reads the files (see :mod:`corpus.children`). Off Linux it
    is spawned, so a script calling :func:`ingest` there needs the
    ``if __name__ == "__main__":`` guard.
    """
    from corpus import store

    report = IngestReport()
    files = expand_paths(paths, report)
    meta = meta or {}
    for file in sorted(set(meta) - set(files)):
        for row in meta[file]:
            report.warnings.append(f"{row['row']}: {file} is not among the files ingested")
    conn = store.connect(db)
    try:
        pending = []
        for path in files:
            try:
                digest = file_digest(path)
            except OSError as exc:
                report.failures.append(f"{path}: cannot be read ({exc.strerror})")
                continue
            twin = store.path_with_digest(conn, digest)
            if twin == str(path):
                report.unchanged += 1
                for row in meta.get(path, []):
                    fields = {k: row[k] for k in ("authors", "year") if k in row}
                    if not store.update_documents(conn, str(path), row.get("key"), fields):
                        report.warnings.append(f"{row['row']}: no stored document of {path} to set")
            elif twin is not None:
                report.unchanged += 1
                report.warnings.append(f"{path}: same content as {twin}, already stored")
            else:
                pending.append((path, digest))
        if not pending:  # nothing new: no need to load spaCy and the detector
            return report
        # Child processes read the files, ahead of their use. Processes, not
        # threads: PDFium's many short calls each give up the GIL and must win it
        # back from this process's Python work, which slowed reading threefold.
        # And a file that crashes PDFium takes down a child, not the batch.
        # Only the children call PDFium, which is not thread-safe. Two children
        # read while this process loads spaCy and the detector; then a child
        # forked from it searches batches beside it when reading is ahead.
        with Ahead(pending, _read, depth=READ_AHEAD, crashed=_crashed, workers=2) as read:
            from corpus.finding.finder import find_in_documents, term_first_words, term_pattern

            # Searching no documents loads spaCy and the detector while the first files are read.
            find_in_documents([], terms)
            mentioned = term_pattern(terms)
            first_words = term_first_words(terms)

            def store_batch(batch: list[Source | str], searched: list[dict | str]) -> None:
                for source, found in zip(batch, searched, strict=True):
                    if isinstance(found, str):
                        report.failures.append(found)
                        continue
                    _store(conn, report, source, found, concept, terms, meta)

            sources = (source for _, source in progress(read))
            searching: deque[tuple[list[Source | str], Future | list[dict | str]]] = deque()
            pace = 0.0  # seconds a page took in the last batch searched here
            batches = _batches(sources, BATCH_PAGES, _pages, read.next_ready, read.ready_left)
            for batch in batches:
                offloaded = sum(isinstance(done, Future) for _, done in searching)
                future = None
                # Worth it only when searching, not reading, holds the ingest up: a
                # second process searching repeats its own warm-up (new words, caches).
                slow = pace * BATCH_PAGES >= OFFLOAD_AFTER or (
                    not offloaded and _named_pages(batch, first_words, mentioned) >= OFFLOAD_PAGES
                )
                slow = slow and (read.next_ready() or read.finished())
                if offloaded < SEARCHES_AHEAD and slow:
                    # A child forked from this process searches with what it loaded;
                    # else a reading child searches, loading it for its first batch.
                    read.fork()
                    future = read.submit(_search, batch, terms)
                if future is None:
                    start = time.perf_counter()
                    searching.append((batch, _search(batch, terms)))
                    pages = sum(map(_pages, batch))
                    # A small batch's time is mostly what any search costs (the first
                    # one's, warming caches up): it says little of a page's.
                    if pages >= BATCH_PAGES // TAIL_SPLIT:
                        pace = (time.perf_counter() - start) / pages
                else:
                    searching.append((batch, future))
                while searching and (len(searching) > SEARCHES_HELD or _ready(searching[0][1])):
                    store_batch(*_searched(*searching.popleft(), terms))
            while searching:
                store_batch(*_searched(*searching.popleft(), terms))
    finally:
        conn.close()
    return report


#: Pages searched together, when they are read in time: their candidates are
#: scored in one detector call.
BATCH_PAGES = 250
#: Once every file is read and fewer than two batches' pages are left, batches are this
#: many times smaller: the searching child held the last large batch while this process
#: waited.
TAIL_SPLIT = 4
#: Files read and not yet searched, at most. Fewer left the reading children waiting
#: while this process loaded and searched its first batch, and then one core idle:
#: 17.2-17.4 s against 15.5-15.7 s for 4,800 concept-dense pages (bench/dense_corpus.py).
READ_AHEAD = 160
#: Batches the searching child may hold at once; it takes them only when reading is
#: ahead of this process. With one, it sat idle from finishing its batch until this
#: process finished its own and handed it the next.
SEARCHES_AHEAD = 2
#: Batches searched and not yet stored, at most: stored in the order read.
SEARCHES_HELD = 4
#: Seconds a batch of :data:`BATCH_PAGES` pages, searched here at the pace of the last
#: one, must take before a child searches batches too.
OFFLOAD_AFTER = 0.5
#: Pages naming the concept that make a batch worth a child's search before any batch
#: has been timed: each costs about 3 ms to search, these together about 0.5 s.
OFFLOAD_PAGES = 150


def _store(
    conn: object,
    report: IngestReport,
    source: Source,
    found: dict,
    concept: str,
    terms: Sequence[str],
    meta: dict[Path, list[dict[str, str]]],
) -> None:
    """Store one searched source and count it in ``report``."""
    from corpus import store

    if source.path in meta:
        searched = [found[d.digest] for d in source.documents]
        report.failures.extend(apply_meta(source, meta[source.path]))
        found = {d.digest: frame for d, frame in zip(source.documents, searched, strict=True)}
    skipped = store.store_source(conn, source, concept, list(terms), found)
    report.stored += 1
    report.documents += len(source.documents) - len(skipped)
    report.pages += _pages(source)
    report.candidates += sum(len(frame) for frame in found.values())
    report.warnings.extend(source.warnings + skipped)
    report.failures.extend(source.problems)


def _ready(searched: Future | list[dict | str]) -> bool:
    return not isinstance(searched, Future) or searched.done()


def _searched(
    batch: list[Source | str], searched: Future | list[dict | str], terms: Sequence[str]
) -> tuple[list[Source | str], list[dict | str]]:
    """The batch and its search results, waited for; searched here if a child failed."""
    if isinstance(searched, Future):
        try:
            return batch, searched.result()
        except Exception:  # the child died or could not search: search the batch here
            return batch, _search(batch, terms)
    return batch, searched


def _batches(
    items: Iterable[T],
    pages: int,
    size: Callable[[T], int],
    ready: Callable[[], bool] = lambda: True,
    left: Callable[[], int | None] = lambda: None,
) -> Iterator[list[T]]:
    """Consecutive items of at least ``pages`` pages together, as ``size`` counts them.

    A batch is cut short when ``ready()`` says the next item would have to be
    waited for: while the reader is behind, each batch is searched as soon as
    it is read, and the last one is small. Once ``left()`` says how many items
    are left, all at hand, and they hold fewer than two batches' pages (at the
    mean pages of an item so far), batches hold :data:`TAIL_SPLIT` times fewer
    pages, so that the processes searching them finish at nearly the same time.
    """
    batch, count = [], 0
    seen, seen_pages = 0, 0
    for item in items:
        item_pages = size(item)
        batch.append(item)
        count += item_pages
        seen, seen_pages = seen + 1, seen_pages + item_pages
        remaining = left()
        tail = remaining is not None and remaining * seen_pages < 2 * pages * seen
        if count >= (pages // TAIL_SPLIT if tail else pages) or not ready():
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _named_pages(
    batch: list[Source | str], first_words: set[str], mentioned: re.Pattern[str]
) -> int:
    """The pages of a batch that name the concept, counted up to :data:`OFFLOAD_PAGES`."""
    from corpus.finding.pages import names_concept

    named = 0
    for source in batch:
        if isinstance(source, str):
            continue
        for document in source.documents:
            for page in document.pages:
                named += names_concept(page, first_words, mentioned)
                if named >= OFFLOAD_PAGES:
                    return named
    return named


def _pages(source: Source | str) -> int:
    """The pages of a source's documents; none for the message of a file that failed."""
    return 0 if isinstance(source, str) else sum(len(d.pages) for d in source.documents)


def _search(batch: list[Source | str], terms: Sequence[str]) -> list[dict | str]:
    """Each source's candidates by document digest, or the line saying why it failed.

    The batch's documents are searched together; should that fail, each source
    is searched alone, so that only the sources that fail are lost.
    """
    from corpus.finding.finder import find_in_documents

    def search(sources: list[Source]) -> list[dict | str]:
        frames = iter(find_in_documents([d.pages for s in sources for d in s.documents], terms))
        return [{d.digest: next(frames) for d in source.documents} for source in sources]

    read = [source for source in batch if not isinstance(source, str)]
    try:
        found = iter(search(read))
    except Exception:
        found = iter(_alone(search, read))
    return [source if isinstance(source, str) else next(found) for source in batch]


def _alone(search: Callable, sources: list[Source]) -> Iterator[dict | str]:
    for source in sources:
        try:
            yield search([source])[0]
        except Exception as exc:  # whatever this file does to the search, the batch goes on
            yield _failure(source.path, "cannot be searched", exc)


def _failure(path: Path, what: str, exc: BaseException) -> str:
    """A file's failure line for an unexpected exception: its type and the start of its message."""
    message = " ".join(str(exc).split())
    if len(message) > 200:
        message = message[:200] + "..."
    return f"{path}: {what} ({type(exc).__name__}{': ' if message else ''}{message})"


def _read(file: tuple[Path, str]) -> Source | str:
    """A file's source, read by the child process of :func:`ingest`, or what went wrong."""
    path, sha256 = file
    try:
        return read_source(path, sha256)
    except InputError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    except Exception as exc:  # whatever this file does to its reader, the batch goes on
        return _failure(path, "cannot be read", exc)


def _crashed(file: tuple[Path, str]) -> str:
    return f"{file[0]}: the reader crashed on it (a PDFium fault?); skipped"


def scan_stored(db: str | Path, concept: str, terms: Sequence[str]) -> int:
    """Search the stored documents not yet searched for ``concept``; return how many."""
    from corpus import store
    from corpus.finding.finder import find_in_documents

    conn = store.connect(db)
    try:
        done = 0
        stored = list(store.unscanned(conn, concept))
        for batch in _batches(stored, BATCH_PAGES, lambda row: len(row[2])):
            frames = find_in_documents([pages for _, _, pages in batch], terms)
            for (document_id, uid, _), frame in zip(batch, frames, strict=True):
                store.store_scan(conn, document_id, uid, concept, list(terms), frame)
                done += 1
    finally:
        conn.close()
    return done
