"""The model reads a definition with the names of the work it is credited to."""

from __future__ import annotations

import pandas as pd
import pytest

from coding.codebook import load_codebook
from coding.coders import store
from coding.definitions import load_definitions
from coding.model import classify_file, load_model
from coding.model.credit import credited_text, credited_texts
from coding.model.learning import fixed_classifier

BOOK = load_codebook()


@pytest.mark.parametrize(
    ("authors", "names"),
    [
        ("Swann & Prevezer", "Swann Prevezer"),
        ("Van den Berg et al.", "Van den Berg"),
        ("Delgado, Porter and Stern", "Delgado Porter Stern"),
        ("Department of Trade and Industry", "Department of Trade Industry"),
        ("O\u2019Donoghue and D'Arcy-Smith", "O\u2019Donoghue D'Arcy-Smith"),
    ],
)
def test_the_names_follow_the_text_without_joining_words(authors, names):
    assert credited_text("A cluster is a group.", authors) == f"A cluster is a group.\n{names}"


@pytest.mark.parametrize("authors", [None, "", "  ", "et al.", "&"])
def test_no_names_leave_the_text_alone(authors):
    assert credited_text("A cluster is a group.", authors) == "A cluster is a group."


def test_a_frame_without_authors_gives_its_texts():
    frame = pd.DataFrame({"definition": ["a", "b"]}, index=[3, 7])
    pd.testing.assert_series_equal(credited_texts(frame), frame["definition"])
    frame["authors"] = ["Porter", None]
    assert credited_texts(frame).to_dict() == {3: "a\nPorter", 7: "b"}


def test_a_name_the_codebook_cites_pulls_towards_its_school():
    # Section 3 cites Becattini for the Italian industrial districts, Storper for geography.
    model = fixed_classifier(BOOK, "school").fit([], [])
    text = "A cluster is a group of firms in one place."
    column = list(model.classes_).index
    plain, *named = model.predict_proba(
        [text, *(credited_text(text, a) for a in ("Becattini", "Storper"))]
    )
    assert (
        named[0][column("Italian industrial districts")]
        > plain[column("Italian industrial districts")]
    )
    assert (
        named[1][column("Economic and industrial geography")]
        > plain[column("Economic and industrial geography")]
    )


def test_classify_reads_an_authors_column(tmp_path):
    paper = load_definitions().head(6).rename(columns={"key": "id"})
    model = load_model()
    expected = model.propose(credited_texts(paper)).reset_index(drop=True)
    alone = model.propose(paper["definition"]).reset_index(drop=True)
    assert not expected["school_reason"].equals(alone["school_reason"])
    for columns, wanted in (
        (["id", "definition", "authors"], expected),
        (["id", "definition"], alone),
    ):
        source, out = tmp_path / "in.csv", tmp_path / "out.csv"
        paper[columns].to_csv(source, index=False)
        classify_file(model, source, out)
        written = pd.read_csv(out)
        assert written["id"].tolist() == paper["id"].tolist()
        assert written["school_reason"].tolist() == wanted["school_reason"].tolist()
        assert written["school_confidence"].tolist() == wanted["school_confidence"].tolist()


def test_the_store_proposes_from_the_items_credited_authors(tmp_path):
    conn = store.open_store(tmp_path / "coding.db")
    store.add_bundled_items(conn, BOOK)
    found = store.items(conn, BOOK.concept)
    texts = store.model_texts(conn, found).set_axis(found["id"])
    assert texts["porter1998"].endswith("\nPorter")
    assert texts["swannprevezer1996"].endswith("\nSwann Prevezer")
    # What the store's proposals read is what the agreed codes teach a model.
    agreed = store.agreed(conn, BOOK)
    assert credited_texts(agreed).set_axis(agreed["id"]).loc[found["id"]].tolist() == texts.tolist()
    conn.close()


def test_a_replay_reads_the_credited_authors():
    from coding.model.simulation import replay

    paper = load_definitions()
    with_names = replay(paper, BOOK, "school", runs=1)["shown"][0]
    without = replay(paper.drop(columns="authors"), BOOK, "school", runs=1)["shown"][0]
    assert with_names["item"].tolist() == without["item"].tolist()  # the same order
    assert not with_names["defcode"].equals(without["defcode"])
