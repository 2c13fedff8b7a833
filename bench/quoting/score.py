"""Score ``defcode definitions`` output against a quoting set's ``truth.csv``.

Three figures, on the quoted definitions the truth lists:

found
    The share of truth rows matched by an occurrence. A truth row and an
    occurrence match when they are in the same document and start on the same
    page, and at least :data:`OVERLAP` of the truth text's words (case, accents
    and punctuation ignored, counted with repeats) are among the occurrence's
    words. Each occurrence matches one truth row at most: pairs are taken in
    order of overlap, best first, and of equal overlaps first the one whose
    occurrence holds the fewest words beyond the truth text.
attribution
    The share of found rows whose occurrence's definition (DEFINITIONS.csv) is
    credited to the truth's first author (its surname; "Porter", "Porter,
    Michael E." and "Michael E. Porter" all name Porter) and year (its four
    digits: "2001a" is 2001).
grouping
    Pairwise precision, recall and F1 over the pairs of found rows: a pair is
    "same" in the truth when both give one pool definition, and "same" for
    defcode when their occurrences belong to one definition. With no pair on
    one side, precision or recall is 1.

Run: python -m bench.quoting.score truth.csv DEFINITIONS.csv OCCURRENCES.csv
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

#: The share of a truth text's words an occurrence must hold to match it.
OVERLAP = 0.6
_AUTHOR_SPLIT = re.compile(r";|&| and |\bet al\b", re.IGNORECASE)


@dataclass(frozen=True)
class Scores:
    """The figures of one scoring, with the counts behind them."""

    found: float
    attribution: float
    precision: float
    recall: float
    f1: float
    truths: int
    matched: int
    by_style: dict[str, float]

    def lines(self) -> list[str]:
        """The figures as printable lines."""
        styles = ", ".join(f"{style} {share:.2f}" for style, share in self.by_style.items())
        return [
            f"found        {self.found:.3f}  ({self.matched} of {self.truths}; {styles})",
            f"attribution  {self.attribution:.3f}",
            f"grouping     precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"F1 {self.f1:.3f}",
        ]


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, white space collapsed.

    Examples
    --------
    >>> fold("  Sørensen-Ødegaard, É.")
    'sorensen odegaard e'
    """
    text = text.replace("ø", "o").replace("Ø", "O")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"\w+", text.casefold()))


def first_surname(authors: str) -> str:
    """The first author's name as :func:`fold` gives it, from any usual way of listing authors.

    Examples
    --------
    >>> first_surname("Crouch, Colin and Farrell, Henry")
    'crouch'
    >>> first_surname("Oakey et al.")
    'oakey'
    """
    first = _AUTHOR_SPLIT.split(str(authors))[0]
    return fold(first.split(",")[0] if "," in first else first)


def same_author(surname: str, authors: str) -> bool:
    """Whether ``authors`` starts with ``surname`` (a full name ending in it counts).

    Examples
    --------
    >>> same_author("Porter", "Michael E. Porter")
    True
    >>> same_author("van den Berg", "Van den Berg et al.")
    True
    >>> same_author("Perry", "Porter")
    False
    """
    name, wanted = first_surname(authors), fold(surname)
    return bool(wanted) and (name == wanted or name.endswith(" " + wanted))


def _year(year: object) -> str:
    return "".join(re.findall(r"\d", str(year)))[:4]


def _overlap(truth: str, text: str) -> float:
    wanted = Counter(fold(truth).split())
    have = Counter(fold(text).split())
    return sum((wanted & have).values()) / max(sum(wanted.values()), 1)


def match(truth: pd.DataFrame, occurrences: pd.DataFrame) -> pd.Series:
    """The index of the occurrence matched to each truth row, or -1 (see the module's rule).

    Examples
    --------
    >>> truth = pd.DataFrame({"doc": ["a"], "page": [2], "text": ["clusters are groups of firms"]})
    >>> found = pd.DataFrame({"doc": ["a", "a"], "page": [2, 3],
    ...                       "text": ["Clusters are groups of firms.", "clusters are groups"]})
    >>> match(truth, found).tolist()
    [0]
    """
    pairs = []
    for (doc, page), rows in truth.groupby(["doc", "page"]):
        here = occurrences[(occurrences["doc"] == doc) & (occurrences["page"] == page)]
        for t, text in rows["text"].items():
            for o, found in here["text"].items():
                share = _overlap(text, found)
                if share >= OVERLAP:
                    pairs.append((share, _overlap(found, text), t, o))
    matched = pd.Series(-1, index=truth.index)
    taken: set = set()
    # Equal shares go to the occurrence that is most nearly the truth text alone.
    for *_, t, o in sorted(pairs, key=lambda p: (-p[0], -p[1])):
        if matched[t] == -1 and o not in taken:
            matched[t] = o
            taken.add(o)
    return matched


def _pairs(labels: pd.Series) -> int:
    return int(sum(n * (n - 1) // 2 for n in labels.value_counts()))


def grouping(truth_groups: pd.Series, found_groups: pd.Series) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``found_groups`` against ``truth_groups``.

    Examples
    --------
    >>> grouping(pd.Series([1, 1, 1, 2]), pd.Series(["x", "x", "y", "y"]))
    (0.5, 0.3333333333333333, 0.4)
    """
    both = _pairs(pd.Series(list(zip(truth_groups, found_groups, strict=True))))
    same_truth, same_found = _pairs(truth_groups), _pairs(found_groups)
    precision = both / same_found if same_found else 1.0
    recall = both / same_truth if same_truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(truth: pd.DataFrame, definitions: pd.DataFrame, occurrences: pd.DataFrame) -> Scores:
    """Found share, attribution accuracy and pairwise grouping of defcode's output.

    Parameters
    ----------
    truth : pandas.DataFrame
        ``truth.csv``: doc, page, text, definition, first_author, year, style.
    definitions : pandas.DataFrame
        ``DEFINITIONS.csv``: definition, authors, year (other columns ignored).
    occurrences : pandas.DataFrame
        ``OCCURRENCES.csv``: definition, doc, page, text (other columns ignored).

    Returns
    -------
    Scores

    Examples
    --------
    >>> truth = pd.DataFrame({"doc": ["a", "b"], "page": [1, 1], "text": ["a b c d e", "f g h i j"],
    ...     "definition": ["p", "p"], "first_author": ["Porter", "Porter"],
    ...     "year": ["1998", "1998"], "style": ["narrative", "numbered"]})
    >>> defs = pd.DataFrame({"definition": ["d1"], "authors": ["Porter"], "year": ["1998"]})
    >>> occ = pd.DataFrame({"definition": ["d1"], "doc": ["a"], "page": [1], "text": ["a b c d e"]})
    >>> s = score(truth, defs, occ)
    >>> s.found, s.attribution, s.by_style
    (0.5, 1.0, {'narrative': 1.0, 'numbered': 0.0})
    """
    truth = truth.reset_index(drop=True)
    occurrences = occurrences.reset_index(drop=True)
    matched = match(truth, occurrences)
    found = truth[matched >= 0].copy()
    found["found"] = occurrences.loc[matched[matched >= 0], "definition"].to_numpy()
    credited = definitions.set_index("definition")
    authors = found["found"].map(credited["authors"]).fillna("")
    years = found["found"].map(credited["year"]).fillna("")
    right = [
        same_author(surname, who) and _year(year) == _year(wanted)
        for surname, who, year, wanted in zip(
            found["first_author"], authors, years, found["year"], strict=True
        )
    ]
    precision, recall, f1 = grouping(found["definition"], found["found"])
    by_style = (matched >= 0).groupby(truth["style"]).mean()
    return Scores(
        found=len(found) / len(truth) if len(truth) else 0.0,
        attribution=sum(right) / len(found) if len(found) else 0.0,
        precision=precision,
        recall=recall,
        f1=f1,
        truths=len(truth),
        matched=len(found),
        by_style={str(k): float(v) for k, v in by_style.items()},
    )


def read(path) -> pd.DataFrame:
    """A CSV as strings (no NaN), with ``page`` as an integer."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "page" in frame:
        frame["page"] = pd.to_numeric(frame["page"], errors="coerce").fillna(-1).astype(int)
    return frame


def main(argv: list[str] | None = None) -> None:
    """The command line: print the figures for one truth and one defcode output."""
    parser = argparse.ArgumentParser(prog="python -m bench.quoting.score", description=__doc__)
    parser.add_argument("truth")
    parser.add_argument("definitions")
    parser.add_argument("occurrences")
    args = parser.parse_args(argv)
    result = score(read(args.truth), read(args.definitions), read(args.occurrences))
    print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
