"""REFI-QDA files that are hostile or broken: ZIP bombs and errors, deep and tricky XML."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from analysis.cli import qda as qda_commands
from analysis.cli.qda import qda_app
from coding.coders import store
from coding.qda import qdpx_import
from coding.qda.qdc import CODEBOOK_NAMESPACE, MAX_XML_DEPTH, PROJECT_NAMESPACE, qdc_to_codebook
from coding.qda.qdpx_import import import_project
from corpus.errors import InputError

runner = CliRunner()
SOURCE = "B1000000-0000-4000-8000-000000000001"
INTERVIEW = "Q: What is a cluster?\nA: Firms close together in a network of suppliers.\n"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(qda_app, name="qda")
    return app


def project_qde(sources: dict[str, str] | None = None, codes: str = "", note: str = "Memo.") -> str:
    """A small project.qde: one code, a note, and a text source per name (coded once)."""
    sources = {SOURCE: INTERVIEW} if sources is None else sources
    texts = "".join(
        f'<TextSource guid="{{{guid}}}" name="{guid}" plainTextPath="internal://{guid}.txt">'
        f'<PlainTextSelection guid="{{{guid[:-1]}9}}" startPosition="0" endPosition="5">'
        '<Coding guid="{D1000000-0000-4000-8000-000000000001}">'
        '<CodeRef targetGUID="{A1000000-0000-4000-8000-000000000002}"/>'
        '<NoteRef targetGUID="{E1000000-0000-4000-8000-000000000001}"/>'
        "</Coding></PlainTextSelection></TextSource>\n"
        for guid in sources
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{PROJECT_NAMESPACE}" '
        'name="Interviews">\n<CodeBook><Codes>\n'
        '<Code guid="{A1000000-0000-4000-8000-000000000001}" name="Schools" isCodable="false">\n'
        '<Code guid="{A1000000-0000-4000-8000-000000000002}" name="Porter" isCodable="true">\n'
        f"<Description>Competition and linked industries.</Description>{codes}</Code>\n"
        f"</Code>\n</Codes></CodeBook>\n<Sources>\n{texts}</Sources>\n<Notes>\n"
        '<Note guid="{E1000000-0000-4000-8000-000000000001}" name="Memo">'
        f"<PlainTextContent>{note}</PlainTextContent></Note>\n</Notes>\n</Project>\n"
    )


@dataclass
class Entry:
    """A ZIP entry as written, whatever it claims: its compressed bytes and header fields."""

    name: str
    payload: bytes
    method: int = 8
    crc: int = 0
    size: int = 0
    flags: int = 0
    compressed: int | None = None


def entry(name: str, data: bytes, **lies) -> Entry:
    """A deflated entry of ``data``; ``lies`` replace its header fields or its payload."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    honest = Entry(name, deflate.compress(data) + deflate.flush(), 8, zlib.crc32(data), len(data))
    return Entry(**(vars(honest) | lies))


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """Write the entries as a ZIP archive with the header fields as given (no ZIP64)."""
    body, directory = b"", b""
    for item in entries:
        name = item.name.encode("utf-8")
        compressed = len(item.payload) if item.compressed is None else item.compressed
        fields = (20, item.flags, item.method, 0, 0x21, item.crc, compressed, item.size)
        directory += struct.pack("<IHHHHHHIII", 0x02014B50, 20, *fields)
        directory += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(body)) + name
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), 0) + name
        body += item.payload
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def zeros_deflated(size: int) -> bytes:
    """Raw deflate data of ``size`` zero bytes (a multiple of 16 MiB), made in a moment.

    A full flush empties the compressor's window, so the 16 MiB block is
    compressed once and its bytes repeated: a valid stream 1/1,000 of the size.
    """
    block = 16 * 2**20
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = deflate.compress(bytes(block)) + deflate.flush(zlib.Z_FULL_FLUSH)
    return repeated * (size // block) + deflate.flush()


def honest_project(path: Path, qde: str | None = None, **texts: bytes) -> Path:
    """A well-made .qdpx of ``qde`` (:func:`project_qde` when None) and source texts."""
    texts = texts or {SOURCE: INTERVIEW.encode("utf-8")}
    qde = project_qde({guid: "" for guid in texts}) if qde is None else qde
    entries = [entry("project.qde", qde.encode("utf-8"))]
    entries += [entry(f"Sources/{guid}.txt", text) for guid, text in texts.items()]
    return write_zip(path, entries)


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def _cli_import(path: Path, db: Path, *options: str):
    return runner.invoke(_app(), ["qda", "import", str(path), "--db", str(db), *options])


# --------------------------------------------------------------------------- ZIP sizes


@pytest.mark.parametrize(
    ("declared", "crc", "message"),
    [
        (
            4_000_000_000,
            0,
            "declares 4,000,000,000 bytes (3,815 MiB) decompressed, over the "
            "limit of 268,435,456 bytes (256 MiB) per entry (--max-entry-size)",
        ),
        (1_000, 0, "a broken entry (Bad CRC-32 for file 'project.qde')"),
        (1_000, zlib.crc32(bytes(1_000)), "line 1: not well-formed XML (Document is empty"),
    ],
    ids=["declares-gigabytes", "declares-1kb", "declares-1kb-with-its-crc"],
)
def test_a_zip_bomb_is_refused_in_a_second_with_bounded_memory(tmp_path, declared, crc, message):
    # 3 MB that decompress to 3 GiB of zeros, declared as 4 GB or as 1 KB: the
    # declared size is refused before anything is decompressed, and a lie stops
    # where the declared size ends.
    bomb = zeros_deflated(3 * 2**30)
    assert len(bomb) < 4 * 2**20
    path = write_zip(
        tmp_path / "bomb.qdpx", [entry("project.qde", b"", payload=bomb, size=declared, crc=crc)]
    )
    conn = store.open_store(tmp_path / "coding.db")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        import_project(path, conn)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(error.value).startswith(f"{path}, project.qde")
    assert message in str(error.value)
    assert elapsed < 1.0
    assert peak < 16 * 2**20
    assert store.items(conn).empty


def test_an_entry_over_the_limit_is_refused_by_its_name(tmp_path):
    text = ("A cluster is a concentration of firms.\n" * 60_000).encode("utf-8")
    assert 2 * 2**20 < len(text) < 3 * 2**20
    path = honest_project(tmp_path / "big.qdpx", **{SOURCE: text})
    conn = store.open_store(tmp_path / "coding.db")
    with pytest.raises(InputError) as error:
        import_project(path, conn, max_entry_size=2**20)
    assert str(error.value) == (
        f"{path}, Sources/{SOURCE}.txt: declares {len(text):,} bytes (2 MiB) decompressed, "
        "over the limit of 1,048,576 bytes (1 MiB) per entry (--max-entry-size)"
    )
    report = import_project(path, conn, max_entry_size=3 * 2**20)
    assert (report.items, report.decisions) == (1, 1)


def test_the_entries_read_are_limited_in_total(tmp_path):
    second = SOURCE[:-1] + "2"
    text = b"x" * 700_000
    path = honest_project(tmp_path / "two.qdpx", **{SOURCE: text, second: text})
    conn = store.open_store(tmp_path / "coding.db")
    with pytest.raises(InputError) as error:
        import_project(path, conn, max_entry_size=2**20, max_total_size=2**20 + 100_000)
    qde = len(project_qde({SOURCE: "", second: ""}).encode("utf-8"))
    left = 2**20 + 100_000 - qde - 700_000
    assert str(error.value) == (
        f"{path}, Sources/{second}.txt: declares 700,000 bytes decompressed, over the "
        f"{left:,} bytes left of the limit on the archive's total (--max-total-size)"
    )
    assert import_project(path, conn, max_total_size=2 * 2**20).items == 2


def test_entries_that_are_not_read_are_not_limited(tmp_path):
    # A real project may hold hours of video: its entries are never decompressed.
    qde = project_qde().replace(
        "</Sources>",
        '<VideoSource guid="{F1000000-0000-4000-8000-000000000001}" name="interview.mp4" '
        'path="internal://interview.mp4"/>\n</Sources>',
    )
    entries = [
        entry("project.qde", qde.encode("utf-8")),
        entry(f"Sources/{SOURCE}.txt", INTERVIEW.encode("utf-8")),
        entry("Sources/interview.mp4", b"", payload=zeros_deflated(2**30), size=4_000_000_000),
    ]
    path = write_zip(tmp_path / "video.qdpx", entries)
    report = import_project(path, store.open_store(tmp_path / "coding.db"))
    assert (report.items, report.decisions) == (1, 1)
    assert any("VideoSource f1000000-" in w and "left out" in w for w in report.warnings)


def test_the_command_line_limits_are_the_module_s_in_mib(tmp_path):
    assert qda_commands.MAX_ENTRY_MIB * 2**20 == qdpx_import.MAX_ENTRY_SIZE
    assert qda_commands.MAX_TOTAL_MIB * 2**20 == qdpx_import.MAX_TOTAL_SIZE
    text = b"y" * (2 * 2**20)
    path = honest_project(tmp_path / "big.qdpx", **{SOURCE: text})
    result = _cli_import(path, tmp_path / "a.db", "--max-entry-size", "1")
    assert result.exit_code == 1
    assert _errors(result.output) == [
        f"error: {path}, Sources/{SOURCE}.txt: declares 2,097,152 bytes (2 MiB) decompressed, "
        "over the limit of 1,048,576 bytes (1 MiB) per entry (--max-entry-size)"
    ]
    result = _cli_import(path, tmp_path / "b.db", "--max-entry-size", "3", "--max-total-size", "2")
    assert result.exit_code == 1
    assert "left of the limit on the archive's total (--max-total-size)" in result.output
    result = _cli_import(path, tmp_path / "c.db", "--max-entry-size", "3")
    assert result.exit_code == 0, result.output
    assert "stored 1 new item(s) and 1 decision(s)" in result.output


# --------------------------------------------------------------------------- ZIP errors

TEXT = f"Sources/{SOURCE}.txt"


def _broken(kind: str) -> list[Entry]:
    """A project whose source text's entry is broken in one way."""
    data = INTERVIEW.encode("utf-8")
    text = {
        "bad-crc": entry(TEXT, data, crc=zlib.crc32(data) ^ 1),
        "broken-deflate": entry(TEXT, data, payload=b"\xff" * 40),
        "cut-deflate": entry(TEXT, data, payload=entry(TEXT, data).payload[:10]),
        "cut-stored": entry(TEXT, data, method=0, payload=data, size=9999, compressed=9999),
        "zstandard": entry(TEXT, data, method=93),
        "bzip2": entry(TEXT, data, method=12),
        "encrypted": entry(TEXT, data, flags=1),
        "winzip-aes": entry(TEXT, data, method=99),
    }[kind]
    return [entry("project.qde", project_qde().encode("utf-8")), text]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("bad-crc", f"{TEXT}: a broken entry (Bad CRC-32 for file '{TEXT}')"),
        (
            "broken-deflate",
            f"{TEXT}: a broken entry (Error -3 while decompressing data: invalid block type)",
        ),
        ("cut-deflate", f"{TEXT}: a broken entry (Bad CRC-32 for file '{TEXT}')"),
        ("cut-stored", f"{TEXT}: a broken entry (its data end early)"),
        (
            "zstandard",
            f"{TEXT}: compression method 93 (Zstandard) is not read; only stored and "
            "deflated entries are",
        ),
        ("bzip2", f"{TEXT}: compression method 12 (bzip2) is not read"),
        ("encrypted", f"{TEXT}: the entry is encrypted; give an archive without password"),
        ("winzip-aes", f"{TEXT}: the entry is encrypted"),
    ],
)
def test_a_broken_entry_is_one_error_line_naming_file_and_entry(tmp_path, kind, message):
    path = write_zip(tmp_path / f"{kind}.qdpx", _broken(kind))
    db = tmp_path / "coding.db"
    result = _cli_import(path, db)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = _errors(result.output)
    assert line.startswith(f"error: {path}, {message}")
    assert store.items(store.open_store(db)).empty


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda data: data[: len(data) // 2], "not a .qdpx (ZIP) archive (File is not a zip file)"),
        (lambda data: data[:-10], "not a .qdpx (ZIP) archive (File is not a zip file)"),
        (lambda data: b"", "not a .qdpx (ZIP) archive (File is not a zip file)"),
    ],
    ids=["half", "end-record-cut", "empty"],
)
def test_a_truncated_archive_is_one_error_line(tmp_path, cut, message):
    path = honest_project(tmp_path / "whole.qdpx")
    path.write_bytes(cut(path.read_bytes()))
    result = _cli_import(path, tmp_path / "coding.db")
    assert result.exit_code == 1
    assert _errors(result.output) == [f"error: {path}: {message}"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ((TEXT, TEXT), f"the archive holds the entry '{TEXT}' twice"),
        (
            (TEXT, TEXT.lower()),
            f"the archive holds the entry '{TEXT.lower()}' twice, as '{TEXT}' and '{TEXT.lower()}'",
        ),
        (("project.qde", "project.qde"), "the archive holds the entry 'project.qde' twice"),
    ],
    ids=["source", "source-in-other-case", "project"],
)
def test_an_entry_name_given_twice_is_refused(tmp_path, names, message):
    entries = [entry("project.qde", project_qde().encode("utf-8"))]
    entries += [entry(name, f"text {number}".encode()) for number, name in enumerate(names)]
    path = write_zip(tmp_path / "twice.qdpx", entries)
    with pytest.raises(InputError) as error:
        import_project(path, store.open_store(tmp_path / "coding.db"))
    assert str(error.value) == f"{path}: {message}"


# --------------------------------------------------------------------------- XML


def _qdc(codes: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}'
        f'<CodeBook xmlns="{CODEBOOK_NAMESPACE}">\n<Codes>\n{codes}</Codes>\n</CodeBook>\n'
    )


def _nested(depth: int) -> str:
    """``depth`` codes, each inside the one before, one start tag a line."""
    opening = "".join(
        f'<Code guid="00000000-0000-4000-8000-{n:012d}" name="level {n}" isCodable="true">\n'
        for n in range(depth)
    )
    return opening + "</Code>" * depth + "\n"


@pytest.mark.parametrize(("depth", "line"), [(150, MAX_XML_DEPTH + 2), (600, 258)])
def test_codes_nested_too_deep_are_one_clear_error(tmp_path, depth, line):
    # The first code is on line 4 at depth 3 (inside CodeBook and Codes): the
    # first too deep is at depth 101, on line 102; deeper than 256 libxml2
    # stops on its own, which gives the same message.
    path = tmp_path / "deep.qdc"
    path.write_text(_qdc(_nested(depth)), encoding="utf-8")
    with pytest.raises(InputError) as error:
        qdc_to_codebook(path)
    assert str(error.value) == f"{path}, line {line}: elements nested more than 100 deep"
    yaml_file = tmp_path / "out.yaml"
    result = runner.invoke(_app(), ["qda", "import-codebook", str(path), "--out", str(yaml_file)])
    assert result.exit_code == 1
    assert _errors(result.output) == [f"error: {error.value}"]
    assert "RecursionError" not in result.output and not yaml_file.exists()


def test_codes_nested_as_deep_as_allowed_are_read(tmp_path):
    path = tmp_path / "deep.qdc"
    path.write_text(_qdc(_nested(MAX_XML_DEPTH - 2)), encoding="utf-8")
    book = qdc_to_codebook(path)
    (categories,) = [s.categories for s in book.schemes.values()]
    assert len(categories) == MAX_XML_DEPTH - 2
    assert categories[0].code == "level 0"  # codable itself, so a category of its own scheme
    assert categories[-1].code.endswith(f"level {MAX_XML_DEPTH - 4} > level {MAX_XML_DEPTH - 3}")


def test_a_project_nested_too_deep_is_one_error_line(tmp_path):
    path = honest_project(tmp_path / "deep.qdpx", project_qde(codes=_nested(600)))
    result = _cli_import(path, tmp_path / "coding.db")
    assert result.exit_code == 1
    (line,) = _errors(result.output)
    assert line.startswith(f"error: {path}, project.qde, line ")
    assert line.endswith(f": elements nested more than {MAX_XML_DEPTH} deep")
    assert len(result.output.splitlines()) == 1


def test_comments_and_entities_do_not_cut_texts(tmp_path):
    qde = project_qde(note="Policy talk, <!-- a comment -->so broad.<?pi data?> The end.")
    qde = qde.replace(
        "<Description>Competition and linked industries.</Description>",
        "<Description>Competition &amp; <!-- x -->linked &co; industries.</Description>",
    ).replace("<Project ", '<!DOCTYPE Project [<!ENTITY co "cooperating">]>\n<Project ', 1)
    inline = qde.replace(
        f'plainTextPath="internal://{SOURCE}.txt">',
        ">\n<PlainTextContent>Q: <!-- asked by Maria -->What is a cluster?</PlainTextContent>",
    )
    conn = store.open_store(tmp_path / "coding.db")
    for name, text in (("file", qde), ("inline", inline)):
        path = honest_project(tmp_path / f"{name}.qdpx", text)
        report = import_project(path, conn)
        porter = report.codebook.schemes["schools"].category("Porter")
        assert porter.description == "Competition & linked &co; industries."
    items = store.items(conn).set_index("id")["text"].to_dict()
    assert items == {f"{SOURCE}:0-5": "Q: Wh"}
    notes = set(store.history(conn)["note"])
    assert notes == {"Policy talk, so broad. The end."}


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE CodeBook [<!ENTITY s SYSTEM "file://{secret}">]>\n',
        '<!DOCTYPE CodeBook [<!ENTITY % p SYSTEM "file://{dtd}"> %p;]>\n',
        '<!DOCTYPE CodeBook SYSTEM "file://{dtd}">\n',
        '<!DOCTYPE CodeBook SYSTEM "http://127.0.0.1:9/codebook.dtd">\n',
    ],
    ids=["external-entity", "parameter-entity", "external-dtd", "dtd-over-the-network"],
)
def test_nothing_a_qdc_names_is_fetched(tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    dtd = tmp_path / "codebook.dtd"
    dtd.write_text(f'<!ENTITY s SYSTEM "file://{secret}">', encoding="utf-8")
    path = tmp_path / "xxe.qdc"
    code = '<Code guid="1" name="A" isCodable="true"><Description>before &s; after</Description>'
    path.write_text(
        _qdc(f"{code}</Code>\n", doctype.format(secret=secret, dtd=dtd)), encoding="utf-8"
    )
    started = time.perf_counter()
    book = qdc_to_codebook(path)
    assert time.perf_counter() - started < 1.0
    assert book.schemes["codes"].category("A").description == "before &s; after"


def test_entities_that_expand_a_billion_times_are_refused(tmp_path):
    entities = '<!ENTITY a0 "laugh">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "laughs.qdc"
    code = '<Code guid="1" name="A" isCodable="true"><Description>&a9;</Description></Code>\n'
    path.write_text(_qdc(code, f"<!DOCTYPE CodeBook [{entities}]>\n"), encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"not well-formed XML \(Maximum entity amplification"):
        qdc_to_codebook(path)
    assert time.perf_counter() - started < 1.0
    assert tracemalloc.get_traced_memory()[1] < 16 * 2**20
    tracemalloc.stop()


def test_a_text_node_over_libxml2_s_limit_is_refused(tmp_path):
    path = tmp_path / "long.qdc"
    code = f'<Code guid="1" name="A" isCodable="true"><Description>{"x" * 10_000_001}'
    path.write_text(_qdc(f"{code}</Description></Code>\n"), encoding="utf-8")
    with pytest.raises(InputError, match=r"long\.qdc, line 4: not well-formed XML \(.*too long"):
        qdc_to_codebook(path)


# --------------------------------------------------------------------------- all or nothing


def test_a_codebook_out_under_a_file_stores_nothing(tmp_path):
    # (A folder as --codebook-out is tests/test_outputs.py's.)
    path = honest_project(tmp_path / "ok.qdpx")
    (tmp_path / "file.txt").write_text("a file", encoding="utf-8")
    out = tmp_path / "file.txt" / "codebook.yaml"
    result = _cli_import(path, tmp_path / "coding.db", "--codebook-out", str(out))
    assert result.exit_code == 1
    assert _errors(result.output) == [
        f"error: {out}: cannot write ({tmp_path / 'file.txt'} is a file, not a folder)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "ok.qdpx"]  # no store


def test_a_failed_import_leaves_no_codebook_out_and_no_temporary_file(tmp_path):
    path = write_zip(tmp_path / "bad.qdpx", _broken("bad-crc"))
    out = tmp_path / "books" / "codebook.yaml"
    result = _cli_import(path, tmp_path / "coding.db", "--codebook-out", str(out))
    assert result.exit_code == 1
    assert list(out.parent.iterdir()) == []
    path = honest_project(tmp_path / "ok.qdpx")
    result = _cli_import(path, tmp_path / "coding.db", "--codebook-out", str(out))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.parent.iterdir()] == ["codebook.yaml"]
    assert "Porter" in out.read_text(encoding="utf-8")
