"""The invented papers that quote the shared pool of definitions (bench/quoting/papers.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from bench.quoting.papers import TRUTH_COLUMNS, _plan, write_sample, write_set
from corpus.readers.pdf import pdf_pages

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "data" / "quoting_papers"


@pytest.fixture(scope="module")
def dev(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("dev")
    return folder, write_set(folder, "dev")


def _plain(text: str) -> str:
    """White space collapsed, a line-end hyphen joined, no space before punctuation.

    The reader leaves a hyphen at a page's end, and puts the punctuation after a
    word it joins at a line end on the next line ("infrastructure\\n, knowledge").
    """
    text = " ".join(text.split())
    text = re.sub(r"(\w)- (?=[a-z])", r"\1", text)
    return re.sub(r" (?=[,.;:)\u2019\u201d])", "", text)


def test_the_dev_set_writes_twelve_papers_and_their_truth(dev):
    folder, truth = dev
    assert sorted(p.stem for p in folder.glob("*.pdf")) == sorted(truth["doc"].unique())
    assert len(truth["doc"].unique()) >= 12
    assert list(pd.read_csv(folder / "truth.csv").columns) == TRUTH_COLUMNS
    assert truth.groupby("doc").size().min() >= 4


def test_the_truth_covers_every_citation_style_and_rewording(dev):
    _, truth = dev
    assert set(truth["style"]) == {"narrative", "parenthetical", "numbered", "row", "self"}
    assert {"exact", "swap", "ellipsis", "partial"} <= set(truth["form"])
    partial = truth[truth["form"] == "partial"]
    assert partial["text"].str.split().str.len().min() >= 6


def test_papers_quote_the_own_definitions_of_earlier_papers_of_the_set(dev):
    _, truth = dev
    own = truth[truth["style"] == "self"]
    quoted = truth[truth["definition"].isin(own["doc"]) & (truth["style"] != "self")]
    assert len(quoted) >= 3
    years = own.set_index("doc")["year"]
    later = quoted["doc"].str[-4:].astype(int) > quoted["definition"].map(years).astype(int)
    assert later.all()


def test_the_reader_finds_each_truth_text_on_its_page(dev):
    folder, truth = dev
    for doc, rows in truth.groupby("doc"):
        pages = pdf_pages(folder / f"{doc}.pdf")
        for row in rows.itertuples():
            start = _plain(pages[row.page - 1])
            onward = _plain("\n".join(pages[row.page - 1 : row.page + 1]))
            text = _plain(row.text)
            assert 0 <= onward.find(text) < len(start), (doc, row.page, row.text)


def test_numbered_papers_cite_by_number_and_list_their_references_by_number(dev):
    folder, truth = dev
    numbered = truth.loc[truth["style"] == "numbered", "doc"].unique()
    assert len(numbered) >= 3
    for doc in numbered:
        text = "\n".join(pdf_pages(folder / f"{doc}.pdf"))
        references = text[text.rindex("References") :]
        body = text[: text.rindex("References")]
        cited = re.findall(r"\[(\d+)(?:,\s+p\.\s+\d+)?\]", body)
        listed = re.findall(r"^\[(\d+)\]", references, re.MULTILINE)
        # Numbered in order of first citation, every one cited.
        first = [int(n) for n in dict.fromkeys(cited)]
        assert first == [int(n) for n in listed] == list(range(1, len(listed) + 1))


def test_dev_and_heldout_are_different_papers_quoting_differently():
    dev, heldout = _plan(1, 12), _plan(2, 12)
    assert not {p.key for p in dev} & {p.key for p in heldout}
    assert [[d.id for d, _ in p.quotes] for p in dev] != [
        [d.id for d, _ in p.quotes] for p in heldout
    ]


def test_the_shipped_sample_is_what_the_generator_writes(tmp_path):
    write_sample(tmp_path)
    shipped = sorted(p.name for p in SAMPLE.iterdir())
    assert shipped == sorted(p.name for p in tmp_path.iterdir())
    for name in shipped:
        assert (SAMPLE / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 300_000
