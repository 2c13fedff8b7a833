"""How a paper quotes a definition: the rewording, the citation and the sentence around it.

A quote is built in three steps: :func:`reword` changes the text as quoting
does (a word swapped, an ellipsis, a partial quote), :func:`cite` formats the
citation in the paper's conventions, and :func:`sentence` puts the two in one
of the styles the issue lists: narrative, parenthetical, numbered, self-stated
(table rows are laid out by :mod:`bench.quoting.layout`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bench.quoting.pool import Definition, Work

#: Words a quoting author swaps for another (either way round).
SWAPS = {
    "firms": "companies",
    "companies": "firms",
    "group": "set",
    "groups": "sets",
    "businesses": "enterprises",
    "proximity": "closeness",
    "linked": "connected",
    "localized": "localised",
    "concentrations": "agglomerations",
    "geographical": "spatial",
    "institutions": "organisations",
    "region": "area",
    "shared": "common",
    "local": "regional",
    "large": "big",
    "close": "near",
}
QUOTE_MARKS = [('"', '"'), ("\u201c", "\u201d"), ("\u2018", "\u2019")]
ELLIPSES = ["...", "\u2026", "[...]"]


@dataclass(frozen=True)
class Conventions:
    """A paper's citation habits."""

    numbered: bool  # "[3]" citations and a numbered reference list
    harvard: bool  # "(Porter 1998: 199)" rather than "(Porter, 1998, p. 199)"
    ampersand: bool  # "Crouch & Farrell" rather than "Crouch and Farrell"
    marks: tuple[str, str]  # the paper's usual quotation marks


@dataclass(frozen=True)
class Quote:
    """A sentence holding a definition: where the definition's text starts, and how it is given."""

    sentence: str
    start: int
    text: str
    style: str  # narrative | parenthetical | numbered | self
    form: str  # exact | swap | ellipsis | partial | case


def reword(text: str, form: str, rng: random.Random) -> str:
    """``text`` as a quoting paper prints it.

    Examples
    --------
    >>> reword("Clusters are groups of small plants", "swap", random.Random(0))
    'Clusters are sets of small plants'
    >>> words = "one two three four five six seven eight nine ten eleven"
    >>> len(reword(words, "partial", random.Random(1)).split()) >= 6
    True
    """
    words = text.split()
    if form == "swap":
        at = [i for i, w in enumerate(words) if w.strip(",.;:").lower() in SWAPS]
        for i in rng.sample(at, min(len(at), rng.choice([1, 1, 2]))):
            core = words[i].strip(",.;:")
            new = SWAPS[core.lower()]
            new = new.capitalize() if core[0].isupper() else new
            words[i] = words[i].replace(core, new)
    elif form == "ellipsis":
        size = rng.randint(3, min(8, len(words) - 8))
        at = rng.randint(3, len(words) - size - 3)
        words[at : at + size] = [rng.choice(ELLIPSES)]
    elif form == "partial":
        size = rng.randint(6, min(14, len(words) - 3))
        at = rng.randint(1, len(words) - size)
        words = words[at : at + size]
        words[-1] = words[-1].rstrip(",.;:")
    elif form == "case":
        words[0] = words[0].lower()
    return " ".join(words)


def forms(definition: Definition, rng: random.Random) -> str:
    """A rewording for one quote of ``definition``: exact about half the time."""
    size = len(definition.sentence.split())
    choices = ["exact"] * 5 + ["swap"] * 2
    if re.search(r"\b(?:" + "|".join(SWAPS) + r")\b", definition.sentence, re.I) is None:
        choices.remove("swap")
        choices.remove("swap")
    if size >= 16:
        choices += ["ellipsis", "ellipsis", "partial", "partial"]
    return rng.choice(choices)


def names(work: Work, ampersand: bool) -> str:
    """The authors as a citation names them: "Porter", "Crouch and Farrell", "Oakey et al.".

    Examples
    --------
    >>> names(Work("k", (("Crouch", "C."), ("Farrell", "H.")), "2001", "", ""), True)
    'Crouch & Farrell'
    """
    surnames = work.surnames
    if len(surnames) >= 3:
        return f"{surnames[0]} et al."
    return f" {'&' if ampersand else 'and'} ".join(surnames)


def cite(work: Work, paper: Conventions, *, page: bool = True) -> str:
    """The inside of a parenthetical citation: "Porter, 1998, p. 199" or "Porter 1998: 199"."""
    who = names(work, paper.ampersand)
    where = work.page if page else ""
    if paper.harvard:
        return f"{who} {work.year}" + (f": {where}" if where else "")
    return f"{who}, {work.year}" + (f", p. {where}" if where else "")


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _year(work: Work, paper: Conventions) -> str:
    """The bracket after a narrative citation's names: "(1998, p. 199)", "(1998: 199)"."""
    if not work.page:
        return f"({work.year})"
    return f"({work.year}: {work.page})" if paper.harvard else f"({work.year}, p. {work.page})"


# Templates: {n} names, {y} the year bracket, {c} a parenthetical citation's inside,
# {r} the reference number, {s}/{es} a verb ending for one author, {q} the quote.
# Templates for whole sentences (S) and for phrases (P); T marks a lead-in naming the term.
NARRATIVE_S = [
    ("{n} {y} put{s} it this way: {q}.", False),
    ("In the words of {n} {y}, {q}.", False),
    ("{n} {y} offer{s} the following definition of a cluster: {q}.", True),
    ("{n} {y} write{s} that clusters can be understood thus: {q}.", True),
    ("A frequently quoted definition of clusters is that of {n} {y}: {q}.", True),
]
NARRATIVE_P = [
    ("{n} {y} define{s} a cluster as {q}.", True),
    ("{n} {y} describe{s} clusters as {q}.", True),
    ("For {n} {y}, a cluster means {q}.", True),
]
HARVARD_S = [("As {n} {yh} put{s} it, a cluster definition reads {q}.", True)]
UNQUOTED = [
    ("According to {n} {y}, {t}.", False),
    ("{n} {y} state{s} that in cluster research {t}.", True),
]
PARENTHETICAL_S = [
    ("{q} ({c}).", False),
    ("One widely cited definition of clusters reads: {q} ({c}).", True),
    ("Clusters have also been described as follows: {q} ({c}).", True),
    ("{q} ({c}; see also {c2}).", False),
]
PARENTHETICAL_P = [
    ("A cluster has been defined as {q} ({c}).", True),
    ("Clusters are sometimes seen as {q} ({c}; {c2}).", True),
]
PARENTHETICAL_T = [("{t} ({c}).", False), ("{t} ({c}; {c2}; {c3}).", False)]
NUMBERED_S = [
    ("According to {n} [{r}], {q}.", False),
    ("{q} [{r}].", False),
    ("A definition of clusters often cited is {q} [{r}].", True),
    ("{t} [{r}].", False),
]
NUMBERED_P = [
    ("{n} [{r}] define{s} a cluster as {q}.", True),
    ("In [{r}], a cluster is defined as {q}.", True),
]
SELF = [
    "In this paper we define a cluster as {t}.",
    "We define a cluster as {t}.",
    "Throughout this study, a cluster refers to {t}.",
    "For the purposes of this paper, we take a cluster to be {t}.",
    "Here, a cluster is understood as {t}.",
]


def _template(choices: list[tuple[str, bool]], needs_term: bool, rng: random.Random) -> str:
    """A template; one whose lead-in names clusters when the text does not."""
    return rng.choice([t for t, term in choices if term or not needs_term])


def sentence(
    definition: Definition,
    style: str,
    paper: Conventions,
    rng: random.Random,
    *,
    number: str = "",
    co_cited: tuple[Work, ...] = (),
) -> Quote:
    """A sentence quoting ``definition`` in ``style`` ("narrative", "parenthetical", "numbered").

    Examples
    --------
    >>> from bench.quoting.pool import seed_definitions
    >>> porter = [d for d in seed_definitions() if d.id == "porter1998"][0]
    >>> paper = Conventions(numbered=True, harvard=False, ampersand=False, marks=('"', '"'))
    >>> quote = sentence(porter, "numbered", paper, random.Random(3), number="3")
    >>> quote.sentence[quote.start:].startswith(quote.text)
    True
    """
    work = definition.work
    form = forms(definition, rng)
    own_phrase = definition.own and form != "partial"
    text = reword(definition.text if own_phrase else definition.sentence, form, rng)
    needs_term = "cluster" not in text.lower()
    phrase = form == "partial" or definition.own
    if style == "numbered":
        frames = NUMBERED_P if phrase else NUMBERED_S
    elif style == "parenthetical":
        frames = PARENTHETICAL_P if phrase else PARENTHETICAL_S + PARENTHETICAL_T
    elif phrase:
        frames = NARRATIVE_P
    else:
        frames = NARRATIVE_S + UNQUOTED + (HARVARD_S if paper.harvard and work.page else [])
    frame = _template(frames, needs_term, rng)
    if "{t}" in frame:
        text = text if frame.startswith("{t}") else text[0].lower() + text[1:]
        form = "case" if text[0].islower() and form == "exact" and not phrase else form
    marks = paper.marks if rng.random() < 0.85 else rng.choice(QUOTE_MARKS)
    values = {
        "n": names(work, paper.ampersand),
        "y": _year(work, paper),
        "yh": f"{work.year}: {work.page}",
        "s": "s" if len(work.authors) == 1 else "",
        "c": cite(work, paper),
        "c2": cite(co_cited[0], paper, page=False) if co_cited else "",
        "c3": cite(co_cited[-1], paper, page=False) if co_cited else "",
        "r": number if not work.page or rng.random() < 0.5 else f"{number}, p. {work.page}",
        "q": "\0",
        "t": "\0",
    }
    quoted = "{q}" in frame
    filled = frame.format(**values)
    start = filled.index("\0") + (len(marks[0]) if quoted else 0)
    inner = f"{marks[0]}{text}{marks[1]}" if quoted else text
    return Quote(_capital(filled.replace("\0", inner)), start, text, style, form)


def self_stated(definition: Definition, rng: random.Random) -> Quote:
    """A paper stating its own definition ("In this paper we define a cluster as ...")."""
    frame = rng.choice(SELF)
    start = frame.index("{t}")
    return Quote(frame.format(t=definition.text), start, definition.text, "self", "exact")
