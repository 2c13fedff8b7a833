"""The codebook: the bundled cluster codebook and users' YAML codebooks."""

from __future__ import annotations

import re
import textwrap
import time
import tracemalloc

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


CATEGORY = "{code: a, description: b}"
LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", ": codebook: expected a mapping of fields"),
        ("", ": codebook: expected a mapping of fields"),
        ("1: x\nconcept: x\nschemes: {s: {categories: [%s]}}\n", "line 1: codebook: field name 1 "),
        ("concept: x\n~: y\nschemes: {s: {categories: [%s]}}\n", "field name None is not text"),
        ("concept: x\nschemes: {true: {categories: [%s]}}\n", "scheme name True is not text"),
        (
            "concept: 2024-13-45\nschemes: {}\n",
            ", line 1: not valid YAML ('2024-13-45' is not a valid timestamp (month must be in "
            "1..12))",
        ),
        ("concept: !!int abc\n", ", line 1: not valid YAML ('abc' is not a valid int ("),
        ("concept: !!float abc\n", ", line 1: not valid YAML ('abc' is not a valid float ("),
        ("concept: !!int\n", ", line 1: not valid YAML ('' is not a valid int (string index"),
        ("concept: !!bool abc\n", ", line 1: not valid YAML ('abc' is not a valid bool ('abc'))"),
        ("concept: !!timestamp 1\n", ", line 1: not valid YAML ('1' is not a valid timestamp ("),
        (f"concept: {'9' * 5000}\n", "('99999999999999999999...' is not a valid int"),
        ("concept: x\nterms: &t [*t]\n", ", line 2: not valid YAML (found unconstructable"),
        ("concept: !!python/object/apply:os.system [echo]\n", "could not determine a constructor"),
        ("concept: x\nschemes: " + "[" * 5000 + "]" * 5000, "maximum nesting depth"),
        ("concept: x\nschemes: " + "[" * 600 + "]" * 600, "nested too deep"),
        ("concept: x\n__x: 1\nschemes: {s: {categories: [%s]}}\n", "field '__x': unknown field"),
    ],
    ids=[
        "list",
        "empty",
        "int-key",
        "null-key",
        "bool-scheme",
        "bad-date",
        "bad-int",
        "bad-float",
        "empty-int",
        "bad-bool",
        "bad-timestamp",
        "5000-digits",
        "recursive",
        "python-tag",
        "5000-deep",
        "600-deep",
        "dunder-field",
    ],
)
def test_odd_yaml_is_one_input_error(tmp_path, text, message):
    path = write(tmp_path, text.replace("%s", CATEGORY))
    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        load_codebook(path)
    assert time.perf_counter() - started < 1.0
    assert message in str(error.value)
    assert str(error.value).startswith(str(path))


def test_yaml_aliases_are_not_expanded(tmp_path):
    # Nine levels of nine aliases would be 387 million strings expanded.
    path = tmp_path / "laughs.yaml"
    path.write_text(
        "laughs:\n"
        + "".join(f"  {line}\n" for line in LAUGHS.splitlines())
        + f"concept: x\nterms: *a9\nschemes: {{s: {{categories: [{CATEGORY}], label: *a9}}}}\n",
        encoding="utf-8",
    )
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        load_codebook(path)
    assert time.perf_counter() - started < 1.0
    assert tracemalloc.get_traced_memory()[1] < 8 * 2**20
    tracemalloc.stop()
    assert error.value.problems == [
        f"{path}, line 1: codebook, field 'laughs': unknown field; fields: concept, definition, "
        "report, schemes, source, terms",
        f"{path}, line 14: scheme 's', field 'label': expected text",
        f"{path}, line 13: codebook, field 'terms': expected a list of non-empty texts",
    ]


def test_codebook_validate_gives_one_error_line_for_odd_yaml(tmp_path):
    from typer.testing import CliRunner

    from analysis.cli import app

    path = write(tmp_path, "concept: 2024-13-45\nschemes: {1.5: x, false: y}\n")
    result = CliRunner().invoke(app, ["codebook", "validate", str(path)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error:")] == [
        f"error: {path}, line 1: not valid YAML ('2024-13-45' is not a valid timestamp (month "
        "must be in 1..12))"
    ]
    assert "Traceback" not in result.output
