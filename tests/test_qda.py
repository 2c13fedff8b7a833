"""REFI-QDA exchange: codebooks (.qdc) and projects (.qdpx), checked against the schemas."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from analysis.cli.qda import qda_app
from coding.codebook import load_codebook
from coding.coders import store
from coding.qda.qdc import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    codebook_to_qdc,
    codebook_to_yaml,
    qdc_to_codebook,
)
from coding.qda.qdpx_export import PAGE_BREAK, export_project
from coding.qda.qdpx_import import import_project
from corpus.errors import InputError
from corpus.ingest import ingest

SCHEMAS = Path(__file__).parent / "data" / "refi-qda"
CODEBOOK = load_codebook()
ITEM_COLUMNS = ["id", "text", "doc", "page", "start", "end"]
runner = CliRunner()


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _items(conn: sqlite3.Connection) -> pd.DataFrame:
    return store.items(conn)[ITEM_COLUMNS].reset_index(drop=True)


def _decisions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[store.CODING_COLUMNS].reset_index(drop=True)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(qda_app, name="qda")
    return app


@pytest.fixture
def coded(tmp_path):
    """A store of the 17 seed definitions coded by ann and bob, with notes and a change."""
    conn = store.open_store(tmp_path / "coded.db")
    store.add_bundled_items(conn, CODEBOOK)
    for item, school, breadth in [
        ("porter1998", "Michael Porter", "N"),
        ("enright1996", "Alfred Marshall", "N"),
        ("feser1998", "Italian industrial districts", "B"),
    ]:
        store.record(conn, CODEBOOK, item, "school", "ann", school, "clear case")
        store.record(conn, CODEBOOK, item, "breadth", "ann", breadth)
        store.record(conn, CODEBOOK, item, "breadth", "bob", breadth, "agree with the paper")
    store.record(conn, CODEBOOK, "porter1998", "school", "bob", "Alfred Marshall", "first read")
    store.record(conn, CODEBOOK, "porter1998", "school", "bob", "Michael Porter", "on reflection")
    store.record(
        conn, CODEBOOK, "porter1998", "determinant", "ann", "synergies; local_context", "both"
    )
    store.record(conn, CODEBOOK, "porter1998", "determinant", "bob", "local_context")
    yield conn
    conn.close()


# --------------------------------------------------------------------------- codebooks


def test_qdc_lists_the_schemes_and_their_codes_with_descriptions(tmp_path):
    root = etree.fromstring(codebook_to_qdc(CODEBOOK))
    _schema("Codebook.xsd").assertValid(root)
    assert root.tag == f"{{{CODEBOOK_NAMESPACE}}}CodeBook"
    parents = {code.get("name"): code for code in root.iterfind("{*}Codes/{*}Code")}
    assert list(parents) == [
        "School of clustering",
        "Broad or narrow definition",
        "Cluster determinants",
    ]
    assert {code.get("isCodable") for code in parents.values()} == {"false"}
    schools = parents["School of clustering"].findall("{*}Code")
    assert [c.get("name") for c in schools] == [
        "Alfred Marshall",
        "Italian industrial districts",
        "Economic and industrial geography",
        "Michael Porter",
        "Regional innovation systems and learning regions",
    ]
    breadth = parents["Broad or narrow definition"].findall("{*}Code")
    assert [c.get("name") for c in breadth] == ["B", "N"]
    for scheme, codes in (("school", schools), ("breadth", breadth)):
        categories = CODEBOOK.schemes[scheme].categories
        for code, category in zip(codes, categories, strict=True):
            assert code.get("isCodable") == "true"
            text = code.findtext("{*}Description")
            assert len(category.description) > 40
            assert text.startswith(category.description + "\n\n")
    assert "Label: Broad" in breadth[0].findtext("{*}Description")


def test_guids_are_derived_from_the_codebook_and_stable_across_exports():
    first = codebook_to_qdc(CODEBOOK)
    assert codebook_to_qdc(load_codebook()) == first
    guids = [code.get("guid") for code in etree.fromstring(first).iter("{*}Code")]
    assert len(set(guids)) == len(guids) == 3 + 5 + 2 + len(CODEBOOK.schemes["determinant"].codes)
    assert all(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", g) for g in guids)


def _exchanged(book):
    """What a REFI-QDA codebook carries: not the report settings nor where keywords come from."""
    schemes = {
        name: replace(
            scheme,
            categories=tuple(replace(c, keyword_sources=()) for c in scheme.categories),
        )
        for name, scheme in book.schemes.items()
    }
    return replace(book, path="", report=None, schemes=schemes)


def test_qdc_read_back_and_written_as_yaml_gives_the_same_codebook(tmp_path):
    qdc = tmp_path / "cluster.qdc"
    qdc.write_bytes(codebook_to_qdc(CODEBOOK))
    back = qdc_to_codebook(qdc)
    assert back.report is None
    assert _exchanged(back) == _exchanged(CODEBOOK)
    yaml_file = tmp_path / "codebook.yaml"
    yaml_file.write_text(codebook_to_yaml(back), encoding="utf-8")
    assert _exchanged(load_codebook(yaml_file)) == _exchanged(CODEBOOK)


def test_a_foreign_qdc_becomes_schemes_of_its_top_level_codes(tmp_path):
    qdc = tmp_path / "topics.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CodeBook xmlns="{CODEBOOK_NAMESPACE}" origin="ATLAS.ti">\n'
        "<Codes>\n"
        '  <Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Topics" isCodable="false">\n'
        '    <Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Economy" isCodable="true">\n'
        "      <Description>Jobs, taxes or business</Description>\n"
        '      <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Taxes" isCodable="true"/>\n'
        "    </Code>\n"
        "  </Code>\n"
        '  <Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Liberals" isCodable="true"/>\n'
        "</Codes>\n"
        "</CodeBook>\n",
        encoding="utf-8",
    )
    _schema("Codebook.xsd").assertValid(etree.parse(str(qdc)))
    book = qdc_to_codebook(qdc)
    assert book.concept == "topics"
    assert list(book.schemes) == ["topics", "codes"]
    assert book.schemes["topics"].codes == ["Economy", "Economy > Taxes"]
    assert book.schemes["topics"].categories[0].description == "Jobs, taxes or business"
    assert book.schemes["topics"].multiple
    assert book.schemes["codes"].codes == ["Liberals"]
    (tmp_path / "topics.yaml").write_text(codebook_to_yaml(book), encoding="utf-8")
    assert load_codebook(tmp_path / "topics.yaml").schemes == book.schemes


def test_a_qdc_that_is_not_xml_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_text("<CodeBook>\n<Codes>\n</CodeBook>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.qdc, line 3: not well-formed XML"):
        qdc_to_codebook(bad)


# --------------------------------------------------------------------------- projects


def test_coded_seed_definitions_round_trip_with_zero_differences(coded, tmp_path):
    out = tmp_path / "seed.qdpx"
    report = export_project(coded, out, CODEBOOK)
    assert (report.sources, report.items, report.users) == (17, 17, 2)
    assert (report.decisions, report.codings, report.notes) == (13, 14, 9)
    root = _qde(out)
    _schema("Project-mrt2019.xsd").assertValid(root)
    assert root.tag == f"{{{PROJECT_NAMESPACE}}}Project"
    assert [u.get("name") for u in root.iterfind("{*}Users/{*}User")] == ["ann", "bob"]
    with zipfile.ZipFile(out) as archive:
        texts = {
            name.removeprefix("Sources/").removesuffix(".txt"): archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("Sources/")
        }
    seeds = dict(zip(_items(coded)["id"], _items(coded)["text"], strict=True))
    spans = {}
    for source in root.iterfind("{*}Sources/{*}TextSource"):
        text = texts[source.get("guid")]
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        for selection in source.iterfind("{*}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            spans[selection.get("name")] = text[start:end]
    assert spans == seeds

    conn = store.open_store(tmp_path / "empty.db")
    back = import_project(out, conn)
    assert (back.items, back.decisions, back.skipped) == (17, 13, 0)
    assert back.derived and _exchanged(back.codebook) == _exchanged(CODEBOOK)
    pd.testing.assert_frame_equal(_items(conn), _items(coded))
    pd.testing.assert_frame_equal(_decisions(store.current(conn)), _decisions(store.current(coded)))
    pd.testing.assert_frame_equal(_decisions(store.history(conn)), _decisions(store.history(coded)))
    assert set(store.history(conn)["source"]) == {"import"}

    again = import_project(out, conn, CODEBOOK)
    assert (again.items, again.decisions, again.skipped) == (0, 0, 13)
    assert _count(conn, "decisions") == 13


def test_a_re_export_gives_the_same_project(coded, tmp_path):
    export_project(coded, tmp_path / "one.qdpx", CODEBOOK)
    export_project(coded, tmp_path / "two.qdpx", CODEBOOK)
    assert (tmp_path / "one.qdpx").read_bytes() == (tmp_path / "two.qdpx").read_bytes()
    conn = store.open_store(tmp_path / "copy.db")
    import_project(tmp_path / "one.qdpx", conn, CODEBOOK)
    export_project(conn, tmp_path / "three.qdpx", CODEBOOK)
    first, third = _qde(tmp_path / "one.qdpx"), _qde(tmp_path / "three.qdpx")
    assert [e.get("guid") for e in first.iter()] == [e.get("guid") for e in third.iter()]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    """A corpus of one two-page text with non-ASCII characters before its definition."""
    folder = tmp_path_factory.mktemp("corpus")
    paper = folder / "\u00e5land.txt"
    paper.write_text(
        "Introduction \u2013 \u00c5land \U0001f30d notes.\n\nNothing here.\f\n"
        "Second page \u2013 \u00d8 \U0001f680.\n\nA cluster is a geographic\nconcentration of "
        "interconnected firms and institutions in a particular field. The weather was fine.\n",
        encoding="utf-8",
    )
    db = folder / "corpus.db"
    ingest([paper], db, "cluster", list(CODEBOOK.terms))
    conn = store.open_store(db)
    store.add_candidate_items(conn, "cluster")
    conn.close()
    return db


def test_corpus_items_keep_document_page_and_offsets_counted_in_characters(corpus_db, tmp_path):
    conn = store.open_store(tmp_path / "corpus.db")
    source = sqlite3.connect(corpus_db)
    source.backup(conn)
    source.close()
    item = store.items(conn).iloc[0]
    assert (item["doc"], item["page"]) == ("\u00e5land", 2)
    store.record(conn, CODEBOOK, item["id"], "school", "ann", "Michael Porter")
    out = tmp_path / "corpus.qdpx"
    export_project(conn, out, CODEBOOK)
    root = _qde(out)
    _schema("Project-mrt2019.xsd").assertValid(root)
    source = root.find("{*}Sources/{*}TextSource")
    selection = source.find("{*}PlainTextSelection")
    with zipfile.ZipFile(out) as archive:
        raw = archive.read(f"Sources/{source.get('guid')}.txt")
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    text = raw.decode("utf-8")
    pages = conn.execute("SELECT text FROM pages ORDER BY number").fetchall()
    assert text == PAGE_BREAK.join(page for (page,) in pages)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert start == len(pages[0][0]) + len(PAGE_BREAK) + item["start"]
    assert start < len(text[:start].encode("utf-8"))  # characters, not UTF-8 bytes
    assert " ".join(text[start:end].split()) == item["text"]
    assert selection.get("name") == item["id"]

    empty = store.open_store(tmp_path / "empty.db")
    import_project(out, empty, CODEBOOK)
    pd.testing.assert_frame_equal(_items(empty), _items(conn))
    assert store.current(empty)["value"].tolist() == ["Michael Porter"]


def test_items_of_one_document_share_a_text_with_lf_endings_and_no_bom(tmp_path):
    conn = store.open_store(tmp_path / "csv.db")
    first, second = (
        "Un cluster \u2013 premi\u00e8re\r\nligne.",
        "Second \U0001f680 d\u00e9finition.",
    )
    frame = pd.DataFrame({"id": ["a1", "a2"], "text": [first, second], "doc": ["paper"] * 2})
    store.add_items(conn, frame, concept="cluster", origin="csv")
    store.record(conn, CODEBOOK, "a2", "breadth", "ann", "B", "emoji and all")
    out = tmp_path / "csv.qdpx"
    export_project(conn, out, CODEBOOK)
    root = _qde(out)
    _schema("Project-mrt2019.xsd").assertValid(root)
    (source,) = root.iterfind("{*}Sources/{*}TextSource")
    with zipfile.ZipFile(out) as archive:
        raw = archive.read(f"Sources/{source.get('guid')}.txt")
    text = raw.decode("utf-8")
    assert text == "Un cluster \u2013 premi\u00e8re\nligne.\n\nSecond \U0001f680 d\u00e9finition."
    assert not raw.startswith(b"\xef\xbb\xbf")
    spans = {
        s.get("name"): (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in source.iterfind("{*}PlainTextSelection")
    }
    assert spans == {"a1": (0, 28), "a2": (30, 50)}  # code points: the rocket is one
    assert text[30:50] == second
    descriptions = [s.findtext("{*}Description") for s in source.iterfind("{*}PlainTextSelection")]
    assert descriptions == [f"Item text: {first}", None]

    empty = store.open_store(tmp_path / "empty.db")
    import_project(out, empty)
    pd.testing.assert_frame_equal(_items(empty), _items(conn))
    pd.testing.assert_frame_equal(_decisions(store.history(empty)), _decisions(store.history(conn)))


def _write_qdpx(path: Path, qde: str, texts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        for name, text in texts.items():
            archive.writestr(f"Sources/{name}", text.encode("utf-8"))
    return path


INTERVIEW = "Q: What is a cluster?\nA: Firms close together \u2013 \u00e5 network of suppliers.\n"
FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NAMESPACE}" name="Interviews" origin="QualCoder 3.5"
    creatingUserGUID="{{7C3D4E1A-0000-4000-8000-000000000001}}">
  <Users>
    <User guid="{{7C3D4E1A-0000-4000-8000-000000000001}}" name="Maria"/>
    <User guid="{{7C3D4E1A-0000-4000-8000-000000000002}}" name="Jonas"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{{A1000000-0000-4000-8000-000000000001}}" name="Schools" isCodable="false">
        <Code guid="{{A1000000-0000-4000-8000-000000000002}}" name="Porter" isCodable="true"
            color="#FF0000">
          <Description>Competition and linked industries.</Description>
          <Code guid="{{A1000000-0000-4000-8000-000000000003}}" name="Suppliers" isCodable="true"/>
        </Code>
      </Code>
      <Code guid="{{A1000000-0000-4000-8000-000000000004}}" name="Breadth" isCodable="false">
        <Code guid="{{A1000000-0000-4000-8000-000000000005}}" name="Broad" isCodable="true"/>
      </Code>
      <Code guid="{{A1000000-0000-4000-8000-000000000006}}" name="Quotable" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{{B1000000-0000-4000-8000-000000000001}}" name="interview 1.txt"
        plainTextPath="internal://B1000000-0000-4000-8000-000000000001.txt"
        creatingUser="{{7C3D4E1A-0000-4000-8000-000000000001}}"
        creationDateTime="2021-03-05T10:00:00Z">
      <PlainTextSelection guid="{{C1000000-0000-4000-8000-000000000001}}"
          name="Firms close together" startPosition="25" endPosition="71"
          creatingUser="{{7C3D4E1A-0000-4000-8000-000000000001}}"
          creationDateTime="2021-03-05T10:20:30Z">
        <Description>Reads like Porter's diamond.</Description>
        <Coding guid="{{D1000000-0000-4000-8000-000000000001}}"
            creatingUser="{{7C3D4E1A-0000-4000-8000-000000000001}}"
            creationDateTime="2021-03-05T10:20:30Z">
          <CodeRef targetGUID="{{A1000000-0000-4000-8000-000000000002}}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{{C1000000-0000-4000-8000-000000000002}}"
          name="Firms close together" startPosition="25" endPosition="71"
          creatingUser="{{7C3D4E1A-0000-4000-8000-000000000001}}"
          creationDateTime="2021-03-05T10:25:00Z">
        <Coding guid="{{D1000000-0000-4000-8000-000000000002}}"
            creatingUser="{{7C3D4E1A-0000-4000-8000-000000000001}}"
            creationDateTime="2021-03-05T10:25:00Z">
          <CodeRef targetGUID="{{A1000000-0000-4000-8000-000000000003}}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{{C1000000-0000-4000-8000-000000000003}}"
          startPosition="25" endPosition="71">
        <Coding guid="{{D1000000-0000-4000-8000-000000000003}}"
            creatingUser="{{7C3D4E1A-0000-4000-8000-000000000002}}"
            creationDateTime="2021-03-06T09:00:00+01:00">
          <CodeRef targetGUID="{{A1000000-0000-4000-8000-000000000005}}"/>
          <NoteRef targetGUID="{{E1000000-0000-4000-8000-000000000001}}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{{E1000000-0000-4000-8000-000000000001}}" name="Memo"
        creatingUser="{{7C3D4E1A-0000-4000-8000-000000000002}}">
      <PlainTextContent>Policy talk, so broad.</PlainTextContent>
    </Note>
  </Notes>
</Project>
"""


def test_a_qualcoder_shaped_project_imports_with_a_codebook_of_its_own(tmp_path):
    path = _write_qdpx(
        tmp_path / "interviews.qdpx",
        FOREIGN,
        {"B1000000-0000-4000-8000-000000000001.txt": INTERVIEW},
    )
    _schema("Project-mrt2019.xsd").assertValid(_qde(path))
    conn = store.open_store(tmp_path / "coding.db")
    report = import_project(path, conn)
    assert report.derived
    book = report.codebook
    assert book.concept == "Interviews"
    assert {name: s.codes for name, s in book.schemes.items()} == {
        "schools": ["Porter", "Porter > Suppliers"],
        "breadth": ["Broad"],
        "codes": ["Quotable"],
    }
    assert book.schemes["schools"].category("Porter").description == (
        "Competition and linked industries."
    )
    found = _items(conn)
    assert found.to_dict("records") == [
        {
            "id": "interview 1.txt:25-71",
            "text": INTERVIEW[25:71],
            "doc": "interview 1.txt",
            "page": None,
            "start": 25,
            "end": 71,
        }
    ]
    assert INTERVIEW[25:71].startswith("Firms close together \u2013 \u00e5 network")
    decisions = _decisions(store.current(conn)).to_dict("records")
    assert decisions == [
        {
            "item": "interview 1.txt:25-71",
            "scheme": "breadth",
            "coder": "Jonas",
            "value": "Broad",
            "note": "Policy talk, so broad.",
            "timestamp": "2021-03-06T08:00:00.000000+00:00",
        },
        {
            "item": "interview 1.txt:25-71",
            "scheme": "schools",
            "coder": "Maria",
            "value": "Porter; Porter > Suppliers",
            "note": "Reads like Porter's diamond.",
            "timestamp": "2021-03-05T10:25:00.000000+00:00",
        },
    ]


def test_a_foreign_project_maps_to_a_given_codebook_by_name(tmp_path):
    qde = (
        FOREIGN.replace('name="Schools"', 'name="School of clustering"')
        .replace('name="Porter"', 'name="Michael Porter"')
        .replace('name="Breadth"', 'name="Broad or narrow definition"')
    )
    path = _write_qdpx(
        tmp_path / "named.qdpx", qde, {"B1000000-0000-4000-8000-000000000001.txt": INTERVIEW}
    )
    conn = store.open_store(tmp_path / "coding.db")
    with pytest.raises(InputError, match=r"a1000000-0000-4000-8000-000000000003 \(Suppliers\)"):
        import_project(path, conn, CODEBOOK)
    without = re.sub(
        r"<PlainTextSelection guid=\"\{C1[^>]*02\}\".*?</PlainTextSelection>", "", qde, flags=re.S
    )
    path = _write_qdpx(
        tmp_path / "named.qdpx", without, {"B1000000-0000-4000-8000-000000000001.txt": INTERVIEW}
    )
    report = import_project(path, conn, CODEBOOK)
    assert not report.derived
    current = store.current(conn)
    assert dict(zip(current["scheme"], current["value"], strict=True)) == {
        "breadth": "B",
        "school": "Michael Porter",
    }


@pytest.mark.parametrize("given", [True, False], ids=["given-codebook", "project-codebook"])
def test_an_unknown_code_guid_is_refused_by_guid_and_line_and_nothing_is_stored(
    coded, tmp_path, given
):
    out = tmp_path / "seed.qdpx"
    export_project(coded, out, CODEBOOK)
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    qde = files["project.qde"].decode("utf-8")
    target = re.search(r'<CodeRef targetGUID="([^"]+)"', qde).group(1)
    stranger = "0badc0de-0000-4000-8000-00000000beef"
    qde = qde.replace(f'<CodeRef targetGUID="{target}"', f'<CodeRef targetGUID="{stranger}"', 1)
    line = qde[: qde.index(stranger)].count("\n") + 1
    files["project.qde"] = qde.encode("utf-8")
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)

    conn = store.open_store(tmp_path / "target.db")
    store.add_bundled_items(conn, CODEBOOK)
    store.record(conn, CODEBOOK, "porter1998", "school", "carl", "Michael Porter")
    before = (_count(conn, "items"), _count(conn, "decisions"))
    with pytest.raises(InputError) as error:
        import_project(bad, conn, CODEBOOK if given else None)
    message = str(error.value)
    assert message.count("\n") == 1  # one problem, on one line
    assert f"bad.qdpx, project.qde, line {line}: Coding " in message
    assert f"code {stranger} is not in the CodeBook" in message
    assert "nothing was stored" in message
    assert (_count(conn, "items"), _count(conn, "decisions")) == before


def test_a_selection_outside_its_source_is_refused_by_guid_and_line(tmp_path):
    # The interview is 72 characters (code points) long, 75 bytes in UTF-8
    # (the en dash takes 3 bytes, the a-ring 2): the message counts characters.
    assert (len(INTERVIEW), len(INTERVIEW.encode("utf-8"))) == (72, 75)
    qde = FOREIGN.replace(
        'startPosition="25" endPosition="71"', 'startPosition="25" endPosition="500"', 1
    )
    line = qde[: qde.index("{C1000000-0000-4000-8000-000000000001}")].count("\n") + 1
    path = _write_qdpx(
        tmp_path / "long.qdpx", qde, {"B1000000-0000-4000-8000-000000000001.txt": INTERVIEW}
    )
    conn = store.open_store(tmp_path / "coding.db")
    store.add_bundled_items(conn, CODEBOOK)
    store.record(conn, CODEBOOK, "porter1998", "school", "carl", "Michael Porter")
    before = (_count(conn, "items"), _count(conn, "decisions"))
    with pytest.raises(InputError) as error:
        import_project(path, conn)
    assert str(error.value).splitlines()[1:] == [
        f"{path}, project.qde, line {line}: PlainTextSelection "
        "c1000000-0000-4000-8000-000000000001: characters 25-500 lie outside its source's "
        "text (72 characters)"
    ]
    assert "nothing was stored" in str(error.value).splitlines()[0]
    assert (_count(conn, "items"), _count(conn, "decisions")) == before == (17, 1)


def test_an_item_the_store_holds_with_another_text_is_refused_whole(coded, tmp_path):
    out = tmp_path / "seed.qdpx"
    export_project(coded, out, CODEBOOK)
    conn = store.open_store(tmp_path / "other.db")
    store.add_items(
        conn,
        pd.DataFrame({"id": ["porter1998"], "text": ["Something else."]}),
        concept="cluster",
        origin="csv",
    )
    with pytest.raises(InputError, match="item 'porter1998' is already in the store"):
        import_project(out, conn, CODEBOOK)
    assert (_count(conn, "items"), _count(conn, "decisions")) == (1, 0)


# --------------------------------------------------------------------------- command line


def test_qda_commands_export_and_import_codebooks_and_projects(coded, tmp_path):
    app = _app()
    qdc, yaml_file = tmp_path / "cluster.qdc", tmp_path / "codebook.yaml"
    result = runner.invoke(app, ["qda", "export-codebook", "--out", str(qdc)])
    assert result.exit_code == 0, result.output
    assert "3 schemes" in result.output
    result = runner.invoke(app, ["qda", "import-codebook", str(qdc), "--out", str(yaml_file)])
    assert result.exit_code == 0, result.output
    assert _exchanged(load_codebook(yaml_file)) == _exchanged(CODEBOOK)

    db, qdpx, copy = tmp_path / "coded.db", tmp_path / "seed.qdpx", tmp_path / "copy.db"
    result = runner.invoke(app, ["qda", "export", "--db", str(db), "--out", str(qdpx)])
    assert result.exit_code == 0, result.output
    assert "17 item(s), 13 decision(s)" in result.output
    result = runner.invoke(
        app,
        ["qda", "import", str(qdpx), "--db", str(copy), "--codebook-out", str(tmp_path / "c.yaml")],
    )
    assert result.exit_code == 0, result.output
    assert "made codebook 'cluster'" in result.output
    assert "stored 17 new item(s) and 13 decision(s)" in result.output
    assert _exchanged(load_codebook(tmp_path / "c.yaml")).schemes == _exchanged(CODEBOOK).schemes


def test_qda_import_of_a_bad_file_exits_1_with_the_message(tmp_path):
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip", encoding="utf-8")
    result = runner.invoke(_app(), ["qda", "import", str(bad), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "not a .qdpx (ZIP) archive" in result.output
    assert "Traceback" not in result.output
