"""Write the invented papers of the second worked example, the concept "platform ecosystem".

``notebooks/04_your_own_concept.ipynb`` ingests them, codes their definitions
with ``coding/data/examples/platform_ecosystem/codebook.yaml`` and reports.
Their authors, titles, years and definitions are invented for defcode: they
quote and cite no published work, and every page says so. Rebuild them from
the repository with the development environment (it needs fpdf2)::

    .venv/bin/python -m tests.example_papers

The same call writes the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parents[1] / "coding" / "data" / "examples" / "platform_ecosystem"
NOTE = "An invented paper, written for the defcode example; it quotes no published work."

# key: (authors, year, title, paragraphs); the key is the PDF's name and its BibTeX key.
PAPERS = {
    "okafor2014": (
        "Ngozi Okafor and Maja Lindqvist",
        2014,
        "Platforms as architectures: a technology view of platform ecosystems",
        [
            "Software platforms have grown from single products into large systems of "
            "extensions. This invented paper asks what holds such systems together.",
            "A platform ecosystem is a stable technical core together with the modules that "
            "third-party developers build on it through published interfaces.",
            "We define a platform ecosystem as the set of extensions, apps and services that "
            "connect to a shared software core through its application programming interfaces.",
            "The number of modules grew every year of our sample, from 40 to more than 900.",
            "In this paper, a platform ecosystem is the platform owner's core technology, the "
            "complements written for it and the boundary resources, such as toolkits and APIs, "
            "that let outside developers work with the core.",
            "A platform ecosystem can be characterized as a layered architecture in which users, "
            "developers and device makers all depend on the interfaces of one platform.",
        ],
    ),
    "brandt2016": (
        "Jonas Brandt and Rosa Feliciano",
        2016,
        "Many sides, one market: platform ecosystems in industrial economics",
        [
            "Markets with two or more sides have become a central topic of industrial "
            "economics. This invented paper reviews how the field speaks of ecosystems.",
            "A platform ecosystem is a multi-sided market in which a platform provider matches "
            "buyers and sellers and sets the prices each side pays.",
            "We define a platform ecosystem as the users and complementors of a platform "
            "together with the network effects that tie the value of each side to the size of "
            "the other.",
            "Prices on one side were often below cost in the twelve markets we studied.",
            "A platform ecosystem is a two-sided network of consumers and app developers whose "
            "transactions the platform owner mediates and taxes.",
            "A platform ecosystem is the platform, the groups it brings together and the "
            "regulators, payment firms and investors whose decisions shape the prices and "
            "access on every side.",
        ],
    ),
    "moreau2019": (
        "Claire Moreau and Sami Haddad",
        2019,
        "Orchestrating partners: the organisation of platform ecosystems",
        [
            "Strategy research has turned from single firms to the groups of organisations "
            "around a platform. This invented paper sets out the organisational view.",
            "A platform ecosystem is a group of interdependent organisations whose roles and "
            "contributions are coordinated by a platform owner's rules for access and control.",
            "We define a platform ecosystem as a set of partners, complementors and customers "
            "that create value together under the governance of an orchestrator.",
            "Our interviews covered 31 managers in nine countries.",
            "A platform ecosystem is the alliance of firms, public agencies and communities that "
            "a keystone organisation coordinates to create and capture value around its "
            "platform.",
            "In this paper, a platform ecosystem is a governance structure: the policies by which "
            "a sponsor decides who may join, what they may offer and how value is shared.",
        ],
    ),
    "tanaka2021": (
        "Hiroshi Tanaka and Abena Osei",
        2021,
        "Platform ecosystems between architecture and market",
        [
            "Recent work mixes the technical, economic and organisational views of platforms. "
            "This invented paper proposes definitions that join them.",
            "A platform ecosystem is the platform owner, the complementors that build on its "
            "interfaces and the end users who adopt their products, together with the rules "
            "that govern their access.",
            "A platform ecosystem can be defined as a network of complementors that share one "
            "technical platform and depend on one another for the value they create.",
            "The ride-hailing case below was chosen for its public data.",
            "We define a platform ecosystem as a marketplace in which the platform matches "
            "drivers and riders, earns a fee on every transaction and sets the rules both sides "
            "follow.",
        ],
    ),
}


def write_paper(key: str, authors: str, year: int, title: str, paragraphs: list[str]) -> None:
    """Write one paper as ``papers/<key>.pdf``: its title, authors, year and text."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.set_title(title)
    pdf.set_author(authors)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("helvetica", size=8)
    pdf.cell(0, 6, NOTE, align="C")
    pdf.ln(14)
    pdf.set_font("helvetica", "B", 15)
    pdf.multi_cell(0, 7, title)
    pdf.ln(3)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, f"{authors} ({year})")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 12)
    pdf.multi_cell(0, 6, "1. Introduction")
    pdf.ln(2)
    for paragraph in paragraphs:
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    pdf.output(str(HERE / "papers" / f"{key}.pdf"))


def write_bibliography() -> None:
    """Write ``references.bib``: one entry per paper, each marked as invented."""
    entries = []
    for key, (authors, year, title, _) in PAPERS.items():
        names = " and ".join(
            f"{name.split()[-1]}, {' '.join(name.split()[:-1])}" for name in authors.split(" and ")
        )
        entries.append(
            f"@misc{{{key},\n  author = {{{names}}},\n  title = {{{title}}},\n"
            f"  year = {{{year}}},\n  note = {{Invented for the defcode example; not a "
            f"published work}}\n}}\n"
        )
    (HERE / "references.bib").write_text("\n".join(entries), encoding="utf-8")


def main() -> None:
    """Write every paper and the bibliography."""
    for key, (authors, year, title, paragraphs) in PAPERS.items():
        write_paper(key, authors, year, title, paragraphs)
    write_bibliography()


if __name__ == "__main__":
    main()
