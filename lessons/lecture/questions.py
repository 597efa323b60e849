"""The class poll's questions: one per lecture step where predicting first teaches something.

Each question is asked before the step's run or value is shown, and its right answer is what the
app itself then shows: tests/test_questions.py computes every answer from the app's own runs
(mlp_core.run of the preset) and values (mlp_core.circuits), so a question can never claim a wrong
one. Texts are English, marked for the catalogs (locale/ko/LC_MESSAGES/poll.po).
"""

from __future__ import annotations

from types import MappingProxyType

from mlp_core.i18n import N_
from mlp_core.rooms import Question

_QUESTIONS = (
    Question(
        id="e3-xor",
        prompt=N_("Can a single-layer perceptron learn XOR?"),
        choices=(N_("Yes, given enough training steps"),
                 N_("No: no straight line separates XOR's two classes")),
        answer=1,
        explanation=N_("One layer draws one straight line, and XOR's corners (0,1) and (1,0) sit on opposite "
                       "sides of any line through the other two: its accuracy stays at or below 0.75 and its "
                       "loss near ln 2 ≈ 0.69."),
    ),
    Question(
        id="e1-mlp",
        prompt=N_("Where will the 2-2-1 net's loss sit for the first 2,000 steps?"),
        choices=(N_("Falling steadily toward 0"),
                 N_("On a plateau near ln 2 ≈ 0.69"),
                 N_("Above 1, before it comes down")),
        answer=1,
        explanation=N_("Its loss sits near ln 2 ≈ 0.69, the loss of answering 0.5 to every input, until about "
                       "step 2,000, then falls below 0.05 within 500 more steps."),
    ),
    Question(
        id="e2-deep",
        prompt=N_("Will the deep 2-10-10-10-1 net solve XOR faster than the 2-2-1 net?"),
        choices=(N_("Yes: more layers learn faster"),
                 N_("No: its loss stays near ln 2 even longer before it falls"),
                 N_("It never leaves ln 2")),
        answer=1,
        explanation=N_("Its loss stays within 0.01 of ln 2 for the first 4,000 steps and only falls below 0.6 "
                       "after step 5,000, later than the 2-2-1 net, and then solves XOR."),
    ),
    Question(
        id="e4-graph",
        prompt=N_("At x = −2, y = 5, z = −4, which gradient of f = (x + y)·z is larger in size, ∂f/∂x or ∂f/∂z?"),
        choices=("∂f/∂x", "∂f/∂z", N_("They are the same size")),
        answer=0,
        explanation=N_("∂f/∂x = z = −4 and ∂f/∂z = x + y = 3: a nudge to x moves f more than the same nudge "
                       "to z, in the opposite direction."),
    ),
    Question(
        id="e10-activations",
        prompt=N_("Take the activation functions out of the small net (identity between its layers): "
                  "what can it fit of y = x² + 3?"),
        choices=(N_("Only a straight line"),
                 N_("The parabola, given enough training"),
                 N_("A curve with kinks, like ReLU")),
        answer=0,
        explanation=N_("A stack of linear layers is one linear map: whatever the training, its fit is a "
                       "straight line."),
    ),
    Question(
        id="e9-wide",
        prompt=N_("Outside the data, will the ReLU fit keep rising like x²?"),
        choices=(N_("Yes, it keeps following x²"),
                 N_("No, it goes on as a straight line"),
                 N_("No, it falls back to 0")),
        answer=1,
        explanation=N_("A ReLU net is piecewise linear: beyond its last kink it continues as a straight line, "
                       "so at x = ±40 it is about half of x²."),
    ),
)

QUESTIONS: MappingProxyType[str, Question] = MappingProxyType({q.id: q for q in _QUESTIONS})
