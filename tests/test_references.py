"""references.bib: parses with bibtexparser v2 and holds every work the paper cites."""

from __future__ import annotations

import re
import unicodedata

import pytest

from analysis.tables import references_path, table2
from corpus.errors import InputError
from corpus.readers.bibliography import load_bibtex
from tests.conftest import ROOT

# Every work the seed paper cites, typed from its text: key -> (an author, year cited).
CITED = {
    "becattini1990": ("Becattini", 1990), "brenner2004": ("Brenner", 2004),
    "brusco1990": ("Brusco", 1990), "bruscorighi1989": ("Brusco", 1989),
    "cookehuggins2002": ("Cooke", 2002), "crouchfarrell2001": ("Crouch", 2001),
    "dahl2003": ("Dahl", 2003), "delangen2002": ("Langen", 2002),
    "deiottati1994": ("Dei Ottati", 1994), "dicken2003": ("Dicken", 2003),
    "dti2001": ("Department of Trade", 2001), "edquist1997": ("Edquist", 1997),
    "enright1996": ("Enright", 1996), "enright2001": ("Enright", 2001),
    "etzkowitzleydesdorff2000": ("Etzkowitz", 2000), "feser1998": ("Feser", 1998),
    "feserluger2002": ("Feser", 2002), "florida1996": ("Florida", 1996),
    "ford2005": ("Ford", 2005), "fordhakansson2005": ("Ford", 2005),
    "gault2002": ("Gault", 2002), "gordonmccann2000": ("Gordon", 2000),
    "hakansson1982": ("Hakansson", 1982), "hakanssonsnehota1995": ("Hakansson", 1995),
    "hakanssonwaluszewski2004": ("Hakansson", 2004), "harrison2004": ("Harrison", 2004),
    "hoangantoncic2003": ("Hoang", 2003), "hofechen2006": ("Hofe", 2006),
    "johansonmattsson1992": ("Johanson", 1992), "johnstonaraujo2002": ("Johnston", 2002),
    "kenneyflorida1988": ("Kenney", 1988), "markusen1996": ("Markusen", 1996),
    "marshall1930": ("Marshall", 1930), "martin1999": ("Martin", 1999),
    "martinsunley2003": ("Martin", 2003), "maskellkebir2006": ("Maskell", 2006),
    "moulaertsekia2003": ("Moulaert", 2003), "mollerrajala2007": ("Moller", 2007),
    "nooteboomwoolthuis2005": ("Nooteboom", 2005), "oakey2001": ("Oakey", 2001),
    "perry2005": ("Perry", 2005), "pickernell2007": ("Pickernell", 2007),
    "porter1998": ("Porter", 1998), "ritterford2004": ("Ritter", 2004),
    "roelandtdenhertog1999": ("Roelandt", 1999), "rosenfeld1995": ("Rosenfeld", 1995),
    "rosenfeld1997": ("Rosenfeld", 1997), "saxenian1994": ("Saxenian", 1994),
    "sforzi1990": ("Sforzi", 1990), "simmiesennett1999": ("Simmie", 1999),
    "sorensonstuart2001": ("Sorenson", 2001), "stoerring2007": ("Stoerring", 2007),
    "stoerringchristensen2004": ("Stoerring", 2004), "storper1995": ("Storper", 1995),
    "swannprevezer1996": ("Swann", 1996), "swann1998": ("Swann", 1998),
    "vandenberg2001": ("Berg", 2001), "vonthunen1826": ("Thunen", 1826),
    "weber1909": ("Weber", 1909), "whittington2009": ("Whittington", 2009),
    "wilkinson2005": ("Wilkinson", 2005),
}  # fmt: skip


def plain(text: str) -> str:
    """LaTeX accents and braces removed, letters folded to ASCII."""
    text = re.sub(
        r"\\[a-zA-Z]+\s*|\\.|[{}]",
        lambda m: {"\\aa": "a", "\\o": "o"}.get(m.group().strip(), ""),
        text,
    )
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


@pytest.fixture(scope="module")
def bib():
    return load_bibtex(ROOT / "references.bib")


def test_references_parse_with_unique_keys_and_core_fields(bib):
    assert len(bib) == len(CITED)
    assert bib["key"].is_unique
    for column in ("authors", "title", "year", "venue"):
        empty = bib.loc[bib[column] == "", "key"].tolist()
        assert not empty, f"entries without {column}: {empty}"
    assert bib["year"].str.fullmatch(r"\d{4}").all()


def test_every_cited_work_has_an_entry(bib):
    entries = bib.set_index("key")
    assert set(entries.index) == set(CITED)
    for key, (surname, year) in CITED.items():
        entry = entries.loc[key]
        assert plain(surname) in plain(entry["authors"]), key
        # A work published in another year than the paper cites says so in its note.
        assert int(entry["year"]) == year or str(year) in entry["note"], key


def test_table2_cites_entries_of_references_bib(bib):
    assert set(table2().data["key"]) <= set(bib["key"])


def test_packaged_references_are_the_top_level_file():
    assert references_path().read_bytes() == (ROOT / "references.bib").read_bytes()


def test_an_entry_whose_latex_cannot_be_decoded_is_loaded_with_a_warning(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{ok, author={A}, title={T}, year={2000}}\n\n"
        "@misc{angelino2017, title={Rule Lists}, year=2017,\n"
        "  howpublished={\\href{https://arxiv.org/abs/1704.01701}{arXiv:1704.01701}}}\n"
    )
    with pytest.warns(UserWarning, match=r"refs.bib, line 3: angelino2017 kept with its LaTeX"):
        entries = load_bibtex(path)
    assert entries["key"].tolist() == ["ok", "angelino2017"]
    assert entries["title"].tolist() == ["T", "Rule Lists"]


def test_broken_bibtex_is_named_with_file_and_line(tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text(
        "@article{ok, author={A}, title={T}, year={2000}}\n\n"
        "@article{ok, author={B}, title={U}, year={2001}}\n"
    )
    with pytest.raises(InputError, match=r"bad.bib, line 3: DuplicateBlockKeyBlock"):
        load_bibtex(path)
