"""Codebooks: named coding schemes, each a closed set of categories.

A codebook is a YAML file. The cluster codebook of the seed paper ships in
``coding/data/cluster/codebook.yaml``; users write their own for other concepts
in the same shape::

    concept: cluster
    terms: [cluster, clusters]
    definition: A working definition of the concept.
    schemes:
      school:
        label: School of clustering
        description: What the scheme codes.
        multiple: false
        categories:
          - code: Alfred Marshall
            label: Alfred Marshall
            description: What the category means.
            keywords: [co-location]
            examples: []
            account: [The source's longer account of the category, a passage per item.]
    report:  # optional: how tables, figures and the report present the codebook
      marks: [determinant]  # schemes whose keywords mark each definition
      tables:
        table1: {caption: The categories, note: "Source: Own compilation."}
        table3: {file: table3.csv, caption: A table of the source's, number: 3}
      figures:
        fig_timeline: {caption: Definitions per year.}

A category's ``keywords`` are a list, or a mapping from where they come from
(e.g. ``Section 5``) to a list, so that their provenance can be checked.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from corpus.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

_CODEBOOK_FIELDS = {"concept", "terms", "definition", "source", "schemes", "report"}
_SCHEME_FIELDS = {"label", "description", "multiple", "categories"}
_CATEGORY_FIELDS = {"code", "label", "description", "keywords", "examples", "account"}
_REPORT_FIELDS = {"title", "marks", "tables", "figures"}
_TABLE_FIELDS = {"name", "caption", "headers", "widths", "note", "number", "file", "schemes"}
_TABLE_FIELDS |= {"columns", "source_note"}
_FIGURE_FIELDS = {"name", "caption", "axis"}


@dataclass(frozen=True)
class Category:
    """One code of a scheme.

    Attributes
    ----------
    code : str
        The value stored for a decision and printed in tables.
    label : str
        A human name; the code when none is given.
    description : str
        What the category means, shown to coders.
    keywords, examples : tuple of str
        Optional cue words and example texts.
    account : tuple of str
        Optional passages of the source's longer account of the category (for
        the schools, the seed paper's Section 3), one sentence or passage each.
        The classifier learns from them as it does from the description.
    keyword_sources : tuple of (str, str)
        Each keyword with where it comes from, when the codebook says so
        (``keywords`` written as a mapping of source to keywords).
    """

    code: str
    label: str
    description: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    account: tuple[str, ...] = ()
    keyword_sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Scheme:
    """A closed set of categories one item is coded with.

    Attributes
    ----------
    name : str
        The scheme's name, e.g. ``"school"``.
    label : str
        Its human name, e.g. ``"School of clustering"``.
    description : str
        What the scheme codes.
    categories : tuple of Category
        The allowed codes, in codebook order.
    multiple : bool
        Whether one item may take several categories at once.
    """

    name: str
    label: str
    description: str
    categories: tuple[Category, ...]
    multiple: bool = False

    @property
    def codes(self) -> list[str]:
        """The category codes, in codebook order."""
        return [c.code for c in self.categories]

    def category(self, code: str) -> Category:
        """Return the category with this code (see :meth:`normalize`)."""
        wanted = self.normalize(code)
        return next(c for c in self.categories if c.code == wanted)

    def normalize(self, value: str) -> str:
        """Return the code ``value`` stands for.

        A value matches a category's code or label, ignoring case and
        surrounding white space.

        Raises
        ------
        ValueError
            If ``value`` names no category; the message lists the codes.
        """
        key = " ".join(str(value).split()).casefold()
        for category in self.categories:
            if key in (category.code.casefold(), category.label.casefold()):
                return category.code
        raise ValueError(
            f"{value!r} is not a code of scheme {self.name!r}; "
            f"codes: {', '.join(map(repr, self.codes))}"
        )

    def check(self, value: str) -> str:
        """The codebook's spelling of ``value``; for a multiple scheme, codes joined by ``"; "``.

        A multiple scheme's value lists codes separated by ``;``, in any order;
        they come back in codebook order.

        Raises
        ------
        ValueError
            Naming the value and the scheme's codes.
        """
        if not self.multiple:
            return self.normalize(value)
        codes = {self.normalize(part.strip()) for part in str(value).split(";") if part.strip()}
        if not codes:
            raise ValueError(f"no code given for scheme {self.name!r}")
        return "; ".join(code for code in self.codes if code in codes)

    def to_frame(self) -> pd.DataFrame:
        """The categories as a table.

        Returns
        -------
        pandas.DataFrame
            Columns: code, label, description, keywords (``"; "``-joined).
        """
        import pandas as pd

        return pd.DataFrame(
            [(c.code, c.label, c.description, "; ".join(c.keywords)) for c in self.categories],
            columns=["code", "label", "description", "keywords"],
        )


@dataclass(frozen=True)
class Codebook:
    """The schemes a concept's definitions are coded with.

    Attributes
    ----------
    concept : str
        The concept whose definitions are coded, e.g. ``"cluster"``.
    terms : tuple of str
        The concept's term and its synonyms, used to find definitions.
    definition : str
        A working (e.g. synthesised) definition of the concept.
    schemes : dict of str to Scheme
        The schemes by name, in codebook order.
    source : str
        Where the codebook comes from.
    path : str
        The file it was read from.
    report : dict or None
        How tables, figures and the report present the codebook (the YAML's
        ``report`` section): ``title``, ``marks`` (the schemes whose keywords
        mark each definition), ``tables`` and ``figures`` (per table or figure,
        its file name, caption, headers, column widths and note; a table with
        a ``file`` is read from a CSV beside the codebook). None when absent.
    text : str
        The YAML text it was read from (empty for a codebook made in code).
    """

    concept: str
    terms: tuple[str, ...]
    definition: str
    schemes: dict[str, Scheme] = field(default_factory=dict)
    source: str = ""
    path: str = ""
    report: dict[str, Any] | None = None
    text: str = field(default="", compare=False, repr=False)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the YAML text, which identifies this version of the codebook."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def describe(self) -> str:
        """The codebook in a few words for messages, e.g. ``"'cluster' (sha256 1f2e3d4c5b6a)"``."""
        return f"{self.concept!r} (sha256 {self.sha256[:12]})"

    def single_schemes(self) -> list[str]:
        """The names of the schemes that take one code per item, in codebook order."""
        return [name for name, scheme in self.schemes.items() if not scheme.multiple]

    def schemes_to_learn(self, names: Iterable[str] | None = None) -> list[str]:
        """The schemes a one-code-per-item command works on: ``names``, or every single one.

        Raises
        ------
        ValueError
            For a name that is not a scheme of the codebook, a scheme that
            takes several codes per item, or a codebook without single-code schemes.
        """
        if names is None:
            chosen = self.single_schemes()
            if not chosen:
                raise ValueError(
                    f"codebook {self.concept!r} has no scheme of one code per item "
                    "(every scheme is 'multiple: true')"
                )
            return chosen
        chosen = list(dict.fromkeys(names))
        for name in chosen:
            if self.scheme(name).multiple:
                raise ValueError(
                    f"scheme {name!r} of codebook {self.concept!r} takes several codes per "
                    "item; this works on schemes of one code per item: "
                    f"{', '.join(map(repr, self.single_schemes())) or 'none'}"
                )
        return chosen

    def scheme(self, name: str) -> Scheme:
        """Return the scheme called ``name``.

        Raises
        ------
        ValueError
            If there is none; the message lists the schemes.
        """
        try:
            return self.schemes[name]
        except KeyError:
            raise ValueError(
                f"codebook {self.concept!r} has no scheme {name!r}; "
                f"schemes: {', '.join(map(repr, self.schemes))}"
            ) from None


def bundled_codebook_path(concept: str = "cluster") -> Path:
    """The path of a codebook that ships with defcode."""
    return Path(str(resources.files("coding") / "data" / concept / "codebook.yaml"))


def starting_codebook(concept: str) -> str:
    """A commented codebook for ``concept`` to start from: two schemes, every field explained.

    Returns
    -------
    str
        YAML that :func:`load_codebook` reads; the concept is quoted as YAML needs.

    Examples
    --------
    >>> "concept: business model" in starting_codebook("business model")
    True
    """
    from string import Template

    template = (resources.files("coding") / "data" / "codebook_template.yaml").read_text("utf-8")
    name = " ".join(concept.split())
    quoted = yaml.safe_dump(name, default_style=None, width=1000).removesuffix("\n...\n").strip()
    return Template(template).substitute(concept=quoted, name=name)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a YAML codebook.

    Parameters
    ----------
    path : str or Path, optional
        The codebook file; the bundled cluster codebook when omitted.

    Returns
    -------
    Codebook

    Raises
    ------
    InputError
        Naming the file, the line and the field that are wrong, for every
        problem found.
    """
    path = Path(path) if path is not None else bundled_codebook_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    return parse_codebook(text, str(path))


def parse_codebook(text: str, path: str = "<codebook>") -> Codebook:
    """Read and validate a codebook from its YAML text.

    Parameters
    ----------
    text : str
        The YAML.
    path : str, default="<codebook>"
        How to name it in messages and in :attr:`Codebook.path`.

    Raises
    ------
    InputError
        As :func:`load_codebook`.
    """
    try:
        document = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise InputError(
            f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: not valid YAML (lists or mappings nested too deep)") from None
    return replace(_Builder(str(path)).codebook(document), text=text)


_INTERNAL = ("__line__", "__lines__")


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's, when built
    """A safe YAML loader that remembers the line of every mapping key.

    Aliases are not copied (a "billion laughs" document stays its own size),
    and libyaml refuses nesting deeper than 1,000.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        # PyYAML's scalar constructors fail this way on 2024-13-45, 5,000 digits, "!!int",
        # "!!bool abc" or "!!timestamp 1".
        except (ValueError, OverflowError, LookupError, AttributeError) as exc:
            if not isinstance(node, yaml.ScalarNode):
                raise
            shown = f"{node.value[:20]}..." if len(node.value) > 20 else node.value
            kind = node.tag.rpartition(":")[2]
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown!r} is not a valid {kind} ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {
            key.value: key.start_mark.line + 1
            for key, _ in node.value
            if isinstance(key, yaml.ScalarNode)
        }
        return mapping


def _name(key: Any) -> str | None:
    """A mapping key as a name (text or a number), or None."""
    if isinstance(key, bool) or not isinstance(key, str | int | float):
        return None
    return str(key)


class _Builder:
    """Turn a loaded YAML document into a Codebook, collecting every problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, node: Any, name: str | None, where: str, message: str) -> None:
        line = node.get("__lines__", {}).get(name) if isinstance(node, dict) else None
        if line is None and isinstance(node, dict):
            line = node.get("__line__")
        at = f"{self.path}, line {line}" if line else self.path
        field_ = f", field {name!r}" if name else ""
        self.problems.append(f"{at}: {where}{field_}: {message}")

    def fields(self, node: Any, where: str, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(node, dict):
            self.problems.append(f"{self.path}: {where}: expected a mapping of fields")
            return False
        for name in node:
            if name in _INTERNAL or name in allowed:
                continue
            if not isinstance(name, str):
                self.problem(node, None, where, f"field name {name!r} is not text")
                continue
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.problem(
                node, name, where, f"unknown field{hint}; fields: {', '.join(sorted(allowed))}"
            )
        for name in sorted(required - set(node)):
            self.problem(node, None, where, f"missing field {name!r}")
        return True

    def text(self, node: dict, name: str, where: str, *, required: bool = True) -> str:
        value = node.get(name)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(node, name, where, "expected text")
            return ""
        value = " ".join(str(value).split())
        if required and not value:
            self.problem(node, name, where, "empty")
        return value

    def texts(self, node: dict, name: str, where: str) -> tuple[str, ...]:
        value = node.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(node, name, where, "expected a list of non-empty texts")
            return ()
        return tuple(" ".join(v.split()) for v in value)

    def codebook(self, doc: Any) -> Codebook:
        where = "codebook"
        if not self.fields(doc, where, _CODEBOOK_FIELDS, {"concept", "schemes"}):
            raise InputError(f"{self.path}: 1 problem(s)", self.problems)
        schemes: dict[str, Scheme] = {}
        raw = doc.get("schemes")
        if not isinstance(raw, dict) or not [k for k in raw if k not in _INTERNAL]:
            self.problem(doc, "schemes", where, "expected a mapping of one or more schemes")
        else:
            for key, node in raw.items():
                name = _name(key)
                if key in _INTERNAL:
                    continue
                if name is None:
                    self.problem(raw, None, where, f"scheme name {key!r} is not text")
                    continue
                scheme = self.scheme(name, node)
                if scheme is not None:
                    schemes[scheme.name] = scheme
        report = self.report(doc["report"], schemes) if "report" in doc else None
        book = Codebook(
            concept=self.text(doc, "concept", where),
            terms=self.texts(doc, "terms", where),
            definition=self.text(doc, "definition", where, required=False),
            source=self.text(doc, "source", where, required=False),
            schemes=schemes,
            path=self.path,
            report=report,
        )
        if self.problems:
            raise InputError(f"{self.path}: {len(self.problems)} problem(s)", self.problems)
        return book

    def scheme(self, name: str, node: Any) -> Scheme | None:
        where = f"scheme {name!r}"
        if not self.fields(node, where, _SCHEME_FIELDS, {"categories"}):
            return None
        multiple = node.get("multiple", False)
        if not isinstance(multiple, bool):
            self.problem(node, "multiple", where, "expected true or false")
        raw = node.get("categories")
        categories: list[Category] = []
        if not isinstance(raw, list) or not raw:
            self.problem(node, "categories", where, "expected a list of one or more categories")
        else:
            for number, item in enumerate(raw, start=1):
                category = self.category(f"{where}, category {number}", item)
                if category is None:
                    continue
                taken = {c.code.casefold() for c in categories} | {
                    c.label.casefold() for c in categories
                }
                if category.code.casefold() in taken or category.label.casefold() in taken:
                    self.problem(
                        item, "code", f"{where}, category {number}", "repeats another category"
                    )
                categories.append(category)
        return Scheme(
            name=name,
            label=self.text(node, "label", where, required=False) or name,
            description=self.text(node, "description", where, required=False),
            categories=tuple(categories),
            multiple=multiple is True,
        )

    def category(self, where: str, node: Any) -> Category | None:
        if not self.fields(node, where, _CATEGORY_FIELDS, {"code", "description"}):
            return None
        code = self.text(node, "code", where)
        sources: tuple[tuple[str, str], ...] = ()
        if isinstance(node.get("keywords"), dict):
            sources = self.sourced(node["keywords"], f"{where}, field 'keywords'")
            keywords = tuple(dict.fromkeys(keyword for keyword, _ in sources))
        else:
            keywords = self.texts(node, "keywords", where)
        return Category(
            code=code,
            label=self.text(node, "label", where, required=False) or code,
            description=self.text(node, "description", where),
            keywords=keywords,
            examples=self.texts(node, "examples", where),
            account=self.texts(node, "account", where),
            keyword_sources=sources,
        )

    def sourced(self, node: dict, where: str) -> tuple[tuple[str, str], ...]:
        """Keywords written as a mapping of source to a list of keywords."""
        pairs = []
        for source in _keys(node):
            for keyword in self.texts(node, source, where):
                pairs.append((keyword, " ".join(str(source).split())))
        return tuple(pairs)

    def report(self, node: Any, schemes: dict[str, Scheme]) -> dict[str, Any] | None:
        """The ``report`` section, checked and stripped of line marks."""
        where = "report"
        if not self.fields(node, where, _REPORT_FIELDS, set()):
            return None
        report: dict[str, Any] = {}
        if "title" in node:
            report["title"] = self.text(node, "title", where)
        if "marks" in node:
            report["marks"] = list(self.texts(node, "marks", where))
            for name in report["marks"]:
                self.known_scheme(node, "marks", where, name, schemes)
                scheme = schemes.get(name)
                if scheme is not None and not all(c.keywords for c in scheme.categories):
                    self.problem(
                        node, "marks", where, f"every category of scheme {name!r} needs keywords"
                    )
        for part, allowed in (("tables", _TABLE_FIELDS), ("figures", _FIGURE_FIELDS)):
            if part not in node:
                continue
            entries = node[part]
            if not isinstance(entries, dict):
                self.problem(node, part, where, "expected a mapping of names to their settings")
                continue
            report[part] = {}
            for name in _keys(entries):
                entry = entries[name]
                at = f"{where}, {part[:-1]} {name!r}"
                if self.fields(entry, at, allowed, set()):
                    report[part][str(name)] = self.settings(entry, at, schemes)
        return report

    def settings(self, node: dict, where: str, schemes: dict[str, Scheme]) -> dict[str, Any]:
        """One table's or figure's settings: texts, mappings of texts, a number."""
        settings: dict[str, Any] = {}
        for name in _keys(node):
            value = node[name]
            if name in ("headers", "widths", "columns"):
                if not isinstance(value, dict) or not all(
                    isinstance(value[k], str) for k in _keys(value)
                ):
                    self.problem(node, name, where, "expected a mapping of column to text")
                    continue
                settings[name] = {str(k): " ".join(value[k].split()) for k in _keys(value)}
            elif name == "number":
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    self.problem(node, name, where, "expected a whole number >= 1")
                    continue
                settings[name] = value
            elif name == "schemes":
                settings[name] = list(self.texts(node, name, where))
                for scheme in settings[name]:
                    self.known_scheme(node, name, where, scheme, schemes)
            else:
                settings[name] = self.text(node, name, where)
        # A codebook read from a file finds its tables beside it; one kept as text
        # (e.g. in a coding store) has no folder to look in.
        if "file" in settings and Path(self.path).is_file():
            file = Path(self.path).parent / settings["file"]
            if not file.is_file():
                self.problem(node, "file", where, f"no such file {str(file)!r}")
        return settings

    def known_scheme(
        self, node: dict, name: str, where: str, scheme: str, schemes: dict[str, Scheme]
    ) -> None:
        if scheme not in schemes:
            known = ", ".join(map(repr, schemes))
            self.problem(node, name, where, f"no scheme {scheme!r}; schemes: {known}")


def _keys(node: dict) -> list[Any]:
    """A loaded mapping's own keys, without the loader's line marks."""
    return [key for key in node if key not in _INTERNAL]
