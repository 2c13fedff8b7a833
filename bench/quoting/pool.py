"""The shared pool of cluster definitions the invented papers quote.

Seventeen are the seed paper's Table 2 definitions, credited as the seed
credits them (``coding/data/cluster/definitions.csv``) and listed in reference
lists from the repository's ``references.bib``. The others are the invented
papers' own definitions: one of them states its definition, later papers
quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "coding" / "data" / "cluster" / "definitions.csv"
BIB = ROOT / "references.bib"
#: Works the seed cites beside its definitions, co-cited in "(A, 1998; B, 2003)".
CO_CITED = ["martinsunley2003", "enright2001", "gordonmccann2000", "markusen1996"]


@dataclass(frozen=True)
class Work:
    """A citable work: its BibTeX key, authors (surname, given) and where it appeared."""

    key: str
    authors: tuple[tuple[str, str], ...]
    year: str
    title: str
    venue: str
    page: str = ""  # the page its definition is on, where the seed gives one

    @property
    def surnames(self) -> list[str]:
        return [surname for surname, _ in self.authors]


@dataclass(frozen=True)
class Definition:
    """A definition of the pool: its id, its text and the work that gave it."""

    id: str
    text: str
    work: Work
    own: bool = False  # an invented paper's own definition, a noun phrase ("a set of ...")

    @property
    def sentence(self) -> str:
        """The definition as one sentence, without its final full stop."""
        text = f"A cluster is {self.text}" if self.own else self.text
        return text.rstrip(".")


def _person(name: str) -> tuple[str, str]:
    """``"Porter, Michael E."`` as ``("Porter", "Michael E.")``."""
    surname, _, given = name.partition(",")
    return surname.strip(), given.strip()


@cache
def bib_works() -> dict[str, Work]:
    """Every entry of the repository's ``references.bib`` as a :class:`Work`, by key."""
    from corpus.readers.bibliography import load_bibtex

    works = {}
    for row in load_bibtex(BIB).itertuples():
        authors = tuple(_person(name) for name in row.authors.split(" and "))
        works[row.key] = Work(row.key, authors, str(row.year), row.title, row.venue)
    return works


@cache
def seed_definitions() -> tuple[Definition, ...]:
    """The seed's 17 Table 2 definitions, each with its work (year and page as the seed cites)."""
    rows = pd.read_csv(DEFINITIONS, dtype=str)
    works = bib_works()
    pages = {"porter1998": "199"}  # the only page the seed gives
    return tuple(
        Definition(
            row.key,
            row.definition,
            Work(**{**works[row.key].__dict__, "year": row.year, "page": pages.get(row.key, "")}),
        )
        for row in rows.itertuples()
    )


#: The invented papers' own definitions, as noun phrases after "we define a cluster as".
OWN = [
    "a regional set of firms and public research bodies that share a labour market and "
    "coordinate their investment plans through a common agency",
    "an arrangement of suppliers, producers and buyers whose repeated transactions within one "
    "travel-to-work area build trust and lower the cost of contracting",
    "a community of practice spread across neighbouring towns in which engineers move between "
    "employers and carry tacit know-how with them",
    "a policy label for any territory where a development agency funds joint projects among at "
    "least ten firms of one sector",
    "a spatially bounded portfolio of related industries whose combined exports exceed what "
    "their separate locations would predict",
    "a self-organising population of small enterprises that specialise in successive stages of "
    "one product and renew that division of labour over time",
    "the firms, schools and associations of a valley whose shared reputation is sold to "
    "customers as a single brand of origin",
    "a temporary coalition of municipalities, companies and universities formed to win public "
    "funding for a joint innovation programme",
    "a dense web of buyer and supplier ties among plants within one hour's drive, measured by "
    "the share of inputs bought locally",
    "an ecosystem of start-ups, investors and mentors who recycle capital and experience from "
    "one venture into the next within a single city",
    "a bounded field of interaction in which rivalry among local producers pushes each of them "
    "to upgrade products and processes",
    "a statistical concentration of employment in a sector, measured by a location quotient "
    "above 1.25 at the level of labour market regions",
    "a cooperative structure in which farms, processors and retailers of one region jointly "
    "manage quality standards and marketing",
    "an institutional arrangement that binds employers to a territory through shared training "
    "centres, testing facilities and collective bargaining",
    "a network of maritime businesses around a port whose logistics, repair and finance "
    "services depend on the same shipping traffic",
    "a knowledge commons in which organisations of different sectors exchange staff, patents "
    "and test results through regular regional meetings",
]
