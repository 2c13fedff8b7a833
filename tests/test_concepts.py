"""Another concept end to end: its codebook drives train, classify and the coding store.

The fixture codebook (concept "business model") has two schemes of one code
per item, named neither school nor breadth, and one of several codes per item.
Its definitions are made up for the test.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import bundled_codebook_path, load_codebook
from coding.coders import store
from coding.definitions import load_definitions
from coding.model import degenerate, learnable, load_model, train
from corpus.errors import InputError
from corpus.readers.pdf import publication_year

runner = CliRunner()

CODEBOOK = """\
concept: business model
terms: [business model, business models]
schemes:
  facet:
    label: Facet of the business model
    description: What the definition puts first.
    categories:
      - code: value creation
        description: How the firm creates value for customers and partners.
        keywords: [create value, value creation, offering]
      - code: value capture
        description: How the firm earns revenue and profit from what it offers.
        keywords: [revenue, profit, earn, pricing]
      - code: activity system
        description: The set of activities and the partners that perform them.
        keywords: [activities, activity system, partners, boundaries]
      - code: narrative
        description: A story that explains how the enterprise works.
        keywords: [story, narrative, explains]
  scope:
    label: Broad or narrow definition
    description: Whether the definition names one element or many.
    categories:
      - code: broad
        description: Names many elements of the business.
      - code: narrow
        description: Names one element of the business.
  elements:
    label: Elements named
    description: The elements a definition names.
    multiple: true
    categories:
      - code: customers
        description: The customers served.
      - code: revenue
        description: The revenue model.
      - code: partners
        description: The partners of the firm.
"""

DEFINITIONS = [
    (
        "d1",
        "Ames",
        2001,
        "A business model is how a firm creates value for its customers.",
        "value creation",
        "narrow",
        "customers",
    ),
    (
        "d2",
        "Bell",
        2003,
        "A business model describes how the firm earns revenue and profit.",
        "value capture",
        "narrow",
        "revenue",
    ),
    (
        "d3",
        "Cole",
        2005,
        "A business model is the system of activities the firm and its "
        "partners perform across its boundaries.",
        "activity system",
        "broad",
        "partners",
    ),
    (
        "d4",
        "Dunn",
        2007,
        "A business model is a story that explains how an enterprise works.",
        "narrative",
        "broad",
        "",
    ),
    (
        "d5",
        "Eady",
        2009,
        "A business model is the way a firm creates value with an offering "
        "for customers, earns revenue from it and works with partners.",
        "value creation",
        "broad",
        "customers; revenue; partners",
    ),
    (
        "d6",
        "Ford",
        2011,
        "A business model is the pricing logic by which a firm earns profit.",
        "value capture",
        "narrow",
        "revenue",
    ),
]
HEADER = ["id", "authors", "year", "definition", "facet", "scope", "elements"]


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The codebook, a coded CSV and a model trained on it (once for the module)."""
    folder = tmp_path_factory.mktemp("business")
    book = _write(folder / "codebook.yaml", CODEBOOK)
    coded = folder / "coded.csv"
    pd.DataFrame(DEFINITIONS, columns=HEADER).to_csv(coded, index=False)
    model = folder / "model.pkl.gz"
    result = runner.invoke(
        app, ["train", "--input", str(coded), "--codebook", str(book), "--model", str(model)]
    )
    assert result.exit_code == 0, result.output
    return {"book": book, "coded": coded, "model": model, "train": result}


def test_train_learns_the_codebooks_single_code_schemes(work):
    result = work["train"]
    assert "a model of 'business model' from 6 definitions" in result.stdout
    assert "scheme 'elements' takes several codes per item; it is not learnt" in result.stderr
    assert "using the bundled codebook" not in result.stderr
    fitted = load_model(work["model"])
    assert list(fitted.classifiers) == ["facet", "scope"]
    assert fitted.info["concept"] == "business model"
    assert fitted.info["schemes"] == ["facet", "scope"]
    assert fitted.info["codebook_sha256"] == load_codebook(work["book"]).sha256
    proposed = fitted.propose(["A business model is the revenue and profit a firm earns."])
    assert proposed.loc[0, "facet"] == "value capture"


def test_classify_refuses_a_model_of_another_concept_and_writes_nothing(work, tmp_path):
    source = _write(tmp_path / "defs.csv", "id,definition\nx,A business model is a story.\n")
    out = tmp_path / "proposals.csv"
    result = runner.invoke(
        app,
        ["classify", "--input", str(source), "--out", str(out), "--codebook", str(work["book"])],
    )
    assert result.exit_code == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: the model ")
    assert "of concept 'cluster'" in error and "'business model'" in error
    assert "`defcode train" in error
    assert not out.exists()
    args = ["--codebook", str(work["book"]), "--model", str(work["model"])]
    result = runner.invoke(app, ["classify", "--input", str(source), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert list(written.columns) == [
        "id",
        *(f"{s}{p}" for s in ("facet", "scope") for p in ("", "_confidence", "_reason")),
    ]
    assert written.loc[0, "facet"] in load_codebook(work["book"]).scheme("facet").codes


def _invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def coded_store(work, tmp_path):
    """A store of the six definitions, registered with the codebook and coded by two coders."""
    db = tmp_path / "review.db"
    items = tmp_path / "items.csv"
    frame = pd.DataFrame(DEFINITIONS, columns=HEADER)
    frame[["id", "definition", "authors", "year"]].to_csv(items, index=False)
    result = _invoke("codings", "items", "--db", db, "--input", items, "--codebook", work["book"])
    assert result.exit_code == 0, result.output
    assert "recorded codebook 'business model' (sha256 " in result.stdout
    rows = []
    for ident, *_, facet, scope, elements in DEFINITIONS:
        for coder in ("ann", "bob"):
            disagree = coder == "bob" and ident == "d6"
            rows.append((ident, "facet", coder, "narrative" if disagree else facet))
            rows.append((ident, "scope", coder, scope))
            if elements:
                rows.append((ident, "elements", coder, elements))
    decisions = tmp_path / "decisions.csv"
    pd.DataFrame(rows, columns=["item", "scheme", "coder", "value"]).to_csv(decisions, index=False)
    result = _invoke("codings", "import", decisions, "--db", db)
    assert result.exit_code == 0, result.output
    assert "using the bundled codebook" not in result.output
    return db


def test_the_store_records_its_codebook_and_refuses_another(work, coded_store, tmp_path):
    with sqlite3.connect(coded_store) as conn:
        recorded = store.recorded_codebook(conn)
    assert recorded.concept == "business model"
    assert recorded.sha256 == load_codebook(work["book"]).sha256
    result = _invoke(
        "codings",
        "import",
        tmp_path / "decisions.csv",
        "--db",
        coded_store,
        "--codebook",
        bundled_codebook_path(),
    )
    assert result.exit_code == 1
    sha = recorded.sha256[:12]
    assert f"records codebook 'business model' (sha256 {sha})" in result.stderr
    assert "is 'cluster' (sha256 " in result.stderr
    result = _invoke(
        "codings",
        "resolve",
        "--db",
        coded_store,
        "--item",
        "d6",
        "--scheme",
        "school",
        "--value",
        "x",
        "--adjudicator",
        "cy",
    )
    assert result.exit_code == 1
    assert "'school' is not a scheme of codebook 'business model'" in result.stderr


def test_propose_refuses_the_bundled_model_and_stores_with_the_concepts_own(work, coded_store):
    result = _invoke("codings", "propose", "--db", coded_store)
    assert result.exit_code == 1
    assert "of concept 'cluster'" in result.stderr and "'business model'" in result.stderr
    assert "defcode train" in result.stderr
    result = _invoke("codings", "propose", "--db", coded_store, "--model", work["model"])
    assert result.exit_code == 0, result.output
    assert "stored 12 proposal(s)" in result.stdout
    with sqlite3.connect(coded_store) as conn:
        assert set(store.current(conn, sources=["model"])["scheme"]) == {"facet", "scope"}


def test_export_agreed_writes_the_coded_table_that_train_reads(work, coded_store, tmp_path):
    out, split = tmp_path / "agreed.csv", tmp_path / "split.csv"
    result = _invoke(
        "codings",
        "export",
        "--agreed",
        "--db",
        coded_store,
        "--out",
        out,
        "--disagreements",
        split,
    )
    assert result.exit_code == 0, result.output
    assert "left out: d6: coders disagree" in result.stderr
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == HEADER
    expected = pd.DataFrame(DEFINITIONS[:5], columns=HEADER)
    pd.testing.assert_frame_equal(table, expected)
    left = pd.read_csv(split)
    assert left[["item", "scheme", "ann", "bob"]].values.tolist() == [
        ["d6", "facet", "value capture", "narrative"]
    ]
    read = load_definitions(out, load_codebook(work["book"]))
    assert read["elements"].tolist()[-1] == "customers; revenue; partners"
    # adjudicated: d6 comes back
    result = _invoke(
        "codings",
        "resolve",
        "--db",
        coded_store,
        "--item",
        "d6",
        "--scheme",
        "facet",
        "--value",
        "value capture",
        "--adjudicator",
        "cy",
    )
    assert result.exit_code == 0, result.output
    result = _invoke("codings", "export", "--agreed", "--db", coded_store, "--out", out)
    assert pd.read_csv(out)["id"].tolist() == ["d1", "d2", "d3", "d4", "d5", "d6"]
    model = tmp_path / "again.pkl.gz"
    result = _invoke("train", "--input", out, "--codebook", work["book"], "--model", model)
    assert result.exit_code == 0, result.output
    assert "from 6 definitions" in result.stdout


def test_items_are_listed_and_removed_without_losing_decisions(coded_store, tmp_path):
    result = _invoke("codings", "items", "--db", coded_store, "--list")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith("6 item(s)")
    assert "business model" in result.stdout and "Ames" in result.stdout
    result = _invoke("codings", "items", "--db", coded_store, "--remove", "d6", "--note", "dup")
    assert result.exit_code == 0, result.output
    assert "removed item 'd6' (its 6 decision(s) stay in the history)" in result.stdout
    result = _invoke("codings", "items", "--db", coded_store, "--list")
    assert result.stdout.strip().splitlines()[-1].endswith("5 item(s); 1 removed: d6")
    with sqlite3.connect(coded_store) as conn:
        assert "d6" not in set(store.current(conn)["item"])
        assert "d6" in set(store.history(conn)["item"])
    out = tmp_path / "agreed.csv"
    result = _invoke("codings", "export", "--agreed", "--db", coded_store, "--out", out)
    assert result.exit_code == 0 and "left out" not in result.stderr
    assert pd.read_csv(out)["id"].tolist() == ["d1", "d2", "d3", "d4", "d5"]
    result = _invoke("codings", "items", "--db", coded_store, "--remove", "d6")
    assert result.exit_code == 1 and "'d6' was removed already" in result.stderr


def test_an_empty_store_exports_nothing(work, tmp_path):
    db, out = tmp_path / "empty.db", tmp_path / "agreed.csv"
    with store.open_store(db):
        pass
    result = _invoke("codings", "export", "--agreed", "--db", db, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1
    assert "no items of concept 'cluster' to export" in result.stderr
    assert not out.exists()


def test_a_scheme_missing_from_a_coded_csv_is_an_error_and_no_model_is_written(work, tmp_path):
    coded = tmp_path / "coded.csv"
    pd.DataFrame(DEFINITIONS, columns=HEADER).drop(columns="scope").to_csv(coded, index=False)
    model = tmp_path / "m.pkl.gz"
    result = _invoke("train", "--input", coded, "--codebook", work["book"], "--model", model)
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1
    assert f"{coded}: missing column(s) 'scope'" in result.stderr
    assert not model.exists()
    result = _invoke("train", "--codebook", work["book"], "--model", model)
    assert result.exit_code == 1 and not model.exists()
    assert "the bundled definitions are coded with the codebook of 'cluster'" in result.stderr


def test_a_single_code_scheme_is_refused_when_named_and_left_out_otherwise(work, tmp_path):
    frame = pd.DataFrame(DEFINITIONS, columns=HEADER).assign(scope="broad")
    coded = tmp_path / "coded.csv"
    frame.to_csv(coded, index=False)
    model = tmp_path / "m.pkl.gz"
    args = ["--input", coded, "--codebook", work["book"], "--model", model]
    result = _invoke("train", *args, "--scheme", "scope")
    assert result.exit_code == 1 and not model.exists()
    assert "scheme 'scope': all 6 coded definitions have the code 'broad'" in result.stderr
    result = _invoke("train", *args, "--scheme", "elements")
    assert result.exit_code == 1
    assert "scheme 'elements' of codebook 'business model' takes several codes" in result.stderr
    assert learnable(frame.head(2), "facet") == (
        "2 coded definition(s); at least 3 are needed to learn and calibrate a model"
    )


def test_a_degenerate_fit_is_named():
    definitions = load_definitions()
    fitted = train(definitions, schemes=["breadth"], param_grid={"C": [1.0]})
    classifier = fitted.classifiers["breadth"]
    assert degenerate(classifier, definitions["definition"]) is None
    assert fitted.info["warnings"] == {}
    flat = classifier.set_params(temperature=49.9997)
    assert "temperature 50 is at the bound" in degenerate(flat, definitions["definition"])


def test_a_store_of_another_concept_without_a_record_needs_its_codebook(work, tmp_path):
    db = tmp_path / "old.db"
    with store.open_store(db) as conn:
        frame = pd.DataFrame({"id": ["a"], "text": ["A business model is a story."]})
        store.add_items(conn, frame, concept="business model", origin="csv")
    result = _invoke("codings", "disagreements", "--db", db)
    assert result.exit_code == 1
    assert "holds items of concept 'business model' and records no codebook" in result.stderr
    result = _invoke("codings", "disagreements", "--db", db, "--codebook", work["book"])
    assert result.exit_code == 0, result.output
    assert "recorded codebook 'business model'" in result.stderr
    conn = store.open_store(db)
    with pytest.raises(InputError, match="records codebook 'business model'"):
        store.store_codebook(conn, load_codebook())
    conn.close()


@pytest.mark.parametrize(
    ("page", "described", "year"),
    [
        ("Journal of Testing 3 (2019) 1-9\nA title\nPorter (1998) wrote", "", "2019"),
        ("A title\nbody text\n© 2017 Elsevier Ltd. All rights reserved.", "", "2017"),
        ("A title", "Research Policy, 48 (2016) 1-9", "2016"),
        ("A title\nPublished online: 3 May 2015\n", "", "2015"),
        ("A title\n" + "line\n" * 20 + "as Porter (1998) says", "", ""),
        ("A title (1850) and (2999)", "", ""),
    ],
)
def test_a_pdfs_year_comes_from_its_first_page_or_description(page, described, year):
    assert publication_year(page, described) == year


def _pdf(path, lines: list[str]):
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2010, 1, 1, tzinfo=UTC))
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.output(str(path))
    return path


def test_ingest_takes_a_pdfs_year_and_meta_sets_key_authors_and_year(work, tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    body = (
        "A business model is the way a firm creates value for its customers and earns "
        "revenue from what it offers."
    )
    _pdf(papers / "cited.pdf", ["Journal of Testing 3 (2019) 1-9", "Business models", body])
    _pdf(papers / "bare.pdf", ["Business models again", body.replace("way", "manner")])
    db = tmp_path / "review.db"
    result = _invoke("ingest", papers, "--db", db, "--codebook", work["book"])
    assert result.exit_code == 0, result.output
    conn = store.open_store(db)
    years = dict(conn.execute("SELECT key, year FROM documents").fetchall())
    assert years == {"cited": "2019", "bare": ""}  # the creation date (2010) is no year
    conn.close()
    meta = _write(
        tmp_path / "meta.csv",
        "path,key,authors,year\npapers/bare.pdf,,Gray and Hale,2021\npapers/none.pdf,,X,2000\n",
    )
    result = _invoke("ingest", papers, "--db", db, "--codebook", work["book"], "--meta", meta)
    assert result.exit_code == 0, result.output
    assert "row 2: " in result.stderr
    assert "none.pdf is not among the files ingested" in result.stderr
    conn = store.open_store(db)
    rows = conn.execute("SELECT key, authors, year FROM documents ORDER BY key").fetchall()
    assert rows == [("bare", "Gray and Hale", "2021"), ("cited", "", "2019")]
    conn.close()
    fresh = tmp_path / "fresh.db"
    _write(meta, "path,key,authors,year\npapers/cited.pdf,lee2019,Lee,\n")
    result = _invoke("ingest", papers, "--db", fresh, "--codebook", work["book"], "--meta", meta)
    assert result.exit_code == 0, result.output
    conn = store.open_store(fresh)
    rows = conn.execute("SELECT key, authors, year FROM documents ORDER BY key").fetchall()
    assert rows == [("bare", "", ""), ("lee2019", "Lee", "2019")]
    conn.close()
    result = _invoke("codings", "items", "--db", db, "--candidates", "--codebook", work["book"])
    assert result.exit_code == 0, result.output
    listed = _invoke("codings", "items", "--db", db, "--list").stdout
    assert "Gray and Hale" in listed and "2021" in listed and "2019" in listed


def test_the_widget_and_refi_export_code_with_the_stores_codebook(coded_store, tmp_path):
    from coding.coders.widget import CodingSession

    session = CodingSession(coded_store, "cy")
    assert session.scheme == "facet"
    assert list(session.buttons) == [
        "value creation",
        "value capture",
        "activity system",
        "narrative",
    ]
    session.close()
    with pytest.raises(ValueError, match="'elements' takes several codes per item"):
        CodingSession(coded_store, "cy", "elements")
    out = tmp_path / "project.qdpx"
    result = _invoke("qda", "export", "--db", coded_store, "--out", out)
    assert result.exit_code == 0, result.output
    assert "6 item(s)" in result.stdout and "using the bundled" not in result.stderr


def test_ingest_with_a_codebook_records_it_for_the_coding_commands(tmp_path):
    from importlib import resources

    example = Path(str(resources.files("coding") / "data" / "examples" / "platform_ecosystem"))
    db = tmp_path / "review.db"
    result = runner.invoke(
        app, ["ingest", str(example / "papers"), "--db", str(db), "--codebook",
              str(example / "codebook.yaml"), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "recorded codebook 'platform ecosystem'" in result.output
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--candidates"])
    assert result.exit_code == 0, result.output
    assert "new item(s) of 'platform ecosystem'" in result.stdout
    assert "bundled" not in result.output

    def stored():
        with sqlite3.connect(db) as conn:
            tables = ("documents", "pages", "candidates", "scans", "codebooks", "items")
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone() for t in tables}

    before = stored()
    new = tmp_path / "new.txt"
    new.write_text("A cluster is a group of firms in one place.\n", encoding="utf-8")
    other = runner.invoke(
        app, ["ingest", str(new), "--db", str(db), "--codebook", str(bundled_codebook_path()),
              "-q"],
    )  # fmt: skip
    assert other.exit_code == 1
    errors = [line for line in other.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "records codebook 'platform ecosystem'" in errors[0]
    assert stored() == before


def test_candidates_of_another_concept_are_not_registered_silently(tmp_path):
    from importlib import resources

    example = Path(str(resources.files("coding") / "data" / "examples" / "platform_ecosystem"))
    db = tmp_path / "review.db"
    args = ["ingest", str(example / "papers"), "--db", str(db), "--concept", "platform ecosystem"]
    assert runner.invoke(app, [*args, "-q"]).exit_code == 0
    result = runner.invoke(app, ["codings", "items", "--db", str(db), "--candidates"])
    assert result.exit_code == 1
    assert "searched for 'platform ecosystem', not for 'cluster'" in result.stderr
