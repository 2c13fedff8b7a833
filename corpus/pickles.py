"""Save and load defcode's fitted models as joblib pickles, with the library versions.

Load only files you trust: unpickling runs code.
"""

from __future__ import annotations

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
    """Write ``bundle`` to ``path`` (joblib, compress=3), creating its folder."""
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(dict(bundle), path, compress=3)
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
    import joblib

    try:
        return joblib.load(path)
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
