"""Ingest files and folders into a corpus database, one file at a time.

A bad file never stops the batch and never leaves rows behind: each file is
read and searched first, then stored in one transaction. What went wrong is
reported per file; what was stored stays stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import InputError
from corpus.sources import KINDS, Source, file_digest, read_source


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


def ingest(
    paths: Sequence[str | Path],
    db: str | Path,
    concept: str,
    terms: Sequence[str],
    *,
    progress: Callable[[list[Path]], Iterable[Path]] = iter,
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
        Wraps the list of files, e.g. in a progress bar.

    Returns
    -------
    IngestReport
    """
    from corpus import store
    from corpus.finder import find_definitions

    report = IngestReport()
    files = expand_paths(paths, report)
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
            elif twin is not None:
                report.unchanged += 1
                report.warnings.append(f"{path}: same content as {twin}, already stored")
            else:
                pending.append((path, digest))
        for source in progress(_Prefetched(pending)):
            if isinstance(source, str):
                report.failures.append(source)
                continue
            found = {
                document.digest: find_definitions(document.pages, terms)
                for document in source.documents
            }
            skipped = store.store_source(conn, source, concept, list(terms), found)
            report.stored += 1
            report.documents += len(source.documents) - len(skipped)
            report.pages += sum(len(d.pages) for d in source.documents)
            report.candidates += sum(len(frame) for frame in found.values())
            report.warnings.extend(source.warnings + skipped)
            report.failures.extend(source.problems)
    finally:
        conn.close()
    return report


class _Prefetched:
    """Sources read one thread ahead of their use, at most ``depth`` files ahead.

    PDFium releases the GIL while it extracts text, so the next files are read
    while this thread searches and stores the last one. Only that one thread
    calls PDFium, which is not thread-safe. Each item is a :class:`Source` or
    the message of the error reading it raised.
    """

    def __init__(self, files: list[tuple[Path, str]], depth: int = 8) -> None:
        self.files, self.depth = files, depth

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[Source | str]:
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="defcode-read") as pool:
            ahead = deque(pool.submit(_read, *file) for file in self.files[: self.depth])
            for file in self.files[self.depth :]:
                ahead.append(pool.submit(_read, *file))
                yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()


def _read(path: Path, sha256: str) -> Source | str:
    try:
        return read_source(path, sha256)
    except InputError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror})"


def scan_stored(db: str | Path, concept: str, terms: Sequence[str]) -> int:
    """Search the stored documents not yet searched for ``concept``; return how many."""
    from corpus import store
    from corpus.finder import find_definitions

    conn = store.connect(db)
    try:
        done = 0
        for document_id, uid, pages in list(store.unscanned(conn, concept)):
            frame = find_definitions(pages, terms)
            store.store_scan(conn, document_id, uid, concept, list(terms), frame)
            done += 1
    finally:
        conn.close()
    return done
