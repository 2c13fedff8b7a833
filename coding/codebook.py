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
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from corpus.errors import InputError

_CODEBOOK_FIELDS = {"concept", "terms", "definition", "source", "schemes"}
_SCHEME_FIELDS = {"label", "description", "multiple", "categories"}
_CATEGORY_FIELDS = {"code", "label", "description", "keywords", "examples", "account"}


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
    """

    code: str
    label: str
    description: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    account: tuple[str, ...] = ()


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
    text : str
        The YAML text it was read from (empty for a codebook made in code).
    """

    concept: str
    terms: tuple[str, ...]
    definition: str
    schemes: dict[str, Scheme] = field(default_factory=dict)
    source: str = ""
    path: str = ""
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
    return replace(_Builder(str(path)).codebook(document), text=text)


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping key."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        mapping = super().construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {
            key.value: key.start_mark.line + 1 for key, _ in node.value if hasattr(key, "value")
        }
        return mapping


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
            if name.startswith("__") or name in allowed:
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
        if not isinstance(raw, dict) or not [k for k in raw if not k.startswith("__")]:
            self.problem(doc, "schemes", where, "expected a mapping of one or more schemes")
        else:
            for name, node in raw.items():
                if not name.startswith("__"):
                    scheme = self.scheme(str(name), node)
                    if scheme is not None:
                        schemes[scheme.name] = scheme
        book = Codebook(
            concept=self.text(doc, "concept", where),
            terms=self.texts(doc, "terms", where),
            definition=self.text(doc, "definition", where, required=False),
            source=self.text(doc, "source", where, required=False),
            schemes=schemes,
            path=self.path,
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
        return Category(
            code=code,
            label=self.text(node, "label", where, required=False) or code,
            description=self.text(node, "description", where),
            keywords=self.texts(node, "keywords", where),
            examples=self.texts(node, "examples", where),
            account=self.texts(node, "account", where),
        )
