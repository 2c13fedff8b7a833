"""How the bundled model codes cluster definitions outside the paper's 17.

`bench/data/cluster_dev.csv` holds 37 other published definitions of
"cluster", coded by school and breadth by the developers from the codebook
(not by the paper's authors), their wording written from memory of the sources
(column `wording`: recalled or paraphrase). The bundled model, trained on the
paper's 17 definitions and the codebook, codes them; the baselines of
`defcode evaluate` are fitted on the same 17 (the codebook-only one on none).
Prints accuracy, Cohen's kappa and macro F1 per scheme, overall and by
wording, kappa's bootstrap intervals, the confusion matrix, and how well the
model's confidence matches how often it is right.

Run: .venv/bin/python bench/generalisation.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.base import clone

from coding.definitions import load_definitions
from coding.model import Model, load_model
from coding.model.credit import credited_texts
from coding.model.evaluation import baselines, confusion, kappa_intervals, reliability_curve, scores

DEV = Path(__file__).with_name("data") / "cluster_dev.csv"


def predictions(model: Model, scheme: str, dev: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each model's codes for the development set, with defcode's probabilities."""
    classifier = model.classifiers[scheme]
    paper = load_definitions()
    texts = credited_texts(dev).tolist()
    probabilities = pd.DataFrame(
        classifier.predict_proba(texts), columns=classifier.classes_, index=dev.index
    )
    truth = {"true": dev[scheme]}
    frames = {
        "defcode": pd.DataFrame(truth | {"predicted": probabilities.idxmax(axis=1)}).join(
            probabilities
        )
    }
    for name, baseline in baselines(model.codebook, scheme).items():
        fitted = clone(baseline).fit(credited_texts(paper), paper[scheme])
        frames[name] = pd.DataFrame(truth | {"predicted": fitted.predict(texts)}, index=dev.index)
    return frames


def main() -> None:
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", None)
    dev = pd.read_csv(DEV)
    model = load_model()
    for scheme in ("school", "breadth"):
        frames = predictions(model, scheme, dev)
        rows = []
        for name, frame in frames.items():
            for part, rows_of in [("all", dev.index), *dev.groupby("wording").groups.items()]:
                subset = frame.loc[rows_of]
                rows.append({"model": name, "wording": part, "n": len(subset)})
                rows[-1] |= scores(subset["true"], subset["predicted"])
        print(f"\n{scheme}: trained on the paper's 17, tested on {len(dev)} other definitions")
        print(pd.DataFrame(rows).to_string(index=False))
        ours = frames["defcode"]
        print("Cohen's kappa and defcode's lead, 95% bootstrap intervals over the definitions")
        print(kappa_intervals(frames).round(3).to_string())
        print(confusion(ours["true"], ours["predicted"], model.codebook.scheme(scheme).codes))
        curve = reliability_curve(ours)
        print(curve.to_string(index=False))
        ece, brier = curve.attrs["ece"], curve.attrs["brier"]
        print(f"expected calibration error {ece:.3f}, Brier score {brier:.3f}")


if __name__ == "__main__":
    main()
