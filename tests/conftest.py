"""Shared fixtures: the seed paper from ../shared, and LaTeX availability."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed paper as plain text, skipped when ../shared is not beside the repo."""
    files = sorted((SHARED / "seed").glob("*.txt"))
    if not files:
        pytest.skip("../shared/seed is not beside this checkout")
    return files[0].read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Text without hyphens, white space and case, to compare across line breaks."""
    return re.sub(r"[\s\-]+", "", text).casefold()


def five_grams(text: str) -> set[tuple[str, ...]]:
    """Every five words in a row of ``text``, case folded: a phrase two texts may share."""
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


@pytest.fixture
def needs_latex() -> None:
    """Skip when pdflatex is missing, except on CI, where it must be installed."""
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI: .ci/run should have installed TeX Live")
        pytest.skip("pdflatex is not installed")
