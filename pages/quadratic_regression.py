"""Quadratic regression: an MLP fits y = x² + 3 + noise, live, with the lecture's E8 and E9 as presets."""

from __future__ import annotations

import streamlit as st

from mlp_core.data import dataset_for
from mlp_core.export import curve_formula
from mlp_core.i18n import _
from mlp_core.model import last_hidden_contributions
from lessons.quadratic import charts as fit_charts
from lessons.quadratic import compare as fit_compare
from lessons.quadratic.analysis import UNIT_SHAPES, noise_floor, page_intro
from lessons.quadratic.sweep import regression_panel
from ui import charts
from ui.charts import arrow_bytes
from ui.compare import compare_panel
from ui.derived import once, per_config
from ui.controls import PageControls, config_ui, show_url_notices
from ui.exports import export_panel
from ui.live import Frame, Slot, Throttle, show_run
from ui.navigation import ensure_entrypoint
from ui.owndata import own_data_ui
from ui.numbers import number, percent, signed

CONTROLS = PageControls(
    page="quad",
    fields=("hidden_widths", "activation", "learning_rate", "optimizer", "loss", "epochs", "batch_size", "target",
            "noise_std", "n_samples", "x_limit", "seed", "points"),
    presets=("quadratic-wide-adam", "quadratic-small-sgd"),
    default_preset="quadratic-wide-adam",
    limits={"noise_std": (0.0, 20.0), "x_limit": (1.0, 50.0), "n_samples": (10, 5000), "epochs": (1, 50_000)},
    choices={"loss": ("l1", "mse", "sse")},
)


ensure_entrypoint()
title_slot, intro_slot = st.empty(), st.empty()
own_data_ui(CONTROLS, "xy", st.container())  # before the controls read the points it chose
with st.sidebar:
    st.header(_("Settings"))
    config = config_ui(CONTROLS)
show_url_notices(CONTROLS)
title_slot.title(_("Quadratic regression") if config.data.target == "square" and config.data.points is None
                 else _("Regression"))
intro_slot.markdown(page_intro(config))

log_scale = st.toggle(_("Loss on a log scale"), key="quad.log_scale")
fit_column, loss_column = st.columns([3, 2])
fit_area, loss_area = Slot(fit_column), Slot(loss_column)
metric_slots = [Slot(column) for column in st.columns(4)]  # each metric updated in place while training


slow_views = Throttle()  # the metrics: at most once a second while training (the bar shows the loss)


def draw(frame: Frame) -> None:
    """Fill the fit, loss and metrics areas: while training, and once for the finished run."""
    snapshot = frame.snapshot
    fit = once(snapshot, "fit", lambda: arrow_bytes(fit_charts.fit_curve(grid, snapshot.grid_outputs))) \
        if snapshot is not None else page.no_fit
    charts.render(fit_area, fit_spec, points=page.points, truth=page.truth, fit=fit)
    diverged = frame.result is not None and frame.result.status == "diverged"
    spec = diverged_loss_spec if diverged else loss_spec  # a loss that blew up reads on a log scale only
    loss = once(frame.losses, "loss", lambda: arrow_bytes(charts.loss_frame(frame.losses)))
    charts.render(loss_area, spec, loss=loss, refs=page.references)
    if len(frame.losses) and (frame.done or slow_views()):
        final = float(frame.losses[-1])
        metric_slots[0].metric(_("Train loss"), number(final))
        metric_slots[1].metric(_("Against the noise floor"),
                               f"{signed(final - floor)} ({percent(final / floor - 1)})" if floor else page.no_floor)
        metric_slots[2].metric(_("Epochs"), f"{frame.epoch:,} / {frame.epochs:,}")
        metric_slots[3].metric(_("Time"), f"{frame.result.seconds:.1f} s" if frame.result else _("training…"))


class PageData:
    """What this page shows that depends on the config alone, derived once per config (ui/derived.py)."""

    def __init__(self, config) -> None:
        self.dataset = dataset = dataset_for(config)  # drawn as training will draw it: the data shows at once
        own = config.data.points is not None
        self.floor = floor = None if own else noise_floor(config, dataset)
        self.no_floor = _("unknown for your data") if own else _("no noise")
        self.inputs, self.targets = dataset.inputs.squeeze(1).numpy(), dataset.targets.squeeze(1).numpy()
        self.grid = grid = dataset.grid.squeeze(1).numpy()
        curve, self.formula = fit_charts.curve_of(config), None if own else curve_formula(config.data)
        self.points = fit_charts.fit_points(self.inputs, self.targets)
        self.truth = fit_charts.truth_curve(grid, curve, self.formula)
        self.no_fit = arrow_bytes(fit_charts.fit_curve(grid, None))
        self.references = arrow_bytes(charts.reference_frame(
            *(((floor, _("noise floor {floor:.3g}", floor=floor)),) if floor else ())))
        self.y_domain = fit_charts.fit_y_domain(grid, dataset.train_range, config.data.noise_std, config.n_points,
                                                curve=curve, data_y=self.targets if own else None)


page = per_config(config, "quadratic page", lambda: PageData(config))
dataset, floor, inputs, targets, grid = page.dataset, page.floor, page.inputs, page.targets, page.grid
fit_spec = fit_charts.fit_spec((float(grid.min()), float(grid.max())), page.y_domain, dataset.train_range,
                               title=None if page.formula else _("Your data and the network's fit"),
                               formula=page.formula)
loss_spec = charts.loss_spec(config.training.epochs, log_scale, height=420)
diverged_loss_spec = charts.loss_spec(config.training.epochs, True, height=420, title=_("Training loss (log scale)"),
                                      subtitle=_("it grew until it diverged"))
result = show_run(config, draw, key="quad")
compare_panel(CONTROLS, config, result, fit_compare.LESSON)  # pinned runs side by side (ui/compare.py)

if result is not None and len(result.losses):
    if st.toggle(_("Show what the network learned: the last hidden layer, unit by unit"), key="quad.show_units"):
        if config.model.depth == 0:
            st.info(_("With no hidden layer the network is one straight line: w·x + b."))
        else:
            st.markdown(_("The fit is the **sum of these curves** plus the output bias. {shape}",
                          shape=_(UNIT_SHAPES[config.model.activation])))
            charts.render(st, once(result, "units", lambda: charts.finish_spec(fit_charts.units_chart(
                grid, last_hidden_contributions(result.model, result.dataset.grid).numpy(), dataset.train_range))))
    if st.toggle(_("Seed sweep: the same settings from many seeds, all at once"), key="quad.show_sweep"):
        st.markdown(_("Every seed draws its own data and initial weights. Where the band is wide, the fit "
                      "depends on luck; outside the data it is widest. (The dots are this run's data.)"))
        n_seeds = st.slider(_("Seeds"), 5, 50, 10, step=5, key="quad.sweep_seeds")
        regression_panel(config, inputs, targets, dataset.train_range, n_seeds)
    export_panel(result, "quadratic_" + "-".join(map(str, (1, *config.model.hidden_widths, 1))))
