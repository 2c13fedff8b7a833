"""Fuzz the REFI-QDA loaders (.qdc, .qdpx) and the codebook YAML loader.

Each input, however broken, must load or end in an InputError (on the command
line: one ``error:`` line and exit status 1); any other exception is a bug.
Inputs are valid files mutated (bytes flipped, cut, elements moved, attribute
values replaced), and XML built at random from the REFI-QDA schemas' element
and attribute names. The examples are derandomized, so that a failure on CI
is the same on every machine; all together they run in a few seconds.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from analysis.cli import app as cli_app
from analysis.cli.qda import qda_app
from coding.codebook import bundled_codebook_path, load_codebook
from coding.coders import store
from coding.qda.qdc import CODEBOOK_NAMESPACE, PROJECT_NAMESPACE, codebook_to_qdc, qdc_to_codebook
from coding.qda.qdpx_export import export_project
from coding.qda.qdpx_import import import_project
from corpus.errors import InputError

SCHEMAS = Path(__file__).parent / "data" / "refi-qda"
_XS = "{http://www.w3.org/2001/XMLSchema}"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
runner = CliRunner()


def _schema_names(name: str, kind: str) -> list[str]:
    root = etree.parse(str(SCHEMAS / name)).getroot()
    return sorted({node.get("name") for node in root.iter(f"{_XS}{kind}") if node.get("name")})


PROJECT_ELEMENTS = _schema_names("Project-mrt2019.xsd", "element")
CODEBOOK_ELEMENTS = _schema_names("Codebook.xsd", "element")
ATTRIBUTES = _schema_names("Project-mrt2019.xsd", "attribute")
GUIDS = [f"a1000000-0000-4000-8000-00000000000{n}" for n in range(4)]
SOURCE = "b1000000-0000-4000-8000-000000000001"
TEXT = "Q: What is a cluster?\nA: Firms close together \u2013 \u00e5 network of suppliers.\n"

# Attribute values that mean something to the readers, and some that break them.
values = st.one_of(
    st.sampled_from(GUIDS + [f"{{{g.upper()}}}" for g in GUIDS] + [SOURCE]),
    st.integers(-5, 120).map(str),
    st.sampled_from(
        [
            "true",
            "false",
            "1",
            "",
            " ",
            "2021-03-05T10:20:30Z",
            "2021-13-05T10:20:30",
            f"internal://{SOURCE}.txt",
            "internal://../../etc/passwd",
            "file:///etc/passwd",
            "defcode 0.1",
            "Page starts: 0,5,3",
        ]
    ),
    st.text(max_size=12),
)
texts = st.one_of(
    st.sampled_from(
        ["", "Scheme: s\nMultiple: yes", "Label: L", "Item text: x", "Concept: c\nTerms: a; b"]
    ),
    st.text(max_size=30),
)


def _xml_safe(text: str) -> str:
    return re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)


def _random_tree(names: list[str], namespace: str, root: str):
    """XML documents of random elements (names from the schema) and attributes."""
    element = st.tuples(
        st.sampled_from(names),
        st.dictionaries(st.sampled_from(ATTRIBUTES), values, max_size=4),
        texts,
    )
    tree = st.recursive(
        st.tuples(element, st.just([])),
        lambda children: st.tuples(element, st.lists(children, max_size=4)),
        max_leaves=25,
    )

    def build(parent: etree._Element, node) -> None:
        (tag, attributes, text), children = node
        child = etree.SubElement(parent, f"{{{namespace}}}{tag}")
        for key, value in attributes.items():
            child.set(key, _xml_safe(value))
        child.text = _xml_safe(text) or None
        for grandchild in children:
            build(child, grandchild)

    def document(nodes) -> bytes:
        top = etree.Element(f"{{{namespace}}}{root}", nsmap={None: namespace})
        for node in nodes:
            build(top, node)
        return etree.tostring(top, xml_declaration=True, encoding="UTF-8")

    return st.lists(tree, max_size=4).map(document)


@st.composite
def _bytes_mutated(draw, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, some inserted or deleted, or cut short."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return bytes(data)


@st.composite
def _tree_mutated(draw, data: bytes) -> bytes:
    """``data`` (XML) with elements removed, repeated or moved and attribute values replaced."""
    root = etree.fromstring(data)
    for _ in range(draw(st.integers(1, 5))):
        nodes = [node for node in root.iter() if isinstance(node.tag, str)]
        node = draw(st.sampled_from(nodes))
        action = draw(st.sampled_from(["attribute", "attribute", "remove", "copy", "move", "text"]))
        parent = node.getparent()
        if action == "attribute":
            node.set(draw(st.sampled_from(ATTRIBUTES)), _xml_safe(draw(values)))
        elif action == "text":
            node.text = _xml_safe(draw(texts))
        elif parent is None:
            continue
        elif action == "remove":
            parent.remove(node)
        elif action == "copy":
            parent.insert(parent.index(node), etree.fromstring(etree.tostring(node)))
        else:
            target = draw(st.sampled_from(nodes))
            if node not in target.iterancestors() and target is not node:
                target.append(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _foreign_qde() -> bytes:
    codes = "".join(
        f'<Code guid="{{{guid}}}" name="code {n}" isCodable="{str(n > 0).lower()}">'
        + ("" if n == 0 else "</Code>")
        for n, guid in enumerate(GUIDS)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{PROJECT_NAMESPACE}" '
        'name="Interviews" creatingUserGUID="{C0000000-0000-4000-8000-000000000001}">\n'
        '<Users><User guid="{C0000000-0000-4000-8000-000000000001}" name="Maria"/></Users>\n'
        f"<CodeBook><Codes>{codes}</Code></Codes></CodeBook>\n<Sources>\n"
        f'<TextSource guid="{{{SOURCE}}}" name="interview" plainTextPath="internal://{SOURCE}.txt">'
        '<PlainTextSelection guid="{D1000000-0000-4000-8000-000000000001}" startPosition="25" '
        'endPosition="71" creationDateTime="2021-03-05T10:20:30Z"><Description>Memo</Description>'
        '<Coding guid="{E1000000-0000-4000-8000-000000000001}">'
        f'<CodeRef targetGUID="{{{GUIDS[1]}}}"/>'
        '<NoteRef targetGUID="{F1000000-0000-4000-8000-000000000001}"/></Coding>'
        "</PlainTextSelection></TextSource>\n</Sources>\n<Notes>"
        '<Note guid="{F1000000-0000-4000-8000-000000000001}"><PlainTextContent>A note'
        "</PlainTextContent></Note></Notes>\n</Project>\n"
    ).encode()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@functools.cache
def _projects(workdir: Path) -> dict[str, dict[str, bytes]]:
    """The entries of two valid projects: a foreign one and one defcode wrote.

    Not a fixture: hypothesis would print it with every failing example.
    """
    book = load_codebook()
    conn = store.open_store(workdir / "seed.db")
    store.add_bundled_items(conn, book)
    store.record(conn, book, "porter1998", "school", "ann", "Michael Porter", "clear")
    store.record(conn, book, "porter1998", "determinant", "bob", "synergies; local_context")
    store.record(conn, book, "feser1998", "breadth", "ann", "B")
    export_project(conn, workdir / "seed.qdpx", book)
    conn.close()
    with zipfile.ZipFile(workdir / "seed.qdpx") as archive:
        seed = {name: archive.read(name) for name in archive.namelist()}
    foreign = {"project.qde": _foreign_qde(), f"Sources/{SOURCE}.txt": TEXT.encode("utf-8")}
    for name, entries, decisions in (("seed", seed, 3), ("foreign", foreign, 1)):
        (workdir / f"{name}-copy.qdpx").write_bytes(_zip(entries))
        conn = store.open_store(workdir / f"{name}-check.db")
        report = import_project(workdir / f"{name}-copy.qdpx", conn)
        assert (report.decisions, report.warnings) == (decisions, []), name
        conn.close()
    return {"defcode": seed, "foreign": foreign}


def _loads_or_refuses(load) -> None:
    """Call ``load``: it must return, or raise an InputError with a message."""
    try:
        load()
    except InputError as exc:
        assert str(exc).strip()
        event("refused: " + re.sub(r"^.*?(line \d+)?: ", "", str(exc).splitlines()[0])[:40])
    else:
        event("loaded")


def _cli_loads_or_refuses(app: typer.Typer, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == (result.exit_code == 1), result.output


# --------------------------------------------------------------------------- .qdc

QDC = codebook_to_qdc(load_codebook())
qdc_inputs = st.one_of(
    _bytes_mutated(QDC),
    _tree_mutated(QDC),
    _random_tree(CODEBOOK_ELEMENTS, CODEBOOK_NAMESPACE, "CodeBook"),
)


@FUZZ
@given(data=qdc_inputs)
def test_fuzzed_qdc_loads_or_is_refused(workdir, data):
    path = workdir / "fuzzed.qdc"
    path.write_bytes(data)
    _loads_or_refuses(lambda: qdc_to_codebook(path))


@settings(FUZZ, max_examples=15)
@given(data=qdc_inputs)
def test_fuzzed_qdc_import_codebook_is_one_error_line_or_a_codebook(workdir, data):
    path = workdir / "cli.qdc"
    path.write_bytes(data)
    app = typer.Typer()
    app.add_typer(qda_app, name="qda")
    _cli_loads_or_refuses(
        app, ["qda", "import-codebook", str(path), "--out", str(workdir / "o.yaml")]
    )


# --------------------------------------------------------------------------- .qdpx


@st.composite
def qdpx_inputs(draw, projects: dict[str, dict[str, bytes]]) -> bytes:
    entries = dict(projects[draw(st.sampled_from(sorted(projects)))])
    level = draw(st.sampled_from(["archive", "qde-bytes", "qde-tree", "random-qde", "text"]))
    if level == "archive":
        return draw(_bytes_mutated(_zip(entries)))
    if level == "qde-bytes":
        entries["project.qde"] = draw(_bytes_mutated(entries["project.qde"]))
    elif level == "qde-tree":
        entries["project.qde"] = draw(_tree_mutated(entries["project.qde"]))
    elif level == "random-qde":
        entries["project.qde"] = draw(_random_tree(PROJECT_ELEMENTS, PROJECT_NAMESPACE, "Project"))
    else:
        name = draw(st.sampled_from([n for n in entries if n.startswith("Sources/")]))
        entries[name] = draw(_bytes_mutated(entries[name]))
    return _zip(entries)


@FUZZ
@given(data=st.data())
def test_fuzzed_qdpx_imports_or_is_refused(workdir, data):
    path = workdir / "fuzzed.qdpx"
    path.write_bytes(data.draw(qdpx_inputs(_projects(workdir))))
    conn = store.open_store(workdir / "fuzzed.db")
    try:
        _loads_or_refuses(lambda: import_project(path, conn))
    finally:
        conn.close()


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_fuzzed_qdpx_import_is_one_error_line_or_stored(workdir, data):
    path = workdir / "cli.qdpx"
    path.write_bytes(data.draw(qdpx_inputs(_projects(workdir))))
    app = typer.Typer()
    app.add_typer(qda_app, name="qda")
    _cli_loads_or_refuses(app, ["qda", "import", str(path), "--db", str(workdir / "cli.db")])


# --------------------------------------------------------------------------- codebook YAML

CODEBOOK_YAML = bundled_codebook_path().read_text(encoding="utf-8")
FIELDS = ["concept", "terms", "definition", "source", "schemes", "label", "description"]
FIELDS += ["multiple", "categories", "code", "keywords", "examples", "account", "__line__"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=6),
)
yaml_documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), scalars), children, max_size=5),
    ),
    max_leaves=30,
)
# YAML's own syntax, spliced into the bundled codebook.
SYNTAX = ["&a ", "*a", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!set ", "!!python/"]
SYNTAX += ["<<: ", "? ", "- ", "[", "]", "{", "}", ": ", "---\n", "...\n", "%YAML 1.1\n", "|", ">"]
SYNTAX += ["\t", "\n", "  ", "'", '"', "#", "\\", "\x00", "\ufeff", "2024-13-45", "9" * 4400]


@st.composite
def _yaml_mutated(draw) -> str:
    text = CODEBOOK_YAML
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["splice", "splice", "delete", "duplicate-line"]))
        if action == "splice":
            text = text[:at] + draw(st.sampled_from(SYNTAX)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            lines = text.splitlines(keepends=True)
            line = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: line + 1] + lines[line:])
    return text


yaml_inputs = st.one_of(
    yaml_documents.map(lambda doc: yaml.safe_dump(doc, allow_unicode=True)),
    st.builds(
        lambda schemes, doc: yaml.safe_dump({"concept": "c", "schemes": schemes} | doc),
        yaml_documents,
        st.dictionaries(st.sampled_from(FIELDS), yaml_documents, max_size=3),
    ),
    _yaml_mutated(),
    st.lists(st.sampled_from([*SYNTAX[:21], "a", "1", "concept", "schemes"]), max_size=30).map(
        "".join
    ),
)


@settings(FUZZ, max_examples=150)
@given(text=yaml_inputs)
def test_fuzzed_codebook_yaml_loads_or_is_refused(workdir, text):
    path = workdir / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _loads_or_refuses(lambda: load_codebook(path))


@settings(FUZZ, max_examples=20)
@given(text=yaml_inputs)
def test_fuzzed_codebook_validate_is_one_error_line_or_valid(workdir, text):
    path = workdir / "cli.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _cli_loads_or_refuses(cli_app, ["codebook", "validate", str(path)])
