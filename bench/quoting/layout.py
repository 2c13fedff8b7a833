"""Typesetting an invented paper as a PDF, keeping the page each quoted text starts on.

The page furniture, line breaking (with hyphenation) and table rows are those
of ``tests/typeset.py``, which sets the seed paper; only the running head
and the blocks differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fpdf.enums import XPos, YPos

from tests.typeset import (
    BODY_LEAD,
    BODY_PT,
    MARGIN,
    _break_lines,
    _draw_row,
    _Paper,
    _Table,
)


@dataclass
class Block:
    """A heading, a paragraph or a table; ``anchors`` are offsets whose pages are wanted.

    For a table, ``rows`` are (author cell, definition cell) pairs and every row's
    page is wanted.
    """

    kind: str  # "title" | "heading" | "paragraph" | "table"
    text: str = ""
    anchors: list[int] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)


class _Page(_Paper):
    """The seed's page design with this paper's running head."""

    def __init__(self, head: str) -> None:
        super().__init__()
        self.head = head

    def header(self) -> None:
        self.set_font(self.body_font, "", 9)
        self.set_xy(MARGIN, 13)
        self.cell(0, 5, self.head, align="C")
        self.line(MARGIN, 19, self.w - MARGIN, 19)
        self.set_xy(MARGIN, MARGIN)


def _word_pages(text: str, lines: list[str], pages: list[int]) -> list[int]:
    """The page of each word of ``text`` (a word hyphenated over two lines: where it starts)."""
    words = text.split()
    at: list[int] = []
    tail = False
    for line, page in zip(lines, pages, strict=True):
        tokens = line.split()[1:] if tail else line.split()
        tail = False
        for token in tokens:
            if token != words[len(at)]:  # the head of a hyphenated word
                tail = True
            at.append(page)
    return at


def _paragraph(pdf: _Page, block: Block, size: float, style: str) -> list[int]:
    measure = pdf.use(size, style)
    lines = _break_lines(block.text, pdf.epw, measure, hyphenate=block.kind == "paragraph")
    pages = []
    for line in lines:
        pdf.set_x(MARGIN)
        pdf.cell(pdf.epw, BODY_LEAD * size / BODY_PT, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pages.append(pdf.page_no())
    words = _word_pages(block.text, lines, pages)
    return [words[len(block.text[:offset].split())] for offset in block.anchors]


def _table(pdf: _Page, block: Block) -> list[int]:
    table = _Table(block.text, ["Authors", "Definition of cluster"], [42, 118], [], "")
    pdf.ln(4)
    _paragraph(pdf, Block("heading", block.text), BODY_PT, "B")
    pdf.ln(1.5)
    _draw_row(pdf, table, table.header, header=True)
    pages = [_draw_row(pdf, table, list(row), header=False) for row in block.rows]
    pdf.ln(4)
    return pages


def typeset(path, blocks: list[Block], *, head: str, title: str, authors: str, subject: str):
    """Write ``blocks`` as an A4 PDF at ``path``; return each block's anchor (or row) pages.

    Parameters
    ----------
    path : Path
        Where to write the PDF.
    blocks : list of Block
        The paper, in reading order.
    head : str
        The running head.
    title, authors, subject : str
        The PDF's document information.

    Returns
    -------
    list of list of int
        Per block, the 1-based page of each anchor (paragraphs) or row (tables).
    """
    pdf = _Page(head)
    pdf.set_title(title)
    pdf.set_author(authors)
    pdf.set_subject(subject)
    pdf.add_page()
    placed = []
    for block in blocks:
        if block.kind == "table":
            placed.append(_table(pdf, block))
            continue
        if block.kind == "heading":
            if pdf.get_y() + 4 * BODY_LEAD > pdf.page_break_trigger:
                pdf.add_page()
            pdf.ln(4)
        else:
            pdf.ln(2.5)
        size, style = {"title": (15, "B"), "heading": (12, "B")}.get(block.kind, (BODY_PT, ""))
        placed.append(_paragraph(pdf, block, size, style))
    pdf.output(str(path))
    return placed
