"""Write a seeded set of invented papers that quote the shared pool of cluster definitions.

Each paper has a title block, an abstract, five or six sections of running
text, 4 to 8 quoted definitions of the pool, some of them reworded, in the
paper's citation conventions (author-year, APA or Harvard, or numbered), in
some papers a table of definitions and a definition of its own, and a
reference list. Later papers quote earlier papers' own definitions. Beside
the PDFs, ``truth.csv`` lists every quoted definition as printed.

Run::

    python -m bench.quoting.papers OUT --set dev       # seed 1, 12 papers, truth.csv
    python -m bench.quoting.papers OUT --set heldout   # seed 2
    python -m bench.quoting.papers --sample corpus/data/quoting_papers

The same call writes the same bytes.
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bench.quoting import prose
from bench.quoting.layout import Block, typeset
from bench.quoting.pool import (
    BIB,
    CO_CITED,
    OWN,
    Definition,
    Work,
    bib_works,
    seed_definitions,
)
from bench.quoting.quotes import QUOTE_MARKS, Conventions, Quote, self_stated, sentence

SETS = {"dev": (1, 12), "heldout": (2, 12), "sample": (7, 7)}
TRUTH_COLUMNS = ["doc", "page", "text", "definition", "first_author", "year", "style", "form"]

SURNAMES = [
    "Hartmann", "Ruiz", "Okafor", "Lindqvist", "Moreau", "Haddad", "Brandt", "Feliciano",
    "Nakamura", "Kowalczyk", "Ødegaard", "Müller", "García", "Østergaard", "Novák", "Bianchi",
    "Van der Linden", "O'Neill", "Schulz", "Petrović", "Andersen", "Keller", "Costa", "Ito",
    "Mbeki", "Laine", "Verhoeven", "Santos", "Dubois", "Fischer", "Holm", "Rossi", "Janssen",
    "Weber", "Nilsson", "Kaur", "de Vries", "Sørensen", "Alvarez", "Lehmann",
]  # fmt: skip
GIVEN = [
    "Lena", "Tomás", "Ngozi", "Maja", "Claire", "Sami", "Jonas", "Rosa", "Aiko", "Piotr",
    "Ingrid", "Karl", "Lucía", "Mette", "Jan", "Giulia", "Pieter", "Siobhan", "Anna", "Marko",
]  # fmt: skip
TOPICS = [
    "wind energy", "medical devices", "furniture making", "food processing", "software",
    "maritime services", "ceramics", "textiles", "automotive supply", "aquaculture",
]  # fmt: skip
TITLES = [
    "Clusters and {topic} in {region}: {angle}",
    "{Angle}: the {topic} cluster of {region}",
    "What holds a cluster together? {Angle} in {region}",
    "Proximity, networks and {topic}: {angle}",
    "Rethinking cluster policy: {angle} in {topic}",
]
ANGLES = [
    "evidence from interviews", "a network perspective", "lessons for regional policy",
    "a longitudinal study", "the role of universities", "firms between cooperation and rivalry",
    "a comparative case study", "measuring the benefits of co-location",
]  # fmt: skip
JOURNALS = [
    "Journal of Regional Cluster Studies", "Regional Economy Review", "Papers in Spatial "
    "Development", "Innovation and Territory", "European Review of Industrial Places",
    "Nordic Journal of Business Networks",
]  # fmt: skip
SECTIONS = ["Introduction", "Defining clusters", "Data and method", "Findings", "Discussion"]


@dataclass
class Paper:
    """An invented paper: who wrote it, how it cites, and what it quotes."""

    key: str
    work: Work
    paper: Conventions
    own: Definition | None
    quotes: list[tuple[Definition, str]]  # (definition, style) in reading order
    table: list[Definition] = field(default_factory=list)
    journal: str = ""


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
    return "".join(c for c in folded if c.isascii() and c.isalpha()).lower()


def _plan(seed: int, count: int) -> list[Paper]:
    """Who writes what: authors, years, conventions and the definitions each paper quotes."""
    rng = random.Random(f"quoting-{seed}")
    pool = list(seed_definitions())
    years = sorted(rng.sample(range(2005, 2025), count))
    owns = rng.sample(OWN, count)
    # Odd and even seeds draw first authors from two halves of the names: no shared keys.
    firsts = rng.sample(SURNAMES[seed % 2 :: 2], count)
    others = rng.sample(SURNAMES[1 - seed % 2 :: 2], len(SURNAMES) // 2)
    papers: list[Paper] = []
    for i, year in enumerate(years):
        names = [firsts[i]] + [others.pop() for _ in range(rng.choice([0, 1, 1, 2]))]
        authors = tuple((name, rng.choice(GIVEN)) for name in names)
        key = f"{_ascii(authors[0][0])}{year}"
        key += "b" if any(p.key == key for p in papers) else ""
        topic, region = rng.choice(TOPICS), rng.choice(prose.REGIONS)
        angle = rng.choice(ANGLES)
        title = rng.choice(TITLES).format(
            topic=topic, region=region, angle=angle, Angle=angle.capitalize()
        )
        journal, first = rng.choice(JOURNALS), rng.randint(1, 400)
        volume = f"{year - 1990 + rng.randint(0, 9)}({rng.randint(1, 4)})"
        venue = f"{journal}, {volume}, {first}\u2013{first + rng.randint(14, 24)}"
        work = Work(key, authors, str(year), title, venue, str(first + rng.randint(1, 6)))
        numbered = i % 3 == 1
        paper = Conventions(
            numbered=numbered,
            harvard=not numbered and rng.random() < 0.5,
            ampersand=rng.random() < 0.4,
            marks=rng.choice(QUOTE_MARKS),
        )
        own = Definition(key, owns[i], work, own=True) if i % 2 == 0 or i == 1 else None
        earlier = [p.own for p in papers if p.own is not None]
        chosen = rng.sample(pool, rng.randint(4, 7 if earlier else 8))
        if earlier:
            chosen.append(rng.choice(earlier))
            rng.shuffle(chosen)
        if rng.random() < 0.4:  # quoted again later in the paper, as the seed quotes Porter
            chosen.append(rng.choice(chosen))
        styles = ["numbered"] if numbered else ["narrative", "parenthetical"]
        quotes = [(d, rng.choice(styles)) for d in chosen]
        table = [] if numbered or rng.random() < 0.5 else rng.sample(pool, rng.randint(3, 5))
        papers.append(Paper(key, work, paper, own, quotes, table, journal))
    return papers


def _paragraph(rng: random.Random, quotes: list[Quote]) -> tuple[Block, list[Quote]]:
    """Filler sentences with ``quotes`` set among them."""
    parts: list[str | Quote] = list(prose.sentences(rng, rng.randint(3, 6)))
    places = sorted(rng.randint(0, len(parts)) for _ in quotes)  # quotes keep their order
    for k, (place, quote) in enumerate(zip(places, quotes, strict=True)):
        parts.insert(place + k, quote)
    text, anchors = "", []
    for part in parts:
        text += " " if text else ""
        if isinstance(part, Quote):
            anchors.append(len(text) + part.start)
            part = part.sentence
        text += part
    return Block("paragraph", text, anchors), [p for p in parts if isinstance(p, Quote)]


def _initials(given: str) -> str:
    """``"Michael E."`` as ``"M. E."``; ``"Lars-Gunnar"`` as ``"L.-G."``."""
    return " ".join(
        "-".join(f"{part[0]}." for part in name.split("-") if part) for name in given.split()
    )


def reference(work: Work, paper: Conventions, number: int | None = None) -> str:
    """A reference-list entry for ``work`` in the paper's style (APA, Harvard or numbered).

    Examples
    --------
    >>> porter = Work("porter1998", (("Porter", "Michael E."),), "1998", "On Competition", "HBS")
    >>> reference(porter, Conventions(False, True, False, ('"', '"')))
    'Porter, M. E. 1998. On Competition. HBS.'
    """
    people = [
        f"{surname}, {_initials(given)}" if given else surname for surname, given in work.authors
    ]
    last = " and " if paper.harvard else ", & " if len(people) > 2 else " & "
    who = people[0] if len(people) == 1 else ", ".join(people[:-1]) + last + people[-1]
    year = f"{work.year}." if paper.harvard else f"({work.year})."
    title = work.title if work.title.endswith(("?", "!")) else f"{work.title}."
    entry = f"{who} {year} {title} {work.venue}."
    return f"[{number}] {entry}" if number is not None else entry


@dataclass
class _Writer:
    """Builds one paper's blocks in reading order, with its truth rows and citation numbers."""

    paper: Paper
    rng: random.Random
    blocks: list[Block] = field(default_factory=list)
    truth: list[list[dict]] = field(default_factory=list)  # per block, per anchor or row
    numbers: dict[str, int] = field(default_factory=dict)
    cited: dict[str, Work] = field(default_factory=dict)

    def add(self, block: Block, rows: list[dict] | None = None) -> None:
        self.blocks.append(block)
        self.truth.append(rows or [])

    def heading(self, text: str) -> None:
        self.add(Block("heading", text))

    def _row(self, definition: Definition, text: str, style: str, form: str) -> dict:
        return {
            "doc": self.paper.key,
            "text": text,
            "definition": definition.id,
            "first_author": definition.work.authors[0][0],
            "year": definition.work.year,
            "style": style,
            "form": form,
        }

    def _quote(self, definition: Definition, style: str) -> Quote:
        self.cited.setdefault(definition.work.key, definition.work)
        number = str(self.numbers.setdefault(definition.work.key, len(self.numbers) + 1))
        others = [self.rng.choice(CO_CITED), self.rng.choice(CO_CITED)]
        co_cited = tuple(bib_works()[k] for k in dict.fromkeys(others))
        if style == "parenthetical":
            self.cited.update((w.key, w) for w in co_cited)
        return sentence(
            definition, style, self.paper.paper, self.rng, number=number, co_cited=co_cited
        )

    def paragraph(self, quotes: list[tuple[Definition, str]], own: bool = False) -> None:
        made = [self._quote(d, style) for d, style in quotes]
        pairs = list(zip([d for d, _ in quotes], made, strict=True))
        if own and self.paper.own is not None:
            pairs.append((self.paper.own, self_stated(self.paper.own, self.rng)))
        block, order = _paragraph(self.rng, [q for _, q in pairs])
        by_quote = {id(q): d for d, q in pairs}
        rows = [self._row(by_quote[id(q)], q.text, q.style, q.form) for q in order]
        self.add(block, rows)

    def table(self, number: int) -> None:
        rows, truth = [], []
        for definition in self.paper.table:
            work = definition.work
            self.cited.setdefault(work.key, work)
            cells = (f"{_names(work, self.paper.paper)} ({work.year})", f"{definition.sentence}.")
            rows.append(cells)
            truth.append(self._row(definition, cells[1], "row", "exact"))
        caption = f"Table {number}: Definitions of clusters in the literature"
        self.add(Block("table", caption, rows=rows), truth)

    def references(self) -> None:
        self.heading("References")
        works = list(self.cited.values())
        if self.paper.paper.numbered:
            for work in works:
                self.add(
                    Block("paragraph", reference(work, self.paper.paper, self.numbers[work.key]))
                )
            return
        for work in sorted(works, key=lambda w: (_ascii(w.authors[0][0]), w.year)):
            self.add(Block("paragraph", reference(work, self.paper.paper)))


def _names(work: Work, paper: Conventions) -> str:
    from bench.quoting.quotes import names

    return names(work, paper.ampersand)


def _compose(paper: Paper, rng: random.Random) -> _Writer:
    """The paper's blocks: title block, abstract, sections with the quotes, references."""
    write = _Writer(paper, rng)
    who = ", ".join(f"{given} {surname}" for surname, given in paper.work.authors)
    line = f"{paper.work.venue} ({paper.work.year})"
    write.add(Block("title", paper.work.title))
    write.add(Block("paragraph", f"{who}. {line}"))
    write.add(
        Block(
            "paragraph",
            f"\u00a9 {paper.work.year} The authors. An invented paper "
            "written for the defcode test corpus; its authors, data and findings are "
            "fictitious.",
        )
    )
    write.heading("Abstract")
    write.add(Block("paragraph", " ".join(prose.sentences(rng, rng.randint(3, 5)))))
    quotes = list(paper.quotes)
    again = quotes.pop() if len(quotes) > len({d.id for d, _ in quotes}) else None
    intro = [quotes.pop(0)] if rng.random() < 0.5 else []
    own_early = rng.random() < 0.5
    for number, title in enumerate(SECTIONS, start=1):
        write.heading(f"{number}. {title}")
        if title == "Introduction":
            write.paragraph([])
            write.paragraph(intro, own=own_early)
        elif title == "Defining clusters":
            while quotes:
                size = rng.choice([1, 2])
                write.paragraph(quotes[:size])
                quotes = quotes[size:]
            if paper.table:
                write.paragraph([])
                write.table(1)
        elif title == "Findings":
            write.paragraph([], own=not own_early)
            write.paragraph([])
        else:
            write.paragraph([again] if again and title == "Discussion" else [])
            write.paragraph([])
    write.heading(f"{len(SECTIONS) + 1}. Conclusion")
    write.paragraph([])
    write.references()
    return write


def write_paper(paper: Paper, folder: Path, seed: int) -> tuple[pd.DataFrame, dict[str, Work]]:
    """Typeset ``paper`` into ``folder`` as ``<key>.pdf``; return its truth rows and cited works."""
    rng = random.Random(f"quoting-{seed}-{paper.key}")
    write = _compose(paper, rng)
    head = f"{paper.journal} \u2013 an invented paper for defcode"
    subject = f"{paper.journal} ({paper.work.year})"
    who = " and ".join(f"{given} {surname}" for surname, given in paper.work.authors)
    placed = typeset(
        folder / f"{paper.key}.pdf",
        write.blocks,
        head=head,
        title=paper.work.title,
        authors=who,
        subject=subject,
    )
    rows = [
        {**row, "page": page}
        for pages, truth in zip(placed, write.truth, strict=True)
        for page, row in zip(pages, truth, strict=True)
    ]
    return pd.DataFrame(rows, columns=TRUTH_COLUMNS), write.cited


def write_set(folder: str | Path, name: str = "dev", *, truth: bool = True) -> pd.DataFrame:
    """Write the set ``name`` ("dev", "heldout" or "sample") of papers into ``folder``.

    Parameters
    ----------
    folder : str or Path
        Created if missing; the PDFs are named by their BibTeX-like keys.
    name : {"dev", "heldout", "sample"}
        dev is seed 1 and heldout seed 2, 12 papers each; sample is the 7 shipped papers.
    truth : bool, default=True
        Write ``truth.csv`` beside the PDFs.

    Returns
    -------
    pandas.DataFrame
        One row per quoted definition, columns :data:`TRUTH_COLUMNS`: the document
        (the PDF's stem), the page the text starts on, the text as printed, the pool
        definition it gives, its original's first author and year, the style
        ("narrative", "parenthetical", "numbered", "row", "self") and the rewording
        ("exact", "swap", "ellipsis", "partial", "case").

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     truth = write_set(folder, "sample")
    >>> sorted(truth["style"].unique())
    ['narrative', 'numbered', 'parenthetical', 'row', 'self']
    """
    seed, count = SETS[name]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    papers = _plan(seed, count)
    frame = pd.concat([write_paper(p, folder, seed)[0] for p in papers], ignore_index=True)
    if truth:
        frame.to_csv(folder / "truth.csv", index=False)
    return frame


def _bib_entry(work: Work) -> str:
    """``work``'s entry as ``references.bib`` has it, or a new one for an invented paper."""
    text = BIB.read_text(encoding="utf-8")
    for block in text.split("\n@")[1:]:
        if block.split("{", 1)[1].split(",", 1)[0] == work.key:
            return "@" + block.strip() + "\n"
    authors = " and ".join(f"{surname}, {given}" for surname, given in work.authors)
    journal, volume, pages = work.venue.rsplit(", ", 2)
    return (
        f"@article{{{work.key},\n  author = {{{authors}}},\n  title = {{{work.title}}},\n"
        f"  journal = {{{journal}}},\n  volume = {{{volume.split('(')[0]}}},\n"
        f"  pages = {{{pages.replace(chr(0x2013), '--')}}},\n  year = {{{work.year}}},\n"
        "  note = {An invented paper of defcode's sample set}\n}\n"
    )


README = """Invented papers for defcode's notebooks and tests.

These {count} PDFs were generated by bench/quoting/papers.py (seed {seed}):
their authors, titles, journals, data and findings are invented. They quote
the cluster definitions that the seed paper's Table 2 credits to published
works (Porter 1998, Enright 1996, ...), credited as the seed credits them,
and they quote each other's own (invented) definitions. references.bib holds
the BibTeX entries of every work they cite: the published works as the
repository's references.bib gives them, the invented papers marked as such.

Regenerate with: python -m bench.quoting.papers --sample corpus/data/quoting_papers
"""


def write_sample(folder: str | Path) -> None:
    """Write the shipped sample: the papers, a ``references.bib`` and a ``README.txt``.

    ``references.bib`` holds the entries of the papers themselves and of every work
    they cite, those of published works copied from the repository's ``references.bib``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    seed, count = SETS["sample"]
    papers = _plan(seed, count)
    cited = {paper.key: paper.work for paper in papers}
    for paper in papers:
        cited.update(write_paper(paper, folder, seed)[1])
    entries = [_bib_entry(work) for work in sorted(cited.values(), key=lambda w: w.key)]
    (folder / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    (folder / "README.txt").write_text(README.format(count=count, seed=seed), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """The command line: write a set with its truth, or the shipped sample."""
    parser = argparse.ArgumentParser(prog="python -m bench.quoting.papers", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, help="where to write the set")
    parser.add_argument("--set", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--sample", type=Path, help="write the shipped sample here instead")
    args = parser.parse_args(argv)
    if args.sample is not None:
        write_sample(args.sample)
    elif args.folder is not None:
        truth = write_set(args.folder, args.set)
        print(f"{truth['doc'].nunique()} papers, {len(truth)} quoted definitions in {args.folder}")
    else:
        parser.error("give a folder, or --sample FOLDER")


if __name__ == "__main__":
    main()
