"""One palette and one type scale for every chart, chosen to read on a projector."""

from __future__ import annotations

# Colours by meaning, not by chart: the same thing is the same colour on every page.
NETWORK = "#1f77b4"  # the network's output / fit / its loss curve
TRUTH = "#111827"  # the true function (dashed)
DATA = "#9ca3af"  # training points
REFERENCE = "#d62728"  # reference lines: ln 2 plateau, noise floor, divergence
ACCENT = "#ff7f0e"  # a second series (accuracy, the current node, a chosen unit)
POSITIVE = "#2563eb"  # positive weights / class 1 side
NEGATIVE = "#dc2626"  # negative weights / class 0 side
CLASS_COLORS = ("#dc2626", "#2563eb")  # class 0, class 1
SERIES = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
DIVERGING_SCHEME = "redblue"  # heatmaps of an output in [0, 1]: red = class 0, blue = class 1
INK = TRUTH  # text, borders and the op tags of computational graphs
MUTED = "#6b7280"  # secondary text: a constant's name, a row's caption in a graph node
SHADE_TEXT = "#4b5563"  # text on a shaded band
LINE = DATA  # a graph's plain edges
LEAF_FILL = "#f3f4f6"  # a graph's input nodes
TINT = "#ffe3c7"  # ACCENT, light: the nodes the current step reads
EXTRAPOLATION_SHADE = "#eef0f3"  # where a fit extrapolates: outside the data's x range

FONT_SIZE = 14  # axis labels and titles: readable from the back of a lecture hall
TITLE_SIZE = 15
CHART_HEIGHT = 320
