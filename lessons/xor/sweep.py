"""The XOR lesson's seed sweep: the success rate, the final losses and every loss curve of 100
seeds, and any seed opened as a normal run."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mlp_core import Config, SweepResult
from mlp_core.diagnosis import summary
from mlp_core.i18n import _
from ui.controls import PageControls
from ui.numbers import number
from ui.sweeps import _time_metric, cached_sweep, final_loss_histogram, loss_curves_chart


def classification_panel(config: Config, controls: PageControls, n_seeds: int = 100) -> None:
    """XOR & co: success rate, final losses, loss curves, and 'open seed N' as a normal run."""
    seeds = tuple(range(n_seeds))
    result = cached_sweep(config, seeds)
    if result is None:
        return
    solved = int(result.solved.sum())
    columns = st.columns(3)
    columns[0].metric(_("Seeds that solve it"), f"{solved} / {n_seeds}",
                      help=_("Accuracy 1.0 on the training points."))
    columns[1].metric(_("Median final loss"), number(float(np.nanmedian(result.final_loss)), 3))
    _time_metric(columns[2], result)
    st.caption(_("The seeds by verdict: {verdicts} (the same verdicts as a single run's).",
                 verdicts=summary(result.verdicts())))
    left, right = st.columns(2)
    left.altair_chart(final_loss_histogram(result, title=_("Final loss of {n} seeds", n=n_seeds)), width="stretch")
    right.altair_chart(loss_curves_chart(result), width="stretch")
    _open_seed_picker(result, controls)


def _open_seed_picker(result: SweepResult, controls: PageControls) -> None:
    labels = {int(seed): _("seed {seed}: solved, final loss {loss:.3g}", seed=seed, loss=loss) if ok else
              _("seed {seed}: NOT solved, final loss {loss:.3g}", seed=seed, loss=loss)
              for seed, ok, loss in zip(result.seeds, result.solved, result.final_loss)}
    failing = [seed for seed, ok in zip(result.seeds, result.solved) if not ok]
    default = int(failing[0]) if failing else int(result.seeds[0])
    picker, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = picker.selectbox(_("Open one seed as a normal run"), list(labels), index=list(labels).index(default),
                              format_func=labels.get, key=controls.key("sweep_seed"))
    button.button(_("Open this seed"), key=controls.key("open_seed"), width="stretch",
                  on_click=_set_seed, args=(controls, chosen))


def _set_seed(controls: PageControls, seed: int) -> None:
    st.session_state[controls.key("seed")] = int(seed)
