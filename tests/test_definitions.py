"""Reading coded definitions: errors name the file, row and field."""

from __future__ import annotations

import pytest

from coding.definitions import load_definitions
from corpus.errors import InputError

HEADER = "id,authors,year,definition,school,breadth\n"


def test_user_csv_is_read_and_codes_normalised(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text(
        HEADER + 'd1,Smith,2020,"A cluster is, simply, firms.",michael porter,narrow\n',
        encoding="utf-8",
    )
    frame = load_definitions(path)
    assert frame.to_dict("records") == [
        {
            "id": "d1",
            "authors": "Smith",
            "year": 2020,
            "definition": "A cluster is, simply, firms.",
            "school": "Michael Porter",
            "breadth": "N",
        }
    ]


def test_bad_rows_are_named_with_field_and_value(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text(
        HEADER
        + "d1,Smith,2020,A def.,Not A School,N\n"
        + "d2,Jones,twenty,A def.,Michael Porter,X\n"
        + "d3,,2001,A def.,Michael Porter,B\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_definitions(path)
    message = str(error.value)
    assert f"{path}, row 1, field 'school': 'Not A School' is not a code of scheme" in message
    assert f"{path}, row 2, field 'year': 'twenty' is not a whole number" in message
    assert f"{path}, row 2, field 'breadth': 'X' is not a code of scheme 'breadth'" in message
    assert "row 3" not in message  # authors may be unknown in a coded CSV


def test_missing_column_and_repeated_id_are_named(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text("id,authors,year,definition,school\nd1,A,2000,x,Michael Porter\n")
    with pytest.raises(InputError, match=r"missing column\(s\) 'breadth'"):
        load_definitions(path)
    path.write_text(HEADER + "d1,A,2000,x,Michael Porter,B\nd1,B,2001,y,Michael Porter,N\n")
    with pytest.raises(InputError, match=r"row 2, field 'id': 'd1' repeats an earlier row"):
        load_definitions(path)


def test_undecodable_and_missing_files_are_named(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "d1,Håkansson,1982,x,Michael Porter,B\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.csv: not UTF-8 text"):
        load_definitions(path)
    with pytest.raises(InputError, match=r"nope.csv: no such file"):
        load_definitions(tmp_path / "nope.csv")
