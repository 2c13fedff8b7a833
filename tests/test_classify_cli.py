"""`defcode train`, `classify` and `codebook validate`; the bundled model and codebook."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model import Model, classify_file, load_model, save_model, train
from corpus.errors import InputError
from corpus.records import read_texts
from tests.conftest import five_grams, squash

runner = CliRunner()
COLUMNS = [
    "id",
    "school",
    "school_confidence",
    "school_reason",
    "breadth",
    "breadth_confidence",
    "breadth_reason",
]


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def _classify(source, out, *options: str):
    return runner.invoke(app, ["classify", "--input", str(source), "--out", str(out), *options])


def test_classify_writes_a_proposal_per_definition(tmp_path):
    source = _write(
        tmp_path / "new.csv",
        "id,text\n"
        "p1,Regional innovation systems are networks of firms and research institutions "
        "that learn together.\n"
        'p2,"A cluster is a concentration of firms of one industry in one town, nothing more."\n',
    )
    out = tmp_path / "proposals.csv"
    result = _classify(source, out)
    assert result.exit_code == 0, result.output
    proposals = pd.read_csv(out)
    assert list(proposals.columns) == COLUMNS
    assert proposals["id"].tolist() == ["p1", "p2"]
    assert proposals["school"].tolist() == [
        "Regional innovation systems and learning regions",
        "Alfred Marshall",
    ]
    assert proposals["breadth"].isin(["B", "N"]).all()
    assert proposals["school_confidence"].between(0.2, 1).all()
    assert proposals["school_reason"].str.contains("terms: .*nearest coded: ").all()


def test_classify_bad_input_names_the_file_and_writes_nothing(tmp_path):
    source = _write(tmp_path / "bad.csv", "key,words\nx,y\n")
    out = tmp_path / "proposals.csv"
    result = _classify(source, out)
    assert result.exit_code == 1
    assert f"{source}: needs columns 'id' and 'definition' or 'text'" in result.output
    empty = _write(tmp_path / "empty_row.csv", "id,definition\na,A cluster is firms.\nb,  \n")
    result = _classify(empty, out)
    assert result.exit_code == 1
    assert f"{empty}, row 2, field 'definition': empty text" in result.output
    assert not out.exists() and not list(tmp_path.glob(".proposals*"))


def test_train_then_classify_with_the_saved_model(tmp_path):
    coded = _write(
        tmp_path / "coded.csv",
        "id,authors,year,definition,school,breadth\n"
        "a,A,2001,A cluster is a group of firms of one industry in one place.,Alfred Marshall,N\n"
        "b,B,2002,Clusters are learning regions where knowledge institutions innovate together."
        ",Regional innovation systems and learning regions,B\n"
        "c,C,2003,A cluster is firms of the same industry located together.,Alfred Marshall,N\n",
    )
    model = tmp_path / "model.zip"
    result = runner.invoke(app, ["train", "--input", str(coded), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "3 definitions" in result.output
    loaded = load_model(model)
    assert loaded.info["n"] == 3 and set(loaded.classifiers) == {"school", "breadth"}
    assert {"scikit-learn", "spacy"} <= set(loaded.info)
    proposals = loaded.propose(["Knowledge institutions and collective learning in a region."])
    assert proposals.loc[0, "school"] == "Regional innovation systems and learning regions"
    school = "Regional innovation systems and learning regions"
    assert f"nearest coded: b as {school} (" in proposals.loc[0, "school_reason"]
    assert "nearest coded: b as B (" in proposals.loc[0, "breadth_reason"]


def test_loading_something_else_as_a_model_fails_clearly(tmp_path):
    junk = _write(tmp_path / "junk.zip", "not a pickle")
    source = _write(tmp_path / "d.csv", "id,definition\na,A cluster is firms.\n")
    result = _classify(source, tmp_path / "o.csv", "--model", str(junk))
    assert result.exit_code == 1
    assert f"{junk}: not a defcode model" in result.output


def test_a_model_of_another_format_asks_to_be_retrained(tmp_path):
    old = tmp_path / "old.zip"
    shipped = load_model()
    save_model(Model(shipped.codebook, shipped.classifiers, shipped.info | {"format": 1}), old)
    with pytest.raises(InputError, match=r"old\.zip: a model of format 1, .*`defcode train`"):
        load_model(old)


def test_bundled_model_is_what_train_makes_from_the_bundled_data():
    shipped = load_model()
    fresh = train(load_definitions())
    texts = [*load_definitions()["definition"].tolist(), "A cluster is firms in a city."]
    pd.testing.assert_frame_equal(shipped.propose(texts), fresh.propose(texts))
    assert shipped.info["params"] == fresh.info["params"]


def test_codebook_validate_names_a_typo_and_its_line(tmp_path):
    book = _write(
        tmp_path / "book.yaml",
        "concept: innovation\n"
        "schemes:\n"
        "  kind:\n"
        "    categories:\n"
        "      - code: product\n"
        "        descripton: A new good.\n",
    )
    result = runner.invoke(app, ["codebook", "validate", str(book)])
    assert result.exit_code == 1
    assert f"{book}, line 6: scheme 'kind', category 1, field 'descripton': unknown field" in (
        result.output
    )
    assert "did you mean 'description'?" in result.output
    result = runner.invoke(app, ["codebook", "validate", str(load_codebook().path)])
    assert result.exit_code == 0
    assert "school (5 codes), breadth (2 codes), determinant (6 codes)" in result.output


def _section(seed: str, start: str, end: str) -> str:
    flat = squash(seed)
    return flat[flat.index(squash(start)) : flat.index(squash(end))]


def test_keywords_come_from_the_papers_account_not_from_the_definitions(seed_text):
    """School keywords are in Table 1 or Section 3, breadth keywords in Section 4;
    none is a phrase taken from the 17 definitions being evaluated."""
    book = load_codebook()
    schools = _section(seed_text, "3. Five theoretical schools", "4. Cluster definitions")
    schools = schools.replace(
        squash(
            "A geographically proximate group of interconnected companies and associated "
            "institutions in a particular field, linked by commonalities and complementarities"
        ),
        "",
    )
    breadth = _section(seed_text, "4. Cluster definitions", "5. Cluster determinants")
    definitions = [squash(d) for d in load_definitions()["definition"]]
    for scheme, account in (("school", schools), ("breadth", breadth)):
        for category in book.scheme(scheme).categories:
            assert category.keywords, category.code
            for keyword in category.keywords:
                assert squash(keyword) in account, (category.code, keyword)
                if len(re.findall(r"\w+", keyword)) >= 2:
                    assert not any(squash(keyword) in d for d in definitions), keyword


def test_each_schools_account_is_its_own_part_of_section_3_and_quotes_no_definition(seed_text):
    """A school's account passages are sentences of that school's part of Section 3,
    and none shares five words in a row with the 17 definitions being evaluated."""
    schools = load_codebook().scheme("school").categories
    section = _section(seed_text, "Source: Own compilation.", "Based on this general overview")
    section = section.replace("\u201f", "'")
    starts: list[int] = []
    for category in schools:
        starts.append(section.index(squash(category.code), starts[-1] if starts else 0))
    quoted = set().union(*map(five_grams, load_definitions()["definition"]))
    for category, begin, end in zip(schools, starts, [*starts[1:], len(section)], strict=True):
        part = section[begin:end]
        assert len(category.account) >= 7, category.code
        for passage in category.account:
            assert squash(passage) in part, (category.code, passage)
            assert not five_grams(passage) & quoted, passage


@pytest.mark.parametrize("scheme", ["school", "breadth"])
def test_every_category_has_a_description_for_coders(scheme):
    for category in load_codebook().scheme(scheme).categories:
        assert len(category.description.split()) >= 8


def test_read_texts_names_empty_rows_counted_across_chunks(tmp_path):
    source = _write(tmp_path / "defs.csv", "id,text\na,One.\nb,Two.\nc,Three.\nd, \ne,\n")
    with pytest.raises(InputError, match=r"defs\.csv, row 4, field 'text': empty text"):
        list(read_texts(source, chunksize=2))
    good = _write(tmp_path / "good.csv", "id,text\na,One.\nb,Two.\nc,Three.\n")
    chunks = list(read_texts(good, chunksize=2))
    assert [len(c) for c in chunks] == [2, 1]
    assert pd.concat(chunks)["text"].tolist() == ["One.", "Two.", "Three."]


def test_classify_file_in_chunks_matches_proposing_all_at_once(tmp_path):
    definitions = load_definitions()["definition"].tolist()[:7]
    rows = "".join(f'd{i},"{text}"\n' for i, text in enumerate(definitions))
    source = _write(tmp_path / "defs.csv", "id,definition\n" + rows)
    seen = []
    written = classify_file(
        None,
        source,
        tmp_path / "chunked.csv",
        chunksize=2,
        progress=lambda pairs: (seen.append(len(p[0])) or p for p in pairs),
    )
    assert written == 7 and seen == [2, 2, 2, 1]
    chunked = pd.read_csv(tmp_path / "chunked.csv")
    whole = load_model().propose(definitions)
    whole.insert(0, "id", [f"d{i}" for i in range(7)])
    pd.testing.assert_frame_equal(chunked, whole, check_exact=False, atol=1e-4)
