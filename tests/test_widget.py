"""The coding widget, driven through its Python API against a temporary store."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from coding.codebook import load_codebook
from coding.coders.store import (
    add_bundled_items,
    add_items,
    current,
    history,
    open_store,
    proposals,
    store_proposals,
)
from coding.coders.widget import CodingSession, credit, highlight
from coding.model import Model, load_model

CODEBOOK = load_codebook()


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model()


@pytest.fixture
def db(tmp_path: Path, model: Model) -> Path:
    """A store holding the 17 bundled definitions and the bundled model's proposals."""
    path = tmp_path / "coding.db"
    conn = open_store(path)
    add_bundled_items(conn, CODEBOOK)
    store_proposals(conn, model)
    conn.close()
    return path


@pytest.fixture
def conn(db: Path) -> sqlite3.Connection:
    conn = open_store(db)
    yield conn
    conn.close()


def _human(db: Path) -> pd.DataFrame:
    """The coders' current decisions, read through a connection of its own."""
    conn = open_store(db)
    try:
        return current(conn, "school", sources=["human"])
    finally:
        conn.close()


def test_click_saves_the_decision_at_once(db):
    session = CodingSession(db, coder="ab")
    first = session.item
    session.buttons["Michael Porter"].click()
    saved = _human(db)
    assert saved[["item", "coder", "value", "source"]].values.tolist() == [
        [first, "ab", "Michael Porter", "human"]
    ]


def test_note_is_saved_with_the_decision_and_then_cleared(db):
    session = CodingSession(db, coder="ab")
    session.note.value = "  mentions Porter's diamond  "
    session.buttons["Michael Porter"].click()
    assert _human(db)["note"].tolist() == ["mentions Porter's diamond"]
    assert session.note.value == ""


def test_click_moves_on_and_back_returns_with_the_code_and_note(db):
    session = CodingSession(db, coder="ab")
    first, second = session.items["id"].iloc[:2]
    session.note.value = "a note"
    session.buttons["Alfred Marshall"].click()
    assert session.item == second
    session.back()
    assert session.item == first
    assert session.note.value == "a note"
    assert session.buttons["Alfred Marshall"].button_style == "success"


def test_recoding_an_item_keeps_the_history_and_the_latest_value(db, conn):
    session = CodingSession(db, coder="ab")
    first = session.item
    session.buttons["Alfred Marshall"].click()
    session.back()
    session.buttons["Michael Porter"].click()
    assert _human(db).set_index("item").at[first, "value"] == "Michael Porter"
    values = history(conn, "school", sources=["human"])["value"].tolist()
    assert values == ["Alfred Marshall", "Michael Porter"]
    assert session.n_coded == 1


def test_skip_moves_on_without_saving(db):
    session = CodingSession(db, coder="ab")
    second = session.items["id"].iloc[1]
    session.skip()
    assert session.item == second
    assert _human(db).empty
    assert session.n_coded == 0


def test_back_stops_at_the_first_item(db):
    session = CodingSession(db, coder="ab")
    first = session.item
    session.back()
    assert session.item == first
    assert session.back_button.disabled


def test_progress_counts_the_coded_items(db):
    session = CodingSession(db, coder="ab")
    assert session.progress_label.value == "0 of 17 coded"
    for code in ("Alfred Marshall", "Michael Porter"):
        session.buttons[code].click()
    assert (session.n_coded, session.progress.value, session.progress.max) == (2, 2, 17)
    assert session.progress_label.value == "2 of 17 coded"


def test_reopening_resumes_at_the_first_item_the_coder_has_not_coded(db):
    session = CodingSession(db, coder="ab")
    ids = session.items["id"].tolist()
    session.buttons["Alfred Marshall"].click()
    session.skip()
    session.buttons["Michael Porter"].click()
    session.close()

    again = CodingSession(db, coder="ab")
    assert again.item == ids[1]
    assert again.n_coded == 2
    assert again.coded == {ids[0]: "Alfred Marshall", ids[2]: "Michael Porter"}
    assert CodingSession(db, coder="cd").item == ids[0]


def test_coding_the_last_item_goes_back_to_a_skipped_one(db):
    session = CodingSession(db, coder="ab")
    ids = session.items["id"].tolist()
    session.skip()
    for _ in ids[1:]:
        session.buttons["Alfred Marshall"].click()
    assert session.item == ids[0]


def test_past_the_last_item_nothing_can_be_coded(db):
    session = CodingSession(db, coder="ab")
    for _ in range(len(session.items)):
        session.buttons["Alfred Marshall"].click()
    assert session.item is None
    assert session.progress_label.value == "17 of 17 coded"
    assert all(button.disabled for button in session.buttons.values())
    assert "All 17 items are coded" in session.text.value
    with pytest.raises(ValueError, match=re.escape("no item is shown: go back() to one first")):
        session.code("Alfred Marshall")
    session.back()
    assert session.item == session.items["id"].iloc[-1]


def test_document_order_follows_document_page_and_position(db, conn):
    add_items(
        conn,
        pd.DataFrame(
            {
                "id": ["p2", "p1"],
                "text": ["Clusters are B.", "Clusters are A."],
                "doc": ["aaa", "aaa"],
                "page": [2, 1],
                "start": [0, 5],
            }
        ),
        concept="cluster",
        origin="candidates",
    )
    ids = CodingSession(conn, coder="ab").items["id"].tolist()
    assert ids[:2] == ["p1", "p2"]
    assert ids[2:] == sorted(ids[2:])


def test_an_item_of_a_candidate_shows_its_document_and_page_and_no_attribution(db, conn):
    add_items(
        conn,
        pd.DataFrame({"id": ["c1"], "text": ["Clusters are A."], "doc": ["aaa"], "page": [3]}),
        concept="cluster",
        origin="candidates",
    )
    session = CodingSession(conn, coder="ab")
    assert session.item == "c1"
    assert (
        session.location.value
        == "Item 1 of 18 · document <b>aaa</b> · page 3 · <small>item c1</small>"
    )
    assert session.attribution.value == ""
    session.skip()
    bundled = session.item
    assert session.location.value == f"Item 2 of 18 · document <b>{bundled}</b>"
    assert session.attribution.value == ""


def test_credit_names_authors_year_and_pages():
    assert credit("Porter", "1998", "199") == "Porter (1998, p. 199)"
    assert credit("Oakey et al.", "2001", "") == "Oakey et al. (2001)"
    assert credit("", "", "3, 5") == "Unknown (n.d., pp. 3, 5)"


def test_confidence_order_shows_the_least_confident_proposals_first(db, conn):
    add_items(
        conn,
        pd.DataFrame({"id": ["new"], "text": ["Clusters are new."]}),
        concept="cluster",
        origin="csv",
    )
    session = CodingSession(conn, coder="ab", order="confidence")
    confidences = session.items["confidence"]
    assert session.items["id"].iloc[-1] == "new"
    assert pd.isna(confidences.iloc[-1])
    assert confidences.iloc[:-1].is_monotonic_increasing
    assert session.item == proposals(conn, "school").sort_values("confidence")["item"].iloc[0]


def test_item_without_a_proposal_says_so(db, conn):
    add_items(
        conn,
        pd.DataFrame({"id": ["aaa"], "text": ["Clusters are new."]}),
        concept="cluster",
        origin="csv",
    )
    session = CodingSession(conn, coder="ab")
    assert session.item == "aaa"
    assert session.proposal.value == "No model proposal for this item."
    assert {button.button_style for button in session.buttons.values()} == {""}


def test_the_model_proposal_is_preselected_with_confidence_and_reason(db, conn):
    session = CodingSession(conn, coder="ab")
    proposal = proposals(conn, "school").set_index("item").loc[session.item]
    styles = {code: button.button_style for code, button in session.buttons.items()}
    assert styles.pop(proposal["value"]) == "info"
    assert set(styles.values()) == {""}
    shown = f"Model proposes <b>{proposal['value']}</b>: {html.escape(proposal['reason'])}"
    assert shown in session.proposal.value
    # the reason opens with the confidence, so the widget does not print it twice
    assert proposal["reason"].split(" over ")[0].endswith(f"% {proposal['value']}")


def test_buttons_name_their_code_and_describe_it(db):
    session = CodingSession(db, coder="ab")
    scheme = CODEBOOK.scheme("school")
    assert list(session.buttons) == scheme.codes
    for category in scheme.categories:
        button = session.buttons[category.code]
        assert button.description == category.code
        assert button.tooltip == category.description
        assert "defcode-code" in button._dom_classes
    help_text = session.codebook_help.children[0].value
    assert all(c.description in help_text for c in scheme.categories)


def test_the_terms_are_highlighted_and_the_text_escaped(db, conn):
    text = "An industrial district <b>is</b> a cluster & more; clustering matters."
    add_items(conn, pd.DataFrame({"id": ["aaa"], "text": [text]}), concept="cluster", origin="csv")
    session = CodingSession(conn, coder="ab")
    assert session.item == "aaa"
    assert (
        "An <mark>industrial district</mark> &lt;b&gt;is&lt;/b&gt; a <mark>cluster</mark> "
        "&amp; more; <mark>clustering</mark> matters."
    ) in session.text.value


def test_highlight_prefers_the_longest_term_and_whole_words():
    terms = ["cluster", "clusters", "industrial district", "industrial districts"]
    assert highlight("Industrial\ndistricts, subclusters", terms) == (
        "<mark>Industrial\ndistricts</mark>, subclusters"
    )
    assert highlight("a < b", []) == "a &lt; b"


def test_another_scheme_codes_with_its_own_categories(db):
    session = CodingSession(db, coder="ab", scheme="breadth")
    assert list(session.buttons) == ["B", "N"]
    session.buttons["N"].click()
    conn = open_store(db)
    try:
        assert current(conn, "breadth", sources=["human"])["value"].tolist() == ["N"]
    finally:
        conn.close()


def test_an_unknown_scheme_names_the_schemes(db):
    with pytest.raises(
        ValueError,
        match=re.escape(
            "codebook 'cluster' has no scheme 'schol'; schemes: 'school', 'breadth', 'determinant'"
        ),
    ):
        CodingSession(db, coder="ab", scheme="schol")


def test_a_scheme_of_several_codes_per_item_is_refused(db):
    with pytest.raises(ValueError, match="scheme 'determinant' takes several codes per item"):
        CodingSession(db, coder="ab", scheme="determinant")


def test_an_unknown_order_an_empty_coder_and_the_model_are_refused(db):
    with pytest.raises(ValueError, match=re.escape("order='year' is not one of 'document'")):
        CodingSession(db, coder="ab", order="year")
    for coder in ("  ", "defcode-model"):
        with pytest.raises(ValueError, match="give the name or initials of the person coding"):
            CodingSession(db, coder=coder)


def test_a_store_without_items_says_how_to_add_them(tmp_path):
    path = tmp_path / "empty.db"
    with pytest.raises(ValueError, match="holds no items of concept 'cluster'; register some"):
        CodingSession(path, coder="ab")


def test_the_session_displays_as_its_widget(db):
    session = CodingSession(db, coder="ab")
    bundle = session._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == session.widget.model_id
    assert "0 of 17 coded" in repr(session)
