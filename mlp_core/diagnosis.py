"""What a finished run did, in words a student understands, and the hint that fixes it.

A run ended does not mean a run worked. `diagnose(result)` gives one verdict:

- "diverged": the loss became NaN or infinite (the learning rate overshoots);
- "solved": it reached the config's goal — every training point classified correctly, or a fit
  within 10% of the best achievable loss (the noise floor; `mlp_core.sweeps` uses the same bar);
- "plateau": a classifier still at ln 2, answering 0.5 everywhere (XOR's saddle; for a perceptron on
  XOR, the best a line can do);
- "still falling": the loss was still going down at the last epoch: more epochs would help;
- "stuck": the loss stopped improving far from the goal — dead ReLU units, a learning rate that
  saturates the units, or a network too small for the data; a fit no better than predicting the
  mean of y has learned nothing.

Only a solved run gets the page's green tick. Sweeps read the same verdicts per seed from their
losses (`verdicts`), without the models.

The verdicts are codes, the same in every language; what a reader reads is in the language current
when it is made (mlp_core/i18n.py): a diagnosis's headline and hint, `verdict_label(verdict)` (the
verdict as a word: "Still falling") and `summary` of a sweep's verdicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import torch
from torch import nn

from .i18n import N_, _

if TYPE_CHECKING:
    from .trainer import RunResult

LN2 = math.log(2)
PLATEAU = 0.01  # a BCE loss within this of ln 2 is the plateau
TAIL = 0.1  # the share of the run, at its end, whose progress tells "still falling" from "stuck"
STILL_FALLING = 0.01  # the loss fell by more than this share of itself over that tail
NOTHING_LEARNED = 0.9  # a fit whose loss is ≥ 90% of predicting the mean of y has learned nothing
VERDICTS = ("solved", "diverged", "plateau", "still falling", "stuck")
LABELS = {"solved": N_("Solved"), "diverged": N_("Diverged"), "plateau": N_("Plateau"),
          "still falling": N_("Still falling"), "stuck": N_("Stuck")}
COUNTS = {"diverged": N_("{count} diverged"), "plateau": N_("{count} plateau"),  # a sweep's seeds by verdict
          "still falling": N_("{count} still falling"), "stuck": N_("{count} stuck")}


@dataclass(frozen=True)
class Diagnosis:
    verdict: str  # one of VERDICTS (a code: `verdict_label` is the word a reader reads)
    headline: str  # what happened, one sentence (in the language current when diagnosed)
    hint: str  # what to change ("" when solved)
    floor: float | None = None  # regression: the best achievable loss on this data
    dead_units: int | None = None  # ReLU units that output 0 for every training point
    hidden_units: int | None = None

    @property
    def solved(self) -> bool:
        return self.verdict == "solved"

    @property
    def label(self) -> str:
        """The verdict as a word, in the reader's language: "Still falling"."""
        return verdict_label(self.verdict)


def verdict_label(verdict: str) -> str:
    """A verdict code as the word a reader reads, capitalised, in the current language:
    "still falling" -> "Still falling" (Korean: "아직 감소 중")."""
    return _(LABELS[verdict])


def still_falling(losses: np.ndarray, share: float = STILL_FALLING) -> bool:
    """Whether the loss fell by more than `share` of itself over the last TAIL of the run."""
    losses = np.asarray(losses, dtype=float)
    if len(losses) < 10:
        return True  # a handful of epochs says nothing about a trend: more would help
    start = losses[-max(2, int(len(losses) * TAIL))]
    return bool(start - losses[-1] > share * abs(start))


def verdict_of(losses: np.ndarray, *, classification: bool, accuracy: float | None = None,
               bar: float | None = None) -> str:
    """The verdict from the numbers alone (one run or one seed of a sweep)."""
    losses = np.asarray(losses, dtype=float)
    if not len(losses) or not np.all(np.isfinite(losses)):
        return "diverged"
    final = losses[-1]
    if classification:
        if accuracy == 1.0:
            return "solved"
        if abs(final - LN2) < PLATEAU:
            return "plateau"
    elif final <= bar:
        return "solved"
    return "still falling" if still_falling(losses) else "stuck"


def verdicts(losses: np.ndarray, accuracy: np.ndarray | None, bars: np.ndarray | None) -> list[str]:
    """One verdict per seed of a sweep: `losses` (seeds, epochs), NaN from a divergence on."""
    rows = []
    for row, seed_losses in enumerate(losses):
        finite = seed_losses[np.isfinite(seed_losses)]
        if len(finite) < len(seed_losses):
            rows.append("diverged")
            continue
        rows.append(verdict_of(finite, classification=accuracy is not None,
                               accuracy=None if accuracy is None else float(accuracy[row]),
                               bar=None if bars is None else float(bars[row])))
    return rows


def dead_units(model: nn.Module, inputs: torch.Tensor) -> tuple[int, int] | None:
    """(dead, all) hidden ReLU units: those whose output is 0 for every training input; None if the
    network has no ReLU layer. A dead unit gets no gradient, so it never comes back."""
    layers = list(model)
    dead = total = 0
    with torch.no_grad():
        value = inputs
        for layer in layers[:-1]:
            value = layer(value)
            if isinstance(layer, nn.ReLU):
                dead += int((value <= 0).all(0).sum())
                total += value.shape[1]
    return (dead, total) if total else None


def diagnose(result: RunResult) -> Diagnosis:
    """The verdict of a finished (or diverged) run, its headline and its hint."""
    config = result.config
    lr = config.training.learning_rate
    if result.status == "diverged":
        return Diagnosis("diverged",
                         _("Training diverged at epoch {epoch:,}: the loss became NaN or infinite.",
                           epoch=result.diverged_at),
                         _("The learning rate {lr:g} makes the updates overshoot — try {smaller:g}.",
                           lr=lr, smaller=lr / 10))
    if result.dataset.task == "classification":
        return _classification(result)
    return _regression(result)


def _classification(result: RunResult) -> Diagnosis:
    config = result.config
    verdict = verdict_of(result.losses, classification=True, accuracy=result.accuracy)
    accuracy, final = result.accuracy, result.final_loss
    if verdict == "solved":
        return Diagnosis(verdict, _("Solved: every training point is classified correctly."), "")
    if verdict == "plateau":
        if config.model.depth == 0 and config.data.gate == "xor" and config.data.points is None:
            return Diagnosis(verdict, _("On the ln 2 plateau (accuracy {accuracy:.2f}): no straight line separates "
                                        "XOR, so the perceptron answers 0.5 everywhere.", accuracy=accuracy),
                             _("Add a hidden layer (depth ≥ 1)."))
        return Diagnosis(verdict, _("Still on the ln 2 plateau (loss {loss:.4f}, accuracy {accuracy:.2f}): the "
                                    "network answers about 0.5 everywhere.", loss=final, accuracy=accuracy),
                         _("Train longer, or try another seed."))
    return _not_there(result, verdict, _("accuracy {accuracy:.2f}, loss {loss:.4g}", accuracy=accuracy, loss=final))


def _regression(result: RunResult) -> Diagnosis:
    from .sweeps import floor_and_bar  # the sweeps' own bar, so a run and a seed are judged alike

    floors, bars, flats = floor_and_bar(result.config, [result.dataset])
    floor, bar, flat = float(floors[0]), float(bars[0]), float(flats[0])
    final = result.final_loss
    verdict = verdict_of(result.losses, classification=False, bar=bar)
    if verdict == "solved":
        if floor <= 0:
            headline = _("Fitted: the loss {loss:.4g} is under 0.1% of predicting the mean of y ({flat:.4g}).",
                         loss=final, flat=flat)
        elif result.config.data.dataset == "quadratic" and result.config.data.points is None:
            headline = _("Fitted: the loss {loss:.4g} is within 10% of the noise floor {floor:.4g}, the loss of "
                         "x² + 3 itself.", loss=final, floor=floor) if result.config.data.target == "square" else \
                _("Fitted: the loss {loss:.4g} is within 10% of the noise floor {floor:.4g}, the loss of the "
                  "true curve itself.", loss=final, floor=floor)
        else:
            headline = _("Fitted: the loss {loss:.4g} is within 10% of the best straight line's {floor:.4g}.",
                         loss=final, floor=floor)
        return Diagnosis(verdict, headline, "", floor)
    if verdict == "stuck" and final >= NOTHING_LEARNED * flat:
        return _not_there(result, verdict, _("loss {loss:.4g}, no better than predicting the mean of y ({flat:.4g}); "
                                             "the best possible is {floor:.4g}", loss=final, flat=flat, floor=floor),
                          floor, nothing=True)
    return _not_there(result, verdict, _("loss {loss:.4g}, the best possible {floor:.4g}", loss=final, floor=floor),
                      floor)


def _not_there(result: RunResult, verdict: str, numbers: str, floor: float | None = None,
               nothing: bool = False) -> Diagnosis:
    """"Still falling" or "stuck", with the most likely reason as the hint."""
    config = result.config
    units = dead_units(result.model, result.dataset.inputs) if config.model.activation == "relu" else None
    dead, total = units if units else (None, None)
    if verdict == "still falling":
        return Diagnosis(verdict, _("Still learning when training stopped ({numbers}).", numbers=numbers),
                         _("Train longer (more epochs), or raise the learning rate."), floor, dead, total)
    if nothing:
        headline = _("Learned nothing ({numbers}).", numbers=numbers)
    else:
        headline = _("Stuck: the loss stopped improving ({numbers}).", numbers=numbers)
    if dead:
        hint = _("{dead} of {total} ReLU units never activate (dead units get no gradient): lower the learning "
                 "rate, try another seed, or use leaky ReLU.", dead=dead, total=total)
    elif config.training.learning_rate >= 1 and config.data.task == "regression" or nothing:
        hint = _("Lower the learning rate (now {lr:g}), or try another seed.", lr=config.training.learning_rate)
    else:
        hint = _("Make the network wider or deeper, change the learning rate, or try another seed.")
    return Diagnosis("stuck", headline, hint, floor, dead, total)


def summary(verdict_list: Sequence[str]) -> str:
    """"7 / 10 solved · 3 stuck": the seeds of a sweep by verdict, solved first (in the current language)."""
    counts = {v: sum(1 for x in verdict_list if x == v) for v in VERDICTS}
    parts = [_("{solved} / {total} solved", solved=counts["solved"], total=len(verdict_list))]
    parts += [_(COUNTS[v], count=counts[v]) for v in VERDICTS[1:] if counts[v]]
    return " · ".join(parts)
