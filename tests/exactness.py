"""One comparison of loss histories for every exactness test: a failure names the epoch."""

from __future__ import annotations

import numpy as np
import torch


def assert_same_losses(ours, theirs, rtol: float = 1e-6, epochs=None, against: str = "the plain loop") -> None:
    """Equal to float32 rounding (rtol). A failure names the first epoch past it and the first
    epoch that differs at all, where the two runs' arithmetic parted. `epochs` labels the entries
    when they are not every epoch from 0 (a printout every 100)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert len(ours) == len(theirs), f"{len(ours)} losses against {against}'s {len(theirs)}"
    labels = np.arange(len(ours)) if epochs is None else np.asarray(epochs)
    apart = np.flatnonzero(~(np.abs(ours - theirs) <= rtol * np.abs(theirs)))  # NaN counts as apart
    if len(apart):
        first, differs = int(apart[0]), int(np.flatnonzero(ours != theirs)[0])
        raise AssertionError(
            f"{len(apart)} of {len(ours)} losses differ by more than {rtol:g} relative; the first at epoch "
            f"{labels[first]}: {ours[first]!r} against {against}'s {theirs[first]!r}. They first differ at "
            f"all at epoch {labels[differs]}: {ours[differs]!r} against {theirs[differs]!r} "
            f"(CPU capability {torch.backends.cpu.get_cpu_capability()}).")
