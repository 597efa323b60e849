"""The quadratic lesson's analysis (pure): what a fit of y = x² + 3 + noise can reach, and what one
hidden unit of each activation can contribute to it."""

from __future__ import annotations

from mlp_core.data import Dataset
from mlp_core.i18n import N_, _, ngettext
from mlp_core.sweeps import floor_and_bar

UNIT_SHAPES = {  # what one hidden unit can contribute, by activation (shown with _() in the reader's language)
    "relu": N_("With ReLU each unit is a hinge: flat on one side of its kink, straight on the other — so outside "
               "the data the network continues in straight lines, not a parabola."),
    "leaky_relu": N_("With leaky ReLU each unit is a bent line: slope 0.01 on one side of its kink, straight on the "
                     "other — outside the data the network continues in straight lines."),
    "sigmoid": N_("With sigmoid each unit is a smooth step: flat far out on both sides — so outside the data the "
                  "network flattens out instead of rising like a parabola."),
    "tanh": N_("With tanh each unit is a smooth step from −1 to 1: flat far out on both sides — so outside the data "
               "the network flattens out instead of rising like a parabola."),
    "softplus": N_("With softplus each unit is a smoothed hinge: near 0 on one side, straight on the other — so "
                   "outside the data the network continues in straight lines."),
    "gelu": N_("With GELU each unit is a smoothed hinge with a small dip below 0: straight for large inputs, near 0 "
               "for very negative ones — outside the data the network continues in straight lines."),
    "silu": N_("With SiLU (swish), z·σ(z), each unit is a smoothed hinge with a small dip below 0 — outside the data "
               "the network continues in straight lines."),
    "identity": N_("Without an activation every unit is a straight line, and so is their sum: stacked linear layers "
                   "collapse into one linear map."),
}


def noise_floor(config, dataset: Dataset) -> float | None:
    """The loss a perfect fit of x² + 3 still pays on this data, because of the noise: the loss of
    the true curve itself (about noise_std·√(2/π) for L1, noise_std² for MSE). The same floor the
    run's diagnosis and the seed sweep judge a fit by (mlp_core.sweeps.floor_and_bar)."""
    if not config.data.noise_std:
        return None
    floors, _bars, _spread = floor_and_bar(config, [dataset])
    return float(floors[0])


def page_intro(config) -> str:
    """The page's first paragraph: what the network learns in this configuration."""
    more = _("Change depth, width, activation, learning rate or noise and watch what it can fit — and how it "
             "guesses outside the data.")
    if config.data.points is not None:
        return ngettext("An MLP learns **your {count} point** (x, y). There is no true curve to compare with: the "
                        "chart shows your points and the network's fit, and where it has to guess.",
                        "An MLP learns **your {count} points** (x, y). There is no true curve to compare with: the "
                        "chart shows your points and the network's fit, and where it has to guess.",
                        len(config.data.points), count=len(config.data.points))
    if config.data.target == "square":
        return _("An MLP learns **y = x² + 3 + noise** from samples. Change depth, width, activation, learning "
                 "rate or noise and watch what it can fit — and how it guesses outside the data.")
    from mlp_core.export import curve_formula

    return _("An MLP learns **y = {curve} + noise** from samples (the target function, scaled to the x range). "
             "{more}", curve=curve_formula(config.data), more=more)
