"""Work computed ahead by a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import psutil
import pytest

from corpus.children import Ahead
from tests.conftest import ROOT

DEFCODE = Path(sys.executable).with_name("defcode")


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def _dies_on_three(n: int) -> int:
    if n == 3:
        os._exit(70)
    return -n


def test_results_come_in_order_from_a_child_at_most_depth_ahead():
    consumed = []

    def items():
        for n in range(6):
            consumed.append(n)
            yield n

    with Ahead(items(), _pid_and_square, depth=2) as pairs:
        assert consumed == [0, 1]  # handed to the child on entering
        out = []
        for item, (pid, square) in pairs:
            out.append((item, square))
            assert pid != os.getpid()
            assert len(consumed) <= item + 3
    assert out == [(n, n * n) for n in range(6)]


def test_a_single_item_is_computed_here_when_asked():
    with Ahead([4], _pid_and_square, inline_single=True) as pairs:
        assert list(pairs) == [(4, (os.getpid(), 16))]
    with Ahead([], _pid_and_square, inline_single=True) as pairs:
        assert list(pairs) == []
    with Ahead([4, 5], _pid_and_square, inline_single=True) as pairs:
        assert all(pid != os.getpid() for _, (pid, _) in pairs)


def test_a_child_that_dies_is_replaced_and_its_item_reported():
    with Ahead(range(6), _dies_on_three, crashed=lambda n: f"crashed on {n}") as pairs:
        assert list(pairs) == [(0, 0), (1, -1), (2, -2), (3, "crashed on 3"), (4, -4), (5, -5)]


def test_a_child_that_dies_raises_without_a_crash_handler():
    with pytest.raises(BrokenProcessPool), Ahead(range(6), _dies_on_three) as pairs:
        list(pairs)


def test_children_start_from_a_process_running_other_threads():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # as in a Jupyter kernel: no fork
    thread.start()
    try:
        with Ahead(range(3), _pid_and_square) as pairs:
            out = [(item, square) for item, (pid, square) in pairs if pid != os.getpid()]
    finally:
        stop.set()
        thread.join()
    assert out == [(0, 0), (1, 1), (2, 4)]


#: Set by a test after the item children started: only children forked later see it.
LOADED: list[str] = []


def _pid_and_loaded() -> tuple[int, list[str]]:
    return os.getpid(), list(LOADED)


def test_children_forked_later_share_what_was_loaded_since():
    LOADED.append("model")
    try:
        with Ahead(range(3), _pid_and_square) as ahead:
            items = {pid for _, (pid, _) in ahead}
            assert ahead.fork() is (sys.platform == "linux")
            pid, loaded = ahead.submit(_pid_and_loaded).result()
    finally:
        LOADED.clear()
    if sys.platform == "linux":
        assert loaded == ["model"] and pid not in items | {os.getpid()}


def test_children_are_not_forked_beside_other_threads():
    import threading

    stop = threading.Event()
    with Ahead(range(3), _pid_and_square) as ahead:
        items = {pid for _, (pid, _) in ahead}
        thread = threading.Thread(target=stop.wait)  # as in a Jupyter kernel: no fork
        thread.start()
        try:
            assert not ahead.fork()
            pid, _ = ahead.submit(_pid_and_loaded).result()
        finally:
            stop.set()
            thread.join()
    assert pid in items  # the item children took the work


def _slow_negate(n: int) -> int:
    import time

    time.sleep(0.3 if n == 1 else 0)
    return -n


def test_next_ready_says_whether_iterating_would_wait():
    import time

    with Ahead([1, 2], _slow_negate) as ahead:
        assert not ahead.next_ready()  # the child sleeps on 1
        time.sleep(0.6)
        assert ahead.next_ready()
        pairs = iter(ahead)
        assert next(pairs) == (1, -1)
        time.sleep(0.3)
        assert ahead.next_ready()
        assert next(pairs) == (2, -2)
        assert not ahead.next_ready()  # nothing left


def _within_seconds(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Whether ``condition()`` holds before ``seconds`` pass (however loaded the machine)."""
    until = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > until:
            return False
        time.sleep(0.02)
    return True


def test_all_ready_says_when_every_item_is_read_and_waiting():
    with Ahead([1, 2, 3], _slow_negate, depth=2) as ahead:
        assert not ahead.all_ready()  # 3 is not handed over yet
        assert ahead.ready_left() is None
        pairs = iter(ahead)
        assert next(pairs) == (1, -1)
        assert next(pairs) == (2, -2)  # 3 was handed over, and nothing is left to hand
        assert _within_seconds(ahead.all_ready) and ahead.ready_left() == 1
        assert list(pairs) == [(3, -3)]
        assert ahead.all_ready() and ahead.ready_left() == 0
    with Ahead([1, 2], _slow_negate, depth=2) as ahead:
        assert not ahead.all_ready()  # both handed over, 1 not read yet (it sleeps 0.3 s)
        assert _within_seconds(ahead.all_ready)
    with Ahead([4], _slow_negate, inline_single=True) as ahead:
        assert ahead.all_ready()  # computed here, when asked


def _killed_parent_leaves_no_child(command: list[str], cwd: Path) -> list[psutil.Process]:
    """Start ``command``, wait for its first child, ``kill -9`` it; the descendants still alive
    5 s later (killed then, so that a failing test leaves no orphan)."""
    parent = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        children = []
        while not children and parent.poll() is None and time.monotonic() - started < 60:
            time.sleep(0.05)
            children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "no child was started"
        time.sleep(0.3)  # the child's initializer has run
        children = psutil.Process(parent.pid).children(recursive=True)
    finally:
        parent.kill()
        parent.wait()
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        child.kill()
    return alive


_SLEEPER = """
import sys, threading, time
import corpus.children as children
if "no-prctl" in sys.argv:  # only the thread that waits for the parent
    children._parent_death_signal = lambda: None
if "threads" in sys.argv:  # children come from a fork server
    threading.Thread(target=time.sleep, args=(120,), daemon=True).start()
with children.Ahead([120, 0], time.sleep, depth=2) as pairs:
    if "forked" in sys.argv:  # and a child forked later
        pairs.fork()
        pairs.submit(time.sleep, 120)
    list(pairs)
"""


@pytest.mark.parametrize("how", ["fork", "no-prctl", "threads", "forked", "forked no-prctl"])
def test_children_exit_when_their_parent_is_killed(tmp_path, how):
    command = [sys.executable, "-c", _SLEEPER, *how.split()]
    assert _killed_parent_leaves_no_child(command, ROOT) == []


def test_the_reader_of_defcode_ingest_exits_when_ingest_is_killed(tmp_path):
    sentence = "A cluster is a group of linked firms number {} in one region."
    text = " ".join(sentence.format(n) for n in range(20_000))  # searched for seconds
    for n in range(3):
        (tmp_path / f"paper{n}.txt").write_text(text)
    command = [str(DEFCODE), "ingest", str(tmp_path), "--db", str(tmp_path / "c.db"), "-q"]
    assert _killed_parent_leaves_no_child(command, tmp_path) == []
