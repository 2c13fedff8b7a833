"""Records per second of `defcode scan` with 1 and 2 workers, timed as whole processes.

Generates 20,000 abstracts of a concept-dense review corpus (each of four to
eight sentences drawn from the bundled definitions, the codebook's accounts
of the schools and filler sentences, most naming the concept), writes them
to a CSV of id, title, abstract, and runs `defcode scan` on it with a local
cluster of one worker process, then two, side by side (alternating, when
repeated). Prints each run's throughput, the ratio of two workers to one and
the workers' peak memory, which `defcode scan` reports.

Run: .venv/bin/python bench/scan.py [N] [REPEAT]
"""

from __future__ import annotations

import csv
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFCODE = Path(sys.executable).with_name("defcode")
FILLERS = [
    "We collected survey data from {n} firms between 2009 and 2014.",
    "The results are robust to alternative specifications of the model.",
    "Section {n} discusses the policy implications of these findings.",
    "Firms in the sample are on average {n} years old.",
    "Interviews were held with managers, officials and researchers in {n} regions.",
    "This paper reviews the literature on regional development and innovation.",
    "The cluster literature has grown quickly since the 1990s.",
    "Cluster policies were adopted by {n} countries in the period studied.",
    "Innovation depends on knowledge flows between organisations in the cluster.",
    "Some authors doubt that clustering raises the productivity of firms.",
]
TITLES = ["Clusters and regions", "On industrial districts", "Cluster policy revisited", ""]


def sentences() -> list[str]:
    """The bundled definitions and the codebook's accounts of its categories."""
    from coding.codebook import load_codebook
    from coding.definitions import load_definitions

    found = load_definitions()["definition"].tolist()
    for scheme in load_codebook().schemes.values():
        for category in scheme.categories:
            found.extend(category.account)
    return found


def abstracts(n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """``n`` records ``(id, title, abstract)``; numbers make the filler sentences distinct."""
    rng = random.Random(seed)
    pool = sentences()
    rows = []
    for i in range(n):
        parts = rng.sample(pool, rng.randint(2, 4))
        parts += [
            rng.choice(FILLERS).format(n=rng.randint(2, 900)) for _ in range(rng.randint(2, 4))
        ]
        rng.shuffle(parts)
        rows.append((f"w{i:06d}", rng.choice(TITLES), " ".join(parts)))
    return rows


def run(source: Path, out: Path, workers: int) -> tuple[float, str]:
    command = [str(DEFCODE), "scan", str(source), "--out", str(out), "--force", "-q"]
    command += ["--workers", str(workers)]
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout.strip()


def main(n: int = 20_000, repeat: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "records.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "title", "abstract"])
            writer.writerows(abstracts(n))
        size = source.stat().st_size
        times: dict[int, list[float]] = {1: [], 2: []}
        memory: dict[int, str] = {}
        for _ in range(repeat):
            for workers in (1, 2):
                seconds, said = run(source, Path(tmp) / f"out{workers}", workers)
                times[workers].append(seconds)
                memory[workers] = re.sub(r".*workers' peak memory ", "", said)
                found = re.search(r"wrote (\d+) candidate", said)
                candidates = int(found.group(1)) if found else -1
    print(f"defcode scan, {n:,} abstracts ({size / 1e6:.1f} MB), whole processes, {repeat} run(s)")
    for workers in (1, 2):
        median = statistics.median(times[workers])
        print(
            f"  {workers} worker(s): median {median:.1f} s = {n / median:,.0f} records/s; "
            f"peak memory per worker {memory[workers]}"
        )
    ratio = statistics.median(times[1]) / statistics.median(times[2])
    print(f"  2 workers / 1 worker throughput: {ratio:.2f}x ({candidates:,} candidates)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
