"""Chart specs and data of the Perceptron & XOR lesson.

Same contract as `ui.charts`: every spec is built once per set of static parameters with named
datasets (`alt.NamedData`) and cached; a redraw only sends DataFrames through `charts.render`.
The data frames are built from `lessons.xor.analysis` (which knows the maths) and hold finite numbers
only. Datasets by name:

    boundary_spec: cells (heatmap), contour (0.5 line segments), undecided (the same, dashed, when
                   the output is 0.5 everywhere), points (the data)
    xor_loss_spec: loss, refs (ln 2), marker (the replayed epoch)
    accuracy_spec: accuracy, refs (0.75 for XOR), marker
    hidden_spec:   cells (output over the plane), line, points, labels (the four corners)

"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from mlp_core import Config, Dataset, Snapshot
from ui import charts, theme
from ui.derived import shared_cache

from .analysis import (
    LN2,
    PERCEPTRON_CEILING,
    HiddenSpace,
    boundary_grid,
    decision_contour,
    hidden_plane_grid,
    hidden_space,
    layer_activations,
    perceptron_line,
)
from mlp_core.data import CORNERS, TRUTH_TABLES
from mlp_core.i18n import N_, _

CLASS_NAMES = (N_("class 0"), N_("class 1"))  # in the reader's language where shown: class_names()
SEGMENT_COLUMNS = ["a1", "a2", "b1", "b2"]  # a segment from (a1, a2) to (b1, b2)


def class_names() -> list[str]:
    """The two classes' names in the reader's language (the legend's domain and the points' data)."""
    return [_(name) for name in CLASS_NAMES]


def _class_names(targets: np.ndarray) -> list[str]:
    names = class_names()
    return [names[int(t > 0.5)] for t in np.asarray(targets).ravel()]


def _class_fill() -> alt.Fill:
    return alt.Fill("class:N", title=_("label"), scale=alt.Scale(domain=class_names(), range=list(theme.CLASS_COLORS)),
                    legend=alt.Legend(orient="right", symbolSize=160, symbolStrokeColor=theme.TRUTH))


def _class_tooltip() -> alt.Tooltip:
    return alt.Tooltip("class:N", title=_("class"))


def _output_color(title: str) -> alt.Color:
    # The legend sits on the right (not below, as `charts.style` sets) so that the plot stays about
    # square in a half-width column: a square keeps the angles of the lines true. 120 px long, so
    # that both legends fit beside the 200 px square a phone shows.
    return alt.Color("output:Q", title=title, scale=alt.Scale(domain=[0, 1], scheme=theme.DIVERGING_SCHEME),
                     legend=alt.Legend(orient="right", gradientLength=120, format=".1f", values=[0, 0.5, 1]))


def _segments(data: str, width: float = 3.5, **mark) -> alt.Chart:
    """Line segments from the dataset `data` (columns a1, a2, b1, b2), in the truth colour."""
    return alt.Chart(alt.NamedData(data)).mark_rule(color=theme.TRUTH, strokeWidth=width, strokeCap="round",
                                                    **mark).encode(x="a1:Q", y="a2:Q", x2="b1:Q", y2="b2:Q")


def segment_frame(segments) -> pd.DataFrame:
    """Rows (a1, a2, b1, b2) from an (k, 4) array, a `Line` pair of endpoint arrays, or None."""
    if segments is None:
        rows = np.zeros((0, 4))
    elif isinstance(segments, tuple):  # a Line: (first coordinates, second coordinates)
        (x_a, x_b), (y_a, y_b) = segments
        rows = np.array([[x_a, y_a, x_b, y_b]])
    else:
        rows = np.asarray(segments, dtype=float).reshape(-1, 4)
    rows = rows[np.isfinite(rows).all(axis=1)]
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


# --- the URL -----------------------------------------------------------------------------------

# --- the decision boundary ------------------------------------------------------------------

@shared_cache(maxsize=32)
def boundary_spec(domain: tuple[float, float], point_size: int, title: str | None = None) -> dict:
    """Heatmap of the output (red 0 → blue 1), the 0.5 line in black, the data in class colours."""
    title = _("Decision boundary") if title is None else title
    scale = alt.Scale(domain=list(domain), nice=False)
    cells = alt.Chart(alt.NamedData("cells")).mark_rect(opacity=1).encode(
        x=alt.X("x1_low:Q", title="x1", scale=scale), x2="x1_high:Q",
        y=alt.Y("x2_low:Q", title="x2", scale=scale), y2="x2_high:Q",
        color=_output_color(_("output ŷ")),
        tooltip=[alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f"),
                 alt.Tooltip("output:Q", title="ŷ", format=".3f")])
    points = alt.Chart(alt.NamedData("points")).mark_point(
        filled=True, size=point_size, opacity=1, stroke=theme.TRUTH, strokeWidth=2 if point_size > 100 else 0.8,
        shape="circle").encode(
        x=alt.X("x1:Q", scale=scale), y=alt.Y("x2:Q", scale=scale), fill=_class_fill(),
        tooltip=[alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f"), _class_tooltip()])
    undecided = _segments("undecided", 2, strokeDash=[8, 6], opacity=0.6)
    chart = alt.layer(cells, _segments("contour"), undecided, points).properties(
        title=alt.TitleParams(title, subtitle=_("the network's output ŷ over the inputs")))  # fits at 1280 px
    return square(charts.style(chart).to_dict())


# A square plot keeps the angles of lines true (XOR's corners, the perceptron's line). Streamlit
# stretches a chart to its column's width (358 px on a phone, 394 at 1280×720, 714 at 1920×1080)
# at a fixed height, which squashed the heatmap to 0.6 (phone) or stretched it to 1.66 (1920) of
# its height. These charts take their height from the page instead ("container"): SQUARE_CSS gives
# their element a height of the column's width less what the axes, title and legend take across
# and down, so the plotting area stays about square at any width (!important: Streamlit's own
# "height: auto" for the chart outranks a page's rule in Chromium). A page showing them writes
# SQUARE_CSS and puts each in a container with the key it names (run_view.py does).
SQUARE_KEYS = {"xor-boundary": 23, "xor-hidden": 75}  # key -> px: (axis + legend across) - (title + axis down)
SQUARE_MAX_WIDTH = 640  # px: at 1920×1080 a 714 px square would outgrow the screen's height
SQUARE_CSS = "<style>" + "".join(
    f".st-key-{key} {{ container-type: inline-size; max-width: {SQUARE_MAX_WIDTH}px; }}"
    f" .st-key-{key} [data-testid=\"stVegaLiteChart\"] {{ height: calc(100cqw - {less}px) !important; }}"
    for key, less in SQUARE_KEYS.items()) + "</style>"


def square(spec: dict) -> dict:
    """The spec with the height of its container (set by SQUARE_CSS), for a plot that stays square."""
    return {**spec, "height": "container"}


def point_size(n_points: int) -> int:
    """Marker area: the four corners big enough to see from the back row, clouds small enough to read."""
    return 420 if n_points <= 4 else 70 if n_points <= 200 else 35


def points_frame(dataset: Dataset) -> pd.DataFrame:
    """The training points with their class, for the boundary chart (at most a few hundred)."""
    inputs = charts.finite(dataset.inputs.numpy())
    return pd.DataFrame({"x1": inputs[:, 0], "x2": inputs[:, 1], "class": _class_names(dataset.targets.numpy())})


def grid_domain(dataset: Dataset) -> tuple[float, float]:
    """The square the heatmap covers (the same range on both axes), to the cell edges."""
    axis = dataset.grid.numpy()[:: dataset.grid_steps, 0].astype(float)
    half = (axis[1] - axis[0]) / 2
    return float(axis[0] - half), float(axis[-1] + half)


UNDECIDED = 0.01  # an output within this of 0.5 everywhere has no boundary worth the name


def boundary_frames(snapshot: Snapshot | None, dataset: Dataset, config: Config) -> dict[str, pd.DataFrame]:
    """cells and the 0.5 level for a snapshot (empty before the first one): the contour, or the line.

    When the output is within UNDECIDED of 0.5 everywhere (the ln 2 plateau), the 0.5 level goes to
    'undecided' (drawn dashed and faint) instead of 'contour': it is wherever rounding puts it.
    """
    if snapshot is None:
        empty = pd.DataFrame({c: pd.Series(dtype=float) for c in ("x1", "x2", "output", "x1_low", "x1_high",
                                                                   "x2_low", "x2_high")})
        return {"cells": empty, "contour": segment_frame(None), "undecided": segment_frame(None)}
    cells = _overlap(boundary_grid(snapshot, dataset), "x1", "x2")
    cells["output"] = charts.finite(cells["output"].to_numpy())
    if config.model.depth == 0:
        low, high = (float(v) for v in dataset.grid.numpy()[[0, -1], 0])
        segments = perceptron_line(snapshot.weights, (low, high), output_activation=config.model.output_activation)
    else:
        segments = decision_contour(snapshot, dataset)
    undecided = output_spread(snapshot) < UNDECIDED
    return {"cells": cells, "contour": segment_frame(None if undecided else segments),
            "undecided": segment_frame(segments if undecided else None)}


def _overlap(cells: pd.DataFrame, a: str, b: str, share: float = 0.08) -> pd.DataFrame:
    """Widen each heatmap cell a little: abutting rects leave hairline seams when anti-aliased."""
    for name in (a, b):
        pad = share * float((cells[f"{name}_high"] - cells[f"{name}_low"]).iloc[0]) if len(cells) else 0.0
        cells[f"{name}_low"] -= pad
        cells[f"{name}_high"] += pad
    return cells


def output_spread(snapshot: Snapshot | None) -> float:
    """How far the output strays from 0.5 anywhere on the grid: ~0 is a network that says 'don't know'."""
    if snapshot is None:
        return 0.0
    return float(np.max(np.abs(charts.finite(snapshot.grid_outputs) - 0.5)))


# --- loss and accuracy ------------------------------------------------------------------------

def _marker_layer(dataset: str = "marker") -> dict:
    """A vertical rule at the replayed epoch, as a raw Vega-Lite layer (added to a cached spec)."""
    return {"data": {"name": dataset}, "mark": {"type": "rule", "color": theme.ACCENT, "strokeWidth": 2.5,
                                                "strokeDash": [2, 3]},
            "encoding": {"x": {"field": "epoch", "type": "quantitative"}}}


@shared_cache(maxsize=32)
def xor_loss_spec(epochs: int, log_scale: bool = False, height: int = 270) -> dict:
    """`charts.loss_spec` with one more layer: the replayed epoch (dataset 'marker')."""
    spec = copy.deepcopy(charts.loss_spec(epochs, log_scale, height, _("Training loss (BCE)")))
    for layer in spec["layer"]:
        if layer["mark"]["type"] == "text":  # the ln 2 label under its line, off the plateau's curve
            layer["mark"].update(baseline="top", dy=6)
    spec["layer"].append(_marker_layer())
    return spec


def loss_references() -> pd.DataFrame:
    """The ln 2 plateau line of the loss chart."""
    return charts.reference_frame((LN2, _("ln 2 ≈ 0.693: output 0.5 everywhere")))


@shared_cache(maxsize=32)
def accuracy_spec(epochs: int, show_ceiling: bool, height: int = 220) -> dict:
    """Accuracy over the epochs (dataset 'accuracy'), 0.75 marked for XOR, and the replayed epoch."""
    x = alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(domain=[0, max(epochs, 1)], nice=False))
    line = alt.Chart(alt.NamedData("accuracy")).mark_line(color=theme.ACCENT, strokeWidth=2.5,
                                                          interpolate="step-after").encode(
        x=x, y=alt.Y("accuracy:Q", title=_("accuracy"), scale=alt.Scale(domain=[0, 1.05], nice=False),
                     axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1], format=".2f")),
        tooltip=[alt.Tooltip("epoch:Q", title=_("epoch"), format=","),
                 alt.Tooltip("accuracy:Q", title=_("accuracy"), format=".3f")])
    layers = [line]
    if show_ceiling:
        ceiling = pd.DataFrame({"value": [PERCEPTRON_CEILING], "label": [_("0.75: the best a line can do on XOR")]})
        layers += [alt.Chart(ceiling).mark_rule(color=theme.REFERENCE, strokeDash=[6, 4], strokeWidth=2).encode(
                       y="value:Q"),
                   alt.Chart(ceiling).mark_text(color=theme.REFERENCE, align="left", baseline="bottom", dx=6, dy=-4,
                                                fontSize=theme.FONT_SIZE - 1).encode(
                       y="value:Q", x=alt.value(0), text="label:N")]
    spec = charts.style(alt.layer(*layers).properties(title=_("Accuracy (output > 0.5 is class 1)")), height).to_dict()
    spec["layer"].append(_marker_layer())
    return spec


def accuracy_frame(epochs, values) -> pd.DataFrame:
    epochs, values = np.asarray(epochs, dtype=float), charts.finite(values)
    index = charts.downsample(len(epochs))
    return pd.DataFrame({"epoch": epochs[index], "accuracy": values[index]})


def marker_frame(epoch: int | None) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [] if epoch is None else [float(epoch)]}, dtype=float)


# --- the hidden space -------------------------------------------------------------------------

@dataclass(frozen=True)
class HiddenChoice:
    """Which plane of the hidden layers to show: 0-based layer and two 0-based units."""

    layer: int
    units: tuple[int, int]

    @classmethod
    def default(cls, hidden_widths: tuple[int, ...]) -> HiddenChoice:
        return cls(len(hidden_widths) - 1, (0, 1))

    def fits(self, hidden_widths: tuple[int, ...]) -> bool:
        return (0 <= self.layer < len(hidden_widths) and self.units[0] != self.units[1]
                and all(0 <= u < hidden_widths[self.layer] for u in self.units))


# Each corner's label goes out the way the corner sits in the input square, so that corners mapped
# close together keep apart labels: (0,0) below left, (1,1) above right, and so on.
LABEL_PLACES = {"below left": ("right", "top"), "above left": ("right", "bottom"),
                "below right": ("left", "top"), "above right": ("left", "bottom")}
CORNER_PLACES = ("below left", "above left", "below right", "above right")  # in CORNERS order


@shared_cache(maxsize=32)
def hidden_spec(axis_names: tuple[str, str], point_size: int) -> dict:
    """The data in the plane of two hidden units, shaded by the output, with the output's 0.5 line."""
    x_scale, y_scale = alt.Scale(zero=False, nice=False), alt.Scale(zero=False, nice=False)
    a, b = axis_names
    cells = alt.Chart(alt.NamedData("cells")).mark_rect(opacity=1).encode(
        x=alt.X("h_a_low:Q", title=_("{unit} (hidden unit value)", unit=a), scale=x_scale), x2="h_a_high:Q",
        y=alt.Y("h_b_low:Q", title=f"{b}", scale=y_scale), y2="h_b_high:Q",
        color=_output_color(_("output ŷ")))
    points = alt.Chart(alt.NamedData("points")).mark_point(
        filled=True, size=point_size, opacity=0.95, stroke=theme.TRUTH, strokeWidth=2 if point_size > 100 else 0.8,
        shape="circle").encode(
        x=alt.X("h_a:Q", scale=x_scale), y=alt.Y("h_b:Q", scale=y_scale),
        fill=_class_fill(),
        tooltip=[alt.Tooltip("input:N", title=_("input (x1, x2)")), alt.Tooltip("h_a:Q", title=a, format=".3f"),
                 alt.Tooltip("h_b:Q", title=b, format=".3f"), alt.Tooltip("output:Q", title="ŷ", format=".3f"),
                 _class_tooltip()])
    labels = [alt.Chart(alt.NamedData("labels")).mark_text(
        fontSize=theme.FONT_SIZE, fontWeight="bold", color=theme.TRUTH, align=align, baseline=baseline, lineBreak="\n",
        dx=12 if align == "left" else -12, dy=-12 if baseline == "bottom" else 12).encode(
        x=alt.X("h_a:Q", scale=x_scale), y=alt.Y("h_b:Q", scale=y_scale), text="input:N").transform_filter(
        alt.datum.place == place) for place, (align, baseline) in LABEL_PLACES.items()]
    return square(charts.style(alt.layer(cells, _segments("line"), points, *labels)).to_dict())


def hidden_frames(weights, config: Config, dataset: Dataset, choice: HiddenChoice) -> tuple[HiddenSpace, dict]:
    """The HiddenSpace of a choice and its chart datasets (cells only for the last hidden layer)."""
    inputs = dataset.inputs.numpy().astype(np.float64)
    space = hidden_space(weights, config, inputs, layer=choice.layer, units=choice.units)
    points = charts.finite(space.points)
    frame = pd.DataFrame({"h_a": points[:, 0], "h_b": points[:, 1], "output": charts.finite(space.outputs),
                          "class": _class_names(dataset.targets.numpy()),
                          "input": [f"({x1:.2f}, {x2:.2f})" for x1, x2 in inputs]})
    if config.data.points is None:  # the gate's four corners, labelled where they land
        corners = np.array(CORNERS)
        seen = hidden_space(weights, config, corners, layer=choice.layer, units=choice.units).points
        bounds = tuple(_cover(bound, axis) for bound, axis in zip(space.bounds, np.vstack([points, seen]).T))
        labels = corner_labels(charts.finite(seen), bounds)
    else:  # one's own points: no corners to label
        bounds = tuple(_cover(bound, axis) for bound, axis in zip(space.bounds, points.T))
        labels = pd.DataFrame({"h_a": pd.Series(dtype=float), "h_b": pd.Series(dtype=float),
                               "input": pd.Series(dtype=str), "place": pd.Series(dtype=str)})
    if space.layer == config.model.depth:
        cells = _overlap(hidden_plane_grid(weights, config, inputs, choice.units, bounds, steps=40), "h_a", "h_b")
        cells["output"] = charts.finite(cells["output"].to_numpy())
    else:
        cells = pd.DataFrame({c: pd.Series(dtype=float) for c in ("h_a_low", "h_a_high", "h_b_low", "h_b_high",
                                                                   "output")})
    return space, {"cells": cells, "line": segment_frame(space.line), "points": frame, "labels": labels}


# How much room a corner label takes, in px of the smallest square plot it is drawn in (a phone's,
# ~200 px): the 14 px bold text is ~5.3 px a character, counted at 6.5 to leave a margin, and sits
# 12 px off its point (the label layers' dx and dy).
LABEL_PLOT_PX = 200
LABEL_CHAR_PX, LABEL_LINE_PX, LABEL_OFFSET_PX, MARKER_PX = 6.5, 17, 12, 12
PLACE_SIGNS = {"below left": (-1, -1), "above left": (-1, 1), "below right": (1, -1), "above right": (1, 1)}


def corner_labels(seen: np.ndarray, bounds, close: float = 0.06) -> pd.DataFrame:
    """One label per place the corners land, placed so that no two labels overlap.

    Corners closer than `close` (share of the view) share one label; a shared label of three or four
    corners goes on two lines. Each label goes out the way its first corner sits in the input square
    (its home place) unless another of the four diagonal places keeps it clear of the other labels,
    of the other corners' markers and inside the view: every assignment of places is tried (at most
    4^4) with the text's size measured for a 200 px plot. When no assignment keeps two labels apart
    (corners a little further apart than `close`, on a plateau), the two closest groups share a label.
    """
    span = np.maximum([high - low for low, high in bounds], 1e-9)
    share = (np.asarray(seen, dtype=float) - [low for low, _ in bounds]) / span  # 0..1 across the view
    groups: list[list[int]] = []
    for k in range(len(share)):
        home = next((g for g in groups if np.all(np.abs(share[g[0]] - share[k]) <= close)), None)
        if home is None:
            groups.append([k])
        else:
            home.append(k)
    while True:
        places, overlapping = _place_labels(share, groups)
        if not overlapping or len(groups) == 1:
            break
        a, b = min(overlapping, key=lambda pair: np.hypot(*(share[groups[pair[0]][0]] - share[groups[pair[1]][0]])))
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return pd.DataFrame({"h_a": [seen[g[0], 0] for g in groups], "h_b": [seen[g[0], 1] for g in groups],
                         "input": [_label_text(g) for g in groups], "place": places})


def _label_text(group: list[int]) -> str:
    names = [f"({CORNERS[k][0]:g},{CORNERS[k][1]:g})" for k in group]
    if len(names) <= 2:
        return " ".join(names)
    return " ".join(names[:2]) + "\n" + " ".join(names[2:])  # two lines (the marks' lineBreak)


def _label_box(point: np.ndarray, text: str, place: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a label in shares of the view."""
    lines = text.split("\n")
    width = max(map(len, lines)) * LABEL_CHAR_PX / LABEL_PLOT_PX
    height, offset = len(lines) * LABEL_LINE_PX / LABEL_PLOT_PX, LABEL_OFFSET_PX / LABEL_PLOT_PX
    sx, sy = PLACE_SIGNS[place]
    x0, x1 = sorted((point[0] + sx * offset, point[0] + sx * (offset + width)))
    y0, y1 = sorted((point[1] + sy * offset, point[1] + sy * (offset + height)))
    return x0, y0, x1, y1


def _boxes_meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_labels(share: np.ndarray, groups: list[list[int]]) -> tuple[list[str], list[tuple[int, int]]]:
    """The best place of each group's label, and the pairs of labels that still overlap there."""
    texts = [_label_text(g) for g in groups]
    marker = MARKER_PX / LABEL_PLOT_PX
    markers = [(*(share[k] - marker), *(share[k] + marker)) for k in range(len(share))]
    best = None
    for places in itertools.product(PLACE_SIGNS, repeat=len(groups)):
        boxes = [_label_box(share[g[0]], text, place) for g, text, place in zip(groups, texts, places)]
        pairs = [(i, j) for i, j in itertools.combinations(range(len(boxes)), 2) if _boxes_meet(boxes[i], boxes[j])]
        outside = sum(box[0] < 0 or box[1] < 0 or box[2] > 1 or box[3] > 1 for box in boxes)
        covered = sum(_boxes_meet(box, markers[k]) for box, g in zip(boxes, groups) for k in range(len(share))
                      if k not in g)
        moved = sum(place != CORNER_PLACES[g[0]] for g, place in zip(groups, places))
        cost = (100 * len(pairs) + 10 * outside + 3 * covered + moved, places, pairs)
        if best is None or cost[0] < best[0]:
            best = cost
    return list(best[1]), best[2]


def _cover(bound: tuple[float, float], values: np.ndarray) -> tuple[float, float]:
    """The bound widened to hold the corner labels too (they may lie outside noisy data's extent)."""
    values = charts.finite(values)
    return min(bound[0], float(values.min())), max(bound[1], float(values.max()))


# --- printout and numbers -----------------------------------------------------------------------

def corner_outputs(weights, config: Config) -> pd.DataFrame:
    """The network's output at the four exact corners: the gate's truth table as the net sees it."""
    corners = np.array(CORNERS)
    outputs = layer_activations(weights, config, corners)[-1][:, 0]
    return pd.DataFrame({"x1": corners[:, 0], "x2": corners[:, 1],
                         _("target"): TRUTH_TABLES[config.data.gate], _("output ŷ"): charts.finite(outputs),
                         _("predicted (ŷ > 0.5)"): (outputs > 0.5).astype(float)})
