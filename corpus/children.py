"""Work handed to a child process, so that it runs beside this process's own.

Children are forked on Linux, which is fast and shares what is already
imported, unless this process runs other threads (a Jupyter kernel): a fork of
a threaded process can deadlock, so a fork server starts them instead. Off
Linux they are spawned, so a script using them there needs the
``if __name__ == "__main__":`` guard.

Children forked later, once this process has loaded what they need
(:meth:`Ahead.fork`), share it instead of loading it again.

A child exits when the process that started it dies, even by ``kill -9``: on
Linux the kernel kills it (``prctl(PR_SET_PDEATHSIG)``), and everywhere a
thread of the child waits for its parent's end and then exits.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def process_pool(workers: int = 1) -> ProcessPoolExecutor:
    """A pool of ``workers`` child processes, started as the module docstring says.

    With ``fork``, all of them are started at the first submission, before the
    pool's own thread, so that none is forked from a threaded process.
    """
    import multiprocessing
    import sys
    import threading

    context = None  # the platform's default: spawn on macOS and Windows
    if sys.platform == "linux":
        single = threading.active_count() == 1
        context = multiprocessing.get_context("fork" if single else "forkserver")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent)


def forked_pool(workers: int, threads: Iterable[object] = ()) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` children forked now, sharing what this process has loaded.

    On Linux, a forked child starts with this process's memory, copy-on-write:
    it need not import or load anything again. Python's garbage collector is
    kept from touching the objects it shares (``gc.freeze``), so their pages
    stay shared. None when the children cannot be forked safely: off Linux,
    or when this process runs threads other than ``threads`` (such as those of
    its own process pools, which a child never uses), since a fork of a
    threaded process can deadlock.

    Examples
    --------
    >>> pool = forked_pool(1)
    >>> pool is None or pool.submit(abs, -3).result() == 3
    True
    >>> if pool is not None:
    ...     pool.shutdown()
    """
    import gc
    import multiprocessing
    import sys
    import threading
    import warnings

    known = {threading.current_thread(), *threads}
    if sys.platform != "linux" or any(t not in known for t in threading.enumerate()):
        return None
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent
    )
    gc.freeze()
    try:
        # The first submission forks every child, before the pool's own thread starts.
        with warnings.catch_warnings():  # Python 3.12+ warns of any fork beside threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pool.submit(int)
    finally:
        gc.unfreeze()
    return pool


def pool_threads(pool: ProcessPoolExecutor) -> list[object]:
    """The threads ``pool`` runs in this process: its manager's and its queue's feeder."""
    queue = getattr(pool, "_call_queue", None)
    threads = [getattr(pool, "_executor_manager_thread", None), getattr(queue, "_thread", None)]
    return [t for t in threads if t is not None]


def _die_with_parent() -> None:
    """Make this child exit when its parent dies; the initializer of :func:`process_pool`."""
    import multiprocessing
    import os
    import threading

    _parent_death_signal()
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if not parent.is_alive():  # died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_exit_after, args=(parent,), name="parent-watch", daemon=True).start()


#: prctl's option that asks the kernel to signal a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _parent_death_signal() -> None:
    """On Linux, have the kernel kill this process when the thread that started it ends."""
    import sys

    if sys.platform != "linux":
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no C library to call: the thread below still watches
        pass


def _exit_after(parent: object) -> None:
    """Wait for the parent process to end, then end this one."""
    import os

    parent.join()  # type: ignore[attr-defined]
    os._exit(1)


class Ahead(Generic[T, R]):
    """Each item with ``func(item)``, in order, computed by a child up to ``depth`` items ahead.

    The child starts, and is handed the first ``depth`` items, on entering the
    ``with`` block, so that it works while this process does something else
    first, such as loading a model. Iterating then yields ``(item, result)``
    pairs while the child computes the next ones.

    Parameters
    ----------
    items : iterable
        The inputs, read lazily; at most ``depth + 1`` are held at once.
    func : callable
        A module-level function (it is pickled to the child).
    depth : int, default=2
        How many items the child may be ahead.
    crashed : callable, optional
        When the child dies on an item (``BrokenProcessPool``), its result is
        ``crashed(item)`` and a new child computes the rest. Without it, the
        error is raised.
    inline_single : bool, default=False
        Compute a single item here, without starting a child.
    workers : int, default=1
        Child processes computing the items, in order of the items. Should
        one die, the items not yet yielded are computed again by one child,
        so that ``crashed`` names the item it died on.

    Examples
    --------
    >>> with Ahead(["a", "bb", "ccc"], len) as pairs:
    ...     list(pairs)
    [('a', 1), ('bb', 2), ('ccc', 3)]
    """

    def __init__(
        self,
        items: Iterable[T],
        func: Callable[[T], R],
        *,
        depth: int = 2,
        crashed: Callable[[T], R] | None = None,
        inline_single: bool = False,
        workers: int = 1,
    ) -> None:
        self.items, self.func, self.depth = items, func, depth
        self.crashed, self.inline_single, self.workers = crashed, inline_single, workers

    def __len__(self) -> int:
        return len(self.items)  # type: ignore[arg-type]

    def __enter__(self) -> Ahead[T, R]:
        self._waiting = iter(self.items)
        self._ahead: deque[tuple[T, Future[R] | None]] = deque()
        self._pool: ProcessPoolExecutor | None = None
        self._beside: ProcessPoolExecutor | None = None
        self._handed_all = self._ready_all = False
        self._handed, self._total = 0, len(self.items) if isinstance(self.items, Sized) else -1
        if self.inline_single:
            first = list(islice(self._waiting, 2))
            if len(first) < 2:
                self._ahead.extend((item, None) for item in first)
                self._handed_all = True
                return self
            self._waiting = chain(first, self._waiting)
        self._pool, self._children = process_pool(self.workers), self.workers
        self._fill()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for pool in (self._beside, self._pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def fork(self, workers: int = 1) -> bool:
        """Fork ``workers`` children from this process as it is now, for :meth:`submit`.

        They share what this process has loaded since the item children
        started, such as a model, instead of loading it again. Returns whether
        they could be forked (see :func:`forked_pool`); if not, :meth:`submit`
        hands work to the item children, as before.
        """
        if self._pool is None or self._beside is not None:
            return self._beside is not None
        self._beside = forked_pool(workers, pool_threads(self._pool))
        return self._beside is not None

    def submit(self, func: Callable[..., object], *args: object) -> Future | None:
        """Hand the children other work, after the items already handed over.

        The children of :meth:`fork` take it, if any, else the item children.
        Returns the future of ``func(*args)``, or None when there is no child
        (a single item computed here) or it cannot take work.
        """
        from concurrent.futures.process import BrokenProcessPool

        if self._beside is not None:
            try:
                return self._beside.submit(func, *args)
            except BrokenProcessPool:  # one died: the item children take the work
                self._beside.shutdown(wait=False)
                self._beside = None
        if self._pool is None:
            return None
        try:
            return self._pool.submit(func, *args)
        except BrokenProcessPool:
            return None

    def finished(self) -> bool:
        """Whether every item's result has been yielded: the children have no items left."""
        return not self._ahead

    def all_ready(self) -> bool:
        """Whether every item has been handed to the children and its result is ready."""
        if not self._ready_all:
            self._ready_all = self._handed_all and all(
                future is None or future.done() for _, future in self._ahead
            )
        return self._ready_all

    def ready_left(self) -> int | None:
        """The items not yet yielded, once :meth:`all_ready`; None before."""
        return len(self._ahead) if self.all_ready() else None

    def next_ready(self) -> bool:
        """Whether the next result can be had without waiting for the child."""
        if not self._ahead:
            return False
        future = self._ahead[0][1]
        return future is None or future.done()

    def _fill(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        assert self._pool is not None
        wanted = self.depth - len(self._ahead)
        for item in islice(self._waiting, wanted):
            try:
                future = self._pool.submit(self.func, item)
            except BrokenProcessPool:  # the child died on an item already handed over
                self._waiting = chain([item], self._waiting)
                return
            self._ahead.append((item, future))
            self._handed += 1
            wanted -= 1
        # Items of known number are all handed over at the last; others, when one is missing.
        self._handed_all = self._handed_all or wanted > 0 or self._handed == self._total

    def __iter__(self) -> Iterator[tuple[T, R]]:
        from concurrent.futures.process import BrokenProcessPool

        while self._ahead:
            item, future = self._ahead.popleft()
            if future is None:
                yield item, self.func(item)
                continue
            try:
                result = future.result()
            except BrokenProcessPool:
                if self.crashed is None:
                    raise
                # With several children, the one that died may have been on a later
                # item: all are computed again by one child, which names the item.
                several = self._children > 1
                pending = [item] if several else []
                pending += [later for later, _ in self._ahead]
                self._ahead.clear()
                self._waiting = chain(pending, self._waiting)
                self._handed -= len(pending)
                self._handed_all = self._ready_all = False
                self._pool.shutdown(wait=True)  # type: ignore[union-attr]
                self._pool, self._children = process_pool(), 1
                if several:
                    self._fill()
                    continue
                result = self.crashed(item)
            self._fill()
            yield item, result
