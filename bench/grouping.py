"""Time and accuracy of grouping repeated definitions (corpus.definitions.group_texts).

Builds two sets of quoted definitions with known groups and groups them:

* *generated*: 100,000 texts from a pool of distinct definitions of five
  concepts, made from templates with many word choices, so that distinct
  definitions share their concept's term and generic words ("A cluster is a
  group of firms ...");
* *DEFT*: the sentences of six words or more of the DEFT train and dev files
  (``../shared/data/deft`` beside the checkout; skipped when absent), without
  their list numbers ("941. "), each a definition of its own (DEFT holds
  near-repeats of its own, such as a sentence and a fragment of it, which
  count against precision here).

Each definition is repeated 1 to 5 times; every repeat after the first is
changed as quoting changes a text, once or twice: an ellipsis (``...``,
``[...]``, ``…``) cutting 3 to 8 words, one or two words replaced, other
quotation marks, a word hyphenated over a line break, upper or lower case,
a lead-in ("According to Porter (1998), "), or a part of six words or more
quoted alone, until there are 10,000 texts, then 100,000 (DEFT: all its
sentences); the texts are shuffled and grouped. Prints the seconds taken and
the pairwise precision, recall and F1 of the groups against the truth (a
pair is two texts of one group).

Run: .venv/bin/python bench/grouping.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from corpus.definitions.grouping import group_texts, normalise


def _choices(text: str) -> list[str]:
    return text.split("|")


DEFT = Path(__file__).parents[1] / ".." / "shared" / "data" / "deft"
TERMS = ["cluster", "business model", "industrial district", "innovation system", "value chain"]
GROUPS = _choices(
    "group|set|network|concentration|collection|system|population|community|"
    "agglomeration|web|ensemble|constellation|array|alliance|mix"
)
ADJECTIVES = _choices(
    "geographically proximate|regionally concentrated|spatially bounded|locally embedded|"
    "loosely coupled|tightly knit|vertically integrated|horizontally linked|"
    "self-organising|market-driven|state-sponsored|export-oriented|knowledge-intensive|"
    "labour-intensive|technology-based|family-owned|small and medium-sized|"
    "globally connected|place-based|sector-specific|interdependent|competing|cooperating|"
    "specialised|diversified|emerging|mature|rural|urban|cross-border"
)
MEMBERS = _choices(
    "firms|companies|enterprises|suppliers|producers|organisations|institutions|"
    "manufacturers|start-ups|service providers|research centres|universities|banks|"
    "workshops|retailers|laboratories|agencies|cooperatives|entrepreneurs|subcontractors|"
    "trade associations|training schools|venture funds|design studios"
)
SECTORS = _choices(
    "textile|automotive|biotechnology|wine|software|aerospace|furniture|footwear|tourism|"
    "media|ceramics|machine tool|medical device|semiconductor|logistics|fashion|"
    "food processing|steel|chemicals|film|finance|insurance|shipbuilding|forestry|dairy|"
    "printing|optics|robotics|video game|renewable energy|publishing|jewellery|"
    "watchmaking|packaging|plastics|cutlery|toy|leather|marble|musical instrument"
)
TIES = _choices(
    "commonalities|complementarities|trade|shared labour markets|input-output relations|"
    "trust|kinship|common suppliers|joint research|personal networks|"
    "face-to-face contact|tacit knowledge|local norms|public procurement|"
    "shared infrastructure|spin-offs|labour mobility|common customers|rivalry|"
    "a shared history|professional associations|common standards|joint marketing|"
    "informal exchange|venture capital|user-producer interaction|the local university|"
    "regional policy|a common language|shared values"
)
VERBS = _choices(
    "create|capture|deliver|exchange|share|develop|diffuse|absorb|combine|transform|"
    "commercialise|protect|coordinate|govern|finance|upgrade|export|learn|imitate|"
    "recombine"
)
OBJECTS = _choices(
    "value|knowledge|innovations|products|services|skills|resources|capabilities|"
    "technologies|routines|standards|information|capital|designs|markets|ideas|"
    "reputations|processes|components|know-how|patents|customers|talent|brands|platforms|"
    "data|prototypes|software|equipment|materials"
)
PLACES = _choices(
    "Emilia-Romagna|Baden-Württemberg|Silicon Valley|the Third Italy|Jutland|Catalonia|"
    "Bavaria|Flanders|Ontario|Cambridge|Grenoble|Tampere|Bangalore|Penang|Sialkot|"
    "Tirupur|Sinos Valley|Hollywood|Detroit|Toulouse|Eindhoven|Oulu|Hsinchu|Shenzhen|"
    "Guadalajara|Rotterdam|Lyon|Turin|Basel|Aarhus"
)
OPENINGS = [
    "A {term} is a {adj} {group} of {members}",
    "{Term}s are {group}s of {adj} {members}",
    "We define a {term} as a {group} of {members}",
    "A {term} refers to a {adj} {group} of {members}",
    "By a {term} we mean a {group} of {adj} {members}",
    "The {term} is a {group} of {members} and {members2}",
]
CLAUSES = [
    "in the {sector} sector",
    "linked by {tie} and {tie2}",
    "that {verb} {object} and {object2}",
    "which {verb} {object} through {tie}",
    "located in or near {place}",
    "whose {object} depend on {tie}",
    "competing and cooperating in {sector} markets",
    "sharing {tie} with {members2}",
    "able to {verb} {object} for {members3}",
    "held together by {tie2}",
    "supported by {members2} and {members3}",
    "that grew over {years} years around {place}",
    "where {members3} {verb} {object2}",
    "so that {adj2} {members2} can {verb} {object}",
]
SWAPS = {
    "firms": "companies",
    "companies": "firms",
    "group": "set",
    "set": "group",
    "network": "web",
    "institutions": "organisations",
    "organisations": "institutions",
    "linked": "connected",
    "create": "generate",
    "share": "exchange",
    "sector": "industry",
    "industry": "sector",
}
NAMES = ["Porter", "Marshall", "Becattini", "Enright", "Feser", "Rosenfeld", "Teece", "Zott"]


def generated(n: int, rng: random.Random) -> list[str]:
    """``n`` different definitions of the five concepts: an opening and two or three clauses."""
    pool: dict[str, None] = {}
    while len(pool) < n:
        term = rng.choice(TERMS)
        slots = {
            "term": term,
            "Term": term[0].upper() + term[1:],
            "adj": rng.choice(ADJECTIVES),
            "adj2": rng.choice(ADJECTIVES),
            "group": rng.choice(GROUPS),
            "members": rng.choice(MEMBERS),
            "members2": rng.choice(MEMBERS),
            "sector": rng.choice(SECTORS),
            "tie": rng.choice(TIES),
            "tie2": rng.choice(TIES),
            "verb": rng.choice(VERBS),
            "verb2": rng.choice(VERBS),
            "object": rng.choice(OBJECTS),
            "object2": rng.choice(OBJECTS),
        }
        slots |= {
            "members3": rng.choice(MEMBERS),
            "place": rng.choice(PLACES),
            "years": rng.randint(5, 150),
        }
        parts = [rng.choice(OPENINGS), *rng.sample(CLAUSES, rng.randint(2, 3))]
        pool[" ".join(parts).format(**slots) + "."] = None
    return list(pool)


def deft_sentences() -> list[str]:
    """DEFT sentences of six words or more, list numbers cut, each once; [] without DEFT."""
    from corpus.readers.deft import load_deft

    if not DEFT.exists():
        return []
    text = load_deft(DEFT)["text"].str.replace(r"^\s*\d+\s*\.\s*", "", regex=True).str.strip()
    text = text[text.str.split().str.len() >= 6]
    return text[~text.map(normalise).duplicated()].tolist()


def quoted(text: str, rng: random.Random) -> str:
    """``text`` changed once or twice as quoting changes a definition."""
    for change in rng.sample(CHANGES, rng.choice([1, 1, 2])):
        text = change(text, rng)
    return text


def _ellipsis(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 14:
        return text
    cut = rng.randint(3, min(8, len(words) // 3))
    start = rng.randint(2, len(words) - cut - 2)
    return " ".join([*words[:start], rng.choice(["...", "[...]", "…"]), *words[start + cut :]])


def _reword(text: str, rng: random.Random) -> str:
    words = text.split()
    places = rng.sample(range(len(words)), min(rng.choice([1, 2]), len(words)))
    for i in places:
        words[i] = SWAPS.get(words[i], rng.choice(["various", "several", "such", "main"]))
    return " ".join(words)


def _quotes(text: str, rng: random.Random) -> str:
    left, right = rng.choice([("“", "”"), ('"', '"'), ("\u2018", "\u2019"), ("«", "»")])
    return f"{left}{text.rstrip('.')}{right}"


def _hyphenate(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    cut = rng.randint(3, len(words[i]) - 3)
    words[i] = words[i][:cut] + rng.choice(["- ", "-"]) + words[i][cut:]
    return " ".join(words)


def _case(text: str, rng: random.Random) -> str:
    return text.lower() if rng.random() < 0.5 else text.upper()


def _lead_in(text: str, rng: random.Random) -> str:
    name, year = rng.choice(NAMES), rng.randint(1890, 2020)
    lead = rng.choice(
        [f"According to {name} ({year}),", f"As {name} {year}: {rng.randint(1, 300)} put it,"]
    )
    return f"{lead} {text[0].lower()}{text[1:]}"


def _part(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 12:
        return text
    size = rng.randint(max(6, int(0.4 * len(words))), int(0.8 * len(words)))
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start : start + size])


CHANGES = [_ellipsis, _reword, _quotes, _hyphenate, _case, _lead_in, _part]


def repeated(pool: list[str], size: int, rng: random.Random) -> tuple[list[str], np.ndarray]:
    """``size`` texts: each definition of ``pool`` 1 to 5 times, shuffled, and its truth."""
    texts, truth = [], []
    for label, text in enumerate(pool):
        copies = rng.randint(1, 5)
        texts += [text, *(quoted(text, rng) for _ in range(copies - 1))]
        truth += [label] * copies
        if len(texts) >= size:
            break
    kept = min(size, len(texts))
    order = rng.sample(range(kept), kept)
    return [texts[i] for i in order], np.array(truth)[order]


def pairwise(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``labels`` against ``truth``."""

    def pairs(*columns: np.ndarray) -> int:
        sizes = pd.DataFrame(dict(enumerate(columns))).value_counts().to_numpy()
        return int((sizes * (sizes - 1) // 2).sum())

    both, found, true = pairs(truth, labels), pairs(labels), pairs(truth)
    precision, recall = both / max(found, 1), both / max(true, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def measure(name: str, pool: list[str], sizes: list[int], rng: random.Random) -> None:
    """Group ``size`` texts quoting the first definitions of ``pool``, for each size."""
    for size in sizes:
        texts, truth = repeated(pool, size, rng)
        start = time.perf_counter()
        labels = group_texts(texts)
        seconds = time.perf_counter() - start
        precision, recall, f1 = pairwise(truth, labels)
        print(
            f"{name:>9}  {len(texts):>7,}  {len(set(truth.tolist())):>8,}  {labels.max() + 1:>7,}"
            f"  {seconds:>7.2f}  {precision:>9.3f}  {recall:>6.3f}  {f1:>5.3f}"
        )


def main(n: int) -> None:
    rng = random.Random(0)
    print(f"{'set':>9}  {'texts':>7}  {'distinct':>8}  {'groups':>7}  {'seconds':>7}", end="")
    print(f"  {'precision':>9}  {'recall':>6}  {'F1':>5}")
    measure("generated", generated(n // 2, rng), [min(10_000, n), n], rng)
    pool = deft_sentences()
    if pool:
        measure("DEFT", pool, [10_000, 5 * len(pool)], rng)
    else:
        print(f"DEFT: skipped, no copy at {DEFT.resolve()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
