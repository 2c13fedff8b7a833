"""Publication figures: built from the bundled Table 2, saved as PDF and PNG, nothing cut."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.figures import (
    COLUMN_WIDTH,
    DOUBLE_COLUMN_WIDTH,
    confusion_matrix_figure,
    determinant_heatmap,
    save_figure,
    stacked_bars,
    timeline,
)
from coding.definitions import load_definitions

DPI = 300
RIS = "Regional innovation systems and learning regions"
# Words naming each determinant, enough to mark the bundled definitions realistically.
DETERMINANTS = {
    "Other firms": r"firm|compan|business|producer|industr",
    "Local context": r"local|region|geograph|proxim|location",
    "Inter-firm relations": r"link|relation|network|interconnect|collaborat",
    "Synergies": r"synerg|complementar",
    "Shared factor conditions": r"factor|infrastructure|share",
    "Interdependence": r"interdependen",
}


@pytest.fixture(scope="module")
def definitions() -> pd.DataFrame:
    return load_definitions()


@pytest.fixture(scope="module")
def marks(definitions: pd.DataFrame) -> pd.DataFrame:
    text = definitions["definition"].str.lower()
    frame = pd.DataFrame({label: text.str.contains(words) for label, words in DETERMINANTS.items()})
    frame.index = definitions["authors"] + " (" + definitions["year"].astype(str) + ")"
    return frame


@pytest.fixture(scope="module")
def confusion(definitions: pd.DataFrame) -> pd.DataFrame:
    proposed = definitions["school"].copy()
    proposed.iloc[[0, 4, 7]] = ["Michael Porter", "Alfred Marshall", "Italian industrial districts"]
    return pd.crosstab(definitions["school"].rename("paper"), proposed.rename("proposed"))


def _figures(
    definitions: pd.DataFrame, marks: pd.DataFrame, confusion: pd.DataFrame
) -> dict[str, Callable[[], Figure]]:
    return {
        "breadth": lambda: stacked_bars(
            pd.crosstab(definitions["school"], definitions["breadth"]),
            {"B": "Broad", "N": "Narrow"},
        ),
        "timeline": lambda: timeline(pd.crosstab(definitions["year"], definitions["school"])),
        "heatmap": lambda: determinant_heatmap(marks),
        "confusion": lambda: confusion_matrix_figure(confusion, "Schools: classifier and paper"),
    }


NAMES = ["breadth", "timeline", "heatmap", "confusion"]


@pytest.fixture(params=NAMES)
def named_figure(
    request: pytest.FixtureRequest,
    definitions: pd.DataFrame,
    marks: pd.DataFrame,
    confusion: pd.DataFrame,
) -> tuple[str, Figure]:
    return request.param, _figures(definitions, marks, confusion)[request.param]()


def _texts(figure: Figure) -> list[Text]:
    """The texts drawn: visible, not empty, and (for tick labels) on a tick in view."""
    figure.canvas.draw()
    drawn = []
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    tick.label1.set_visible(False)
                    tick.label2.set_visible(False)
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)
    return drawn


def _footprint(text: Text, renderer: RendererBase) -> tuple[float, float, float, float]:
    """The text's box in its own rotated frame: (along0, along1, across0, across1) in pixels.

    Two labels of the same rotation overlap exactly when both intervals overlap;
    the window extent, upright around a slanted label, would overlap its neighbour's.
    """
    angle = text.get_rotation()
    if angle % 90 == 0:
        box = text.get_window_extent(renderer)
        return box.x0, box.x1, box.y0, box.y1
    assert text.get_rotation_mode() == "anchor", text.get_text()
    text.set_rotation(0)
    upright = text.get_window_extent(renderer)
    text.set_rotation(angle)
    width, height = upright.width, upright.height
    x, y = text.get_transform().transform(text.get_position())
    theta = np.radians(angle)
    along = x * np.cos(theta) + y * np.sin(theta)
    across = -x * np.sin(theta) + y * np.cos(theta)
    start = {"left": 0.0, "center": -width / 2, "right": -width}[text.get_horizontalalignment()]
    low = {"bottom": 0.0, "baseline": 0.0, "center": -height / 2, "center_baseline": -height / 2,
           "top": -height}[text.get_verticalalignment()]  # fmt: skip
    return along + start, along + start + width, across + low, across + low + height


def _overlap(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    return min(first[1], second[1]) - max(first[0], second[0]) > 0.5 and (
        min(first[3], second[3]) - max(first[2], second[2]) > 0.5
    )


def _tick_labels(figure: Figure) -> list[list[tuple[float, float, float, float]]]:
    """Footprints of the shown tick labels, one list per axis."""
    renderer = figure.canvas.get_renderer()
    groups = []
    for axes in figure.axes:
        for labels in (axes.get_xticklabels(), axes.get_yticklabels()):
            shown = [t for t in labels if t.get_visible() and t.get_text()]
            groups.append([_footprint(t, renderer) for t in shown])
    return groups


@pytest.fixture(scope="module")
def saved(
    definitions: pd.DataFrame,
    marks: pd.DataFrame,
    confusion: pd.DataFrame,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Figure, list[Path]]]:
    """Each figure, saved once into a new folder, with the paths written."""
    folder = tmp_path_factory.mktemp("saved") / "figures"
    built = {name: build() for name, build in _figures(definitions, marks, confusion).items()}
    return {name: (figure, save_figure(figure, folder, name)) for name, figure in built.items()}


@pytest.mark.parametrize("name", NAMES)
def test_save_figure_writes_pdf_and_png_at_column_width(
    saved: dict[str, tuple[Figure, list[Path]]], name: str
) -> None:
    figure, paths = saved[name]
    assert [p.name for p in paths] == [f"{name}.pdf", f"{name}.png"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert paths[0].read_bytes().startswith(b"%PDF")
    height, width, _ = matplotlib.image.imread(paths[1]).shape
    allowed = COLUMN_WIDTH if name != "timeline" else DOUBLE_COLUMN_WIDTH
    assert 0.8 * COLUMN_WIDTH * DPI <= width <= allowed * DPI
    figure_width, figure_height = figure.get_size_inches()
    assert height <= (figure_height + 0.1) * DPI
    assert height / width == pytest.approx(figure_height / figure_width, rel=0.25)


def test_no_text_reaches_past_the_figure(named_figure: tuple[str, Figure]) -> None:
    _, figure = named_figure
    renderer = figure.canvas.get_renderer()
    texts = _texts(figure)
    assert texts
    inside = figure.bbox.padded(0.5)
    cut = [
        t.get_text()
        for t in texts
        if not inside.containsx(t.get_window_extent(renderer).x0)
        or not inside.containsx(t.get_window_extent(renderer).x1)
        or not inside.containsy(t.get_window_extent(renderer).y0)
        or not inside.containsy(t.get_window_extent(renderer).y1)
    ]
    assert cut == []
    tight = figure.get_tightbbox(renderer)
    assert tight.width <= figure.get_figwidth() + 1e-6


def test_tick_labels_do_not_overlap(named_figure: tuple[str, Figure]) -> None:
    _, figure = named_figure
    _texts(figure)
    for extents in _tick_labels(figure):
        for first, second in itertools.combinations(extents, 2):
            assert not _overlap(first, second)


def test_all_text_is_eight_point(named_figure: tuple[str, Figure]) -> None:
    _, figure = named_figure
    sizes = {t.get_fontsize() for t in _texts(figure)}
    assert sizes == {8}


@pytest.mark.parametrize("name", ["timeline", "heatmap"])
def test_building_and_saving_again_gives_the_same_bytes(
    saved: dict[str, tuple[Figure, list[Path]]],
    definitions: pd.DataFrame,
    marks: pd.DataFrame,
    confusion: pd.DataFrame,
    tmp_path: Path,
    name: str,
) -> None:
    # One figure per layout: constrained (bars, legend) and compressed (image).
    again = save_figure(_figures(definitions, marks, confusion)[name](), tmp_path, name)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in saved[name][1]]


def test_figures_leave_global_settings_alone(named_figure: tuple[str, Figure]) -> None:
    assert mpl.rcParams["pdf.fonttype"] == mpl.rcParamsDefault["pdf.fonttype"]
    assert mpl.rcParams["axes.spines.top"] == mpl.rcParamsDefault["axes.spines.top"]


def test_schools_by_breadth_wraps_names_and_labels_codes(definitions: pd.DataFrame) -> None:
    counts = pd.crosstab(definitions["school"], definitions["breadth"])
    figure = stacked_bars(counts, {"B": "Broad", "N": "Narrow"})
    (axes,) = figure.axes
    names = [t.get_text() for t in axes.get_yticklabels()]
    assert names[0] == "Alfred Marshall"
    assert "Regional innovation\nsystems and learning\nregions" in names
    assert max(len(line) for name in names for line in name.splitlines()) <= 22
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["Broad", "Narrow"]
    assert sorted(t.get_text() for t in axes.texts) == sorted(
        str(n) for n in counts.to_numpy().ravel() if n
    )


def test_schools_by_breadth_keeps_codes_without_labels(definitions: pd.DataFrame) -> None:
    counts = pd.crosstab(definitions["school"], definitions["breadth"])
    figure = stacked_bars(counts)
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["B", "N"]


def test_legends_sit_clear_of_the_axes(definitions: pd.DataFrame) -> None:
    for figure in (
        stacked_bars(pd.crosstab(definitions["school"], definitions["breadth"])),
        timeline(pd.crosstab(definitions["year"], definitions["school"])),
    ):
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        legend = figure.legends[0].get_window_extent(renderer)
        assert not legend.overlaps(figure.axes[0].get_tightbbox(renderer))


def test_timeline_shows_every_year_from_first_to_last(definitions: pd.DataFrame) -> None:
    counts = pd.crosstab(definitions["year"], definitions["school"])
    assert 2000 not in counts.index
    figure = timeline(counts)
    (axes,) = figure.axes
    assert [t.get_text() for t in axes.get_xticklabels()] == [str(y) for y in range(1996, 2006)]
    figure.canvas.draw()
    ticks = axes.get_yticks()
    assert np.array_equal(ticks, np.round(ticks))
    heights = {}
    for bar in axes.patches:
        year = round(bar.get_x() + bar.get_width() / 2)
        heights[year] = heights.get(year, 0) + bar.get_height()
    assert heights[2000] == 0
    assert heights[1998] == 3
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "Regional innovation\nsystems and learning\nregions" in legend


def test_timeline_grows_to_two_columns_for_many_years() -> None:
    counts = pd.DataFrame({"Michael Porter": [1, 2]}, index=[1980, 2005])
    assert timeline(counts).get_figwidth() == DOUBLE_COLUMN_WIDTH


def test_determinant_heatmap_draws_marks_and_totals(marks: pd.DataFrame) -> None:
    figure = determinant_heatmap(marks)
    axes = figure.axes[0]
    assert np.array_equal(axes.images[0].get_array(), marks.to_numpy(dtype=float))
    assert [t.get_text() for t in axes.get_yticklabels()][4] == "Porter (1998)"
    columns = axes.get_xticklabels()
    assert [t.get_text() for t in columns] == list(DETERMINANTS)
    assert {(t.get_rotation(), t.get_horizontalalignment()) for t in columns} == {(45.0, "right")}
    top = next(a for a in axes.child_axes if a.get_xlabel())
    totals = [t.get_text() for t in top.get_xticklabels()]
    assert totals == [str(n) for n in marks.sum()]


def test_determinant_heatmap_without_totals_has_no_margins(marks: pd.DataFrame) -> None:
    assert determinant_heatmap(marks.astype(int), totals=False).axes[0].child_axes == []


def test_determinant_heatmap_names_a_cell_that_is_not_binary(marks: pd.DataFrame) -> None:
    bad = marks.astype(int)
    bad.iloc[2, 1] = 2
    with pytest.raises(ValueError, match=r"cell \('Rosenfeld \(1997\)', 'Local context'\) is 2"):
        determinant_heatmap(bad)


def test_confusion_matrix_annotates_counts_white_on_dark(confusion: pd.DataFrame) -> None:
    figure = confusion_matrix_figure(confusion, "Schools")
    axes = figure.axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel(), axes.get_title()) == (
        "Proposed",
        "Paper's code",
        "Schools",
    )
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in axes.texts}
    assert len(cells) == len(confusion) ** 2
    marshall = cells[(0, 0)]
    assert (marshall.get_text(), marshall.get_color()) == ("6", "white")
    assert cells[(0, 1)].get_color() == "black"
    rows = [t.get_text() for t in axes.get_yticklabels()]
    assert "Regional innovation\nsystems and learning\nregions" in rows
    across = [t.get_text() for t in axes.get_xticklabels()]
    assert max(name.count("\n") for name in across) <= 1


def test_confusion_matrix_adds_a_code_seen_on_one_side_only() -> None:
    confusion = pd.DataFrame({"A": [2, 1]}, index=["A", "B"])
    figure = confusion_matrix_figure(confusion, "")
    axes = figure.axes[0]
    assert axes.images[0].get_array().tolist() == [[2, 0], [1, 0]]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["A", "B"]
    assert {t.get_rotation() for t in axes.get_xticklabels()} == {0.0}


def test_counts_must_not_be_negative() -> None:
    counts = pd.DataFrame({"B": [1, -1]}, index=["Porter", "Marshall"])
    with pytest.raises(ValueError, match=r"cell \('Marshall', 'B'\) is -1, must be a count"):
        stacked_bars(counts)


def test_figures_build_in_threads(definitions: pd.DataFrame) -> None:
    from concurrent.futures import ThreadPoolExecutor

    counts = pd.crosstab(definitions["year"], definitions["school"])
    with ThreadPoolExecutor(4) as pool:
        figures = list(pool.map(lambda _: timeline(counts), range(4)))
    assert all(len(f.axes[0].patches) == len(figures[0].axes[0].patches) for f in figures)
    assert mpl.rcParams["axes.spines.top"] == mpl.rcParamsDefault["axes.spines.top"]
