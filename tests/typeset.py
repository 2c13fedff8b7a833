"""Documents for the tests: the seed paper typeset as a PDF, and good and broken inputs.

`seed_pdf` rebuilds the seed paper from its plain-text dump as a multi-page A4 PDF and
returns where each block landed, so tests can check PDF extraction against known pages.
`bad_files` writes small good and broken inputs (PDF, text, BibTeX, RIS, CSV).

Both are deterministic: the same call writes the same bytes.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

__all__ = ["bad_files", "seed_pdf"]

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
RUNNING_HEAD = "Clusters and business networks: an IMP perspective"
CREATED = datetime(2010, 1, 1, tzinfo=UTC)
LAYOUT_COLUMNS = ["kind", "section", "table", "row", "column", "text", "first_page", "last_page"]

# --- The seed's structure ----------------------------------------------------------------

SECTIONS = [
    "Abstract",
    "1. Introduction",
    "2. Cluster concepts and their theoretical platforms",
    "3. Five theoretical schools of clustering",
    "4. Cluster definitions",
    "5. Cluster determinants",
    "6. Clusters and networks",
    "7. Growing cluster initiatives in southern Denmark \u2013 an empirical illustration",
    "8. Conclusion",
]
MAR, ITA, GEO, POR, RIS = (
    "Alfred Marshall",
    "Italian industrial districts",
    "Economic and industrial geography",
    "Michael Porter",
    "Regional innovation systems and learning regions",
)
DIMENSIONS = [
    "Geographic scope",
    "Activity scope",
    "Resource constellation",
    "Innovative capacity",
    "Competitive position",
    "Relationship governance",
    "Actor types",
    "Reality framing",
    "Initiation and development",
]
SUBHEADINGS = {MAR, ITA, GEO, POR, RIS, *DIMENSIONS}

# Line-end hyphens of the seed that belong to the word; all others were added by its typesetter.
COMPOUNDS = {
    "co-location",
    "inter-firm",
    "inter-connected",
    "self-augmenting",
    "value-adding",
    "IMP-approach",
}

_LIST_ITEM = re.compile(r"(\d|[a-d])\. (?=\S)")
_CAPTION = re.compile(r"Table (\d): ")


@dataclass(frozen=True)
class _Table:
    """A table of the seed, transcribed as printed."""

    caption: str
    header: list[str]
    widths: list[float]
    rows: list[list[str]]
    source: str


TABLES = {
    "1": _Table(
        caption="Table 1: The five dominating schools of clustering",
        header=["Theoretical schools of clustering", "General understanding of clusters"],
        widths=[55, 105],
        rows=[
            [
                MAR,
                "Clusters are a group of establishments belonging to the same industry within "
                "regional geographic boundaries. The focus is on the direct benefits of "
                "co-location.",
            ],
            [
                ITA,
                "Clusters are characterized by particular social relationships and interactions "
                "among the firms involved. These relationships consist of a mixture of both "
                "cooperation and competition. The innovative capacity of SMEs belonging to a "
                "particular industry in the same region is highlighted as a main driver behind "
                "development.",
            ],
            [
                GEO,
                "Clusters are based on the general idea that regions develop different kinds of "
                "inter-firm networks, specific institutional set-ups, and specific forms of "
                "economic, cultural and political practices over time.",
            ],
            [
                POR,
                "Clusters are geographic concentrations of inter-connected firms and institutions "
                "in a particular field. Clusters encompass an array of linked industries and "
                "actors important to competition and cooperation both up- and downstream the "
                "value chain e.g. suppliers, customers.",
            ],
            [
                RIS,
                "Clusters are perceived as learning and knowledge constructions, which add to "
                "localized adjustment and innovation processes in favour of knowledge creations.",
            ],
        ],
        source="Source: Own compilation.",
    ),
    "2": _Table(
        caption="Table 2: Cluster definitions, cluster schools and broad or narrow cluster "
        "definitions",
        header=[
            "Authors",
            "Cluster definition",
            "School of clustering",
            "Broad or narrow definition",
        ],
        widths=[32, 74, 34, 20],
        rows=[
            [
                "Enright (1996)",
                "A regional cluster is an industrial cluster in which member firms are in close "
                "proximity to each other.",
                MAR,
                "N",
            ],
            [
                "Swann & Prevezer (1996)",
                "Clusters are here defined as groups of firms within one industry based in one "
                "geographical area.",
                MAR,
                "N",
            ],
            [
                "Rosenfeld (1997)",
                "A cluster is very simply used to represent concentrations of firms that are able "
                "to produce synergy because of their geographical proximity and interdependence, "
                "even though their scale of employment may not be pronounced or prominent.",
                MAR,
                "N",
            ],
            [
                "Feser (1998)",
                "Economic clusters are not just related and supporting industries and "
                "institutions, but rather related and supporting institutions that are more "
                "competitive by virtue of their relationships.",
                GEO,
                "B",
            ],
            [
                "Porter (1998)",
                "A cluster is a geographically proximate group of interconnected companies and "
                "associated institutions in a particular field, linked by commonalities and "
                "complementarities.",
                POR,
                "B",
            ],
            [
                "Swann & Prevezer (1998)",
                "A cluster means a large group of firms in related industries at a particular "
                "location.",
                MAR,
                "N",
            ],
            [
                "Roelandt & den Hertag (1999)",
                "Clusters can be characterized as networks of producers of strongly "
                "interdependent firms linked to each other in a value-adding production chain.",
                GEO,
                "N",
            ],
            [
                "Simmie & Sennett (1999)",
                "We define an innovative cluster as a large number of interconnected industrial "
                "and/or service companies having a high degree of collaboration, typically "
                "through a supply chain, and operating under the same market conditions.",
                "Economic and industrial Geography",  # sic: capital G in the seed
                "N",
            ],
            [
                "Crouch & Farrell (2001)",
                "The more general concept of cluster suggests something looser: A tendency for "
                "firms in similar types of business to locate close together, though without "
                "having a particularly important presence in an area.",
                MAR,
                "N",
            ],
            [
                "Oakey et al. (2001)",
                "Physical clustering exists where businesses locate in proximity to each other "
                "without any functional linkages between them and without deriving any special "
                "benefit from their location. Functional clustering arises where firms gain some "
                "benefit from being close to each other and these benefits explain why the "
                "co-location occurs.",
                MAR,
                "B",
            ],
            [
                "Van den Berg et al. (2001)",
                "The popular term cluster is most closely related to this local or regional "
                "dimension of networks... Most definitions share the notion of clusters as "
                "localized networks of specialized organizations, whose production processes "
                "are closely linked through the exchange of goods, services and/or knowledge.",
                GEO,
                "B",
            ],
            [
                "Cooke & Huggins (2002)",
                "Geographically proximate firms in vertical and horizontal relationships "
                "involving a localized enterprise support infrastructure with shared development "
                "vision for business growth, based on competition and cooperation in a specific "
                "market field.",
                POR,
                "B",
            ],
            [
                "Feser & Lugar (2002)",
                "Concentrations of businesses that co-locate because of trading relationships "
                "and/or to share common factor markets (including infrastructure, knowledge, "
                "resources and labour) and/or common goods markets.",
                POR,
                "B",
            ],
            [
                "Gault (2002)",
                "Clusters are groups of private and public institutions linked together for a "
                "common purpose, which may be innovation.",
                RIS,
                "N",
            ],
            [
                "Dicken (2003)",
                "The basis of clusters lies in several characteristics: Localized patterns of "
                "communication, localized innovation search and scanning patterns, localized "
                "invention and learning patterns, localized knowledge sharing and localized "
                "patterns of innovation capabilities and performance.",
                RIS,
                "B",
            ],
            [
                "Brenner (2004)",
                "An industrial agglomeration that is caused by local self-augmenting processes.",
                MAR,
                "N",
            ],
            [
                "Perry (2005)",
                "A cluster is a locality where companies are locked together in various forms of "
                "interdependence, like organisms in a biosphere.",
                ITA,
                "N",
            ],
        ],
        source="Source: Based on Martin and Sunley (2003) and own compilation.",
    ),
    "3": _Table(
        caption="Table 3: Comparison between clusters and business networks",
        header=["Dimensions", "Cluster", "Business network"],
        widths=[54, 53, 53],
        rows=[
            ["Geographic scope", "Locally embedded", "Chain embedded"],
            ["Activity scope", "Horizontal and vertical", "Horizontal and vertical"],
            ["Resource constellation", "Similar and complementary", "Complementary"],
            [
                "Innovative capacity",
                "Business and product/service development",
                "Business and product/service development",
            ],
            ["Competitive position", "In-side out", "Relational"],
            ["Relationship governance", "Interdependent", "Interdependent"],
            ["Actor types", "Private & public", "Private"],
            ["Reality framing", "Objective", "Subjective"],
            ["Initiation and development", "Implant or organic", "Organic"],
        ],
        source="Source: Own compilation.",
    ),
}


@dataclass(frozen=True)
class _Block:
    """A unit of the seed's running text, or the place of one of its tables."""

    kind: str
    section: str
    text: str = ""
    table: str = ""


def _section_number(heading: str) -> str:
    """``"abstract"``, or the number of a numbered section heading."""
    return "abstract" if heading == "Abstract" else heading.split(".")[0]


def _join_lines(lines: list[str]) -> str:
    """Join hard-broken lines, undoing the seed typesetter's hyphenation."""
    text = ""
    for line in lines:
        if text.endswith("-"):
            head = text.rsplit(" ", 1)[-1]
            tail = line.split(" ", 1)[0].rstrip(".,;:)")
            text = (text if head + tail in COMPOUNDS else text[:-1]) + line
        else:
            text = f"{text} {line}" if text else line
    return " ".join(text.split())


def _seed_blocks(raw: str) -> list[_Block]:
    """Parse the seed's text dump into headings, paragraphs, list items and tables.

    In the dump, text lines are separated by empty lines, paragraphs by lines holding
    a space, and a new page starts on a line with a leading space (and no separator).
    """
    blocks: list[_Block] = []
    lines: list[str] = []
    kind, section, in_table = "paragraph", "abstract", False

    def close() -> None:
        if lines:
            blocks.append(_Block(kind, section, _join_lines(lines)))
            lines.clear()

    for raw_line in raw.replace("\u201f", "\u2019").splitlines():
        line = raw_line.strip()
        if in_table:
            in_table = not line.startswith("Source:")
        elif not raw_line or line.isdigit():  # line separator, or a page number
            continue
        elif not line:
            close()
        elif caption := _CAPTION.match(line):
            close()
            blocks.append(_Block("table", section, table=caption[1]))
            in_table = True
        elif line in SECTIONS or line in SUBHEADINGS:
            close()
            section = _section_number(line) if line in SECTIONS else section
            blocks.append(_Block("heading", section, line))
        else:
            if _LIST_ITEM.match(line):
                close()
                kind = "list_item"
            elif not lines:
                kind = "paragraph"
            lines.append(line)
    close()
    return blocks


# --- Line breaking -----------------------------------------------------------------------

_VOWELS = set("aeiouyåäöü")
_ONSETS = {"bl", "br", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "tr", "wr"}
_UNSPLIT = _ONSETS | {"ch", "ck", "gh", "ph", "qu", "sh", "th", "wh"}
_PUNCTUATION = ".,;:!?()\"'\u2018\u2019\u201c\u201d"


def _cut_points(word: str) -> list[int]:
    """Syllable-ish places to hyphenate an all-lowercase word, ≥ 3 letters each side.

    A cut goes between a vowel and a consonant that starts the next syllable
    (``eco-nomic``, ``geo-graphy``), or between two consonants after a vowel
    (``impor-tant``) unless they belong together (``th``, ``gr``, ...).
    """
    cuts = []
    for i in range(3, len(word) - 2):
        before, here, after = word[i - 1], word[i], word[i + 1]
        if here in _VOWELS:
            continue
        vowel_cv = before in _VOWELS and after in _VOWELS
        vowel_ccv = before in _VOWELS and here + after in _ONSETS and word[i + 2] in _VOWELS
        vc_cv = word[i - 2] in _VOWELS and before not in _VOWELS and after in _VOWELS
        if vowel_cv or vowel_ccv or (vc_cv and before + here not in _UNSPLIT):
            cuts.append(i)
    return cuts


def _hyphenate(word: str, room: float, measure: Callable[[str], float]) -> tuple[str, str] | None:
    """Split `word` so that its head and a hyphen fit in `room`, or None."""
    core = word.strip(_PUNCTUATION)
    if len(core) < 8 or not (core.isalpha() and core.islower()):
        return None
    start = word.index(core)
    for cut in reversed(_cut_points(core)):
        head = word[: start + cut]
        if measure(head + "-") <= room:
            return head, word[start + cut :]
    return None


def _break_lines(
    text: str, width: float, measure: Callable[[str], float], *, hyphenate: bool = True
) -> list[str]:
    """Greedy line breaking that hyphenates long words at line ends."""
    words = text.split()
    lines: list[str] = []
    line = ""
    while words:
        word = words[0]
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            words.pop(0)
            continue
        split = _hyphenate(word, width - measure(f"{line} " if line else ""), measure)
        if hyphenate and split:
            head, words[0] = split
            lines.append(f"{line} {head}-" if line else f"{head}-")
        elif line:
            lines.append(line)
        else:  # a word wider than the line
            lines.append(words.pop(0))
        line = ""
    if line:
        lines.append(line)
    return lines


# --- Typesetting ---------------------------------------------------------------------------

MARGIN = 25.0
BODY_PT, BODY_LEAD = 11.0, 5.0
TABLE_PT, TABLE_LEAD, CELL_PAD = 9.0, 4.0, 1.5
HANG = 7.0  # list item text indent per level


def _package_fonts() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) shipped with matplotlib, when matplotlib is installed."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    fonts = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    return fonts if all(font.is_file() for font in fonts) else None


class _Paper(FPDF):
    """A4 pages with a running head and a centred page number."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_creation_date(CREATED)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        fonts = _package_fonts()
        if fonts is None:  # core Helvetica as WinAnsi (cp1252): curly quotes, dashes print
            self.core_fonts_encoding = "cp1252"
            self.body_font = "helvetica"
        else:
            self.add_font("dejavu", "", fonts[0])
            self.add_font("dejavu", "B", fonts[1])
            self.body_font = "dejavu"

    def header(self) -> None:
        self.set_font(self.body_font, "", 9)
        self.set_xy(MARGIN, 13)
        self.cell(0, 5, RUNNING_HEAD, align="C")
        self.line(MARGIN, 19, self.w - MARGIN, 19)
        self.set_xy(MARGIN, MARGIN)  # where the page's text starts

    def footer(self) -> None:
        self.set_font(self.body_font, "", 9)
        self.set_xy(MARGIN, -17)
        self.cell(0, 5, str(self.page_no()), align="C")

    def use(self, size: float, style: str = "") -> Callable[[str], float]:
        """Set the font and return the matching width measure."""
        self.set_font(self.body_font, style, size)
        return self.get_string_width


def _row(
    kind: str,
    section: str,
    text: str,
    pages: tuple[int, int],
    *,
    table: str = "",
    row: int = -1,
    column: int = -1,
) -> dict:
    """One row of the layout table."""
    values = [kind, section, table, row, column, text, *pages]
    return dict(zip(LAYOUT_COLUMNS, values, strict=True))


def _place_lines(pdf: _Paper, lines: list[str], x: float) -> tuple[int, int]:
    """Write lines flush left at `x`; return the pages of the first and the last.

    Ragged right: fpdf2's ``cell`` cannot justify, and ``multi_cell`` would break lines itself.
    """
    pages = []
    for line in lines:
        pdf.set_x(x)
        pdf.cell(pdf.w - MARGIN - x, BODY_LEAD, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pages.append(pdf.page_no())
    return pages[0], pages[-1]


def _place_heading(pdf: _Paper, block: _Block) -> dict:
    top = block.text in SECTIONS
    size = 12.5 if top else BODY_PT
    measure = pdf.use(size, "B")
    lines = _break_lines(block.text, pdf.epw, measure, hyphenate=False)
    if pdf.get_y() + 5 + (len(lines) + 3) * BODY_LEAD > pdf.page_break_trigger:
        pdf.add_page()
    elif pdf.get_y() > pdf.t_margin + 1:
        pdf.ln(5 if top else 3.5)
    pages = _place_lines(pdf, lines, MARGIN)
    pdf.ln(1.5)
    return _row("heading", block.section, block.text, pages)


def _place_text(pdf: _Paper, block: _Block) -> dict:
    measure = pdf.use(BODY_PT)
    pdf.ln(2.5)
    marker = _LIST_ITEM.match(block.text)
    if marker is None:
        lines = _break_lines(block.text, pdf.epw, measure)
        pages = _place_lines(pdf, lines, MARGIN)
    else:
        level = 2 if marker[1].isalpha() else 1
        x = MARGIN + level * HANG
        lines = _break_lines(block.text[marker.end() :], pdf.w - MARGIN - x, measure)
        pdf.set_x(x - HANG)
        pdf.cell(HANG, BODY_LEAD, marker[0].strip(), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pages = _place_lines(pdf, lines, x)
    return _row(block.kind, block.section, block.text, pages)


def _cell_lines(pdf: _Paper, cells: list[str], widths: list[float], style: str) -> list[list[str]]:
    """Each cell's lines; header cells (bold) are not hyphenated."""
    measure = pdf.use(TABLE_PT, style)
    return [
        _break_lines(text, width - 2 * CELL_PAD, measure, hyphenate=style != "B")
        for text, width in zip(cells, widths, strict=True)
    ]


def _draw_row(pdf: _Paper, table: _Table, cells: list[str], *, header: bool) -> int:
    """Draw one table row (a new page first if it does not fit); return its page."""
    style = "B" if header else ""
    wrapped = _cell_lines(pdf, cells, table.widths, style)
    height = max(map(len, wrapped)) * TABLE_LEAD + 2 * CELL_PAD
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
        _draw_row(pdf, table, table.header, header=True)
        pdf.use(TABLE_PT, style)
    x, y = MARGIN, pdf.get_y()
    pdf.set_fill_color(230, 230, 230)
    for lines, width in zip(wrapped, table.widths, strict=True):
        pdf.rect(x, y, width, height, style="DF" if header else "D")
        for k, line in enumerate(lines):
            pdf.set_xy(x + CELL_PAD, y + CELL_PAD + k * TABLE_LEAD)
            pdf.cell(width - 2 * CELL_PAD, TABLE_LEAD, line)
        x += width
    pdf.set_xy(MARGIN, y + height)
    return pdf.page_no()


def _place_table(pdf: _Paper, block: _Block) -> list[dict]:
    table = TABLES[block.table]
    caption = _break_lines(table.caption, pdf.epw, pdf.use(BODY_PT, "B"), hyphenate=False)
    head = max(map(len, _cell_lines(pdf, table.header, table.widths, "B")))
    first = max(map(len, _cell_lines(pdf, table.rows[0], table.widths, "")))
    needed = 6 + len(caption) * BODY_LEAD + (head + first) * TABLE_LEAD + 4 * CELL_PAD
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.use(BODY_PT, "B")
    pages = _place_lines(pdf, caption, MARGIN)
    layout = [_row("table_caption", block.section, table.caption, pages, table=block.table)]
    pdf.ln(1.5)
    for r, cells in enumerate([table.header, *table.rows]):
        page = _draw_row(pdf, table, cells, header=r == 0)
        layout += [
            _row(
                "table_cell", block.section, text, (page, page), table=block.table, row=r, column=c
            )
            for c, text in enumerate(cells)
        ]
    pdf.ln(1.5)
    note = _break_lines(table.source, pdf.epw, pdf.use(TABLE_PT))
    pages = _place_lines(pdf, note, MARGIN)
    layout.append(_row("source_note", block.section, table.source, pages, table=block.table))
    pdf.ln(3)
    return layout


def seed_pdf(path: Path) -> pd.DataFrame:
    """Typeset the seed paper as a multi-page A4 PDF and return where each block went.

    The seed's plain text (``../shared/seed/*.txt``) is rebuilt into headings, paragraphs,
    numbered list items and Tables 1 to 3 (typed in as printed), then set in 11 pt with a
    running head, page numbers and greedy line breaking that hyphenates long words at line
    ends. Table rows never split; long tables continue on the next page under a repeated
    header row. The same call writes the same bytes.

    Parameters
    ----------
    path : Path
        Where to write the PDF.

    Returns
    -------
    pandas.DataFrame
        One row per block placed, in reading order. Columns: kind ("heading", "paragraph",
        "list_item", "table_caption", "table_cell", "source_note"), section ("abstract",
        "1" ... "8"), table ("1" to "3", or "" outside tables), row (0 for a table's header
        row, 1 ... n for its body rows, -1 outside tables), column (0-based, -1 outside
        tables), text (clean running text, with list markers such as "1." kept), first_page
        and last_page (1-based). ``attrs["font"]`` names the font family used: "dejavu"
        from matplotlib when it is installed, else the core "helvetica".
    """
    seed = sorted(SEED.glob("*.txt"))
    if not seed:
        raise FileNotFoundError(f"{SEED}: no seed paper (*.txt) beside this checkout")
    pdf = _Paper()
    pdf.add_page()
    layout = []
    for block in _seed_blocks(seed[0].read_text(encoding="utf-8")):
        if block.kind == "table":
            layout += _place_table(pdf, block)
        elif block.kind == "heading":
            layout.append(_place_heading(pdf, block))
        else:
            layout.append(_place_text(pdf, block))
    pdf.output(str(path))
    frame = pd.DataFrame(layout, columns=LAYOUT_COLUMNS)
    frame.attrs["font"] = pdf.body_font
    return frame


# --- Good and broken input files ---------------------------------------------------------

PORTER = (
    "A cluster is a geographically proximate group of interconnected companies and "
    "associated institutions in a particular field."
)
FILLER = [
    "Regional policy has long drawn on the idea that firms gain from being close to one "
    "another. Shared suppliers, a pool of skilled labour and the easy flow of ideas are the "
    "usual reasons given.",
    "Studies of industrial districts describe small firms that compete and cooperate at the "
    "same time, held together by trust and by local institutions.",
    "Network research looks instead at the relationships between firms, and at how "
    "resources, activities and actors are tied together over time.",
]
TEXT = (
    "Clusters are geographic concentrations of interconnected companies. They have been "
    "studied by economists, geographers and business scholars alike.\n\n"
    "H\u00e5kansson\u2019s network approach asks how such firms interact, and how "
    "\u201crelationships\u201d between them develop \u2013 sometimes over decades.\n\n"
    "This file is a small, ordinary example of running text.\n"
)


def _simple_pdf(pages: list[list[str]], *, password: str | None = None) -> bytes:
    """A plain Helvetica PDF, one list of paragraphs per page."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_font("helvetica", size=11)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def _bib_entry(key: str, author: str, title: str, year: int, abstract: str, doi: str) -> str:
    return (
        f"@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
        f"  year = {{{year}}},\n  doi = {{{doi}}},\n  abstract = {{{abstract}}},\n}}\n"
    )


GOOD_BIB = [
    _bib_entry(
        "porter1998",
        "Porter, Michael E.",
        "Clusters and the new economics of competition",
        1998,
        PORTER + " Clusters affect competition in three broad ways.",
        "10.0000/hbr.1998.clusters",
    ),
    _bib_entry(
        "perry2005",
        "Perry, Martin",
        "Business clusters: an international perspective",
        2005,
        "A cluster is a locality where companies are locked together in various forms of "
        "interdependence.",
        "10.0000/routledge.2005.perry",
    ),
]
# No closing brace for its title nor for the entry: bibtexparser skips it as a failed block.
BROKEN_BIB = (
    "@article{oakey2001,\n"
    "  author = {Oakey, Ray},\n"
    "  title = {Physical and functional clustering,\n"
    "  year = {2001},\n"
    "  abstract = {Physical clustering exists where businesses locate near each other.},\n"
)
RIS = [
    (
        "JOUR",
        ["Porter, Michael E."],
        1998,
        "Clusters and the new economics of competition",
        PORTER,
        "10.0000/hbr.1998.clusters",
    ),
    (
        "JOUR",
        ["Håkansson, Håkan", "Snehota, Ivan"],
        1995,
        "Developing relationships in business networks",
        "Relationships between firms form networks that change over time.",
        "10.0000/routledge.1995.hakansson",
    ),
]
CSV_ROWS = [
    ("porter1998", "Porter", 1998, PORTER),
    (
        "enright1996",
        "Enright",
        1996,
        "A regional cluster is an industrial cluster in which "
        "member firms are in close proximity to each other.",
    ),
    (
        "gault2002",
        "Gault",
        2002,
        "Clusters are groups of private and public institutions "
        "linked together for a common purpose, which may be innovation.",
    ),
]

# Control bytes with NULs, bytes undefined in cp1252, and an odd length so UTF-16/32 fail too.
UNDECODABLE = bytes(range(32)) * 4 + b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00\xd8"


def _ris(records: list[tuple]) -> bytes:
    """Records as a Zotero-style RIS export, with CRLF line ends."""
    lines = []
    for kind, authors, year, title, abstract, doi in records:
        lines += [f"TY  - {kind}", *(f"AU  - {a}" for a in authors), f"PY  - {year}"]
        lines += [f"TI  - {title}", f"AB  - {abstract}", f"DO  - {doi}", "ER  - ", ""]
    return "\r\n".join(lines).encode("utf-8")


def _csv(rows: list[tuple]) -> bytes:
    """Definitions as CSV with columns id, authors, year, definition."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(["id", "authors", "year", "definition"])
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def bad_files(folder: Path) -> dict[str, Path]:
    """Write small good and broken input files into `folder`.

    Broken: ``empty.pdf`` (0 bytes), ``random.pdf`` (4 KB of seeded random bytes),
    ``truncated.pdf`` (the first 40 % of a 2-page PDF), ``encrypted.pdf`` (user password
    "secret"), ``undecodable.txt`` (control bytes and NULs, not text in any encoding but
    latin-1) and ``broken.bib`` (entries porter1998, oakey2001 and perry2005, where
    oakey2001 never closes its title or itself, so bibtexparser v2 returns the other two
    and one failed block).

    Good: ``good.pdf`` (3 pages; page 2 holds "A cluster is a geographically proximate
    group ..."), ``good.txt`` (UTF-8), ``latin1.txt`` (cp1252, so not valid UTF-8),
    ``good.bib`` (2 entries), ``good.ris`` (2 records, CRLF line ends) and ``good.csv``
    (columns id, authors, year, definition; 3 rows).

    Parameters
    ----------
    folder : Path
        An existing folder.

    Returns
    -------
    dict of str to Path
        File name to path, for every file written.
    """
    contents: dict[str, bytes] = {
        "empty.pdf": b"",
        "random.pdf": random.Random(0).randbytes(4096),
        "truncated.pdf": (two := _simple_pdf([FILLER, FILLER]))[: int(len(two) * 0.4)],
        "encrypted.pdf": _simple_pdf([FILLER], password="secret"),
        "undecodable.txt": UNDECODABLE,
        "broken.bib": "\n".join([GOOD_BIB[0], BROKEN_BIB, GOOD_BIB[1]]).encode("utf-8"),
        "good.pdf": _simple_pdf([FILLER, [FILLER[0], PORTER, FILLER[1]], FILLER[::-1]]),
        "good.txt": TEXT.encode("utf-8"),
        "latin1.txt": TEXT.encode("cp1252"),
        "good.bib": "\n".join(GOOD_BIB).encode("utf-8"),
        "good.ris": _ris(RIS),
        "good.csv": _csv(CSV_ROWS),
    }
    paths = {name: folder / name for name in contents}
    for name, data in contents.items():
        paths[name].write_bytes(data)
    return paths
