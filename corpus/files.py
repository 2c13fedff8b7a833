"""Write files whole or not at all.

Every file defcode writes goes to a temporary file beside its target, named
``.defcode-<name>.<random>.tmp``, which is flushed to disk and then renamed
over the target. A reader of the target sees the old file or the new one,
never half of either. The temporary file is removed on any error, on Ctrl-C,
and on SIGTERM or SIGHUP (turned into ``SystemExit`` while a file is being
written); only a process killed outright (SIGKILL) can leave one behind.

A new file's permissions follow the umask, as a plain ``open`` gives them; a
file that is replaced keeps its permissions. A file that cannot be written
raises :class:`corpus.errors.OutputError`, which names it.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Literal

from corpus.errors import OutputError

#: Temporary files start with this, so that one left by a killed process is recognised.
TEMP_PREFIX = ".defcode-"

# Errors of a write into an open file; other OSErrors in a ``with`` block are not ours.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}
_TERMINATING = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def cannot_write(path: str | Path, exc: OSError) -> OutputError:
    """An :class:`OutputError` naming ``path`` and the reason in ``exc``."""
    reason = exc.strerror or str(exc)
    return OutputError(f"{path}: cannot write ({reason})")


def make_folder(path: str | Path) -> Path:
    """Create the folder ``path`` and its parents when missing.

    Raises
    ------
    OutputError
        When it cannot be made, e.g. because a file of that name is in the way.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file; give the name of a folder to write to")
    _refuse_file_in_the_way(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    return path


def _refuse_file_in_the_way(path: Path) -> None:
    """Raise if a file stands where one of ``path``'s folders should be."""
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"{path}: cannot write ({folder} is a file, not a folder)")
            return


@contextmanager
def atomic_open(
    path: str | Path,
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> Iterator[IO]:
    """Open a stream whose content replaces ``path`` when the ``with`` block ends without error.

    Parameters
    ----------
    path : str or Path
        The file to write; its missing parent folders are created. A symbolic
        link is followed: the file it points to is replaced.
    mode : {"w", "wb"}, default="w"
        Text or bytes.
    encoding : str, default="utf-8"
        The text encoding (text mode only).
    newline : str, optional
        As for :func:`open` (text mode only); ``""`` for the :mod:`csv` module.

    Yields
    ------
    file object
        The temporary file beside ``path``, open for writing.

    Raises
    ------
    OutputError
        When ``path`` is a folder, its folder cannot be made or written to, or
        the disk is full; ``path`` is then left as it was. Other errors raised
        in the block propagate unchanged, and ``path`` is left as it was too.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_open(target) as stream:
    ...     _ = stream.write("whole or not at all")
    >>> target.read_text()
    'whole or not at all'
    """
    path = Path(path)
    if path.is_symlink():  # write the file it points to, as open() would
        path = path.resolve()
    with _terminate_as_exit():
        handle, temporary = _open_beside(path)
        text = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        stream = os.fdopen(handle, mode, **text)
        try:
            try:
                yield stream
            except OSError as exc:
                if exc.filename is None and exc.errno in _WRITE_ERRNOS:
                    raise cannot_write(path, exc) from exc
                raise
            try:
                stream.flush()
                os.fsync(stream.fileno())
                stream.close()
                _keep_mode(path, temporary)
                os.replace(temporary, path)
            except OSError as exc:
                raise cannot_write(path, exc) from exc
        finally:
            with suppress(OSError):
                stream.close()
            with suppress(FileNotFoundError):
                os.unlink(temporary)


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` whole or not at all (see :func:`atomic_open`)."""
    with atomic_open(path, "w", encoding=encoding) as stream:
        stream.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_open`)."""
    with atomic_open(path, "wb") as stream:
        stream.write(data)
    return Path(path)


def copy_file(source: str | Path, path: str | Path) -> Path:
    """Copy the file ``source`` to ``path`` whole or not at all (see :func:`atomic_open`)."""
    with open(source, "rb") as original, atomic_open(path, "wb") as stream:
        shutil.copyfileobj(original, stream)
    return Path(path)


def _open_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in ``path``'s folder: its descriptor and name."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give the name of a file to write")
    _refuse_file_in_the_way(path)
    make_folder(path.parent)
    for _ in range(100):
        temporary = str(temporary_name(path))
        try:
            # Mode 0o666 less the umask, as open() gives; mkstemp would give 0o600.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except OSError as exc:
            raise cannot_write(path, exc) from exc
    raise OutputError(f"{path}: cannot write (no free temporary name in {path.parent})")


def temporary_name(path: Path, kind: str = "tmp") -> Path:
    """A random name beside ``path`` for a file or folder that will replace or hide it.

    ``.defcode-<name>.<8 hex>.<kind>``: the name is cut, so that it stays within
    255 bytes, and the prefix lets a later run recognise it.
    """
    return path.parent / f"{TEMP_PREFIX}{path.name[:50]}.{secrets.token_hex(4)}.{kind}"


def _keep_mode(path: Path, temporary: str) -> None:
    """Give the temporary file the permissions of the file it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    os.chmod(temporary, mode)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` in this process, for the block.

    So a terminated process unwinds, and its ``finally`` blocks remove its
    temporary files. Only signals left to their default action are taken
    over, and only from the main thread (Python's rule); a child process
    forked meanwhile, which inherits the handler, dies of the signal as before.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise SystemExit(128 + signum)

    taken = []
    for signum in _TERMINATING:
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, handler)
            taken.append(signum)
    try:
        yield
    finally:
        for signum in taken:
            if signal.getsignal(signum) is handler:
                signal.signal(signum, signal.SIG_DFL)
