"""Time the defcode command as whole processes: `--help` and `tables`.

Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFCODE = Path(sys.executable).with_name("defcode")


def wall(command: list[str], repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        cases = {
            "defcode --help": [str(DEFCODE), "--help"],
            "defcode tables --format csv": [
                str(DEFCODE),
                "tables",
                "-f",
                "csv",
                "--out",
                out,
            ],
            "defcode tables --format all": [str(DEFCODE), "tables", "--out", out],
        }
        for name, command in cases.items():
            times = wall(command)
            print(
                f"{name:32s} median {statistics.median(times) * 1000:7.0f} ms"
                f"  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(times)})"
            )


if __name__ == "__main__":
    main()
