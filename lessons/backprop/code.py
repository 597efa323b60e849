"""The matching PyTorch under each section, with the page's current numbers: running a script
prints what the page shows. Plain torch only, so it runs outside the app."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from lessons.backprop.analysis import E7
from mlp_core.data import NINE_X, NINE_Y
from mlp_core.i18n import _


def pytorch_code_ui(code: str) -> None:
    """The section's plain PyTorch, collapsed: running it prints the numbers on the page."""
    with st.expander(_("PyTorch code for this section"), icon=":material/code:"):
        st.code(code, language="python")


# ---------------------------------------------------------------------------------------------
# The matching PyTorch, with the page's current numbers: running it prints what the page shows.
# Its comments are in the reader's language (the lecture's own scripts are commented in Korean);
# the code and what it prints stay the same in every language.

def _py(value: float) -> str:
    return repr(float(value))


def code_e4(x: float, y: float, z: float) -> str:
    return f'''import torch

x = torch.tensor({_py(x)}, requires_grad=True)
y = torch.tensor({_py(y)}, requires_grad=True)
z = torch.tensor({_py(z)}, requires_grad=True)

q = x + y          # {_("forward pass, node by node")}
f = q * z
f.backward()       # {_("backward pass: fills .grad of every leaf with df/dleaf")}

print("f =", f.item())
print("df/dx =", x.grad.item(), " df/dy =", y.grad.item(), " df/dz =", z.grad.item())
'''


def code_e5(w: Sequence[float], x: Sequence[float]) -> str:
    return f'''import torch

w = torch.tensor([{", ".join(_py(v) for v in w)}], requires_grad=True)
x = torch.tensor([{", ".join(_py(v) for v in x)}], requires_grad=True)

# {_("The expanded circuit: multiply, add, *(-1), exp, +1, 1/x")}
f = 1 / (1 + torch.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))
f.backward()
print("f =", f.item())
print("expanded: w.grad =", w.grad.tolist(), " x.grad =", x.grad.tolist())

# {_("The same neuron with one sigmoid gate, whose local gradient is sigmoid * (1 - sigmoid)")}
w.grad, x.grad = None, None
f = torch.sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])
f.backward()
print("sigmoid gate: w.grad =", w.grad.tolist(), " x.grad =", x.grad.tolist())
'''


def code_activations(slope: float) -> str:
    return f'''import torch
import torch.nn.functional as F

x = torch.linspace(-4, 4, 161, requires_grad=True)
activations = {{
    "sigmoid": torch.sigmoid,                        # 1 / (1 + e^-x)
    "tanh": torch.tanh,
    "relu": torch.relu,                              # max(0, x)
    "leaky_relu": lambda t: F.leaky_relu(t, {_py(slope)}),
    "softplus": F.softplus,                          # log(1 + e^x)
    "gelu": F.gelu,                                  # x·Φ(x)
    "silu": F.silu,                                  # x·σ(x)
}}
for name, activation in activations.items():
    y = activation(x)
    (dy_dx,) = torch.autograd.grad(y.sum(), x)       # {_("y[i] depends on x[i] only")}
    print(f"{{name:>10}}: f(1) = {{y[100].item():.4f}}, f'(1) = {{dy_dx[100].item():.4f}}")

# {_("Without activations, two linear layers are one: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)")}
'''


def code_e6(w1: float, b1: float, w2: float, b2: float, w3: float, b3: float, x: float,
            target: float) -> str:
    weights = "\n".join(f"{k} = torch.tensor({_py(v)}, requires_grad=True)"
                        for k, v in zip(("w1", "b1", "w2", "b2", "w3", "b3"), (w1, b1, w2, b2, w3, b3)))
    return f'''import torch

{weights}
x, target = torch.tensor({_py(x)}), torch.tensor({_py(target)})

H1 = torch.sigmoid(w1 * x + b1)
H2_in = w2 * H1 + b2
y_hat = w3 * torch.sigmoid(H2_in) + b3
loss = (y_hat - target) ** 2
loss.backward()

# {_("The chain rule, factor by factor")}
s = torch.sigmoid(H2_in)
by_hand = 2 * (y_hat - target) * w3 * s * (1 - s) * H1
print("dloss/dw2 by autograd:", w2.grad.item(), " by hand:", by_hand.item())
'''


def code_e7(learning_rate: float, steps: int) -> str:
    return f'''import torch

torch.manual_seed({E7.seed})
x_data = torch.tensor({list(NINE_X)})
y_data = torch.tensor({list(NINE_Y)})

# {_("The lecture's Variable(torch.randn(1), requires_grad=True), in today's API")}
w = torch.randn(1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
lr = {learning_rate:g}
steps = {steps}                                   # {_("the page's step counter")}

for step in range(steps):
    hypothesis = x_data * w + b
    loss = ((hypothesis - y_data) ** 2).sum()     # {_("sum of squared errors")}
    loss.backward()                               # {_("fills w.grad and b.grad")}
    with torch.no_grad():                         # {_("the update, by hand")}
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()                                # {_(".grad accumulates: reset it")}
    b.grad.zero_()

loss = ((x_data * w + b - y_data) ** 2).sum()
print("after", steps, "steps: w =", w.item(), " b =", b.item(), " loss =", loss.item())
'''
