"""The commands' progress bar runs no thread of its own: ingest forks its searching
child from the main process, which a thread beside it would make unsafe."""

from __future__ import annotations

import io
import sys
import threading

from analysis.cli._util import progress_bar
from corpus.children import forked_pool


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_bar_starts_no_thread_and_children_can_still_be_forked(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    wrap = progress_bar("files", quiet=False)
    assert wrap is not iter  # a bar, not the bare iterable
    seen, forkable = [], []
    for item in wrap(range(3)):
        seen.append(item)
        forkable.append(threading.active_count() == 1)
    assert seen == [0, 1, 2] and all(forkable)
    pool = forked_pool(1)
    if sys.platform == "linux":
        assert pool is not None
        assert pool.submit(abs, -3).result() == 3
        pool.shutdown()
