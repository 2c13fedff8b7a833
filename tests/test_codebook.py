"""The codebook: the bundled cluster codebook and users' YAML codebooks."""

from __future__ import annotations

import re
import textwrap

import pytest

from coding.codebook import load_codebook
from corpus.errors import InputError


def write(tmp_path, text: str):
    path = tmp_path / "codebook.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_codebook_has_schools_breadth_and_determinants():
    book = load_codebook()
    assert book.concept == "cluster"
    assert len(book.scheme("school").codes) == 5
    assert book.scheme("breadth").codes == ["B", "N"]
    assert book.scheme("determinant").multiple is True
    assert len(book.scheme("determinant").codes) == 6
    assert "industrial district" in book.terms
    assert book.definition.startswith("An agglomeration composed of actors in a geographical")
    assert book.definition.endswith("making a contribution to the functioning of the system.")


def test_breadth_descriptions_name_the_analytical_and_normative_streams():
    breadth = load_codebook().scheme("breadth")
    assert "Analytical and normative" in breadth.description
    assert "normative" in breadth.category("B").description
    assert "analytical" in breadth.category("N").description


def test_normalize_accepts_label_and_case_and_rejects_unknown_codes():
    book = load_codebook()
    assert book.scheme("breadth").normalize("broad") == "B"
    assert book.scheme("school").normalize(" economic and industrial  Geography") == (
        "Economic and industrial geography"
    )
    with pytest.raises(ValueError, match=re.escape("'Not A School' is not a code of scheme")):
        book.scheme("school").normalize("Not A School")


def test_unknown_scheme_names_the_schemes():
    with pytest.raises(ValueError, match="has no scheme 'schol'; schemes: 'school'"):
        load_codebook().scheme("schol")


def test_user_codebook_loads(tmp_path):
    path = write(
        tmp_path,
        """
        concept: trust
        terms: [trust]
        schemes:
          level:
            categories:
              - {code: inter, label: Interpersonal, description: Between people.}
              - {code: org, description: In organisations.}
        """,
    )
    book = load_codebook(path)
    assert book.scheme("level").codes == ["inter", "org"]
    assert book.scheme("level").normalize("interpersonal") == "inter"
    assert book.scheme("level").label == "level"


def test_typo_in_a_field_is_named_with_its_line(tmp_path):
    path = write(
        tmp_path,
        """\
        concept: trust
        schemes:
          level:
            categories:
              - code: inter
                desciption: Between people.
        """,
    )
    with pytest.raises(InputError) as error:
        load_codebook(path)
    message = str(error.value)
    assert f"{path}, line 6: scheme 'level', category 1, field 'desciption': unknown field" in (
        message
    )
    assert "did you mean 'description'?" in message
    assert "missing field 'description'" in message


def test_repeated_code_and_bad_yaml_are_reported(tmp_path):
    path = write(
        tmp_path,
        """\
        concept: trust
        schemes:
          level:
            categories:
              - {code: a, description: x}
              - {code: A, description: y}
        """,
    )
    with pytest.raises(InputError, match=r"line 6: scheme 'level', category 2, field 'code'"):
        load_codebook(path)
    bad = write(tmp_path, "concept: [unclosed\n")
    with pytest.raises(InputError, match=r"line 2: not valid YAML"):
        load_codebook(bad)
