"""The documentation covers the code: every public module has an API page, every link resolves.

``make docs`` (``mkdocs build --strict``) renders the pages; these checks are the fast part
that needs no build: a new module without a ``:::`` line, or a page that names a module that
is gone, fails here first.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from tests.conftest import ROOT

PACKAGES = ("corpus", "coding", "analysis")
DOCS = ROOT / "docs"
DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.MULTILINE)


def public_modules(package: str) -> set[str]:
    """The package and every module below it whose dotted name has no part starting with _."""
    found = {package}
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.add(info.name)
    return found


def documented_modules() -> dict[str, str]:
    """Each module named by a ``::: module`` line in docs/api/*.md, with its page."""
    found = {}
    for page in sorted((DOCS / "api").glob("*.md")):
        for name in DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            assert name not in found, f"{name} is documented twice"
            found[name] = page.name
    return found


def test_public_modules_are_found():
    modules = public_modules("coding")
    assert {"coding", "coding.model.classifier", "coding.coders.store"} <= modules
    assert not any("._" in name for name in modules)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_module_has_an_api_section(package):
    documented = documented_modules()
    missing = sorted(public_modules(package) - set(documented))
    assert not missing, f"add '::: <module>' lines to docs/api/{package}.md for: {missing}"
    for name in public_modules(package):
        assert documented[name] == f"{package}.md", f"{name} is on {documented[name]}"


def test_api_pages_name_no_module_that_is_gone():
    known = set().union(*map(public_modules, PACKAGES))
    gone = sorted(set(documented_modules()) - known)
    assert not gone, f"docs/api/ names modules that do not exist: {gone}"


def test_every_page_in_the_nav_exists_and_every_page_is_in_it():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config[config.index("\nnav:") :]
    listed = set(re.findall(r"^\s+- (?:[^#\n]*?: )?([\w/.-]+\.md)\s*$", nav, re.MULTILINE))
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert listed <= pages, sorted(listed - pages)
    assert pages <= listed, f"pages missing from mkdocs.yml's nav: {sorted(pages - listed)}"


def test_readme_is_short_and_puts_your_own_concept_early():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    heading = next(i for i, line in enumerate(lines) if line.lower() == "## your own concept")
    assert heading < 80


def test_links_from_the_readme_into_docs_resolve():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?:docs|bench)/[^)#\s]+)(?:#[^)]*)?\)", text)
    assert len(targets) >= 8
    for target in targets:
        assert (ROOT / target).exists(), target
