"""Publication figures with matplotlib: stacked bars, timeline, heat map, confusion.

Every function takes pandas objects and returns a ``matplotlib.figure.Figure``
built with the object-oriented API (no pyplot state), so figures are made
headless and in threads. Text is 8 pt; the figures fit a journal column of
3.5 in (89 mm), or two columns (7.2 in) for a long timeline. Colours follow
the colour-blind-safe Okabe-Ito palette. ``save_figure`` writes each figure
as PDF (for LaTeX) and PNG (300 dpi); the bytes repeat from run to run.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from corpus.files import atomic_open

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "COLUMN_WIDTH",
    "DOUBLE_COLUMN_WIDTH",
    "OKABE_ITO",
    "confusion_matrix_figure",
    "determinant_heatmap",
    "save_figure",
    "save_plot",
    "stacked_bars",
    "timeline",
]

COLUMN_WIDTH = 3.5
"""Width in inches of one journal column (89 mm)."""
DOUBLE_COLUMN_WIDTH = 7.2
"""Width in inches of a figure across two journal columns (183 mm)."""
FONT_SIZE = 8
"""Size in points of every text in the figures."""
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""The Okabe-Ito colours, ordered so that neighbours differ most; yellow comes late."""

_WRAP = 22
_PAD = 0.03
_LINE = 0.6
_STYLE = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "legend.title_fontsize": FONT_SIZE,
    "legend.frameon": False,
    "axes.linewidth": _LINE,
    "xtick.major.width": _LINE,
    "ytick.major.width": _LINE,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.hashsalt": "defcode",
}
# rc_context swaps the process-wide settings and puts them back on leaving; two
# threads interleaving would put back each other's. The lock keeps them in turn.
_STYLE_LOCK = threading.RLock()
_PDF_METADATA = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
_PNG_METADATA = {"Software": None}


def stacked_bars(
    counts: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    *,
    wrap: int = _WRAP,
) -> Figure:
    """Definitions per code of one scheme as horizontal bars, stacked by another's codes.

    Parameters
    ----------
    counts : pandas.DataFrame
        Index: the first scheme's codes (e.g. schools), drawn top to bottom in
        this order; columns: the second scheme's codes (e.g. ``"B"``, ``"N"``),
        stacked left to right; cells: counts, as from
        ``pd.crosstab(definitions.school, definitions.breadth)``.
    labels : mapping of str to str, optional
        Column code to the name shown in the legend, e.g.
        ``{"B": "Broad", "N": "Narrow"}``; codes not in it are shown as they are.
    wrap : int, default=22
        Characters per line of the row names.

    Returns
    -------
    matplotlib.figure.Figure
        One column wide (3.5 in); the count is printed inside each segment.

    Examples
    --------
    >>> counts = pd.DataFrame({"B": [1, 3], "N": [6, 0]}, index=["Alfred Marshall", "Porter"])
    >>> float(stacked_bars(counts, {"B": "Broad", "N": "Narrow"}).get_figwidth())
    3.5
    """
    values = _counts(counts, "counts")
    labels = dict(labels or {})
    rows = len(values.index)
    with _style():
        figure = _figure(COLUMN_WIDTH, 0.75 + 0.42 * max(rows, 1))
        ax = figure.add_subplot()
        positions = np.arange(rows)
        left = np.zeros(rows)
        handles = []
        for colour, column in zip(_cycle(len(values.columns)), values.columns, strict=True):
            widths = values[column].to_numpy(dtype=float)
            bars = ax.barh(
                positions,
                widths,
                left=left,
                height=0.65,
                color=colour,
                edgecolor="white",
                linewidth=0.5,
                label=labels.get(str(column), str(column)),
            )
            ink = _ink(colour)
            for bar, width in zip(bars, widths, strict=True):
                if width > 0:
                    ax.text(
                        bar.get_x() + width / 2,
                        bar.get_y() + bar.get_height() / 2,
                        f"{width:g}",
                        ha="center",
                        va="center",
                        color=ink,
                        fontsize=FONT_SIZE,
                    )
            handles.append(bars)
            left += widths
        ax.set_yticks(positions, labels=[_wrap(name, wrap) for name in values.index])
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_xlim(0, max(left.max(initial=0), 1) * 1.02)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Definitions", fontsize=FONT_SIZE)
        ax.tick_params(axis="y", length=0)
        _tick_fonts(ax)
        figure.legend(
            handles=handles,
            loc="outside upper center",
            ncols=max(len(handles), 1),
            fontsize=FONT_SIZE,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.2,
        )
    return figure


def timeline(counts: pd.DataFrame, *, wrap: int = _WRAP) -> Figure:
    """Definitions per year as vertical bars, stacked by code (e.g. by school).

    Parameters
    ----------
    counts : pandas.DataFrame
        Index: years (whole numbers, gaps allowed); columns: codes, stacked
        bottom to top; cells: counts, as from
        ``pd.crosstab(definitions.year, definitions.school)``.
    wrap : int, default=22
        Characters per line of the codes in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per year from the first to the last, empty where a year is
        missing; one column wide (3.5 in) for up to 14 years, two columns
        (7.2 in) for more. The legend sits below the axes.

    Examples
    --------
    >>> counts = pd.DataFrame({"Porter": [1, 2]}, index=[1998, 2001])
    >>> [t.get_text() for t in timeline(counts).axes[0].get_xticklabels()]
    ['1998', '1999', '2000', '2001']
    """
    values = _counts(counts, "counts")
    try:
        years = values.index.astype(int)
    except (TypeError, ValueError) as error:
        raise ValueError(f"counts: the index must hold years as whole numbers: {error}") from None
    values.index = years
    if len(years):
        values = values.groupby(level=0).sum().reindex(range(years.min(), years.max() + 1))
        values = values.fillna(0)
    span = len(values.index)
    width = COLUMN_WIDTH if span <= 14 else DOUBLE_COLUMN_WIDTH
    legend_columns = 2 if width == COLUMN_WIDTH else 3
    legend_rows = -(-len(values.columns) // legend_columns)
    with _style():
        figure = _figure(width, 1.9 + 0.4 * legend_rows)
        ax = figure.add_subplot()
        bottom = np.zeros(span)
        handles = []
        for colour, column in zip(_cycle(len(values.columns)), values.columns, strict=True):
            heights = values[column].to_numpy(dtype=float)
            handles.append(
                ax.bar(
                    values.index,
                    heights,
                    bottom=bottom,
                    width=0.75,
                    color=colour,
                    edgecolor="white",
                    linewidth=0.5,
                    label=_wrap(str(column), wrap),
                )
            )
            bottom += heights
        ax.set_xticks(values.index, labels=[str(year) for year in values.index])
        if span > 8:
            for label in ax.get_xticklabels():
                label.update({"rotation": 90, "ha": "center"})
        if span:
            ax.set_xlim(values.index[0] - 0.6, values.index[-1] + 0.6)
        ax.set_ylim(0, max(bottom.max(initial=0), 1))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Year", fontsize=FONT_SIZE)
        ax.set_ylabel("Definitions", fontsize=FONT_SIZE)
        ax.tick_params(axis="x", length=0)
        _tick_fonts(ax)
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=legend_columns,
            fontsize=FONT_SIZE,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.2,
            alignment="left",
        )
    return figure


def determinant_heatmap(
    marks: pd.DataFrame, *, totals: bool = True, named: str = "Determinants named"
) -> Figure:
    """Which determinants each definition names, as a binary heat map.

    Parameters
    ----------
    marks : pandas.DataFrame
        Index: definitions (e.g. ``"Porter (1998)"``), drawn top to bottom;
        columns: determinants (e.g. ``"Inter-firm relations"``); cells: bool
        or 0/1, true where the definition names the determinant.
    totals : bool, default=True
        Print how many definitions name each determinant above the columns,
        and how many determinants each definition names right of the rows.
    named : str, default="Determinants named"
        The title of the right-hand totals: what the columns are, counted.

    Returns
    -------
    matplotlib.figure.Figure
        Square cells with grid lines, one column wide (3.5 in), as tall as
        the rows need; determinant names at 45 degrees.

    Raises
    ------
    ValueError
        When a cell is not true, false, 0 or 1.

    Examples
    --------
    >>> marks = pd.DataFrame({"Synergies": [True, False]}, index=["Porter (1998)", "Perry (2005)"])
    >>> figure = determinant_heatmap(marks)
    >>> [t.get_text() for t in figure.axes[0].get_yticklabels()]
    ['Porter (1998)', 'Perry (2005)']
    """
    values = _binary(marks)
    rows, columns = values.shape
    named = OKABE_ITO[0]
    with _style():
        figure = _figure(COLUMN_WIDTH, 2.0 + 0.3 * max(rows, 1), "compressed")
        ax = figure.add_subplot()
        ax.imshow(
            values,
            cmap=ListedColormap(["#FFFFFF", named]),
            vmin=0,
            vmax=1,
            aspect="equal",
            interpolation="nearest",
        )
        ax.set_xticks(range(columns), labels=[str(c) for c in marks.columns])
        ax.set_yticks(range(rows), labels=[str(i) for i in marks.index])
        _slant(ax)
        _cell_grid(ax, rows, columns)
        _tick_fonts(ax)
        if totals:
            top = ax.secondary_xaxis("top")
            top.set_xticks(range(columns), labels=[f"{n:g}" for n in values.sum(axis=0)])
            right = ax.secondary_yaxis("right")
            right.set_yticks(range(rows), labels=[f"{n:g}" for n in values.sum(axis=1)])
            top.set_xlabel("Definitions naming it", fontsize=FONT_SIZE, labelpad=3)
            right.set_ylabel(named, fontsize=FONT_SIZE, labelpad=4)
            for axis in (top, right):
                axis.tick_params(length=0, pad=2, labelsize=FONT_SIZE, colors="0.25")
                axis.spines[:].set_visible(False)
        figure.legend(
            handles=[Patch(facecolor=named, label="Named in the definition")],
            loc="outside lower center",
            fontsize=FONT_SIZE,
            frameon=False,
            handlelength=1.0,
        )
        _trim_height(figure, ax)
    return figure


def confusion_matrix_figure(
    confusion: pd.DataFrame, title: str = "", *, wrap: int = _WRAP
) -> Figure:
    """A confusion matrix: the paper's codes down, the proposed codes across.

    Parameters
    ----------
    confusion : pandas.DataFrame
        Index: the paper's codes; columns: the proposed codes; cells: counts,
        as from ``pd.crosstab(paper, proposed)``. A code found on only one
        side gets an empty row or column, so the matrix is square.
    title : str, default=""
        Printed above the matrix.
    wrap : int, default=22
        Characters per line of the codes.

    Returns
    -------
    matplotlib.figure.Figure
        One column wide (3.5 in); each cell shows its count, in white on dark
        cells.

    Examples
    --------
    >>> confusion = pd.crosstab(pd.Series(["a", "b", "b"]), pd.Series(["a", "b", "a"]))
    >>> figure = confusion_matrix_figure(confusion, "Schools")
    >>> figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()
    ('Proposed', "Paper's code")
    """
    values = _counts(confusion, "confusion")
    codes = list(dict.fromkeys([*values.index, *values.columns]))
    values = values.reindex(index=codes, columns=codes, fill_value=0)
    cells = values.to_numpy(dtype=float)
    size = len(codes)
    names = [_wrap(str(code), wrap) for code in codes]
    # Rotated labels sit a cell apart at 45 degrees: room for two lines, not three.
    across = [_wrap(str(code), wrap, lines=2) for code in codes]
    high = max(cells.max(initial=0), 1)
    cmap = LinearSegmentedColormap.from_list("okabe_blue", ["#FFFFFF", OKABE_ITO[0]])
    with _style():
        height = min(COLUMN_WIDTH, 1.4 + 0.5 * size) + (0.25 if title else 0)
        figure = _figure(COLUMN_WIDTH, height, "compressed")
        ax = figure.add_subplot()
        ax.imshow(cells, cmap=cmap, vmin=0, vmax=high, aspect="equal", interpolation="nearest")
        for (row, column), count in np.ndenumerate(cells):
            ax.text(
                column,
                row,
                f"{count:g}",
                ha="center",
                va="center",
                fontsize=FONT_SIZE,
                color="white" if count > high / 2 else "black",
            )
        ax.set_xticks(range(size), labels=across)
        ax.set_yticks(range(size), labels=names)
        if max(len(line) for name in across for line in name.splitlines()) > 4:
            _slant(ax)
        _cell_grid(ax, size, size)
        ax.set_xlabel("Proposed", fontsize=FONT_SIZE)
        ax.set_ylabel("Paper's code", fontsize=FONT_SIZE)
        _tick_fonts(ax)
        if title:
            ax.set_title(title, fontsize=FONT_SIZE, fontweight="bold")
        _trim_height(figure, ax)
    return figure


def save_figure(figure: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write ``figure`` as ``<name>.pdf`` and ``<name>.png`` (300 dpi) in ``folder``.

    Each file is written as :func:`save_plot` writes it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure, e.g. from ``timeline``.
    folder : str or Path
        Where to write; made, with its parents, when missing.
    name : str
        The file stem, e.g. ``"figure1"``.

    Returns
    -------
    list of Path
        The PDF, then the PNG.
    """
    folder = Path(folder)
    return [save_plot(figure, folder / f"{name}.{kind}") for kind in ("pdf", "png")]


def save_plot(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` to ``path``: a PDF, or a PNG at 300 dpi, by the path's suffix.

    The file is cropped to what is drawn (``bbox_inches="tight"``, 0.03 in
    margin) and carries no time stamp or software version, so a figure built
    from the same data saves to the same bytes on every run. Fonts are embedded
    as TrueType (Type 42), not Type 3, as journals ask. The file is written
    whole or not at all (see :func:`corpus.files.atomic_open`).

    Raises
    ------
    ValueError
        For a suffix other than ``.png`` and ``.pdf``.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_plot(Figure(), Path(folder) / "empty.png").name
    'empty.png'
    """
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "pdf"):
        raise ValueError(f"{path}: a plot is written as .png or .pdf, not {path.suffix!r}")
    if kind == "png":
        settings = {"dpi": 300, "metadata": _PNG_METADATA}
    else:
        settings = {"metadata": _PDF_METADATA}
    with _style(), atomic_open(path, "wb") as stream:
        figure.savefig(stream, format=kind, bbox_inches="tight", pad_inches=_PAD, **settings)
    return path


@contextmanager
def _style() -> Iterator[None]:
    """The figures' settings for the duration of the block; the global ones are kept."""
    with _STYLE_LOCK, mpl.rc_context(_STYLE):
        yield


def _figure(width: float, height: float, layout: str = "constrained") -> Figure:
    """An empty figure on an Agg canvas, so ``canvas.draw()`` works.

    ``layout="compressed"`` is constrained layout for axes of fixed aspect
    (images): plain constrained layout lets their tick labels out of the figure.
    """
    figure = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(figure)
    return figure


def _cell_grid(ax: Axes, rows: int, columns: int) -> None:
    """Grey lines between the cells of an image on ``ax``, in place of ticks and black spines."""
    ax.set_xticks(np.arange(-0.5, columns), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color="0.7", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0, pad=2)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("0.7")
        spine.set_linewidth(0.5)


def _slant(ax: Axes) -> None:
    """Turn the x tick labels of ``ax`` 45 degrees, each ending under its tick."""
    for label in ax.get_xticklabels():
        label.update({"rotation": 45, "ha": "right", "rotation_mode": "anchor"})


def _trim_height(figure: Figure, ax: Axes) -> None:
    """Make ``figure`` shorter by the height its fixed-aspect ``ax`` leaves empty.

    Square cells fill the column's width; the height left over would otherwise
    stand as gaps above the axes and between the axes and the legend.
    """
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    used = ax.get_tightbbox(renderer)
    floor = max((legend.get_window_extent(renderer).y1 for legend in figure.legends), default=0)
    spare = (figure.bbox.y1 - used.y1 + used.y0 - floor) / figure.dpi - 0.1
    if spare > 0:
        figure.set_figheight(figure.get_figheight() - spare)


def _tick_fonts(ax: Axes) -> None:
    """Fix tick label size on ``ax``, since ticks made later do not see the style block."""
    ax.tick_params(which="both", labelsize=FONT_SIZE)


def _counts(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` as non-negative numbers, missing cells as 0; a ValueError names a bad cell."""
    values = frame.apply(pd.to_numeric, errors="coerce").fillna(0)
    bad = (frame.notna() & frame.apply(pd.to_numeric, errors="coerce").isna()) | (values < 0)
    if bad.to_numpy().any():
        row, column = next(zip(*np.nonzero(bad.to_numpy()), strict=True))
        index, label = frame.index[row], frame.columns[column]
        raise ValueError(
            f"{name}: cell ({index!r}, {label!r}) is {_plain(frame.iat[row, column])!r}, "
            "must be a count (a number >= 0)"
        )
    return values.astype(float)


def _binary(marks: pd.DataFrame) -> np.ndarray:
    """``marks`` as a 0/1 float array; a ValueError names the first cell that is neither."""
    numbers = marks.apply(pd.to_numeric, errors="coerce")
    bad = ~numbers.isin([0, 1])
    if bad.to_numpy().any():
        row, column = next(zip(*np.nonzero(bad.to_numpy()), strict=True))
        raise ValueError(
            f"marks: cell ({marks.index[row]!r}, {marks.columns[column]!r}) is "
            f"{_plain(marks.iat[row, column])!r}, must be True, False, 0 or 1"
        )
    return numbers.to_numpy(dtype=float)


def _plain(value: object) -> object:
    """A numpy scalar as the Python number it holds, so messages read ``2``, not ``np.int64(2)``."""
    return value.item() if isinstance(value, np.generic) else value


def _cycle(count: int) -> Sequence[str]:
    """``count`` Okabe-Ito colours, repeating after eight."""
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(count)]


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (by relative luminance)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    red, green, blue = linear
    return "black" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.18 else "white"


def _wrap(text: str, width: int, lines: int | None = None) -> str:
    """``text`` broken at spaces into lines of ``width`` characters, widened to fit ``lines``."""
    while True:
        wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
        if lines is None or len(wrapped) <= lines:
            return "\n".join(wrapped)
        width += 1
