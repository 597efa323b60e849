"""What the lecture's script prints for a run: every 100th loss, then the hypothesis, the predicted
class and the accuracy (or the final loss, or E7's fitted line). `export_script` prints the same text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from .export import PRINT_EVERY, _is_lecture_linear_regression
from .model import make_loss

if TYPE_CHECKING:
    from .trainer import RunResult

THRESHOLD = 0.5  # output > 0.5 is class 1, as the lecture's `(hypothesis > 0.5).float()`
MAX_POINTS_SHOWN = 16  # the exported script prints hypothesis and prediction only for this few


@dataclass(frozen=True, eq=False)
class Printout:
    """What the lecture's script prints for a run, as numbers and as text.

    `losses` is exactly `result.losses[::every]`, at `steps`. After training: for classification
    the hypothesis (output per input), predicted class (output > 0.5, as 0.0 / 1.0) and accuracy;
    for regression the final loss (and w, b for the linear-regression-from-scratch script). A
    diverged run has only the finite losses and nothing after them.
    """

    steps: np.ndarray
    losses: np.ndarray
    targets: np.ndarray
    hypothesis: np.ndarray | None = None
    predicted: np.ndarray | None = None
    accuracy: float | None = None
    final_loss: float | None = None  # regression: criterion(model(X), Y) after training
    line_fit: tuple[float, float] | None = None  # E7: the fitted (w, b)
    show_points: bool = True  # whether hypothesis and predicted are printed (≤ 16 points)

    def lines(self) -> list[str]:
        """The printed lines, formatted as Python's print formats them (floats in repr)."""
        lines = [f"{step} {float(loss)!r}" for step, loss in zip(self.steps, self.losses)]
        if self.line_fit is not None:
            return lines + [f"w = {self.line_fit[0]!r} b = {self.line_fit[1]!r}"]
        if self.final_loss is not None:
            return lines + [f"Final loss: {self.final_loss!r}"]
        if self.accuracy is None:
            return lines  # diverged: the script would go on printing nan
        if self.show_points:
            lines += ["", f"Hypothesis: {[float(v) for v in self.hypothesis]}",
                      f"Predicted: {[float(v) for v in self.predicted]}"]
        return lines + [f"Accuracy: {self.accuracy!r}"]

    def text(self) -> str:
        """The whole printout, one line per print() call, ending with a newline."""
        return "\n".join(self.lines()) + "\n"


def lecture_printout(result: RunResult, every: int = PRINT_EVERY) -> Printout:
    """The numbers the lecture's script prints for this run (`export_script` prints the same text)."""
    losses = np.asarray(result.losses)[::every]
    targets = result.dataset.targets.squeeze(1).numpy().astype(np.float64)
    printout = Printout(np.arange(0, len(result.losses), every), losses, targets)
    if result.status != "finished":
        return printout
    config = result.config
    if config.data.task == "classification":
        hypothesis = result.hypothesis()
        return Printout(printout.steps, losses, targets, hypothesis, (hypothesis > THRESHOLD).astype(np.float32),
                        result.accuracy, show_points=len(targets) <= MAX_POINTS_SHOWN)
    if _is_lecture_linear_regression(config):
        W, b = (p.detach() for p in result.model.parameters())
        return Printout(printout.steps, losses, targets, line_fit=(W.item(), b.item()))
    with torch.no_grad():
        final = make_loss(config.training)(result.model(result.dataset.inputs), result.dataset.targets).item()
    return Printout(printout.steps, losses, targets, final_loss=final)


def live_printout(losses: np.ndarray, every: int = PRINT_EVERY) -> str:
    """The lecture's loss lines printed so far ("step loss", every 100 steps)."""
    return "".join(f"{step} {float(loss)!r}\n" for step, loss in zip(range(0, len(losses), every), losses[::every]))
