"""Scan exports of records for candidate definitions on Dask, and propose their codes.

A bibliographic export (Scopus, Web of Science, OpenAlex: one row per work,
with an id, a title and an abstract) is read as a :mod:`dask.dataframe` of
partitions of about ``partition_size`` bytes. Each worker searches its
partitions with the finder :func:`corpus.finding.finder.find_in_documents`, the code
``defcode ingest`` runs, and proposes a code per scheme for each candidate
with :meth:`coding.model.Model.propose`; the pipeline and the model are loaded
once per worker process. The candidates come back partition by partition and
are written as one Parquet file each, into a folder that replaces the output
only when every partition is written.

A record's text is its title and abstract separated by a blank line, as
``defcode ingest`` makes it of a BibTeX or RIS entry (the abstract alone
when there is no title column); ``start`` and ``end`` are offsets into it.
A record whose abstract is empty, or whose id is, is skipped and counted.

CSV files are cut at record ends, found by counting quotes, so that a
quoted abstract spanning lines is never split (``dask.dataframe.read_csv``
cuts at any line end); Parquet files by row groups, a large row group into
slices of rows.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corpus.errors import InputError, OutputError
from corpus.files import atomic_open, cannot_write, temporary_name
from corpus.records import MAX_CELL, csv_rows, header_names

if TYPE_CHECKING:
    from distributed import Client

    from coding.codebook import Codebook
    from coding.model import Model

#: File name suffixes scan reads; a folder is read as the Parquet files in it.
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: Bytes of input per partition, by default: about a thousand abstracts.
PARTITION_SIZE = 1_000_000
#: The columns of every candidate row, before the proposals' columns.
CANDIDATE_COLUMNS = ["doc", "start", "end", "text", "score", "rule"]


@dataclass(frozen=True)
class Columns:
    """The input's columns that hold each record's id, text and title.

    Attributes
    ----------
    id, text : str
        Column names; each file must have both.
    title : str or None
        The title column; None for none. When ``title_required`` is False, a
        file without it is read as having no titles.
    title_required : bool
        Whether a file without the title column is an error.
    """

    id: str = "id"
    text: str = "abstract"
    title: str | None = "title"
    title_required: bool = False


@dataclass(frozen=True)
class Part:
    """One partition of one input file.

    A CSV part is the bytes ``[start, end)`` of the file, whole records; a
    Parquet part is ``count`` rows of row group ``group`` from row ``start``.
    ``names`` are the file's columns that hold id, text and title (the title
    absent when empty), by position in a CSV header.
    """

    path: str
    kind: str
    start: int
    end: int
    group: int = 0
    positions: tuple[int, ...] = ()
    names: tuple[str, ...] = ()


@dataclass
class ScanReport:
    """What one scan did.

    Attributes
    ----------
    records, candidates, partitions : int
        Records read, candidate rows written and partitions scanned.
    no_text, no_id : int
        Records skipped because their text (abstract) or their id is empty.
    peak_memory : list of int
        Each worker's peak resident memory in bytes, when the workers were
        started by the scan (a local cluster); empty otherwise.
    """

    records: int = 0
    candidates: int = 0
    partitions: int = 0
    no_text: int = 0
    no_id: int = 0
    peak_memory: list[int] = field(default_factory=list)


def plan_parts(
    paths: Sequence[str | Path], columns: Columns, partition_size: int = PARTITION_SIZE
) -> list[Part]:
    """The partitions of the input files, after checking each file's type and columns.

    Parameters
    ----------
    paths : sequence of str or Path
        CSV files (UTF-8, with a header), Parquet files, or folders of Parquet files.
    columns : Columns
        The columns to read.
    partition_size : int
        About how many bytes of input one partition holds.

    Returns
    -------
    list of Part

    Raises
    ------
    InputError
        Naming the file that is missing, of another type, unreadable, or
        without one of the columns.
    """
    if partition_size < 1:
        raise ValueError(f"partition_size must be positive, not {partition_size}")
    parts: list[Part] = []
    for given in map(Path, paths):
        for path in _files(given):
            kind = SUFFIXES[path.suffix.lower()]
            plan = _csv_parts if kind == "csv" else _parquet_parts
            parts.extend(plan(path, columns, partition_size))
    return parts


def _files(given: Path) -> list[Path]:
    if given.is_dir():
        found = sorted(p for p in given.rglob("*.parquet") if p.is_file())
        if not found:
            raise InputError(f"{given}: a folder with no .parquet files")
        return [p.resolve() for p in found]
    if not given.exists():
        raise InputError(f"{given}: no such file")
    if given.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"{given}: not a CSV or Parquet file (read: {', '.join(SUFFIXES)}, or a folder "
            "of Parquet files)"
        )
    return [given.resolve()]


def _wanted(header: Sequence[str], columns: Columns, path: Path) -> tuple[str, ...]:
    """The names of the id, text and (when present) title columns, checked against ``header``."""
    needed = [columns.id, columns.text]
    if columns.title is not None and columns.title_required:
        needed.append(columns.title)
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(map(repr, missing))}; the header has "
            f"{header_names(header)}"
        )
    title = columns.title if columns.title is not None and columns.title in header else None
    return (columns.id, columns.text, *([title] if title else []))


def _csv_parts(path: Path, columns: Columns, size: int) -> list[Part]:
    import mmap

    from corpus.formulas import restore

    try:
        with path.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size == 0:
                raise InputError(f"{path}: empty file, expected a header")
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with data:
        header_end = _record_end(data, 0, 0)
        try:
            line = data[:header_end].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
        cells = next(csv_rows(line, str(path)), None) if line.strip() else None
        if not cells:
            raise InputError(f"{path}: empty file, expected a header")
        header = [restore(h.strip()) for h in cells]
        names = _wanted(header, columns, path)
        positions = tuple(header.index(name) for name in names)
        parts, start = [], header_end
        while start < len(data):
            end = _record_end(data, start, min(start + size, len(data)))
            parts.append(Part(str(path), "csv", start, end, positions=positions, names=names))
            start = end
    return parts


def _record_end(data: Any, start: int, at: int) -> int:
    """The end of the CSV record that holds byte ``at``, a record starting at ``start``.

    A line break ends a record when an even number of quotes come before it:
    a quote inside a quoted field is written twice, so only the quotes that
    open and close fields change the count's parity.
    """
    odd = data[start:at].count(b'"') % 2
    while True:
        newline = data.find(b"\n", at)
        if newline < 0:
            return len(data)
        odd = (odd + data[at:newline].count(b'"')) % 2
        if not odd:
            return newline + 1
        at = newline + 1


def _parquet_parts(path: Path, columns: Columns, size: int) -> list[Part]:
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # pyarrow's errors for a file that is not Parquet
        raise InputError(f"{path}: not a Parquet file ({type(exc).__name__}: {exc})") from None
    header = metadata.schema.to_arrow_schema().names
    names = _wanted(header, columns, path)
    parts = []
    for group in range(metadata.num_row_groups):
        info = metadata.row_group(group)
        wanted = [info.column(i) for i in range(info.num_columns)]
        nbytes = sum(c.total_uncompressed_size for c in wanted if c.path_in_schema in names)
        rows = info.num_rows
        count = max(1, math.ceil(rows / max(1, math.ceil(nbytes / size))))
        for first in range(0, rows, count):
            last = min(rows, first + count)
            parts.append(Part(str(path), "parquet", first, last, group=group, names=names))
    return parts


_RECORD_META = pd.DataFrame({"doc": pd.Series(dtype=object), "title": [], "text": []})


def read_part(part: Part) -> pd.DataFrame:
    """A partition's records: columns ``doc``, ``title``, ``text``, stripped, empty when missing.

    Raises
    ------
    InputError
        Naming the file when its bytes are not UTF-8 or not CSV, or a cell
        holds more than :data:`corpus.records.MAX_CELL` characters.
    """
    frame = _read_csv_part(part) if part.kind == "csv" else _read_parquet_part(part)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    if part.kind == "csv":
        from corpus.formulas import restore_frame

        frame = restore_frame(frame)
    if "title" not in frame:
        frame["title"] = ""
    for column in frame.columns:
        lengths = frame[column].str.len()
        if len(frame) and lengths.max() > MAX_CELL:
            row = frame.iloc[int(lengths.argmax())]
            raise InputError(
                f"{part.path}, record {row['doc']!r}, field {column!r}: "
                f"{int(lengths.max()):,} characters; a cell holds at most {MAX_CELL:,}"
            )
    return frame[["doc", "title", "text"]]


def _read_csv_part(part: Part) -> pd.DataFrame:
    with open(part.path, "rb") as stream:
        stream.seek(part.start)
        data = stream.read(part.end - part.start)
    order = sorted(range(len(part.positions)), key=part.positions.__getitem__)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            header=None,
            usecols=list(part.positions),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in ("doc", "text", "title")})
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        where = f"bytes {part.start:,} to {part.end:,}"
        raise InputError(f"{part.path}: cannot be read as UTF-8 CSV ({where}: {reason})") from None
    keys = ("doc", "text", "title")
    frame.columns = [keys[i] for i in order]
    return frame.astype(object)


def _read_parquet_part(part: Part) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    count = part.end - part.start
    batches, seen = [], 0
    stream = pq.ParquetFile(part.path).iter_batches(
        batch_size=count, row_groups=[part.group], columns=list(part.names)
    )
    for batch in stream:
        low, high = max(part.start - seen, 0), min(part.end - seen, batch.num_rows)
        if high > low:
            batches.append(batch.slice(low, high - low))
        seen += batch.num_rows
        if seen >= part.end:
            break
    table = pa.Table.from_batches(batches) if batches else None
    frame = {}
    for key, name in zip(("doc", "text", "title"), part.names, strict=False):
        if table is None:
            frame[key] = []
            continue
        values = pc.cast(table.column(name), pa.string()).fill_null("")
        frame[key] = values.to_pylist()
    return pd.DataFrame(frame, dtype=object)


def tally(records: pd.DataFrame) -> pd.DataFrame:
    """One row: how many records a partition holds, and how many lack a text or an id."""
    no_text = records["text"].eq("")
    no_id = records["doc"].eq("") & ~no_text
    return pd.DataFrame(
        {"records": [len(records)], "no_text": [int(no_text.sum())], "no_id": [int(no_id.sum())]}
    )


def page_text(title: str, text: str) -> str:
    """A record's page: its title and text separated by a blank line, as ingest makes them.

    >>> page_text("Clusters", "A cluster is a group of firms."), page_text("", "Only text.")
    ('Clusters\\n\\nA cluster is a group of firms.', 'Only text.')
    """
    return "\n\n".join(part for part in (title, text) if part)


@dataclass(frozen=True)
class Setup:
    """What every worker needs to scan: the concept's terms and the model.

    Attributes
    ----------
    terms : tuple of str
        The words that name the concept.
    model : bytes or None
        The model file's bytes; None for the bundled model.
    min_score : float
        The lowest score kept.
    detector : str
        A saved detector's path; the shipped one when empty.
    """

    terms: tuple[str, ...]
    model: bytes | None
    min_score: float = 0.5
    detector: str = ""

    @property
    def key(self) -> str:
        """A digest of the model's bytes, to find it loaded already."""
        return hashlib.sha256(self.model or b"bundled").hexdigest()


_LOADED: dict[str, Model] = {}
_LOCK = threading.Lock()


def worker_model(setup: Setup) -> Model:
    """The setup's model, loaded once per process (per worker)."""
    from coding.model import load_model

    key = setup.key
    with _LOCK:
        if key not in _LOADED:
            if setup.model is None:
                _LOADED[key] = load_model()
            else:
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "model.zip"
                    path.write_bytes(setup.model)
                    _LOADED[key] = load_model(path)
        return _LOADED[key]


def scan_records(records: pd.DataFrame, setup: Setup, schemes: Sequence[str]) -> pd.DataFrame:
    """The candidates of a partition's records with a proposal per scheme.

    Parameters
    ----------
    records : pandas.DataFrame
        Columns ``doc``, ``title``, ``text`` (:func:`read_part`).
    setup : Setup
        Terms, model and lowest score.
    schemes : sequence of str
        The model's schemes, in order.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`, then ``<scheme>`` and
        ``<scheme>_confidence`` per scheme; in record then character order.
    """
    from corpus.finding.finder import find_in_documents

    kept = records[records["text"].ne("") & records["doc"].ne("")]
    pages = [[page_text(t, a)] for t, a in zip(kept["title"], kept["text"], strict=True)]
    frames = find_in_documents(pages, setup.terms, detector=setup.detector) if pages else []
    found = [
        frame.assign(doc=doc) for doc, frame in zip(kept["doc"], frames, strict=True) if len(frame)
    ]
    columns = [*CANDIDATE_COLUMNS, *(c for s in schemes for c in (s, f"{s}_confidence"))]
    if not found:
        return _typed(pd.DataFrame({c: [] for c in columns}), schemes)
    rows = pd.concat(found, ignore_index=True)
    rows = rows[rows["score"] >= setup.min_score].reset_index(drop=True)
    proposals = worker_model(setup).propose(rows["text"].tolist()) if len(rows) else None
    out = rows[CANDIDATE_COLUMNS].copy()
    for scheme in schemes:
        empty = pd.Series(dtype=object)
        out[scheme] = proposals[scheme].to_numpy() if proposals is not None else empty
        confidence = proposals[f"{scheme}_confidence"] if proposals is not None else []
        out[f"{scheme}_confidence"] = pd.Series(confidence, dtype=float).to_numpy()
    return _typed(out[columns], schemes)


def _typed(frame: pd.DataFrame, schemes: Sequence[str]) -> pd.DataFrame:
    types = {"doc": object, "start": "int64", "end": "int64", "text": object}
    types |= {"score": "float64", "rule": object}
    types |= {s: object for s in schemes} | {f"{s}_confidence": "float64" for s in schemes}
    return frame.astype(types)


def output_schema(schemes: Sequence[str]) -> Any:
    """The Arrow schema of the Parquet files scan writes."""
    import pyarrow as pa

    fields = [
        ("doc", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("score", pa.float64()),
        ("rule", pa.string()),
    ]
    for scheme in schemes:
        fields += [(scheme, pa.string()), (f"{scheme}_confidence", pa.float64())]
    return pa.schema(fields)


@dataclass
class ScanPlan:
    """A scan checked and ready to run: its partitions, what the workers need, where to write.

    Made by :func:`plan_scan`, run by :func:`run_scan`.
    """

    parts: list[Part]
    setup: Setup
    schemes: list[str]
    out: Path
    force: bool = False


def plan_scan(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    columns: Columns | None = None,
    model: str | Path | None = None,
    codebook: Codebook | None = None,
    min_score: float = 0.5,
    partition_size: int = PARTITION_SIZE,
    force: bool = False,
) -> ScanPlan:
    """Check the inputs, the model and the output folder, and cut the inputs into partitions.

    Parameters are those of :func:`scan`. Nothing is started: a bad input
    is found before any worker is.

    Raises
    ------
    InputError
        For a bad input file or model, naming it; ``OutputError`` when
        ``out`` exists (without ``force``).
    """
    from coding.model import bundled_model_path, load_model

    out = Path(out)
    if (out.exists() or out.is_symlink()) and not force:
        raise OutputError(f"{out}: exists; give --force to replace it, or another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file; give the name of a folder to write to")
    model_path = Path(model) if model is not None else bundled_model_path()
    fitted = load_model(model_path)
    if codebook is not None:
        fitted.check_codebook(codebook, model_path)
    book = codebook or fitted.codebook
    try:
        data = model_path.read_bytes() if model is not None else None
    except OSError as exc:
        raise InputError(f"{model_path}: cannot be read ({exc.strerror or exc})") from None
    setup = Setup(tuple(book.terms) or (book.concept,), data, min_score)
    parts = plan_parts(paths, columns or Columns(), partition_size)
    return ScanPlan(parts, setup, list(fitted.classifiers), out, force)


def run_scan(
    plan: ScanPlan,
    client: Client,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> ScanReport:
    """Run a planned scan on ``client``'s cluster; see :func:`scan`."""
    import dask.dataframe as dd
    from distributed import as_completed

    parts, schemes = plan.parts, plan.schemes
    records = dd.from_map(read_part, parts, meta=_RECORD_META, enforce_metadata=False)
    shared = client.scatter(plan.setup, broadcast=True)
    meta = scan_records(_RECORD_META, plan.setup, schemes)
    found = records.map_partitions(scan_records, shared, schemes, meta=meta)
    counts = records.map_partitions(tally, meta=tally(_RECORD_META))

    report = ScanReport(partitions=len(parts))
    folder = _temporary_folder(plan.out)
    try:
        futures = client.compute([*found.to_delayed(), *counts.to_delayed()])
        index = {future.key: number for number, future in enumerate(futures)}
        step = progress(len(parts)) if progress is not None else None
        written = 0
        for future in as_completed(futures):
            number, result = index[future.key], future.result()
            future.release()
            if number >= len(parts):
                report.records += int(result["records"].sum())
                report.no_text += int(result["no_text"].sum())
                report.no_id += int(result["no_id"].sum())
                continue
            if len(result):
                _write_part(folder / f"part-{number:05d}.parquet", result, schemes)
                report.candidates += len(result)
                written += 1
            if step is not None:
                step()
        if not written:
            _write_part(folder / "part-00000.parquet", meta, schemes)
        _replace(folder, plan.out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return report


def scan(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    client: Client,
    columns: Columns | None = None,
    model: str | Path | None = None,
    codebook: Codebook | None = None,
    min_score: float = 0.5,
    partition_size: int = PARTITION_SIZE,
    force: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> ScanReport:
    """Scan records for candidate definitions on a Dask cluster and write them to ``out``.

    Parameters
    ----------
    paths : sequence of str or Path
        CSV or Parquet files, or folders of Parquet files; on a cluster of
        several machines, at the same path on every worker.
    out : str or Path
        The folder of Parquet files to write (``part-00000.parquet`` and on,
        one per partition that has candidates), on this machine.
    client : distributed.Client
        The cluster to run on.
    columns : Columns, optional
        The id, text and title columns; ``id``, ``abstract`` and ``title`` by default.
    model : str or Path, optional
        A model file from ``defcode train``; the bundled model when omitted.
        Its bytes are sent to the workers.
    codebook : Codebook, optional
        The concept's codebook, whose terms are searched; a model trained
        with another is refused. The model's codebook when omitted.
    min_score : float, default=0.5
        The lowest candidate score kept.
    partition_size : int
        About how many bytes of input one partition holds.
    force : bool, default=False
        Replace ``out`` if it exists; otherwise an existing ``out`` is an error.
    progress : callable, optional
        Called with the number of partitions; returns a function called once
        as each partition is written.

    Returns
    -------
    ScanReport

    Raises
    ------
    InputError
        For a bad input file or model, naming it; ``OutputError`` when
        ``out`` exists (without ``force``) or cannot be written. Nothing is
        left behind at ``out`` then.
    """
    plan = plan_scan(
        paths,
        out,
        columns=columns,
        model=model,
        codebook=codebook,
        min_score=min_score,
        partition_size=partition_size,
        force=force,
    )
    return run_scan(plan, client, progress)


def _write_part(path: Path, frame: pd.DataFrame, schemes: Sequence[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, schema=output_schema(schemes), preserve_index=False)
    with atomic_open(path, "wb") as stream:
        pq.write_table(table, stream)


def _temporary_folder(out: Path) -> Path:
    """A new empty folder beside ``out``, to be renamed to it."""
    from corpus.files import make_folder

    make_folder(out.parent if str(out.parent) else Path("."))
    folder = temporary_name(out)
    try:
        folder.mkdir()
    except OSError as exc:
        raise cannot_write(out, exc) from exc
    return folder


def _replace(folder: Path, out: Path) -> None:
    """Rename ``folder`` to ``out``; an existing ``out`` is moved aside first, then removed."""
    aside = None
    try:
        if out.exists():
            aside = temporary_name(out, "old")
            os.replace(out, aside)
        os.replace(folder, out)
    except OSError as exc:
        if aside is not None and not out.exists():
            os.replace(aside, out)
        raise cannot_write(out, exc) from exc
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def read_scan(out: str | Path) -> pd.DataFrame:
    """The candidates a scan wrote to ``out``, in input order, as one data frame."""
    import pyarrow.parquet as pq

    files = sorted(Path(out).glob("part-*.parquet"))
    frames: Iterable[pd.DataFrame] = (pq.read_table(f).to_pandas() for f in files)
    return pd.concat(frames, ignore_index=True)


def peak_memory(client: Client) -> list[int]:
    """Each worker's peak resident memory in bytes (Linux and macOS)."""
    return sorted(client.run(_peak_rss).values())


def _peak_rss() -> int:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
