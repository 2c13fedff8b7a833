"""The commands' progress bar runs no thread of its own: ingest forks its searching
child from the main process, which a thread beside it would make unsafe."""

from __future__ import annotations

import io
import sys
import threading

from analysis.cli._util import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_bar_starts_no_thread(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    wrap = progress_bar("files", quiet=False)
    assert wrap is not iter  # a bar, not the bare iterable
    before = set(threading.enumerate())
    seen, added = [], []
    for item in wrap(range(3)):
        seen.append(item)
        added.append(set(threading.enumerate()) - before)
    assert seen == [0, 1, 2] and added == [set(), set(), set()]
