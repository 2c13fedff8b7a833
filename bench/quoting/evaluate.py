"""Generate a quoting set, run ``defcode ingest`` and ``defcode definitions`` on it, score it.

Prints the share of quoted definitions found, the attribution accuracy (first
author and year) and the pairwise grouping precision, recall and F1, each
against the target of :data:`TARGET` (see :mod:`bench.quoting.score`).

Run: python -m bench.quoting.evaluate [--set dev|heldout] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.quoting.papers import write_set
from bench.quoting.score import Scores, read, score

TARGET = 0.90
ROOT = Path(__file__).resolve().parents[2]


def _defcode(*args: str) -> None:
    """Run the defcode CLI of this checkout; stop with its message when it fails."""
    command = [sys.executable, "-m", "analysis.cli", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: defcode {args[0]} failed ({done.returncode}): {done.stderr}")


def evaluate(name: str = "dev", folder: Path | None = None) -> Scores:
    """Write the set ``name`` into ``folder`` (a temporary one if None), run defcode, score.

    Parameters
    ----------
    name : {"dev", "heldout"}
        The set (:func:`bench.quoting.papers.write_set`).
    folder : Path, optional
        Where the papers, ``corpus.db``, ``DEFINITIONS.csv`` and ``OCCURRENCES.csv`` go;
        kept when given.

    Returns
    -------
    Scores
    """
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(folder or scratch)
        papers = work / "papers"
        write_set(papers, name)
        db, out, occ = work / "corpus.db", work / "DEFINITIONS.csv", work / "OCCURRENCES.csv"
        _defcode("ingest", str(papers), "--db", str(db), "--quiet")
        _defcode("definitions", "--db", str(db), "--out", str(out), "--occurrences", str(occ))
        return score(read(papers / "truth.csv"), read(out), read(occ))


def main(argv: list[str] | None = None) -> None:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.quoting.evaluate", description=__doc__)
    parser.add_argument("--set", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--keep", type=Path, help="keep the papers and outputs in this folder")
    args = parser.parse_args(argv)
    result = evaluate(args.set, args.keep)
    print(f"{args.set}: {result.truths} quoted definitions (target {TARGET:.2f} for each figure)")
    print("\n".join(result.lines()))
    low = [
        name
        for name, value in [
            ("found", result.found),
            ("attribution", result.attribution),
            ("grouping F1", result.f1),
        ]
        if value < TARGET
    ]
    if low:
        print(f"below target: {', '.join(low)}")


if __name__ == "__main__":
    main()
