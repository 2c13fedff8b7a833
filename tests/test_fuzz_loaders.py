"""Fuzz the corpus loaders: any file ends in documents or an ``InputError``, never another error.

Files are made by hypothesis from the pieces each format is built of (tags, braces,
quotes, line ends) and from arbitrary text and bytes. The examples are derandomized,
so that CI runs the same ones each time; all the tests together take seconds.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus import store
from corpus.children import Ahead
from corpus.errors import InputError
from corpus.ingest import _crashed, _read, ingest
from corpus.readers.sources import Source, read_source
from corpus.records import read_records, read_texts
from tests.typeset import _simple_pdf

TERMS = ["cluster"]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_WORDS = st.sampled_from(
    ["cluster", "A cluster is a group of firms.", "Porter (1998)", " ", "\t", "x", "é", "\u2028"]
)
_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\f", "\x00", "\x0b"])
_BIBTEX = st.sampled_from(
    [
        "@article{", "@misc{", "@string{", "@comment{", "@preamble{", "@", "{", "}", ",", "=",
        '"', "#", "\\", "\\href{", "\\'e", "$", "%", "title", "author", "year", "abstract",
        "doi", "key1", "key1,", " = {", "},", "and",
    ]
)  # fmt: skip
_RIS = st.sampled_from(
    ["TY  - ", "ER  - ", "TI  - ", "T1  - ", "AB  - ", "N2  - ", "AU  - ", "PY  - ", "DO  - ",
     "ID  - ", "JO  - ", "XX  - ", "JOUR", "  - ", "-", "1998"]
)  # fmt: skip
_CSV = st.sampled_from(
    ["id", "definition", "text", "authors", "year", "item", ",", '"', '""', ";", "\ufeff"]
)


def _built(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text made of a format's pieces, words, arbitrary text and line ends."""
    return st.lists(st.one_of(pieces, _WORDS, _LINE_ENDS, st.text(max_size=20)), max_size=60).map(
        "".join
    )


_VALUE = st.one_of(_WORDS, st.text(max_size=12), _BIBTEX, _CSV, _LINE_ENDS)
_NAMES = st.sampled_from(
    ["id", "definition", "text", "authors", "year", "item", "note", "", "ID", " text "]
)


def _bibtex_entries() -> st.SearchStrategy[str]:
    """Entries shaped like BibTeX's, with any values: unbalanced braces, stray quotes, macros."""
    field = st.tuples(
        st.sampled_from(["title", "author", "year", "abstract", "doi", "journal", "x"]),
        st.sampled_from(["{}", '""', "{{}}", "{} # {}", "{}"]),
        st.lists(_VALUE, max_size=4).map("".join),
    ).map(lambda f: f"  {f[0]} = {f[1].replace('{}', '{' + f[2] + '}', 1)},\n")
    entry = st.tuples(
        st.sampled_from(["article", "misc", "string", "comment", "book", ""]),
        st.sampled_from(["key1", "key2", "key1", "", "a b", "k{"]),
        st.lists(field, max_size=4).map("".join),
        st.sampled_from(["}\n", "", "}}\n", ")\n"]),
    ).map(lambda e: f"@{e[0]}{{{e[1]},\n{e[2]}{e[3]}")
    return st.lists(st.one_of(entry, _VALUE), max_size=5).map("".join)


def _ris_records() -> st.SearchStrategy[str]:
    """Records shaped like RIS's: tag lines in any order, values of any text."""
    line = st.tuples(
        st.sampled_from(["TY", "ER", "TI", "T1", "AB", "AU", "PY", "DO", "ID", "JO", "N2", "Y1"]),
        st.sampled_from(["  - ", " - ", "  -", "-"]),
        st.lists(_VALUE, max_size=3).map("".join),
        _LINE_ENDS,
    ).map("".join)
    return st.lists(st.one_of(line, _VALUE), max_size=12).map("".join)


def _csv_tables() -> st.SearchStrategy[str]:
    """Tables shaped like CSV: a header of likely names, rows of any cells, quoted or not."""
    cell = st.one_of(
        st.lists(_VALUE, max_size=3).map("".join),
        st.lists(_VALUE, max_size=3).map(lambda v: '"' + "".join(v) + '"'),
    )
    row = st.lists(cell, max_size=5).map(",".join)
    return st.tuples(
        st.lists(_NAMES, min_size=1, max_size=4).map(",".join),
        st.lists(st.tuples(_LINE_ENDS, row).map("".join), max_size=6).map("".join),
    ).map("".join)


def _encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """The text as a file holds it: UTF-8, UTF-16 with a BOM, cp1252 where it fits; or any bytes."""
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])
    as_bytes = st.tuples(text, encodings).map(lambda p: p[0].encode(p[1], errors="replace"))
    marks = st.sampled_from([b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"])
    return st.one_of(as_bytes, st.tuples(marks, st.binary(max_size=300)).map(b"".join))


_FILES = {
    ".bib": _encoded(st.one_of(_bibtex_entries(), _built(_BIBTEX))),
    ".ris": _encoded(st.one_of(_ris_records(), _built(_RIS))),
    ".csv": _encoded(st.one_of(_csv_tables(), _built(_CSV))),
    ".txt": _encoded(_built(st.nothing())),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _read_or_refuse(path):
    """The source read from ``path``, or None when the loader refused it with an InputError."""
    try:
        source = read_source(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)), str(exc)
        return None
    assert source.documents
    assert all(p.startswith(str(path)) for p in source.problems + source.warnings)
    return source


@pytest.mark.parametrize("suffix", sorted(_FILES))
def test_a_loader_reads_a_file_or_refuses_it_with_an_input_error(folder, suffix):
    path = folder / f"file{suffix}"

    @FUZZ
    @given(data=_FILES[suffix])
    @example(data=b"\xff\xfea")  # a UTF-16 mark before an odd number of bytes
    @example(data=b"\xff\xfe\x00\xd8a\x00")  # a UTF-16 mark before a lone surrogate
    def check(data):
        path.write_bytes(data)
        source = _read_or_refuse(path)
        if source is not None:
            for document in source.documents:
                assert document.pages and all(isinstance(p, str) for p in document.pages)

    check()


@FUZZ
@given(text=st.one_of(_csv_tables(), _built(_CSV)))
@example(text='id,definition\r"a\rb",c\r')  # old Mac line ends
def test_csv_records_read_or_refuse_with_an_input_error(text):
    try:
        frame = read_records(io.StringIO(text), required=["id"], optional=["definition"])
    except InputError:
        return
    assert list(frame.columns) == ["id", "definition"]
    assert frame["id"].str.len().gt(0).all()


def test_texts_read_in_chunks_or_refused_with_an_input_error(folder):
    path = folder / "texts.csv"

    @FUZZ
    @given(data=_FILES[".csv"])
    @example(data=b'id,text\na,b\nc,"d\n')  # pandas' parser gives up at the end of the file
    def check(data):
        path.write_bytes(data)
        try:
            chunks = list(read_texts(path, ("definition", "text"), chunksize=2))
        except InputError as exc:
            assert str(exc).startswith(str(path)), str(exc)
            return
        for chunk in chunks:
            assert list(chunk.columns) == ["id", "text"]

    check()


def _mutated_pdf(base: bytes) -> st.SearchStrategy[bytes]:
    """``base`` with a few bytes overwritten, a stretch cut out, or cut short."""
    size = len(base)

    def overwrite(edits):
        data = bytearray(base)
        for at, value in edits:
            data[at % size] = value
        return bytes(data)

    edits = st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 255)), max_size=8)
    cut = st.tuples(st.integers(0, size), st.integers(0, 200)).map(
        lambda p: base[: p[0]] + base[p[0] + p[1] :]
    )
    return st.one_of(edits.map(overwrite), cut, st.integers(0, size).map(lambda n: base[:n]))


_PDF = _simple_pdf([["A cluster is a group of firms.", "Firms grow."], ["Page two."]])


@settings(FUZZ, max_examples=40)
@given(files=st.lists(_mutated_pdf(_PDF), min_size=1, max_size=4))
def test_mangled_pdfs_are_read_or_reported_by_the_reader_child(files):
    # In the reader child, as ingest reads them: a PDFium crash costs the child, not pytest.
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        paths = []
        for number, data in enumerate(files):
            paths.append(os.path.join(name, f"m{number}.pdf"))
            with open(paths[-1], "wb") as stream:
                stream.write(data)
        from pathlib import Path

        items = [(Path(p), str(number)) for number, p in enumerate(paths)]
        with Ahead(items, _read, depth=4, crashed=_crashed) as read:
            for (path, _), result in read:
                if isinstance(result, str):
                    assert result.startswith(str(path)), result
                else:
                    assert isinstance(result, Source) and result.documents[0].pages


_ANY_FILE = st.sampled_from(sorted(_FILES)).flatmap(
    lambda suffix: _FILES[suffix].map(lambda data: (suffix, data))
)


@settings(FUZZ, max_examples=20)
@given(files=st.lists(_ANY_FILE, min_size=1, max_size=5))
def test_ingest_stores_what_it_can_read_and_reports_the_rest(files):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        paths = []
        for number, (suffix, data) in enumerate(files):
            paths.append(folder / f"f{number}{suffix}")
            paths[-1].write_bytes(data)
        report = ingest(paths, folder / "c.db", "cluster", TERMS)
        failed = {p for p in paths if any(f.startswith(f"{p}:") for f in report.failures)}
        assert all(any(f.startswith(str(p)) for p in paths) for f in report.failures)
        assert report.stored + report.unchanged + len(failed) >= len(paths)
        conn = store.connect(folder / "c.db")
        try:
            rows = conn.execute(
                'SELECT p.text, c.start, c."end", c.text FROM candidates c '
                "JOIN pages p ON p.id = c.page_id"
            ).fetchall()
            assert conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == report.stored
        finally:
            conn.close()
        assert len(rows) == report.candidates
        for page, start, end, text in rows:
            assert " ".join(page[start:end].split()) == text
