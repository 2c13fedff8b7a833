"""Group the texts that give the same definition, as quoting leaves it.

A definition quoted in many papers arrives changed: cut by an ellipsis, a
word or two replaced ("firms" / "companies"), other quotation marks, a word
hyphenated over a line break, another case, its lead-in dropped, or only a
part of it quoted. :func:`group_texts` puts such repeats in one group in
near-linear time, in three steps:

1. Texts equal after :func:`normalise` are one text.
2. *Near-duplicates.* Each text's word 3-grams are sketched with a
   :class:`datasketch.MinHash`; texts whose sketches agree on a whole band
   (LSH banding, with the bands and rows :class:`datasketch.MinHashLSH`
   chooses for the Jaccard ``threshold``) are candidate pairs, and a pair
   joins when the words the two share in order (:class:`difflib.SequenceMatcher`)
   are at least 70 % of their mean length.
3. *Partial quotes.* A text of six words or more whose words are, to 80 % in
   order, inside a longer text of exactly one group joins that group. The
   candidates are the groups that hold the text's rarest shared 3-grams (the
   three held by the fewest other groups, ignoring 3-grams common to many
   groups such as "a cluster is"); a text inside two groups joins neither.

Texts of fewer than five words join only the texts equal to them after
:func:`normalise`.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import chain

import numpy as np
import pandas as pd

__all__ = ["group_texts", "normalise"]

_SHINGLE = 3  # words per shingle
_MIN_WORDS = 5  # fewer words: exact (normalised) equality only
_MIN_PARTIAL = 6  # the fewest words of a partial quote
_SAME = 0.7  # shared words in order / mean length, for near-duplicates
_INSIDE = 0.8  # shared words in order / the shorter's length, for partial quotes
_WINDOW = 4  # a bucket member is paired with the head and the 4 members before it
_ANCHORS = 3  # rarest shared shingles looked up per text for partial quotes
_COMMON = 50  # a shingle held by more groups is not an anchor

_ELLIPSIS = re.compile(r"[\[(]\s*(?:\.\s*){3,}[\])]|[\[(]\s*…\s*[\])]|(?:\.\s*){3,}|…")
_HYPHEN = re.compile(r"(?<=\w)[-\u00ad\u2010\u2011]\s*(?=\w)")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """A text as :func:`group_texts` compares it.

    Compatibility characters are folded (ligatures, full-width forms), the
    case folded, ellipses (``...``, ``…``, ``[...]``) dropped, words joined
    across a hyphen (``geo- graphically``, ``geo-graphically``), apostrophes
    inside words dropped, every other punctuation mark (quotation marks of
    any kind, brackets) made a space, and white space collapsed.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The words of ``text``, lower case, separated by single spaces.

    Examples
    --------
    >>> normalise("“A geographically proximate group [...] of inter- connected companies”")
    'a geographically proximate group of interconnected companies'
    >>> normalise("Geo-graphically «close» firms … (Porter's view)")
    'geographically close firms porters view'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ELLIPSIS.sub(" ", text)
    text = _HYPHEN.sub("", text)
    text = _APOSTROPHE.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def group_texts(
    texts: Sequence[str], *, threshold: float = 0.4, num_perm: int = 128, seed: int = 1
) -> np.ndarray:
    """A group label per text: the texts that give the same definition share one.

    Parameters
    ----------
    texts : sequence of str
        The texts, e.g. the definitions read out of their frames.
    threshold : float, default 0.4
        The Jaccard similarity of word 3-grams from which two texts become a
        candidate pair of near-duplicates (the LSH banding's threshold);
        every candidate is then checked word by word.
    num_perm : int, default 128
        Permutations of the MinHash sketches.
    seed : int, default 1
        The seed of the MinHash permutations; the same texts and seed give
        the same labels.

    Returns
    -------
    numpy.ndarray
        ``int64`` labels, one per text, numbered ``0 .. k-1`` in the order
        of each group's first text.

    Examples
    --------
    >>> group_texts([
    ...     "A cluster is a geographically proximate group of interconnected companies.",
    ...     "A cluster is a group of firms within one industry based in one area.",
    ...     '"a geographically proximate group of interconnected firms"',
    ...     "A cluster is a geographically proximate group [...] of inter- connected companies",
    ... ]).tolist()
    [0, 1, 0, 0]
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold == {threshold}, must be between 0 and 1.")
    words_of: dict[str, int] = {}
    first = np.array([words_of.setdefault(normalise(t), len(words_of)) for t in texts], np.int64)
    words = [text.split() for text in words_of]
    groups = _UnionFind(len(words))
    long = [i for i, w in enumerate(words) if len(w) >= _MIN_WORDS]
    if len(long) > 1:
        shingles = [_shingles(words[i]) for i in long]
        matcher = _Matcher([words[i] for i in long])
        pairs = _candidate_pairs(shingles, threshold, num_perm, seed)
        for a, b in pairs:
            a, b = long[a], long[b]
            if groups.find(a) != groups.find(b) and matcher.same(words[a], words[b]):
                groups.union(a, b)
        _join_partial_quotes(groups, words, long, shingles, matcher)
    return _first_appearance(groups.labels()[first])


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def labels(self) -> np.ndarray:
        return np.array([self.find(i) for i in range(len(self.parent))], np.int64)


def _shingles(words: list[str]) -> list[int]:
    grams = {" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    return sorted(zlib.crc32(g.encode()) for g in grams)


def _candidate_pairs(
    shingles: list[list[int]], threshold: float, num_perm: int, seed: int
) -> np.ndarray:
    """Pairs of indices (a < b) whose MinHash sketches share a band, sorted."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    bands, rows = lsh.b, lsh.r
    sketches = MinHash.bulk(shingles, num_perm=num_perm, seed=seed, hashfunc=int)
    signature = np.stack([m.hashvalues for m in sketches]).astype(np.uint64)
    n = len(shingles)
    found = []
    for band in range(bands):
        part = signature[:, band * rows : (band + 1) * rows]
        key = np.zeros(n, np.uint64)
        for column in part.T:
            key = key * np.uint64(0x100000001B3) ^ column
        order = np.argsort(key, kind="stable")
        key = key[order]
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        head = np.repeat(order[start], np.diff(np.r_[start, n]))
        found.append(np.c_[head, order])
        for lag in range(1, _WINDOW + 1):
            same = key[lag:] == key[:-lag]
            found.append(np.c_[order[:-lag][same], order[lag:][same]])
    pairs = np.concatenate(found)
    pairs = np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1)
    return np.unique(pairs, axis=0)


class _Matcher:
    """How much of two word lists agrees in order, each word weighted by its rarity.

    A word's weight is its smoothed inverse document frequency among the
    texts, ``1 + log((n + 1) / (df + 1))``: sharing "a cluster is a group of"
    says less than sharing "commonalities and complementarities".
    """

    def __init__(self, words: list[list[str]]) -> None:
        df = Counter(chain.from_iterable(set(w) for w in words))
        n = len(words)
        self.weight = {word: 1.0 + math.log((n + 1) / (count + 1)) for word, count in df.items()}

    def _total(self, words: list[str]) -> float:
        return sum(self.weight[w] for w in words)

    def _shared(self, a: list[str], b: list[str]) -> float:
        blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        return sum(self.weight[w] for block in blocks for w in a[block.a : block.a + block.size])

    def same(self, a: list[str], b: list[str]) -> bool:
        """Whether ``a`` and ``b`` agree on :data:`_SAME` of their mean weight."""
        total = self._total(a) + self._total(b)
        bag = Counter(a) & Counter(b)
        if 2 * sum(self.weight[w] * c for w, c in bag.items()) < _SAME * total:
            return False
        return 2 * self._shared(a, b) >= _SAME * total

    def inside(self, short: list[str], long: list[str]) -> bool:
        """Whether :data:`_INSIDE` of ``short``'s weight is in ``long``, in order."""
        return len(long) >= len(short) and self._shared(short, long) >= _INSIDE * self._total(short)


def _join_partial_quotes(
    groups: _UnionFind,
    words: list[list[str]],
    long: list[int],
    shingles: list[list[int]],
    matcher: _Matcher,
) -> None:
    """Join each group whose partial quotes lie inside exactly one other group (once joined)."""
    label = groups.labels()
    held = pd.DataFrame(
        {
            "text": np.repeat(long, [len(s) for s in shingles]),
            "shingle": np.concatenate(shingles).astype(np.int64),
        }
    )
    held["group"] = label[held["text"].to_numpy()]
    by_group = held.drop_duplicates(["group", "shingle"])
    spread = by_group.groupby("shingle").size().rename("spread")
    held = held.join(spread, on="shingle")
    usable = held[(held["spread"] > 1) & (held["spread"] <= _COMMON)]
    length = np.array([len(w) for w in words])
    usable = usable[length[usable["text"].to_numpy()] >= _MIN_PARTIAL]
    anchors = usable.sort_values(["text", "spread", "shingle"]).groupby("text").head(_ANCHORS)
    hits = anchors[["text", "shingle", "group"]].merge(
        by_group[["shingle", "group"]], on="shingle", suffixes=("", "_other")
    )
    hits = hits[hits["group"] != hits["group_other"]]
    counts = hits.groupby(["text", "group_other"]).size().rename("hits").reset_index()
    need = anchors.groupby("text").size().clip(upper=2)
    counts = counts[counts["hits"] >= need.loc[counts["text"]].to_numpy()]
    members: dict[int, list[int]] = {}
    for text in long:
        members.setdefault(int(label[text]), []).append(text)
    for group in members.values():
        group.sort(key=lambda t: (-len(words[t]), t))
    targets: dict[int, set[int]] = {}
    for text, other in counts[["text", "group_other"]].itertuples(index=False):
        if any(matcher.inside(words[text], words[m]) for m in members[other][:3]):
            targets.setdefault(int(label[text]), set()).add(int(other))
    several = []
    for group, into in sorted(targets.items()):
        if len(into) == 1:
            groups.union(group, into.pop())
        else:
            several.append((group, into))
    # Inside several groups that the joins above made one: a part of a part of one definition.
    for group, into in several:
        roots = {groups.find(other) for other in into}
        if len(roots) == 1:
            groups.union(group, roots.pop())


def _first_appearance(labels: np.ndarray) -> np.ndarray:
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]
