"""How long a refit takes at 50, 500 and 5,000 coded items.

The 54 coded cluster definitions (the paper's 17 and the 37 of the
development set) are resampled with replacement up to each size, and each
copy perturbed so that no two are the same text: about one word in eight
dropped at random and a few words from another definition of the same
school appended; each keeps its source's credited authors. The sets time the
fit, not what it learns. Prints the
median of 3 refits of the school scheme (5 categories) in the replay's form
(one fit; :func:`coding.model.learning.fit_scheme`) and in the widget's
(calibrated: 5 more fits for the temperature), the first refit apart (its
definitions lemmatized for the first time; spaCy is loaded before any is timed).

Run: .venv/bin/python bench/refit.py [SIZES...]
"""

from __future__ import annotations

import random
import statistics
import sys
import time

import pandas as pd
from replay import coded_sets  # bench/, the script's folder, is on the path

from coding.codebook import load_codebook
from coding.model.credit import credited_texts
from coding.model.learning import fit_scheme


def coded(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` coded definitions resampled and perturbed from the 54."""
    pool = coded_sets()["54"]
    rng = random.Random(seed)
    by_school = {s: g["definition"].tolist() for s, g in pool.groupby("school")}
    rows = []
    for i in range(n):
        source = pool.iloc[rng.randrange(len(pool))]
        words = [w for w in source["definition"].split() if rng.random() > 0.125]
        other = rng.choice(by_school[source["school"]]).split()
        start = rng.randrange(max(len(other) - 4, 1))
        text = " ".join([*words, *other[start : start + 4]])
        rows.append(
            {
                "id": f"d{i}",
                "definition": text,
                "authors": source["authors"],
                "school": source["school"],
            }
        )
    return pd.DataFrame(rows)


def timed(frame: pd.DataFrame, calibrate: bool) -> float:
    book = load_codebook()
    texts = credited_texts(frame.set_index("id"))
    codes = frame.set_index("id")["school"]
    start = time.perf_counter()
    fit_scheme(texts, codes, book, "school", calibrate=calibrate)
    return time.perf_counter() - start


def main(sizes: list[int]) -> None:
    timed(coded(10, seed=1), calibrate=False)  # load spaCy and the codebook once
    print("refit of the school scheme, seconds (median of 3 after the first)")
    print(f"{'coded':>6}  {'first':>7}  {'replay':>7}  {'widget (calibrated)':>19}")
    for n in sizes:
        frame = coded(n)
        first = timed(frame, calibrate=False)
        fast = statistics.median(timed(frame, calibrate=False) for _ in range(3))
        calibrated = statistics.median(timed(frame, calibrate=True) for _ in range(3))
        print(f"{n:>6,}  {first:>7.3f}  {fast:>7.3f}  {calibrated:>19.3f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 500, 5000])
