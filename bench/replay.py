"""Replay the paper's 17, the 37 development definitions and both (54) as a coder would code them.

Prints, per set and scheme, the share of proposals accepted (a click saved)
for defcode (refit after every item), the codebook-only model (never refit),
the most common code so far and TF-IDF + logistic regression on the items
coded so far: mean over 10 seeded random orders, with the spread; then the
54 in the uncertain and confident orders; and draws the learning curves of
the 54 to docs/images/replay_curve.png. With --grid, it prints instead the
replay of the 37 (5 runs) under each of the 18 configurations the fixed one
was chosen among (docs/learning.md). With --variants, it prints the school
replay of the 37, the 54 and the 17 (10 runs) under changes to the fixed
configuration that were tried after it was chosen and not adopted. With
--bound, it prints each variant's leave-one-out accuracy on each set: the
share of proposals accepted were every proposal made from all the other
definitions of the set, which a replay, learning from fewer, does not reach.
With --seeds, it replays the 54 in random order under five seeds (10 runs
each), to show how far the headline figure moves with the orders drawn.

Run: .venv/bin/python bench/replay.py [--grid | --variants | --bound | --seeds]
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pandas as pd

from analysis.figures import save_plot
from analysis.replay_figure import replay_curve
from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model.credit import credited_texts
from coding.model.evaluation import loo_predictions
from coding.model.learning import REFIT_PARAMS, fixed_classifier
from coding.model.simulation import MODELS, replay

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "bench" / "data" / "cluster_dev.csv"
FIGURE = ROOT / "docs" / "images" / "replay_curve.png"
SCHEMES = ("school", "breadth")


def coded_sets() -> dict[str, pd.DataFrame]:
    """The paper's 17, the 37 development definitions and the 54 of both."""
    paper = load_definitions().rename(columns={"key": "id"})
    dev = pd.read_csv(DEV).rename(columns={"key": "id"})[paper.columns]
    return {"17": paper, "37": dev, "54": pd.concat([paper, dev], ignore_index=True)}


def row(name: str, scheme: str, result: dict) -> dict:
    out = {"set": name, "scheme": scheme, "order": result["order"]}
    for model in MODELS:
        spread = result["accepted_spread"][model]
        out[model] = f"{result['accepted'][model]:.3f} ({spread['low']:.2f}-{spread['high']:.2f})"
    out["gain"] = round(result["accepted"]["defcode"] - result["accepted"]["no_retraining"], 3)
    out["refit ms"] = round(result["fit_seconds"] * 1000)
    return out


def main() -> None:
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", None)
    book = load_codebook()
    sets = coded_sets()
    rows, curves = [], {}
    start = time.perf_counter()
    for name, frame in sets.items():
        for scheme in SCHEMES:
            result = replay(frame, book, scheme, runs=10, seed=0)
            rows.append(row(name, scheme, result))
            if name == "54":
                curves[f"{scheme}, n = 54"] = result
    for order in ("uncertain", "confident"):
        for scheme in SCHEMES:
            rows.append(row("54", scheme, replay(sets["54"], book, scheme, runs=10, order=order)))
    print("proposals accepted, mean of 10 runs (lowest-highest run); refit after every item")
    print(pd.DataFrame(rows).to_string(index=False))
    for title, result in curves.items():
        points = pd.DataFrame(result["curve"]).set_index("coded")
        marks = [0, 5, 10, 20, 30, 40, 50]
        print(f"\n{title}: accuracy on the items not yet coded, by the number coded")
        print(points.loc[marks, ["accuracy", "accuracy_low", "accuracy_high", "no_retraining"]])
    save_plot(replay_curve(curves), FIGURE)
    print(f"\nwrote {FIGURE.relative_to(ROOT)} ({time.perf_counter() - start:.0f} s in all)")


def grid() -> None:
    """The replay of the 37 under each configuration of the grid the fixed one was chosen among."""
    book = load_codebook()
    dev = coded_sets()["37"]
    rows = []
    for C, ngrams, prototype in itertools.product(
        [1.0, 10.0, 100.0], [(1, 1), (1, 2)], [0.0, 1.0, 3.0]
    ):
        params = {"C": C, "word_ngrams": ngrams, "prototype_weight": prototype, "weak_weight": 0.5}
        found = {s: replay(dev, book, s, runs=5, params=params)["accepted"] for s in SCHEMES}
        rows.append(
            {"C": C, "word_ngrams": ngrams, "prototype_weight": prototype}
            | {s: found[s]["defcode"] for s in SCHEMES}
            | {"mean": round((found["school"]["defcode"] + found["breadth"]["defcode"]) / 2, 4)}
            | {"school, codebook only": found["school"]["no_retraining"]}
        )
    table = pd.DataFrame(rows).sort_values("mean", ascending=False)
    print("the 37 development definitions, 5 runs: proposals accepted by configuration")
    print(table.to_string(index=False))


#: Changes to the fixed configuration tried after it was chosen, none adopted (docs/learning.md).
VARIANTS = {
    "fixed configuration": {},
    "codebook texts at a quarter weight": {"weak_weight": 0.25},
    "codebook texts at full weight": {"weak_weight": 1.0},
    "codebook texts at double weight": {"weak_weight": 2.0},
    "character n-grams, weight 1": {"char_weight": 1.0},
    "classes not balanced": {"class_weight": None},
}


def variants() -> None:
    """The school replay of each set under each of :data:`VARIANTS`."""
    book = load_codebook()
    sets = coded_sets()
    rows = []
    for name, change in VARIANTS.items():
        params = REFIT_PARAMS | change
        found = {s: replay(sets[s], book, "school", runs=10, params=params) for s in sets}
        rows.append({"variant": name} | {s: found[s]["accepted"]["defcode"] for s in sets})
    print("school, 10 runs in random order: proposals accepted by variant of the configuration")
    print(pd.DataFrame(rows).to_string(index=False))


def seeds() -> None:
    """The 54 in random order, 10 runs under each of five seeds: how much the headline moves."""
    book = load_codebook()
    both = coded_sets()["54"]
    rows = []
    for seed in range(5):
        found = {s: replay(both, book, s, runs=10, seed=seed)["accepted"] for s in SCHEMES}
        rows.append(
            {"seed": seed}
            | {f"{s}": found[s]["defcode"] for s in SCHEMES}
            | {f"{s}, no retraining": found[s]["no_retraining"] for s in SCHEMES}
        )
    table = pd.DataFrame(rows)
    print("the 54 in random order, 10 runs per seed: proposals accepted")
    print(table.to_string(index=False))
    print("mean of the 50 runs:", table.drop(columns="seed").mean().round(4).to_dict())


def bound() -> None:
    """Leave-one-out accuracy of each of :data:`VARIANTS` on each set, per scheme."""
    book = load_codebook()
    rows = []
    for name, change in VARIANTS.items():
        row = {"variant": name}
        for label, frame in coded_sets().items():
            texts = credited_texts(frame).set_axis(frame["id"])
            for scheme in SCHEMES:
                codes = pd.Series(frame[scheme].to_numpy(), index=frame["id"])
                model = fixed_classifier(book, scheme, REFIT_PARAMS | change)
                found = loo_predictions(model, texts, codes)
                row[f"{scheme} {label}"] = round(float((found["predicted"] == codes).mean()), 3)
        rows.append(row)
    print("leave-one-out accuracy (each definition proposed by a model of all the others)")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    chosen = {"--grid": grid, "--variants": variants, "--bound": bound, "--seeds": seeds}
    next((chosen[a] for a in sys.argv[1:] if a in chosen), main)()
