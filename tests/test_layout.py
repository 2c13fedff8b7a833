"""The tree shows the architecture: imports run one way, concerns do not import in circles.

The wings are layers: ``corpus`` <- ``coding`` <- ``analysis``. A module never
imports from a higher layer, not even lazily inside a function or for type
hints. Inside the wings, each subpackage (``coding.model``, ``coding.coders``,
``analysis.cli``...) and each top-level module is one unit, and the units'
imports form no cycle; imports made only for type hints (under
``if TYPE_CHECKING:``) are left out of that check, since nothing runs them.
Every subpackage says what it offers: a docstring and an ``__all__`` whose
names exist.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = ("corpus", "coding", "analysis")


def modules(root: Path) -> dict[str, Path]:
    """Every module of the wings under ``root``, by dotted name (a package by its own name)."""
    found = {}
    for wing in LAYERS:
        for path in sorted((root / wing).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """The line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """The wing modules ``path`` imports, anywhere in it, each with whether only for type hints."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_lines(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found += [(t, node.lineno in typing_only) for t in targets if t.split(".")[0] in LAYERS]
    return found


def unit(module: str, known: set[str]) -> str:
    """The unit a module belongs to: its wing's subpackage, else the module itself."""
    parts = module.split(".")
    if len(parts) >= 2 and ".".join(parts[:2]) in known and _is_package(parts[:2], known):
        return ".".join(parts[:2])
    return module


def _is_package(parts: list[str], known: set[str]) -> bool:
    prefix = ".".join(parts) + "."
    return any(name.startswith(prefix) for name in known)


def upward_imports(root: Path) -> list[str]:
    """Each import of a higher layer, as ``"module (file:line) imports target"``."""
    known = modules(root)
    found = []
    for name, path in known.items():
        layer = LAYERS.index(name.split(".")[0])
        for target, _ in imports(path, set(known)):
            if LAYERS.index(target.split(".")[0]) > layer:
                found.append(f"{name} imports {target}")
    return sorted(set(found))


def unit_cycles(root: Path) -> list[list[str]]:
    """The cycles among the units' imports that run code (type-hint imports left out)."""
    known = modules(root)
    names = set(known)
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        source = unit(name, names)
        for target, typing_only in imports(path, names):
            target_unit = unit(target, names)
            if not typing_only and target_unit != source:
                edges.setdefault(source, set()).add(target_unit)
    cycles, done, stack = [], set(), []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append([*stack[stack.index(node) :], node])
            return
        if node in done:
            return
        stack.append(node)
        for after in sorted(edges.get(node, ())):
            visit(after)
        stack.pop()
        done.add(node)

    for node in sorted(edges):
        visit(node)
    return cycles


def subpackages(root: Path) -> list[str]:
    """The packages below the wings, e.g. ``coding.model``."""
    return sorted(
        name
        for name, path in modules(root).items()
        if path.name == "__init__.py" and name.count(".") >= 1
    )


def test_no_module_imports_a_higher_layer():
    assert upward_imports(ROOT) == []


def test_the_units_of_the_wings_import_in_no_cycle():
    assert unit_cycles(ROOT) == []


def test_the_wings_hold_their_concerns_in_subpackages():
    assert {
        "corpus.readers",
        "corpus.finding",
        "coding.model",
        "coding.coders",
        "coding.qda",
        "analysis.cli",
    } <= set(subpackages(ROOT))


@pytest.mark.parametrize("package", subpackages(ROOT))
def test_each_subpackage_says_what_it_offers(package):
    module = importlib.import_module(package)
    assert module.__doc__ and module.__doc__.strip(), f"{package}/__init__.py has no docstring"
    assert isinstance(getattr(module, "__all__", None), list), f"{package} has no __all__"
    for name in module.__all__:
        offered = hasattr(module, name) or importlib.util.find_spec(f"{package}.{name}")
        assert offered, f"{package}.__all__ names {name!r}, which it does not hold"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for wing in LAYERS:
        (root / wing).mkdir(exist_ok=True)
    return root


def test_an_upward_import_is_found_even_inside_a_function_or_for_type_hints(tmp_path):
    root = _tree(
        tmp_path,
        {
            "corpus/__init__.py": "",
            "corpus/store.py": "def f():\n    from coding.codebook import Codebook\n",
            "coding/__init__.py": "",
            "coding/codebook.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    import analysis.cli\n",
            "analysis/__init__.py": "from coding import codebook\n",
        },
    )
    assert upward_imports(root) == [
        "coding.codebook imports analysis.cli",
        "corpus.store imports coding.codebook",
    ]


def test_a_cycle_between_subpackages_is_found_but_not_one_of_type_hints(tmp_path):
    files = {
        "coding/__init__.py": "",
        "coding/model/__init__.py": "",
        "coding/model/fit.py": "from coding.coders import store\n",
        "coding/coders/__init__.py": "",
        "coding/coders/store.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from coding.model.fit import Model\n",
    }
    assert unit_cycles(_tree(tmp_path / "hints", files)) == []
    files["coding/coders/store.py"] = "def f():\n    from coding.model import fit\n"
    assert unit_cycles(_tree(tmp_path / "runs", files)) == [
        ["coding.coders", "coding.model", "coding.coders"]
    ]
