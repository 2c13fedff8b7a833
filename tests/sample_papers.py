"""Write the sample papers (a PDF and a BibTeX export) that the README's commands ingest.

The texts are written for defcode's notebooks: their authors, titles and
definitions are invented and quote no published work. They ship in
``corpus/data/sample_papers/``; rebuild the PDF from the repository with the
development environment (it needs fpdf2):

    .venv/bin/python -m tests.sample_papers

The same call writes the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parents[1] / "corpus" / "data" / "sample_papers"
HEAD = "Regional clusters in the bioeconomy (a sample paper)"

PAGES = [
    [
        ("title", "Regional clusters in the bioeconomy: a sample paper for defcode"),
        (
            "body",
            "This document was written for the defcode notebooks. Its authors, its cases and "
            "its definitions are invented for the demonstration; it quotes no published work.",
        ),
        ("heading", "1. Introduction"),
        (
            "body",
            "Policy makers in many regions have turned to cluster programmes to support "
            "growth in the bioeconomy. The word is used loosely, and a study of clusters "
            "should say what it means by the term.",
        ),
        (
            "body",
            "In this paper, a cluster is defined as a geographic concentration of "
            "interconnected firms, specialised suppliers and supporting institutions in a "
            "particular field that compete but also cooperate.",
        ),
        (
            "body",
            "Earlier work took a narrower view. A cluster is a group of small firms in one "
            "locality that share a pool of skilled labour and specialised suppliers and so "
            "benefit from external economies of scale.",
        ),
        (
            "body",
            "We define a knowledge cluster as a set of firms, universities and research "
            "organisations in a region that learn from each other through formal and "
            "informal networks and so raise the region's capacity to innovate.",
        ),
    ],
    [
        ("heading", "2. Data and method"),
        (
            "body",
            "Clusters were mapped with employment data for 2019 at the level of labour market "
            "regions. We counted 41 regions with more than 500 employees in biorefining.",
        ),
        (
            "body",
            "An industrial district can be characterized as a local community of people and "
            "of small family firms whose shared values and social ties shape how they produce "
            "and trade.",
        ),
        (
            "body",
            "By clustering we mean the tendency of related industries to locate near one "
            "another because of trade links, shared infrastructure and the spatial division "
            "of labour.",
        ),
        ("heading", "3. Results"),
        (
            "body",
            "The largest clusters lie on the coast, near the ports that ship their products. "
            "Interviews with 23 managers suggest that proximity to research institutes matters "
            "more than proximity to customers.",
        ),
    ],
]


def main() -> None:
    """Write ``bioeconomy_clusters.pdf`` beside this script."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.set_title("Regional clusters in the bioeconomy")
    pdf.set_author("A. Sample and B. Example")
    pdf.set_auto_page_break(auto=False)
    for number, blocks in enumerate(PAGES, start=1):
        pdf.add_page()
        pdf.set_font("helvetica", size=8)
        pdf.cell(0, 6, HEAD, align="C")
        pdf.ln(14)
        for kind, text in blocks:
            size, style = {"title": (15, "B"), "heading": (12, "B"), "body": (11, "")}[kind]
            pdf.set_font("helvetica", style, size)
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
        pdf.set_y(-20)
        pdf.set_font("helvetica", size=9)
        pdf.cell(0, 6, str(number), align="C")
    pdf.output(str(HERE / "bioeconomy_clusters.pdf"))


if __name__ == "__main__":
    main()
