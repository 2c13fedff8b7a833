"""Save and load defcode's fitted models as gzipped pickles, with the library versions.

The standard library's pickle is used rather than joblib's: joblib reads with
a pure-Python unpickler, which took 1 s for the shipped detector where C
pickle takes 0.1 s. Load only files you trust: unpickling runs code.
"""

from __future__ import annotations

import gzip
import pickle
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corpus.errors import InputError


def library_versions(*names: str) -> dict[str, str]:
    """The installed versions of the named distributions, e.g. ``"scikit-learn"``."""
    from importlib.metadata import version

    return {name: version(name) for name in names}


def save_pickle(bundle: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``bundle`` to ``path`` (pickle protocol 5, gzip level 6), creating its folder.

    The file is written beside ``path`` and then renamed over it, so that a
    failed write never leaves half a model.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(gzip.compress(pickle.dumps(dict(bundle), protocol=5), compresslevel=6))
    partial.replace(path)
    return path


def load_pickle(path: str | Path, what: str) -> Any:
    """Read a file written by :func:`save_pickle`.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What it should hold, for messages, e.g. ``"model"``.

    Raises
    ------
    InputError
        ``"<path>: no such <what> file"`` or ``"<path>: not a defcode <what> (...)"``.
    """
    try:
        return pickle.loads(gzip.decompress(Path(path).read_bytes()))
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file") from None
    except Exception as exc:  # any unpickling failure means "not one of ours"
        raise InputError(f"{path}: not a defcode {what} ({type(exc).__name__}: {exc})") from None


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
