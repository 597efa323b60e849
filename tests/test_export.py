"""Exported scripts are standalone and print the app's own losses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exactness import assert_same_losses
from mlp_core import PRESETS, export_script, run


def printed_losses(script: str) -> dict[int, float]:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    losses = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            losses[int(parts[0])] = float(parts[1])
    return losses


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_exported_preset_prints_the_core_losses(preset_runs, name):
    script = export_script(PRESETS[name])
    assert "mlp_core" not in script and "import torch" in script
    printed = printed_losses(script)
    losses = preset_runs(name).losses
    assert sorted(printed) == list(range(0, len(losses), 100))
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the exported script")


@pytest.mark.parametrize("changes", [
    {"noise_std": 0.2, "n_samples": 40, "epochs": 201, "hidden_widths": (3,), "activation": "tanh"},
    {"optimizer": "momentum", "learning_rate": 0.1, "epochs": 201, "init": "randn", "gate": "or"},
    {"batch_size": 2, "epochs": 201, "optimizer": "adam", "learning_rate": 0.05},
    {"activation": "gelu", "optimizer": "rmsprop", "learning_rate": 0.01, "epochs": 201, "hidden_widths": (4,)},
    {"activation": "softplus", "hidden_widths": (3, 3), "epochs": 201},
    {"activation": "silu", "noise_std": 0.1, "n_samples": 20, "batch_size": 6, "epochs": 201, "optimizer": "rmsprop",
     "learning_rate": 0.005},
])
def test_exported_custom_configs_print_the_core_losses(changes):
    config = PRESETS["xor-2-2-1"].replace(**changes)
    printed = printed_losses(export_script(config))
    losses = run(config).losses
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the exported script")


def test_e1_script_reads_like_the_lecture():
    script = export_script(PRESETS["xor-2-2-1"])
    for line in ["torch.manual_seed(777)", "nn.Linear(2, 2),", "nn.Sigmoid(),", "criterion = nn.BCELoss()",
                 "torch.optim.SGD(model.parameters(), lr=1)", "for step in range(10001):",
                 "optimizer.zero_grad()", "print(step, cost.item())", "Accuracy"]:
        assert line in script


def test_e7_script_updates_by_hand():
    script = export_script(PRESETS["linear-regression-9-points"])
    assert "w -= learning_rate * w.grad" in script and "Variable" not in script.replace("Variable(", "")
