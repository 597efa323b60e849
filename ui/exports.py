"""The export panel every training page offers: the plain script, the losses, the weights."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import streamlit as st
import torch

from mlp_core import RunResult, export_script
from mlp_core.i18n import _

from .derived import once


def export_panel(result: RunResult, name: str) -> None:
    """A collapsed panel with the lecture-style script (shown and downloadable), the loss history
    as CSV and the trained weights as a .pt file (the config stored beside the state dict)."""
    script, losses_csv, weights = once(result, "exports", lambda: _files(result))
    with st.expander(_("Export: the plain PyTorch script, the loss history, the trained weights")):
        columns = st.columns(3)
        columns[0].download_button(_("Script (.py)"), script, f"{name}.py", "text/x-python", width="stretch")
        columns[1].download_button(_("Loss history (.csv)"), losses_csv, f"{name}_losses.csv", "text/csv",
                                   width="stretch")
        columns[2].download_button(_("Trained weights (.pt)"), weights, f"{name}_weights.pt",
                                   "application/octet-stream", width="stretch")
        st.caption(_("Running the script prints the same losses as this page, every 100 epochs."))
        st.code(script, language="python")


def _files(result: RunResult) -> tuple[str, str, bytes]:
    """The three downloads of a run, made once per run (ui/derived.py) whoever opens the page."""
    config = result.config
    losses = pd.DataFrame({"epoch": np.arange(len(result.losses)), "loss": result.losses})
    weights = io.BytesIO()
    flat = config.to_flat()
    if flat["points"] is not None:  # plain lists: a .pt file loads with torch.load(weights_only=True)
        flat["points"] = {"kind": flat["points"].kind, "rows": [list(row) for row in flat["points"].rows]}
    torch.save({"config": flat, "state_dict": result.model.state_dict()}, weights)
    return export_script(config), losses.to_csv(index=False), weights.getvalue()
