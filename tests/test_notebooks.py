"""Every notebook runs top to bottom in a fresh kernel; notebook 03's results are checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from coding.coders.store import items, open_store
from coding.definitions import load_definitions
from corpus.definitions.grouping import normalise
from corpus.definitions.store import definitions, occurrences
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_stored_without_outputs():
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def _printed(notebook) -> str:
    """Everything the notebook's cells printed."""
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


def _check_classify_new_papers(notebook, folder: Path) -> None:
    """Notebook 03: each quoted definition is one item, credited to the quoted work in Table 2."""
    conn = open_store(folder / "out" / "definitions.db")
    found = definitions(conn, "cluster").query("occurrences > 0")
    held = occurrences(conn, "cluster")
    summary = re.search(
        r"(\d+) hold a definition, in (\d+) document\(s\): (\d+) distinct definition\(s\)",
        _printed(notebook),
    )
    assert summary, "the notebook prints how many definitions it found"
    assert int(summary[1]) == len(held) and int(summary[3]) == len(found)
    assert int(summary[2]) == held["doc"].nunique() >= 2
    assert len(found) < len(held), "repeats are grouped"

    porter = found[(found["authors"] == "Porter") & (found["year"] == "1998")]
    assert len(porter) == 1
    assert porter["occurrences"].iloc[0] >= 3 and porter["documents"].iloc[0] >= 2
    quoted = held[held["definition"] == porter["definition"].iloc[0]]
    assert set(quoted["cited_authors"]) == {"Porter"} and quoted["doc"].nunique() >= 2
    assert "definition by Porter (1998, p. 199)" in _printed(notebook)

    table2 = pd.read_csv(folder / "out" / "new_papers" / "table2.csv", dtype=str).fillna("")
    coded = items(conn, "cluster")
    assert sorted(table2["id"]) == sorted(coded["id"])
    credited = found.set_index("definition").loc[table2["id"], ["authors", "year", "key"]]
    assert table2[["authors", "year", "key"]].values.tolist() == credited.values.tolist()
    assert (table2["authors"] + " " + table2["year"]).tolist().count("Porter 1998") == 1
    assert (table2["definition"].str.split().str.len() >= 8).all(), "fragments are removed"

    # A row that gives one of the seed paper's definitions is credited to the work the seed
    # credits, never to the paper that quotes it; and a row credited to one gives its text.
    seed = load_definitions()
    for row in table2.itertuples():
        best = max(
            seed.itertuples(),
            key=lambda s: SequenceMatcher(
                None, normalise(s.definition), normalise(row.definition)
            ).ratio(),
        )
        ratio = SequenceMatcher(None, normalise(best.definition), normalise(row.definition)).ratio()
        assert (ratio >= 0.8) == (row.key in set(seed["key"])), (row.authors, row.definition)
        if ratio >= 0.8:
            assert row.key == best.key, (row.authors, best.authors)
    assert table2["key"].isin(seed["key"]).sum() >= len(table2) / 2


CHECKS: dict[str, Callable] = {"03_classify_new_papers.ipynb": _check_classify_new_papers}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path, monkeypatch):
    # The notebooks' stores: fresh files, never those a developer may have set.
    monkeypatch.setenv("DEFCODE_DB", str(tmp_path / "coding.db"))
    for name in ("DEFCODE_CODER", "DEFCODE_REVIEW_DB", "DEFCODE_PAPERS"):
        monkeypatch.delenv(name, raising=False)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    if path.name in CHECKS:
        CHECKS[path.name](notebook, tmp_path)
