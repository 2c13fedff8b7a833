"""The candidates of the seed PDF and of a generated concept-dense corpus, byte for byte.

A regression test of the finder's speed work: the expected candidates in
``tests/data/finder_candidates.csv`` were first written by the finder as it
was before that work (commit 46aee6b, the parent of the branch that made it
faster), and rewritten when the candidates were meant to change, with::

    python -m tests.test_finder_identity tests/data/finder_candidates.csv

Last rewritten for whole sentences and rows: a sentence over a page break is
one candidate (``end_page``), a table row holds its whole definition cell and
its author cell, a Table 1 label is not glued to its definition, and the
``cited_definition`` form; then for the perfect tense of the defining forms ("Clusters
have been seen as ...", three copies of one seed sentence, ``detector`` to ``defined_as``),
the self-stated forms and ``quoted_definition``. Each row is a candidate's ``id`` (as the store
makes it), ``doc`` (the document's uid), ``page``, ``start``, ``end``,
``text``, ``score``, ``rule`` and ``end_page``. Rewrite the file only when the
candidates are meant to change (a retrained detector, a new defining form),
and say so.
"""

from __future__ import annotations

import io
import random
import sys
import textwrap
from pathlib import Path

import pandas as pd

FIXTURE = Path(__file__).resolve().parent / "data" / "finder_candidates.csv"
#: The terms of the bundled cluster codebook.
TERMS = [
    "cluster",
    "clusters",
    "clustering",
    "industrial cluster",
    "industrial district",
    "industrial districts",
]
COLUMNS = ["id", "doc", "page", "start", "end", "text", "score", "rule", "end_page"]


def dense_documents() -> dict[str, list[str]]:
    """Six documents of four pages from the seed's paragraphs, reshuffled; each page names
    the concept.

    Lines are wrapped at 60 to 95 characters, paragraphs separated by blank lines, and some
    pages hold a heading and rows of the seed's Table 2 (``Author (year)`` then its
    definition on the next lines), so that the line-break rule, the table-row form and
    passages that run across lines all take part.
    """
    from tests.typeset import SEED, TABLES, _seed_blocks

    raw = next(SEED.glob("*.txt")).read_text(encoding="utf-8")
    blocks = [b.text for b in _seed_blocks(raw) if b.kind in ("paragraph", "list_item")]
    rows = TABLES["2"].rows
    documents = {}
    for number in range(6):
        rng = random.Random(f"dense-{number}")
        pages = []
        for page in range(4):
            width = rng.randint(60, 95)
            parts = [f"{page + 1} Section {rng.choice(['Clusters', 'Networks', 'Method'])}"]
            chosen = rng.sample(blocks, 5)
            if not any("cluster" in b.lower() for b in chosen):
                chosen[0] = next(b for b in blocks if "cluster" in b.lower())
            parts += [textwrap.fill(b, width, break_on_hyphens=False) for b in chosen]
            if rng.random() < 0.4:
                for author, definition, *_ in rng.sample(rows, 3):
                    parts.append(author + "\n" + textwrap.fill(definition, width // 2))
            pages.append("\n\n".join(parts))
        documents[f"dense{number}"] = pages
    return documents


def candidates(folder: Path) -> pd.DataFrame:
    """The candidates ingest stores for the seed PDF and the dense documents, and those the
    finder gives a long page cut into windows, in the rows of :data:`COLUMNS`."""
    import corpus.finding.finder
    from corpus import store
    from corpus.ingest import ingest
    from tests.typeset import seed_pdf

    documents = dense_documents()
    seed_pdf(folder / "seed.pdf")
    for name, pages in documents.items():
        (folder / f"{name}.txt").write_text("\f".join(pages), encoding="utf-8")
    db = folder / "corpus.db"
    report = ingest([folder], db, "cluster", TERMS)
    assert not report.failures, report.failures
    conn = store.connect(db)
    stored = pd.read_sql_query(
        'SELECT c.id, d.uid AS doc, p.number AS page, c.start, c."end", c.text, c.score, c.rule,'
        " c.end_page FROM candidates c JOIN pages p ON p.id = c.page_id"
        " JOIN documents d ON d.id = p.document_id ORDER BY d.uid, p.number, c.start",
        conn,
    )
    conn.close()
    # One page of 16,000 characters searched in windows of 3,000: several docs per page.
    long_page = "\n\n".join(page for pages in documents.values() for page in pages)[:16_000]
    window, corpus.finding.pages.WINDOW = corpus.finding.pages.WINDOW, 3_000
    try:
        (cut,) = corpus.finding.finder.find_in_documents([[long_page]], TERMS)
    finally:
        corpus.finding.pages.WINDOW = window
    cut.insert(0, "doc", "window")
    cut.insert(0, "id", [f"window-{row.page}-{row.start}" for row in cut.itertuples()])
    return pd.concat([stored, cut], ignore_index=True)[COLUMNS]


def as_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text, floats as Python writes them."""
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def test_candidates_are_those_of_the_finder_before_its_speed_work(tmp_path, seed_text):
    found = as_csv(candidates(tmp_path)).splitlines()
    expected = FIXTURE.read_text(encoding="utf-8").splitlines()
    assert len(found) == len(expected)
    assert found == expected


def test_the_dense_documents_name_the_concept_on_every_page(seed_text):
    documents = dense_documents()
    assert len(documents) == 6
    assert all("cluster" in page.lower() for pages in documents.values() for page in pages)


def test_a_candidates_text_sliced_from_its_docs_text_is_its_text(seed_text):
    """The detector reads each candidate's text sliced from the text its doc was made of."""
    from corpus.finding.finder import SPANS_KEY, _span_text, definition_pipeline, term_pattern
    from corpus.finding.pages import TEXT_KEY, page_docs

    nlp = definition_pipeline(tuple(TERMS), "")
    pages = [page for pages in dense_documents().values() for page in pages][:8]
    spans = 0
    for page in pages:
        for _, doc in page_docs(nlp, page, term_pattern(TERMS)):
            assert doc.user_data[TEXT_KEY] == doc.text
            doc = nlp(doc)
            for span in doc.spans[SPANS_KEY]:
                assert _span_text(doc, span) == span.text
                spans += 1
    assert spans > 20


def test_white_space_runs_are_the_tokens_the_rules_make_of_them(seed_text):
    """The finder's tokenizer is told that a run of white space is one token, so that it
    does not try its affix rules on the runs page_docs blanks far text with: its tokens
    are those it makes without being told."""
    import random

    from corpus.finding.finder import definition_pipeline, term_pattern
    from corpus.finding.pages import page_docs

    nlp = definition_pipeline(tuple(TERMS), "")
    blanks = [" ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2009", "\u3000"]
    rng = random.Random(7)
    texts = [
        "".join(rng.choice([*blanks, *"ab.,()'-"]) for _ in range(rng.randint(1, 40)))
        for _ in range(500)
    ]
    texts += [f"Firms{b * n}grow.{b * n}" for b in blanks for n in (1, 2, 3, 40, 2_000)]
    pages = [page for pages in dense_documents().values() for page in pages][:8]
    texts += [doc.text for page in pages for _, doc in page_docs(nlp, page, term_pattern(TERMS))]
    assert sum("   " in text for text in texts[-8:]) >= 4

    def tokens(text):
        return [(t.text, t.idx, t.whitespace_) for t in nlp.tokenizer(text)]

    told = [tokens(text) for text in texts]
    match, nlp.tokenizer.token_match = nlp.tokenizer.token_match, None
    try:
        assert told == [tokens(text) for text in texts]
    finally:
        nlp.tokenizer.token_match = match


if __name__ == "__main__":  # write the fixture: see the module docstring
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        Path(sys.argv[1]).write_text(as_csv(candidates(Path(tmp))), encoding="utf-8")
