"""The widget's background refit, with real threads: clicks are never lost nor doubled."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import coding.coders.widget as widget_module
from coding.codebook import load_codebook
from coding.coders.store import add_bundled_items, history, open_store, store_proposals
from coding.coders.widget import STORED_MODEL, CodingSession
from coding.definitions import load_definitions
from coding.model import load_model

CODEBOOK = load_codebook()
PAPER = load_definitions().set_index("key")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "coding.db"
    conn = open_store(path)
    add_bundled_items(conn, CODEBOOK)
    store_proposals(conn, load_model())
    conn.close()
    return path


def _human(db: Path) -> pd.DataFrame:
    conn = open_store(db)
    try:
        return history(conn, "school", sources=["human"])
    finally:
        conn.close()


@pytest.fixture
def gate(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Hold every refit until the test opens the gate; ``started`` is set when one waits."""
    opened, started = threading.Event(), threading.Event()
    real = widget_module._refit

    def held(*args):
        started.set()
        assert opened.wait(60), "the test never opened the gate"
        return real(*args)

    monkeypatch.setattr(widget_module, "_refit", held)
    return opened, started


def test_clicks_are_stored_at_once_while_a_refit_runs(db, gate):
    opened, started = gate
    session = CodingSession(db, coder="ab", learn=True, every=1)
    assert started.wait(10) and session.refitting
    clicked = []
    for _ in range(6):
        item = session.item
        session.buttons[PAPER.at[item, "school"]].click()  # returns while the fit is held
        clicked.append((item, PAPER.at[item, "school"]))
    assert session.refitting
    stored = _human(db)
    assert list(zip(stored["item"], stored["value"], strict=True)) == clicked
    opened.set()
    session.wait(timeout=60)
    assert not session.refitting
    assert list(zip(*_human(db)[["item", "value"]].to_numpy().T, strict=True)) == clicked
    assert session.model_info.startswith("trained on 6 coded item(s) at ")
    unseen = session.items[~session.items["id"].isin(session._shown)]
    assert len(unseen) == 17 - 7
    assert (unseen["model"] == session.model_info).all()
    shown = session.items[session.items["id"].isin([item for item, _ in clicked])]
    assert (shown["model"] == STORED_MODEL).all()  # proposals already shown stay as they were
    session.close()


def test_every_click_of_a_whole_session_is_stored_once(db):
    session = CodingSession(db, coder="ab", learn=True, every=1)
    while session.item is not None:
        session.buttons[PAPER.at[session.item, "school"]].click()
    session.wait(timeout=120)
    stored = _human(db)
    assert len(stored) == 17 and stored["item"].is_unique
    assert dict(zip(stored["item"], stored["value"], strict=True)) == PAPER["school"].to_dict()
    session.close()


def test_the_proposal_says_which_model_made_it(db):
    session = CodingSession(db, coder="ab", learn=True, every=2)
    assert f"Proposed by {STORED_MODEL}" in session.proposal.value.replace("&#x27;", "'")
    for _ in range(5):
        session.buttons[PAPER.at[session.item, "school"]].click()
    session.wait(timeout=60)
    session.skip()  # the item shown during the refit keeps its proposal; the next one is new
    assert session.items.set_index("id").at[session.item, "model"] == session.model_info
    assert session.model_info.startswith("trained on 5 coded item(s)")
    assert f"Proposed by {session.model_info}" in session.proposal.value
    session.close()


@pytest.mark.parametrize("order", ["uncertain", "confident"])
def test_a_refit_orders_the_items_not_yet_shown_by_its_certainty(db, order):
    session = CodingSession(db, coder="ab", order=order, learn=True, every=3)
    for _ in range(6):
        session.buttons[PAPER.at[session.item, "school"]].click()
    session.wait(timeout=60)
    later = session.items.iloc[session.position + 1 :]
    later = later[~later["id"].isin(session._shown)]
    assert len(later) >= 5
    confidence = later["confidence"].astype(float)
    ordered = (
        confidence.is_monotonic_increasing
        if order == "uncertain"
        else (confidence.is_monotonic_decreasing)
    )
    assert ordered
    session.close()


def test_a_failed_refit_is_shown_and_coding_goes_on(db, monkeypatch):
    def broken(*args):
        raise RuntimeError("no memory left")

    monkeypatch.setattr(widget_module, "_refit", broken)
    session = CodingSession(db, coder="ab", learn=True)
    session.wait(timeout=10)
    assert "Refit failed: no memory left" in session.status.value
    session.buttons["Alfred Marshall"].click()
    assert len(_human(db)) == 1
    session.close()


def test_learning_needs_a_store_in_a_file_and_a_positive_every(db):
    with pytest.raises(ValueError, match="every == 0"):
        CodingSession(db, coder="ab", learn=True, every=0)
    memory = open_store(":memory:")
    add_bundled_items(memory, CODEBOOK)
    with pytest.raises(ValueError, match="learn=True needs a store in a file"):
        CodingSession(memory, coder="ab", learn=True)
    memory.close()
    conn = open_store(db)
    session = CodingSession(conn, coder="ab", learn=True)  # a connection to a file will do
    session.wait(timeout=60)
    assert session.model_info.startswith("from the codebook alone")
    session.close()
    conn.close()
