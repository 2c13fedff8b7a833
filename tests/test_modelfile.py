"""Model files hold data only: loading one runs none of its content; anything else is refused."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model import Model, bundled_model_path, classify_file, load_model, save_model, train
from corpus import modelfile
from corpus.errors import InputError
from corpus.finding.detector import Detector, load_detector

runner = CliRunner()
TEXTS = [
    "A cluster is a group of firms of one industry in one town.",
    "Regional innovation systems are networks of firms and universities that learn together.",
    "Clusters are geographic concentrations of interconnected companies and institutions.",
    "The results are shown in Figure 3.",
    "",
]


class _WritesAFile:
    """Unpickled, it writes ``path``: what a hostile model file could do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "ran"))


def _hostile_pickle(file: Path, target: Path) -> Path:
    bundle = {"codebook": _WritesAFile(target), "classifiers": {}, "info": {}}
    file.write_bytes(gzip.compress(pickle.dumps(bundle)))
    return file


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, entries: dict[str, bytes] | list[tuple[str, bytes]], **options) -> Path:
    items = entries.items() if isinstance(entries, dict) else entries
    with zipfile.ZipFile(path, "w", **options) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return path


def _manifest(entries: dict[str, bytes]) -> dict:
    return json.loads(entries[modelfile.MANIFEST])


@pytest.fixture(scope="module")
def tiny_model() -> Model:
    return train(load_definitions().iloc[:8], param_grid={"C": [1.0]})


def test_the_hostile_pickle_runs_code_when_unpickled(tmp_path):
    target = tmp_path / "ran.txt"
    payload = _hostile_pickle(tmp_path / "evil.pkl.gz", target).read_bytes()
    pickle.loads(gzip.decompress(payload))
    assert target.read_text() == "ran"


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (["classify", "--input", "{defs}", "--out", "{out}", "--model", "{evil}"], "model"),
        (["codings", "propose", "--db", "{db}", "--model", "{evil}"], "model"),
        (["report", "--out", "{out}", "--no-pdf", "-q", "--model", "{evil}"], "model"),
        (["detect", "--input", "{defs}", "--out", "{out}", "--detector", "{evil}"], "detector"),
    ],
)
def test_cli_refuses_a_hostile_pickle_without_running_it(tmp_path, command, what):
    target = tmp_path / "ran.txt"
    evil = _hostile_pickle(tmp_path / "evil.pkl.gz", target)
    defs = tmp_path / "defs.csv"
    defs.write_text("id,text\na,A cluster is a group of firms.\n", encoding="utf-8")
    names = {"defs": defs, "out": tmp_path / "out.csv", "db": tmp_path / "review.db", "evil": evil}
    result = runner.invoke(app, [part.format(**names) for part in command])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {evil}: not a defcode {what} (a gzip")
    assert all(line.startswith(("error: ", "note: ")) for line in lines), lines
    assert "Traceback" not in result.output
    assert not target.exists()
    assert not (tmp_path / "out.csv").exists()


def test_python_api_refuses_a_hostile_pickle_without_running_it(tmp_path):
    target = tmp_path / "ran.txt"
    evil = _hostile_pickle(tmp_path / "evil.pkl.gz", target)
    with pytest.raises(InputError, match=re.escape(f"{evil}: not a defcode model (a gzip file")):
        load_model(evil)
    with pytest.raises(InputError, match=re.escape(f"{evil}: not a defcode detector (a gzip")):
        load_detector(evil)
    defs = tmp_path / "defs.csv"
    defs.write_text("id,text\na,A cluster is a group of firms.\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{evil}: not a defcode model")):
        classify_file(evil, defs, tmp_path / "out.csv")
    assert not target.exists()


def test_a_saved_model_loads_with_identical_probabilities(tiny_model, tmp_path):
    path = save_model(tiny_model, tmp_path / "sub" / "model.zip")
    loaded = load_model(path)
    kept = replace(tiny_model.codebook, path=Path(tiny_model.codebook.path).name)
    assert loaded.info == tiny_model.info and loaded.codebook == kept
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("defcode.json").decode("utf-8")
    assert '"codebook.yaml"' in manifest or Path(tiny_model.codebook.path).name in manifest
    assert str(Path(tiny_model.codebook.path).parent) not in manifest
    for scheme, classifier in tiny_model.classifiers.items():
        again = loaded.classifiers[scheme]
        assert np.array_equal(again.predict_proba(TEXTS), classifier.predict_proba(TEXTS))
        assert again.get_params() == classifier.get_params() | {"codebook": kept}
        pd.testing.assert_frame_equal(again.examples_, classifier.examples_)
    pd.testing.assert_frame_equal(loaded.propose(TEXTS), tiny_model.propose(TEXTS))
    assert save_model(loaded, tmp_path / "again.zip").read_bytes() == path.read_bytes()


def test_saving_a_model_twice_gives_the_same_bytes(tiny_model, tmp_path):
    first = save_model(tiny_model, tmp_path / "a.zip").read_bytes()
    assert save_model(tiny_model, tmp_path / "b.zip").read_bytes() == first
    assert not list(tmp_path.glob(".*partial"))


def test_the_shipped_files_hold_exactly_what_they_load_to(tmp_path):
    model, detector = load_model(), load_detector()
    assert save_model(model, tmp_path / "m.zip").read_bytes() == bundled_model_path().read_bytes()
    shipped = Path(__file__).resolve().parents[1] / "corpus" / "data" / "deft_detector.zip"
    assert detector.save(tmp_path / "d.zip").read_bytes() == shipped.read_bytes()
    again = load_detector(tmp_path / "d.zip")
    assert np.array_equal(again.score(TEXTS), detector.score(TEXTS))


def test_a_model_written_with_other_versions_warns(tiny_model, tmp_path):
    old = Model(tiny_model.codebook, tiny_model.classifiers, tiny_model.info | {"spacy": "0.1"})
    path = save_model(old, tmp_path / "old.zip")
    with pytest.warns(UserWarning, match=r"written with scikit-learn .*, spacy 0\.1"):
        load_model(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (gzip.compress(b'{"codebook": {}}'), "a gzip file"),
        (pickle.dumps({"codebook": None, "classifiers": {}, "info": {}}), "not a ZIP archive"),
        (np.random.default_rng(0).bytes(2048), "not a ZIP archive"),
        (b"", "not a ZIP archive"),
        (b"PK\x03\x04" + bytes(60), "BadZipFile"),
    ],
)
def test_files_that_are_not_model_files_are_refused(tmp_path, content, reason):
    path = tmp_path / "model.zip"
    path.write_bytes(content)
    with pytest.raises(
        InputError, match=re.escape(f"{path}: not a defcode model (") + ".*" + reason
    ):
        load_model(path)


def test_a_detector_is_not_a_model_nor_a_model_a_detector(tmp_path):
    with pytest.raises(InputError, match=r"not a defcode model .*holds a defcode 'detector'"):
        load_model(Path(__file__).resolve().parents[1] / "corpus" / "data" / "deft_detector.zip")
    with pytest.raises(InputError, match=r"not a defcode detector .*holds a defcode 'model'"):
        load_detector(bundled_model_path())


def test_a_model_file_with_another_entry_is_refused(tmp_path):
    entries = _entries(bundled_model_path())
    extra = _zip(tmp_path / "extra.zip", entries | {"run_me.py": b"print('hi')"})
    with pytest.raises(InputError, match=r"not a defcode model \(unknown entries 'run_me\.py'\)"):
        load_model(extra)
    unused = _zip(tmp_path / "unused.zip", entries | {"arrays/999.npy": entries["arrays/0.npy"]})
    with pytest.raises(InputError, match=r"not a defcode model \(unknown entries arrays/999\.npy"):
        load_model(unused)
    twice = [*entries.items(), ("arrays/0.npy", entries["arrays/0.npy"])]
    with pytest.warns(UserWarning, match="Duplicate name"):
        doubled = _zip(tmp_path / "twice.zip", twice)
    with pytest.raises(InputError, match=r"not a defcode model \(repeated entry names\)"):
        load_model(doubled)
    missing = {k: v for k, v in entries.items() if k != "arrays/0.npy"}
    with pytest.raises(InputError, match=r"not a defcode model \(no array entry 'arrays/0\.npy'\)"):
        load_model(_zip(tmp_path / "missing.zip", missing))


@pytest.mark.parametrize("name", ["builtins.eval", "os.system", "sklearn.svm.SVC", "pickle.loads"])
def test_a_model_naming_an_untrusted_class_is_refused(tmp_path, name):
    entries = _entries(bundled_model_path())
    manifest = _manifest(entries)
    school = manifest["bundle"]["dict"]["classifiers"]["dict"]["school"]
    school["state"]["dict"]["model_"]["object"] = name
    entries[modelfile.MANIFEST] = json.dumps(manifest).encode()
    path = _zip(tmp_path / "untrusted.zip", entries)
    with pytest.raises(InputError, match=re.escape(f"it names '{name}', which is not among")):
        load_model(path)


@pytest.mark.parametrize(
    ("node", "reason"),
    [
        ({"dataclass": "coding.codebook.Codebook", "state": {"dict": {}}}, "unknown node"),
        ({"object": "coding.codebook.Codebook", "state": {"dict": {}}}, "the wrong way"),
        (
            {
                "object": "coding.model.classifier.DefinitionClassifier",
                "state": {"dict": {"__class__": 1}},
            },
            "not a mapping of attributes",
        ),
        ({"type": "O"}, "not the dtype of a number"),
        ({"scalar": ["V8", 1]}, "not the dtype of a number"),
        ({"lambda": "x"}, "unknown node 'lambda'"),
        ({"strings": ["a", 1]}, "holds something else"),
    ],
)
def test_a_model_with_a_node_of_another_shape_is_refused(tmp_path, node, reason):
    entries = _entries(bundled_model_path())
    manifest = _manifest(entries)
    manifest["bundle"]["dict"]["info"]["dict"]["extra"] = node
    entries[modelfile.MANIFEST] = json.dumps(manifest).encode()
    with pytest.raises(InputError, match=re.escape(reason)):
        load_model(_zip(tmp_path / "odd.zip", entries))


def test_a_vectorizer_that_would_read_files_is_refused(tmp_path):
    entries = _entries(bundled_model_path())
    manifest = _manifest(entries)
    school = manifest["bundle"]["dict"]["classifiers"]["dict"]["school"]
    school["state"]["dict"]["words_"]["state"]["dict"]["input"] = "filename"
    entries[modelfile.MANIFEST] = json.dumps(manifest).encode()
    with pytest.raises(InputError, match="reads its texts from files"):
        load_model(_zip(tmp_path / "files.zip", entries))


def test_an_array_entry_holding_objects_or_lying_about_its_shape_is_refused(tmp_path):
    entries = _entries(bundled_model_path())
    pickled = io.BytesIO()
    np.save(pickled, np.array([_WritesAFile(tmp_path / "ran.txt")], dtype=object))
    with pytest.raises(InputError, match=r"arrays/0\.npy holds object, not numbers or strings"):
        load_model(_zip(tmp_path / "objects.zip", entries | {"arrays/0.npy": pickled.getvalue()}))
    assert not (tmp_path / "ran.txt").exists()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    lying = header.getvalue() + bytes(16)
    with pytest.raises(InputError, match=re.escape("does not hold the (1000000000000,) array")):
        load_model(_zip(tmp_path / "lying.zip", entries | {"arrays/0.npy": lying}))


def test_an_archive_too_large_unpacked_or_oddly_compressed_is_refused(tmp_path, monkeypatch):
    entries = _entries(bundled_model_path())
    bzip = _zip(tmp_path / "bzip.zip", entries, compression=zipfile.ZIP_BZIP2)
    with pytest.raises(InputError, match=r"defcode\.json is compressed with method 12"):
        load_model(bzip)
    monkeypatch.setattr(modelfile, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="its entries unpack to more than 1,000 bytes"):
        load_model(bundled_model_path())


def test_damaged_model_files_load_or_are_refused_never_crash(tmp_path):
    shipped = bundled_model_path().read_bytes()
    rng = np.random.default_rng(0)
    path = tmp_path / "damaged.zip"
    refused = 0
    for _ in range(60):
        damaged = bytearray(shipped)
        for at in rng.integers(0, len(damaged), rng.integers(1, 4)):
            damaged[at] = int(rng.integers(0, 256))
        path.write_bytes(bytes(damaged[: int(rng.integers(len(damaged) // 2, len(damaged) + 1))]))
        try:
            load_model(path)
        except InputError as error:
            assert str(error).startswith(f"{path}: not a defcode model (")
            refused += 1
    assert refused > 0


def test_a_missing_or_unreadable_model_names_its_path(tmp_path):
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'no.zip'}: no such model file")):
        load_model(tmp_path / "no.zip")
    with pytest.raises(InputError, match=re.escape(f"{tmp_path}: cannot be read")):
        load_model(tmp_path)


def test_saving_something_a_model_file_cannot_hold_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match=r"cannot save a builtins\.function"):
        modelfile.save_bundle({"f": lambda: 0}, tmp_path / "m.zip", "x", [])
    with pytest.raises(TypeError, match=r"cannot save a coding\.codebook\.Codebook"):
        modelfile.save_bundle({"c": load_codebook()}, tmp_path / "m.zip", "x", [])
    assert not list(tmp_path.iterdir())


def test_trusted_names_leave_out_private_modules():
    from sklearn.linear_model import LogisticRegression

    assert modelfile.trusted_names([LogisticRegression, Detector]) == {
        "sklearn.linear_model.LogisticRegression": LogisticRegression,
        "corpus.finding.detector.Detector": Detector,
    }


def test_saving_a_model_over_a_folder_fails_and_keeps_the_folder(tiny_model, tmp_path):
    from corpus.errors import OutputError

    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        save_model(tiny_model, folder)
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["models"]
