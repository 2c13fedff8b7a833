"""Exchange codebooks with QDA programs through REFI-QDA codebooks (``.qdc``).

REFI-QDA is the exchange standard of NVivo, ATLAS.ti, MAXQDA, QualCoder and
others. Its codebook is an XML ``CodeBook`` in the ``urn:QDA-XML:codebook:1.0``
namespace. defcode writes each scheme as a non-codable parent code named by its
label, and each category as a codable child code named by its code (the value
decisions store and tables print, e.g. ``B``) with its description; the
concept, its terms and working definition go into a ``Set`` of all the codes.

GUIDs are derived from what they name with :func:`uuid.uuid5` (concept,
scheme, code), so exporting the same codebook again gives the same GUIDs.

What the standard has no attribute for (a scheme's name and whether it takes
several codes, a category's label when it differs from its code, keywords,
examples and account) is written as ``Key: value`` lines after a blank line at
the end of the code's ``Description``, where a person reading the codebook in
another program sees it too; :func:`qdc_to_codebook` reads them back.

Projects (``.qdpx``) are in :mod:`coding.qda.qdpx_export` and :mod:`coding.qda.qdpx_import`;
they share the functions here that are not in ``__all__``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import yaml
from lxml import etree

from coding.codebook import Category, Codebook, Scheme
from corpus.errors import InputError

__all__ = [
    "CODEBOOK_NAMESPACE",
    "PROJECT_NAMESPACE",
    "codebook_to_qdc",
    "codebook_to_yaml",
    "guid",
    "qdc_to_codebook",
]

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
#: The namespace of defcode's GUIDs; never change it, or every GUID changes.
_GUIDS = uuid.UUID("6f0b1c52-7d1e-4c1a-9a63-1f3d2e5b8c47")
_LOOSE_SCHEME = "codes"
_PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
)
CODE_KEYS = frozenset({"Scheme", "Multiple", "Label", "Keywords", "Example", "Account"})
SET_KEYS = frozenset({"Concept", "Terms", "Source"})
FIELD = re.compile(r"^([A-Z][a-z]+(?: [a-z]+)*):(?: (.*))?$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: How deep elements may nest in a codebook or project; defcode writes 7 levels, and
#: libxml2 stops at 256 on its own (its ``huge_tree`` option, which lifts that, stays off).
MAX_XML_DEPTH = 100
# Entities are not expanded (entity references stay as they are written), nothing is
# fetched, and comments and processing instructions are dropped so they cannot split a text.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
)
_TOO_DEEP = etree.XPath(f"({'/*' * (MAX_XML_DEPTH + 1)})[1]")
#: How many lines above the end of a start tag :func:`start_line` looks for its beginning.
_TAG_LINES = 100
_XSD_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def guid(*parts: str) -> str:
    """A GUID for the thing the parts name; the same parts always give the same GUID.

    Examples
    --------
    >>> guid("code", "cluster", "breadth", "B") == guid("code", "cluster", "breadth", "B")
    True
    >>> len(guid("user", "ann"))
    36
    """
    return str(uuid.uuid5(_GUIDS, "\x1f".join(parts)))


def scheme_guid(codebook: Codebook, scheme: str) -> str:
    """The GUID of a scheme's parent code."""
    return guid("scheme", codebook.concept, scheme)


def code_guid(codebook: Codebook, scheme: str, code: str) -> str:
    """The GUID of a category's code."""
    return guid("code", codebook.concept, scheme, code)


def codebook_to_qdc(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA codebook (``.qdc``) document.

    Schemes become non-codable parent codes named by their label, categories
    codable child codes named by their code; the concept, its terms and
    working definition go into a ``Set`` named after the concept that holds
    every code.

    Returns
    -------
    bytes
        The XML document, UTF-8 encoded.
    """
    root = etree.Element(
        qname(CODEBOOK_NAMESPACE, "CodeBook"),
        nsmap={None: CODEBOOK_NAMESPACE},
        attrib={"origin": origin()},
    )
    members = write_codes(root, codebook, CODEBOOK_NAMESPACE)
    sets = etree.SubElement(root, qname(CODEBOOK_NAMESPACE, "Sets"))
    concept_set = write_concept_set(sets, codebook, CODEBOOK_NAMESPACE)
    for member in members:
        etree.SubElement(concept_set, qname(CODEBOOK_NAMESPACE, "MemberCode"), guid=member)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def qdc_to_codebook(path: str | Path) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``) as a defcode codebook.

    A codebook defcode wrote comes back as it was. For one from another
    program, each top-level code with children becomes a scheme (named after
    the code, several codes per item allowed) whose categories are its codable
    descendants, deeper ones labelled ``"Parent > Child"``; top-level codes
    without children become the categories of a scheme called ``codes``. The
    concept is the file's name.

    Raises
    ------
    InputError
        When the file cannot be read, is not well-formed XML or holds no
        codable codes; the message names the file and the line.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    root = parse_xml(data, str(path))
    lines = text_lines(data)
    if etree.QName(root).localname != "CodeBook":
        line = start_line(root, lines)
        raise InputError(f"{path}, line {line}: the root element is not a CodeBook")
    codes = read_codes(root.find("{*}Codes"), lines)
    book, _, _ = derive_codebook(
        codes,
        read_concept_set(root.find("{*}Sets")),
        concept=path.stem,
        source=f"{path.name} (REFI-QDA codebook)",
        path=str(path),
    )
    return book


def codebook_to_yaml(codebook: Codebook) -> str:
    """The codebook as the YAML text :func:`coding.codebook.load_codebook` reads."""
    document: dict = {"concept": codebook.concept}
    if codebook.source:
        document["source"] = codebook.source
    document["terms"] = list(codebook.terms)
    if codebook.definition:
        document["definition"] = codebook.definition
    document["schemes"] = {
        scheme.name: {
            "label": scheme.label,
            "description": scheme.description,
            "multiple": scheme.multiple,
            "categories": [_category_document(c) for c in scheme.categories],
        }
        for scheme in codebook.schemes.values()
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _category_document(category: Category) -> dict:
    document = {"code": category.code, "label": category.label}
    document["description"] = category.description
    if category.keywords:
        document["keywords"] = list(category.keywords)
    if category.examples:
        document["examples"] = list(category.examples)
    if category.account:
        document["account"] = list(category.account)
    return document


# --------------------------------------------------------------------------- writing codes


def write_codes(parent: etree._Element, codebook: Codebook, namespace: str) -> list[str]:
    """Write the codebook's ``Codes`` under ``parent``; return every code's GUID."""
    codes = etree.SubElement(parent, qname(namespace, "Codes"))
    written = []
    for scheme in codebook.schemes.values():
        parent_guid = scheme_guid(codebook, scheme.name)
        node = etree.SubElement(
            codes,
            qname(namespace, "Code"),
            attrib={"guid": parent_guid, "name": xml_text(scheme.label), "isCodable": "false"},
        )
        fields = [("Scheme", scheme.name), ("Multiple", "yes" if scheme.multiple else "no")]
        add_description(node, namespace, with_fields(scheme.description, fields))
        written.append(parent_guid)
        for number, category in enumerate(scheme.categories):
            child_guid = code_guid(codebook, scheme.name, category.code)
            child = etree.SubElement(
                node,
                qname(namespace, "Code"),
                attrib={
                    "guid": child_guid,
                    "name": xml_text(category.code),
                    "isCodable": "true",
                    "color": _PALETTE[number % len(_PALETTE)],
                },
            )
            fields = [("Label", category.label)] if category.label != category.code else []
            if category.keywords:
                fields.append(("Keywords", "; ".join(category.keywords)))
            fields += [("Example", example) for example in category.examples]
            fields += [("Account", passage) for passage in category.account]
            add_description(child, namespace, with_fields(category.description, fields))
            written.append(child_guid)
    return written


def write_concept_set(parent: etree._Element, codebook: Codebook, namespace: str) -> etree._Element:
    """Write the ``Set`` that holds the concept, its terms and working definition."""
    concept_set = etree.SubElement(
        parent,
        qname(namespace, "Set"),
        attrib={"guid": guid("set", codebook.concept), "name": xml_text(codebook.concept)},
    )
    fields = [("Concept", codebook.concept), ("Terms", "; ".join(codebook.terms))]
    if codebook.source:
        fields.append(("Source", codebook.source))
    add_description(concept_set, namespace, with_fields(codebook.definition, fields))
    return concept_set


# --------------------------------------------------------------------------- reading codes


@dataclass
class CodeNode:
    """A code read from a CodeBook, with its children."""

    guid: str
    name: str
    codable: bool
    description: str
    line: int
    children: list[CodeNode] = field(default_factory=list)


def read_codes(parent: etree._Element | None, lines: list[str] | None = None) -> list[CodeNode]:
    """The ``Code`` elements under ``parent``, as a tree.

    ``lines``, the document's text split at line ends, lets each code's line
    be where its start tag begins (see :func:`start_line`).
    """
    if parent is None:
        return []
    return [
        CodeNode(
            guid=norm_guid(node.get("guid", "")),
            name=squash(node.get("name") or ""),
            codable=(node.get("isCodable") or "").strip() in ("true", "1"),
            description=description(node),
            line=start_line(node, lines),
            children=read_codes(node, lines),
        )
        for node in parent.iterfind("{*}Code")
    ]


def all_codes(codes: Iterable[CodeNode]) -> Iterator[CodeNode]:
    """Every code of the tree, parents first."""
    for code in codes:
        yield code
        yield from all_codes(code.children)


def _descendants(code: CodeNode, prefix: str = "") -> Iterator[tuple[CodeNode, str]]:
    """The codable descendants of ``code`` with their labels, ``"Parent > Child"`` when deep."""
    for child in code.children:
        label = f"{prefix}{child.name}"
        if child.codable:
            yield child, label
        yield from _descendants(child, f"{label} > ")


@dataclass(frozen=True)
class ConceptSet:
    """The concept defcode writes into a ``Set``."""

    concept: str
    terms: tuple[str, ...]
    definition: str
    source: str


def read_concept_set(sets: etree._Element | None) -> ConceptSet | None:
    """The concept defcode wrote into one of these ``Sets``, if any."""
    if sets is None:
        return None
    for node in sets.iterfind("{*}Set"):
        body, fields = split_fields(description(node), SET_KEYS)
        if "Concept" in fields:
            terms = (fields.get("Terms") or [""])[0]
            return ConceptSet(
                concept=squash(fields["Concept"][0]),
                terms=tuple(squash(t) for t in terms.split(";") if t.strip()),
                definition=squash(body),
                source=squash((fields.get("Source") or [""])[0]),
            )
    return None


def derive_codebook(
    codes: list[CodeNode],
    concept_set: ConceptSet | None,
    *,
    concept: str,
    source: str,
    path: str,
) -> tuple[Codebook, dict[str, tuple[str, str | None]], list[str]]:
    """Make a codebook of a CodeBook's codes (see :func:`qdc_to_codebook`).

    Parameters
    ----------
    concept, source : str
        The codebook's concept and source when no concept set gives them.
    path : str
        The file, for the codebook and the messages.

    Returns
    -------
    Codebook
        The codebook.
    dict
        Each code's GUID mapped to ``(scheme, code)``; ``code`` is None for a
        scheme's parent code.
    list of str
        The codes left out (folders with nothing codable), with their line.

    Raises
    ------
    InputError
        When no code is codable.
    """
    schemes: dict[str, Scheme] = {}
    mapping: dict[str, tuple[str, str | None]] = {}
    skipped: list[str] = []
    loose: list[tuple[CodeNode, str]] = []
    for top in codes:
        members = list(_descendants(top))
        if not members:
            if top.codable:
                loose.append((top, top.name))
            else:
                skipped.append(
                    f"line {top.line}: code {top.guid} ({top.name}) has no codable codes"
                )
            continue
        if top.codable:
            members.insert(0, (top, top.name))
        body, fields = split_fields(top.description, CODE_KEYS)
        name = _unique(squash((fields.get("Scheme") or [""])[0]) or _slug(top.name), schemes)
        multiple = (fields.get("Multiple") or ["yes"])[0].casefold() != "no"
        schemes[name] = _scheme(name, top.name, body, multiple, members, mapping)
        mapping.setdefault(top.guid, (name, None))
    if loose:
        name = _unique(_LOOSE_SCHEME, schemes)
        schemes[name] = _scheme(name, "Codes", "Codes without a parent code.", True, loose, mapping)
    if not schemes:
        raise InputError(f"{path}: no codable codes to make a codebook of", skipped)
    if concept_set is not None:
        concept, terms = concept_set.concept, concept_set.terms
        definition, source = concept_set.definition, concept_set.source
    else:
        concept, terms, definition = squash(concept) or "qda", (), ""
    book = Codebook(concept, terms, definition, schemes=schemes, source=source, path=path)
    return book, mapping, skipped


def _scheme(
    name: str,
    label: str,
    body: str,
    multiple: bool,
    members: list[tuple[CodeNode, str]],
    mapping: dict[str, tuple[str, str | None]],
) -> Scheme:
    categories: list[Category] = []
    taken: set[str] = set()
    for node, node_label in members:
        text, fields = split_fields(node.description, CODE_KEYS)
        code = squash(node_label) or node.guid
        category_label = squash((fields.get("Label") or [""])[0]) or code
        if code.casefold() in taken or category_label.casefold() in taken:
            category_label = code = _unique(category_label, taken, fold=True)
        taken |= {code.casefold(), category_label.casefold()}
        keywords = (fields.get("Keywords") or [""])[0]
        categories.append(
            Category(
                code=code,
                label=category_label,
                description=squash(text) or category_label,
                keywords=tuple(squash(k) for k in keywords.split(";") if k.strip()),
                examples=tuple(squash(e) for e in fields.get("Example", []) if e.strip()),
                account=tuple(squash(a) for a in fields.get("Account", []) if a.strip()),
            )
        )
        mapping[node.guid] = (name, code)
    return Scheme(
        name=name,
        label=squash(label) or name,
        description=squash(body),
        categories=tuple(categories),
        multiple=multiple,
    )


def map_codes(codes: list[CodeNode], codebook: Codebook) -> dict[str, tuple[str, str | None]]:
    """Map a CodeBook's code GUIDs to ``(scheme, code)`` of ``codebook``.

    A code maps by its defcode GUID, else by name: a top-level code to the
    scheme of that name or label (``code`` None), its descendants to that
    scheme's category of that code or label. A top-level code without
    children maps to the category of its name when exactly one scheme has one.
    Codes that map to nothing are left out.
    """
    known: dict[str, tuple[str, str | None]] = {}
    for scheme in codebook.schemes.values():
        known[scheme_guid(codebook, scheme.name)] = (scheme.name, None)
        for category in scheme.categories:
            known[code_guid(codebook, scheme.name, category.code)] = (scheme.name, category.code)
    mapping = {code.guid: known[code.guid] for code in all_codes(codes) if code.guid in known}
    for top in codes:
        scheme = _match_scheme(top, codebook, mapping)
        if scheme is not None:
            mapping.setdefault(top.guid, (scheme.name, None))
            for node, label in _descendants(top):
                code = _category_of(scheme, node, label)
                if code is not None:
                    mapping.setdefault(node.guid, (scheme.name, code))
        elif not top.children and top.guid not in mapping:
            found = {
                s.name: code
                for s in codebook.schemes.values()
                if (code := _category_of(s, top, top.name)) is not None
            }
            if len(found) == 1:
                mapping[top.guid] = next(iter(found.items()))
    return mapping


def _match_scheme(
    top: CodeNode, codebook: Codebook, mapping: dict[str, tuple[str, str | None]]
) -> Scheme | None:
    if top.guid in mapping:
        return codebook.schemes[mapping[top.guid][0]]
    _, fields = split_fields(top.description, CODE_KEYS)
    for name in [*fields.get("Scheme", []), top.name]:
        for scheme in codebook.schemes.values():
            if name.casefold() in (scheme.name.casefold(), scheme.label.casefold()):
                return scheme
    return None


def _category_of(scheme: Scheme, node: CodeNode, label: str) -> str | None:
    _, fields = split_fields(node.description, CODE_KEYS)
    for name in [node.name, *fields.get("Label", []), label]:
        try:
            return scheme.normalize(name)
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- XML and text


def qname(namespace: str, name: str) -> str:
    """An element name in ``namespace`` as lxml spells it."""
    return f"{{{namespace}}}{name}"


def origin() -> str:
    """The ``origin`` attribute of what defcode writes: ``"defcode <version>"``."""
    try:
        return f"defcode {metadata.version('defcode')}"
    except metadata.PackageNotFoundError:
        return "defcode"


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse an XML document, without fetching or expanding anything it names.

    Raises
    ------
    InputError
        Naming ``where`` and the line, when it is not well-formed, nests elements
        more than :data:`MAX_XML_DEPTH` deep or goes past libxml2's limits (a text
        node over 10,000,000 bytes, entities that expand too much).
    """
    too_deep = f"elements nested more than {MAX_XML_DEPTH} deep"
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in exc.msg:
            raise InputError(f"{where}, line {exc.lineno}: {too_deep}") from None
        raise InputError(f"{where}, line {exc.lineno}: not well-formed XML ({exc.msg})") from None
    deep = _TOO_DEEP(root)
    if deep:
        raise InputError(f"{where}, line {deep[0].sourceline}: {too_deep}")
    return root


def text_lines(data: bytes) -> list[str]:
    """An XML document's lines as :func:`start_line` reads them."""
    return data.decode("utf-8", errors="replace").split("\n")


def start_line(node: etree._Element, lines: list[str] | None) -> int:
    """The line where the element's start tag begins.

    lxml gives the line where the start tag ends, which for a tag whose
    attributes run over several lines is not where a reader looks for it.
    Without ``lines`` (see :func:`text_lines`), or when the tag is not found
    in the few lines above, that line is returned.
    """
    end = node.sourceline or 0
    if not lines or end > len(lines):
        return end
    name = etree.QName(node).localname
    tag = f"<{node.prefix}:{name}" if node.prefix else f"<{name}"
    for number in range(end, max(end - _TAG_LINES, 0), -1):
        if tag in lines[number - 1]:
            return number
    return end


def description(node: etree._Element) -> str:
    """The text of the element's ``Description`` child, or ``""``."""
    found = node.find("{*}Description")
    return text_of(found) if found is not None else ""


def text_of(node: etree._Element) -> str:
    """All the text inside an element; an entity reference stays as written (``&name;``).

    Examples
    --------
    >>> text_of(etree.fromstring("<Description>A <!-- x -->B</Description>"))
    'A B'
    """
    return "".join(node.itertext())


def add_description(node: etree._Element, namespace: str, text: str) -> None:
    """Give the element a ``Description`` child, unless ``text`` is empty."""
    if text:
        etree.SubElement(node, qname(namespace, "Description")).text = xml_text(text)


def with_fields(body: str, fields: list[tuple[str, str]]) -> str:
    """``body``, then a blank line and one ``Key: value`` line per field.

    Examples
    --------
    >>> with_fields("A broad definition.", [("Label", "Broad")])
    'A broad definition.\\n\\nLabel: Broad'
    """
    lines = "\n".join(f"{key}: {value}" for key, value in fields)
    return f"{body}\n\n{lines}" if body and lines else body or lines


def split_fields(text: str, keys: frozenset[str]) -> tuple[str, dict[str, list[str]]]:
    """Split a description into its body and the ``Key: value`` lines that end it.

    Only a last paragraph whose every line is a field with one of ``keys``
    counts; anything else is body.

    Examples
    --------
    >>> split_fields("A broad definition.\\n\\nLabel: Broad", CODE_KEYS)
    ('A broad definition.', {'Label': ['Broad']})
    >>> split_fields("A memo: with a colon.", CODE_KEYS)
    ('A memo: with a colon.', {})
    """
    text = text.strip()
    head, separator, tail = text.rpartition("\n\n")
    block = tail if separator else text
    matches = [FIELD.match(line.strip()) for line in block.splitlines()]
    if not matches or not all(m is not None and m.group(1) in keys for m in matches):
        return text, {}
    fields: dict[str, list[str]] = {}
    for match in matches:
        fields.setdefault(match.group(1), []).append((match.group(2) or "").strip())
    return head.strip() if separator else "", fields


def norm_guid(value: str) -> str:
    """A GUID as compared: lower case, without braces."""
    return value.strip().strip("{}").lower()


def squash(text: str) -> str:
    """``text`` with runs of white space as one space, trimmed (as codebooks keep text)."""
    return " ".join(str(text).split())


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def lf(text: str) -> str:
    """``text`` with CR LF and CR line endings as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def lf_offset(text: str, offset: int) -> int:
    """Where character ``offset`` of ``text`` is in ``lf(text)``."""
    return offset - text.count("\r\n", 0, offset) if "\r\n" in text else offset


def is_xsd_datetime(value: str) -> bool:
    """Whether ``value`` is an ``xsd:dateTime`` (ISO 8601 date and time, ``T`` between)."""
    return bool(_XSD_DATETIME.match(value)) and to_timestamp(value) is not None


def to_timestamp(value: str) -> str | None:
    """A date and time as the coding store keeps it (UTC, microseconds); None if unreadable.

    A time without a zone is taken as UTC.

    Examples
    --------
    >>> to_timestamp("2021-03-05T10:20:30Z")
    '2021-03-05T10:20:30.000000+00:00'
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", name.casefold()).strip("_") or "scheme"


def _unique(name: str, taken: Iterable[str], *, fold: bool = False) -> str:
    seen = {t.casefold() for t in taken} if fold else set(taken)
    candidate, number = name, 1
    while (candidate.casefold() if fold else candidate) in seen:
        number += 1
        candidate = f"{name} ({number})"
    return candidate
