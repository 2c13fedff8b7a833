"""Save and load defcode's fitted models as data only: a ZIP of JSON and NumPy arrays.

A model file is a ZIP archive holding ``defcode.json`` and ``arrays/<n>.npy``.
The JSON describes the saved objects as a tree: numbers, strings, lists, tuples,
dicts, slices, NumPy arrays (each an ``.npy`` entry, numbers or fixed-width
strings only), string arrays, CSR matrices, data frames, and objects of the
classes the caller trusts, each rebuilt from its attribute values. Nothing in
a file is imported, called or unpickled, so reading one runs none of its
content; a file that is not exactly this shape is refused before anything is
built from it. See ``docs/security.md``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import InputError
from corpus.files import atomic_open

MANIFEST = "defcode.json"
CONTAINER = 1
MAX_BYTES = 1 << 30
"""The largest total size, unpacked, of a model file's entries."""

_ENTRY = re.compile(r"arrays/(0|[1-9][0-9]{0,8})\.npy")
_ARRAY_KINDS = frozenset("biufcU")
_PLAIN = (str, int, float, bool, type(None))
_STAMP = (1980, 1, 1, 0, 0, 0)
# Attributes not saved: scikit-learn's text vectorizers keep the address of their
# stop word list, which differs from run to run, and check the list again without it.
_UNSAVED = frozenset({"_stop_words_id"})


def library_versions(*names: str) -> dict[str, str]:
    """The installed versions of the named distributions, e.g. ``"scikit-learn"``."""
    from importlib.metadata import version

    return {name: version(name) for name in names}


def trusted_names(classes: Iterable[type]) -> dict[str, type]:
    """Name each class by its module path without private parts, as model files name it.

    ``sklearn.linear_model._logistic.LogisticRegression`` becomes
    ``sklearn.linear_model.LogisticRegression``, so that a file does not depend
    on where a library keeps a class.
    """
    named = {}
    for cls in classes:
        module = ".".join(p for p in cls.__module__.split(".") if not p.startswith("_"))
        named[f"{module}.{cls.__qualname__}"] = cls
    return named


def save_bundle(
    bundle: Mapping[str, Any], path: str | Path, kind: str, trusted: Iterable[type]
) -> Path:
    """Write ``bundle`` to ``path`` as a model file, creating its folder.

    The same bundle always gives the same bytes (entries in a fixed order, with
    a fixed date). The file is written whole or not at all
    (:func:`corpus.files.atomic_open`).

    Parameters
    ----------
    bundle : mapping of str to Any
        What to save: values of the types listed in the module docstring.
    path : str or Path
        The file to write.
    kind : str
        What the file holds, e.g. ``"model"``; :func:`load_bundle` checks it.
    trusted : iterable of type
        The classes whose objects may be saved, and so loaded.

    Raises
    ------
    TypeError
        If the bundle holds a value of another type.
    corpus.errors.OutputError
        If ``path`` cannot be written.
    """
    path = Path(path)
    encoder = _Encoder({cls: name for name, cls in trusted_names(trusted).items()})
    manifest = {"defcode": kind, "container": CONTAINER, "bundle": encoder.encode(dict(bundle))}
    entries = [(MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))]
    for number, array in enumerate(encoder.arrays):
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        entries.append((f"arrays/{number}.npy", buffer.getvalue()))
    with atomic_open(path, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
    return path


def load_bundle(path: str | Path, kind: str, trusted: Iterable[type]) -> dict[str, Any]:
    """Read a file written by :func:`save_bundle`, rebuilding objects of trusted classes only.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : str
        What it should hold, as given to :func:`save_bundle`, e.g. ``"model"``.
    trusted : iterable of type
        The classes whose objects may be rebuilt; a file naming any other is refused.

    Raises
    ------
    InputError
        ``"<path>: no such <kind> file"``, ``"<path>: cannot be read (...)"`` or
        ``"<path>: not a defcode <kind> (...)"``.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
            if head[:2] == b"\x1f\x8b":
                raise _RefusedError(
                    "a gzip file, as defcode's old pickled models were: pickles are not loaded, "
                    "since loading one can run any code; make it again with this defcode"
                )
            if head != b"PK\x03\x04":
                raise _RefusedError("not a ZIP archive")
            stream.seek(0)
            entries = _read_entries(stream)
        manifest = json.loads(entries.pop(MANIFEST).decode("utf-8"))
        if not isinstance(manifest, dict) or set(manifest) != {"defcode", "container", "bundle"}:
            raise _RefusedError(f"{MANIFEST} is not a defcode manifest")
        if manifest["defcode"] != kind or manifest["container"] != CONTAINER:
            raise _RefusedError(
                f"it holds a defcode {manifest['defcode']!r}, container {manifest['container']!r}"
            )
        decoder = _Decoder(trusted_names(trusted), entries)
        bundle = decoder.decode(manifest["bundle"])
        if unused := sorted(set(entries) - decoder.used):
            raise _RefusedError(f"unknown entries {', '.join(unused[:5])}")
        if not isinstance(bundle, dict):
            raise _RefusedError("its bundle is not a mapping")
    except FileNotFoundError:
        raise InputError(f"{path}: no such {kind} file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except _RefusedError as exc:
        raise InputError(f"{path}: not a defcode {kind} ({exc})") from None
    except Exception as exc:  # a broken archive, JSON or array: not one of ours
        raise InputError(f"{path}: not a defcode {kind} ({type(exc).__name__}: {exc})") from None
    return bundle


def warn_if_versions_differ(
    path: str | Path,
    written: Mapping[str, Any],
    current: Mapping[str, Any],
    advice: str,
    stacklevel: int = 2,
) -> None:
    """Warn when a file was written with other library versions than these.

    ``stacklevel`` counts from the caller, as in :func:`warnings.warn`.
    """
    if dict(written) == dict(current):
        return
    warnings.warn(
        f"{path} was written with {_listed(written)}; this is {_listed(current)}: {advice}",
        stacklevel=stacklevel + 1,
    )


def _listed(versions: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} {version}" for name, version in versions.items())


class _RefusedError(Exception):
    """A file is not a defcode model file; the message says why."""


def _read_entries(stream: Any) -> dict[str, bytes]:
    """Every entry of the archive, after checking the names and sizes it declares."""
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if MANIFEST not in names:
            raise _RefusedError(f"no {MANIFEST}")
        if len(set(names)) != len(names):
            raise _RefusedError("repeated entry names")
        unknown = [n for n in names if n != MANIFEST and not _ENTRY.fullmatch(n)]
        if unknown:
            raise _RefusedError(f"unknown entries {', '.join(map(repr, unknown[:5]))}")
        if sum(info.file_size for info in infos) > MAX_BYTES:
            raise _RefusedError(f"its entries unpack to more than {MAX_BYTES:,} bytes")
        for info in infos:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                method = info.compress_type
                raise _RefusedError(f"{info.filename} is compressed with method {method}")
            if info.flag_bits & 0x1:
                raise _RefusedError(f"{info.filename} is encrypted")
        # zipfile reads no more than an entry's declared size and checks its CRC.
        return {info.filename: archive.read(info) for info in infos}


class _Encoder:
    """Turn a bundle into a JSON tree, collecting its arrays."""

    def __init__(self, names: dict[type, str]) -> None:
        self.names = names
        self.arrays: list[np.ndarray] = []

    def array(self, value: np.ndarray) -> dict[str, str]:
        self.arrays.append(value)
        return {"array": f"arrays/{len(self.arrays) - 1}.npy"}

    def encode(self, value: Any) -> Any:
        import pandas as pd
        from scipy import sparse

        if type(value) in _PLAIN:
            return value
        if type(value) is list:
            return [self.encode(v) for v in value]
        if type(value) is tuple:
            return {"tuple": [self.encode(v) for v in value]}
        if type(value) is dict:
            if not all(type(key) is str for key in value):
                raise TypeError("a saved dict's keys must be strings")
            if all(type(v) in _PLAIN for v in value.values()):
                return {"dict": value}
            return {"dict": {key: self.encode(v) for key, v in value.items()}}
        if type(value) is slice:
            return {"slice": [value.start, value.stop, value.step]}
        if isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
            return {"scalar": [value.dtype.str, value.item()]}
        if isinstance(value, type) and issubclass(value, np.generic):
            return {"type": np.dtype(value).str}
        if type(value) is np.ndarray:
            if value.dtype.kind in _ARRAY_KINDS:
                return self.array(value)
            if value.dtype == object and value.ndim == 1 and all(type(v) is str for v in value):
                return {"strings": value.tolist()}
        if isinstance(value, sparse.csr_matrix) and not isinstance(value, sparse.sparray):
            parts = [value.data, value.indices, value.indptr]
            return {"csr": [*(self.array(p) for p in parts), list(value.shape)]}
        if type(value) is pd.DataFrame and not isinstance(value.columns, pd.MultiIndex):
            columns = [self.encode(value[c].tolist()) for c in value.columns]
            index = [self.encode(value.index.tolist()), value.index.name]
            return {"frame": [self.encode(value.columns.tolist()), columns, index]}
        cls = type(value)
        if cls in self.names:
            if dataclasses.is_dataclass(value):
                fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
                return {"dataclass": self.names[cls], "fields": self.encode(fields)}
            state = {k: v for k, v in vars(value).items() if k not in _UNSAVED}
            return {"object": self.names[cls], "state": self.encode(state)}
        raise TypeError(f"cannot save a {cls.__module__}.{cls.__qualname__} in a model file")


class _Decoder:
    """Rebuild a bundle from its JSON tree and array entries."""

    def __init__(self, classes: dict[str, type], entries: dict[str, bytes]) -> None:
        self.classes = classes
        self.entries = entries
        self.used: set[str] = set()

    def decode(self, node: Any) -> Any:
        if type(node) in _PLAIN:
            return node
        if type(node) is list:
            return [self.decode(v) for v in node]
        if type(node) is not dict or not node:
            raise _RefusedError(f"unexpected {type(node).__name__} in {MANIFEST}")
        tag = next(iter(node))
        value = node[tag]
        if tag == "tuple" and len(node) == 1 and type(value) is list:
            return tuple(self.decode(v) for v in value)
        if tag == "dict" and len(node) == 1 and type(value) is dict:
            if all(map(_PLAIN.__contains__, map(type, value.values()))):  # fast on vocabularies
                return value
            return {key: self.decode(v) for key, v in value.items()}
        if tag == "slice" and len(node) == 1 and _ints(value, 3, none=True):
            return slice(*value)
        if tag == "scalar" and len(node) == 1 and type(value) is list and len(value) == 2:
            return _dtype(value[0]).type(value[1])
        if tag == "type" and len(node) == 1:
            return _dtype(value).type
        if tag == "array" and len(node) == 1:
            return self.array(value)
        if tag == "strings" and len(node) == 1 and type(value) is list:
            if not all(type(v) is str for v in value):
                raise _RefusedError("a string array holds something else")
            return np.array(value, dtype=object)
        if tag == "csr" and len(node) == 1 and type(value) is list and len(value) == 4:
            from scipy import sparse

            if not _ints(value[3], 2):
                raise _RefusedError("a sparse matrix has a bad shape")
            parts = [self.decode(v) for v in value[:3]]
            if not all(isinstance(p, np.ndarray) for p in parts):
                raise _RefusedError("a sparse matrix is not made of arrays")
            return sparse.csr_matrix(tuple(parts), shape=tuple(value[3]))
        if tag == "frame" and len(node) == 1 and type(value) is list and len(value) == 3:
            return self.frame(*value)
        if tag == "dataclass" and set(node) == {"dataclass", "fields"}:
            cls = self.trusted(value, dataclass=True)
            fields = self.decode(node["fields"])
            if not isinstance(fields, dict):
                raise _RefusedError(f"the fields of a {value} are not a mapping")
            return cls(**fields)
        if tag == "object" and set(node) == {"object", "state"}:
            cls = self.trusted(value, dataclass=False)
            state = self.decode(node["state"])
            if not isinstance(state, dict) or any(k.startswith("__") for k in state):
                raise _RefusedError(f"the state of a {value} is not a mapping of attributes")
            built = cls.__new__(cls)
            built.__dict__.update(state)
            # scikit-learn's text vectorizers would open files named by the texts.
            if getattr(built, "input", "content") != "content":
                raise _RefusedError(f"a {value} reads its texts from files")
            return built
        raise _RefusedError(f"unknown node {tag!r} in {MANIFEST}")

    def trusted(self, name: Any, *, dataclass: bool) -> type:
        cls = self.classes.get(name) if isinstance(name, str) else None
        if cls is None:
            raise _RefusedError(
                f"it names {name!r}, which is not among the classes a defcode model holds"
            )
        if dataclasses.is_dataclass(cls) != dataclass:
            raise _RefusedError(f"{name} is stored in the wrong way")
        return cls

    def array(self, name: Any) -> np.ndarray:
        if name not in self.entries:
            raise _RefusedError(f"no array entry {name!r}")
        self.used.add(name)
        stream = io.BytesIO(self.entries[name])
        major, _ = np.lib.format.read_magic(stream)
        read_header = {
            1: np.lib.format.read_array_header_1_0,
            2: np.lib.format.read_array_header_2_0,
        }
        if major not in read_header:
            raise _RefusedError(f"{name} is an .npy file of version {major}")
        shape, fortran, dtype = read_header[major](stream)
        if dtype.kind not in _ARRAY_KINDS or dtype.hasobject:
            raise _RefusedError(f"{name} holds {dtype}, not numbers or strings")
        count = int(np.prod(shape, dtype=np.int64))
        if count * dtype.itemsize != len(self.entries[name]) - stream.tell():
            raise _RefusedError(f"{name} does not hold the {shape} array its header declares")
        flat = np.frombuffer(self.entries[name], dtype=dtype, count=count, offset=stream.tell())
        return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")

    def frame(self, columns: Any, data: Any, index: Any) -> Any:
        import pandas as pd

        columns, data = self.decode(columns), self.decode(data)
        if type(index) is not list or len(index) != 2:
            raise _RefusedError("a data frame has a bad index")
        labels, name = self.decode(index[0]), index[1]
        if not (type(columns) is type(data) is type(labels) is list) or len(columns) != len(data):
            raise _RefusedError("a data frame has bad columns")
        return pd.DataFrame(
            dict(zip(columns, data, strict=True)), index=pd.Index(labels, name=name)
        )


def _ints(value: Any, length: int, *, none: bool = False) -> bool:
    allowed = (int, type(None)) if none else (int,)
    return type(value) is list and len(value) == length and all(type(v) in allowed for v in value)


def _dtype(name: Any) -> np.dtype:
    """The NumPy dtype of a number or string, refusing objects and records."""
    if not isinstance(name, str) or not re.fullmatch(r"[<>|=]?[biufcU][0-9]{1,3}", name):
        raise _RefusedError(f"{name!r} is not the dtype of a number or a string")
    return np.dtype(name)
