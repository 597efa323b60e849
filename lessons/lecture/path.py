"""The lecture's order as steps: what each one shows, says and asks the class to look at.

Pure data (no Streamlit): ui/lecture.py draws the lecture bar from it and moves between steps;
the poll (lessons/lecture/questions.py, the "poll" branch) keys its questions by these ids.
Every text is an English message marked for the catalogs (`N_`), shown with `_()` in the reader's
language. The narration says what the app's own runs do (tests/test_lecture.py trains nothing,
but every number here was read from the preset's run: E3's XOR loss stays at ln 2 ≈ 0.6931 with
accuracy 0.5; E1's 2-2-1 sits at ln 2 until about step 2,000, E2's deep net until about 5,000;
E8's small net ends near an L1 loss of 18, E9's wide net near 3.7, about its noise floor).

- `page`: the url path of the page (streamlit_app.py's PAGES keys).
- `preset`: the preset the page's controls are set to (mlp_core/presets.py), or None for the
  backprop walkthrough, whose sections have their own inputs (reset to the lecture's values).
- `section`: the walkthrough's section the step scrolls to (an anchor of
  pages/backprop_walkthrough.py's headers), or None.
- `controls`: the config fields shown above the charts in presenter view (the rest stay in the
  collapsed sidebar): the one or two a lecturer changes at that step.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlp_core.i18n import N_
from mlp_core.presets import PRESETS

XOR_PAGE, BACKPROP_PAGE, QUADRATIC_PAGE = "perceptron_xor", "backprop_walkthrough", "quadratic_regression"
SECTIONS = ("e4", "e5", "e10", "e6", "e7")  # the walkthrough's section anchors, in page order


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    narration: str
    page: str
    preset: str | None
    look_at: str
    section: str | None = None
    controls: tuple[str, ...] = ()


STEPS: tuple[Step, ...] = (
    Step("e3-gates", N_("A single-layer perceptron learns AND and OR"),
         N_("One linear unit with a sigmoid draws one straight line through the input plane. For AND and OR "
            "one line is enough: the loss falls towards zero and the accuracy reaches 1.00. Switch the gate "
            "between AND and OR to see the line move."),
         XOR_PAGE, "perceptron-and",
         N_("The decision boundary: one straight line with the 1s on one side and the 0s on the other."),
         controls=("gate",)),
    Step("e3-xor", N_("The same perceptron on XOR fails"),
         N_("XOR puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other, and no straight line "
            "separates them. The loss stays at ln 2 ≈ 0.693, the loss of answering 0.5 everywhere, and the "
            "accuracy stays at 0.50 for all 10,001 steps."),
         XOR_PAGE, "perceptron-xor",
         N_("The loss curve flat at the dashed ln 2 line, and the accuracy that never passes 0.75."),
         controls=("gate",)),
    Step("e1-mlp", N_("An MLP 2-2-1 solves XOR"),
         N_("One hidden layer of two sigmoid units, trained by backpropagation. The loss sits at ln 2 for "
            "about the first 2,000 steps, then drops, and the accuracy reaches 1.00. In the hidden space "
            "the four points have moved so that one straight line separates them."),
         XOR_PAGE, "xor-2-2-1",
         N_("The plateau and the drop in the loss curve, then the hidden space: the line that was "
            "impossible in the input plane."),
         controls=("seed",)),
    Step("e2-deep", N_("The deep net 2-10-10-10-1 and its ln 2 plateau"),
         N_("Three hidden layers of ten sigmoid units. Deeper is not faster here: the loss sits on the "
            "ln 2 plateau for about 5,000 steps, while the gradients shrink through every sigmoid layer, "
            "and only then falls."),
         XOR_PAGE, "xor-2-10-10-10-1",
         N_("How long the loss curve stays on the dashed ln 2 line before it falls."),
         controls=("hidden_widths",)),
    Step("e4-graph", N_("The computational graph of f = (x + y)·z"),
         N_("With x = −2, y = 5, z = −4 the forward pass gives q = x + y = 3 and f = q·z = −12. Backward, "
            "each node multiplies the gradient from above by its local derivative: ∂f/∂z = q = 3, "
            "∂f/∂x = ∂f/∂y = z = −4."),
         BACKPROP_PAGE, None,
         N_("Step through the graph: the forward values first, then the gradients flowing back."),
         section="e4"),
    Step("e5-neuron", N_("A sigmoid neuron, gate by gate"),
         N_("The neuron 1 / (1 + exp(−(w0·x0 + w1·x1 + w2))) as a circuit of small gates, with the output "
            "0.73. The same gradients come out of one sigmoid gate, whose local derivative is σ(1 − σ) ≈ 0.20."),
         BACKPROP_PAGE, None,
         N_("The gradients on the weights: w0 −0.20, w1 −0.39, w2 0.20."),
         section="e5"),
    Step("e6-chain", N_("The chain rule for one weight"),
         N_("For one weight of a real network, ∂L/∂w2 is a product of four factors: ∂L/∂ŷ, w3, σ′(H2_in) and "
            "σ(w1·x + b1). The product equals what torch.autograd computes."),
         BACKPROP_PAGE, None,
         N_("Each factor with its number, and the product checked against autograd and a finite difference."),
         section="e6"),
    Step("e7-linear", N_("Linear regression by hand"),
         N_("The nine points of the lecture and a line y = w·x + b from a random start. Each step is "
            "backward, then w and b moved against their gradients by hand; too large a learning rate "
            "makes the loss grow instead."),
         BACKPROP_PAGE, None,
         N_("The line turning towards the points, and the loss after each step."),
         section="e7"),
    Step("e10-activations", N_("Activation functions"),
         N_("Sigmoid, tanh and ReLU with their derivatives. Without an activation, stacked linear layers "
            "collapse into one linear map. σ′ is at most 0.25, so every sigmoid layer shrinks the gradient: "
            "the deep net's plateau."),
         BACKPROP_PAGE, None,
         N_("The derivative curves: the sigmoid's peak of 0.25 against ReLU's slope of 1."),
         section="e10"),
    Step("e8-small", N_("Quadratic regression with a small net"),
         N_("y = x² + 3 + noise from 1,000 points, fitted by a 1-2-3-4-1 ReLU net with plain SGD. After "
            "10,000 epochs the L1 loss is still near 18, far above the noise: a few ReLU pieces and a small "
            "learning rate are not enough for the parabola."),
         QUADRATIC_PAGE, "quadratic-small-sgd",
         N_("The fit against the dashed true curve, and the loss far above the noise floor."),
         controls=("hidden_widths", "optimizer")),
    Step("e9-wide", N_("The wide net with Adam, and its kinks"),
         N_("A 1-100-10-6-1 ReLU net trained with Adam follows the parabola: its L1 loss ends near 3.7, "
            "about the noise floor, so what is left is the noise itself. The fit is made of straight pieces, "
            "the ReLU kinks, and outside the data it goes on straight instead of rising like x²."),
         QUADRATIC_PAGE, "quadratic-wide-adam",
         N_("The kinks in the fit, and the shaded region outside the data where it guesses."),
         controls=("activation", "optimizer")),
)

BY_ID = {step.id: step for step in STEPS}
assert len(BY_ID) == len(STEPS) and all(s.preset is None or s.preset in PRESETS for s in STEPS)
assert all((s.section is None) == (s.page != BACKPROP_PAGE) for s in STEPS)


def index_of(step_id: str) -> int | None:
    """The step's position on the path, or None for an id that is not a step."""
    step = BY_ID.get(step_id)
    return None if step is None else STEPS.index(step)
