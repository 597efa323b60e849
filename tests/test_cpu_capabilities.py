"""The exactness tests again under each lower CPU capability this machine can take.

ATen picks its vectorised kernels for the CPU it finds (AVX-512, AVX2 or none); a CI machine of
another kind runs other kernels. `ATEN_CPU_CAPABILITY` makes ATen take a lower one, so one machine
checks the fast engine against the lecture loop with the kernels of the others too: an AVX-512
machine under "avx2" and "default", an AVX2 machine under "default". MKL is asked for the same
level (`MKL_ENABLE_INSTRUCTIONS`); on an AMD CPU its verbose log names no instruction set, so
whether it obeys cannot be seen there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
EXACTNESS_TESTS = ["tests/test_presets_exact.py", "tests/test_same_calls.py", "tests/test_fast.py"]
LEVELS = ["default", "avx2", "avx512"]  # lowest first, as torch.backends.cpu.get_cpu_capability names them
MKL_LEVEL = {"default": "SSE4_2", "avx2": "AVX2"}


def lower_capabilities() -> list[str]:
    current = torch.backends.cpu.get_cpu_capability().lower()
    return LEVELS[:LEVELS.index(current)] if current in LEVELS else []


def capability_env(level: str) -> dict[str, str]:
    return {**os.environ, "ATEN_CPU_CAPABILITY": level, "MKL_ENABLE_INSTRUCTIONS": MKL_LEVEL[level]}


@pytest.mark.parametrize("level", lower_capabilities() or [pytest.param("none", marks=pytest.mark.skip(
    reason="this CPU has no vectorised kernels to step down from"))])
def test_exactness_holds_under_a_lower_cpu_capability(level):
    env = capability_env(level)
    probe = [sys.executable, "-c", "import torch; print(torch.backends.cpu.get_cpu_capability())"]
    taken = subprocess.run(probe, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert taken.lower() == level, f"ATEN_CPU_CAPABILITY={level} was not taken: torch runs {taken}"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *EXACTNESS_TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"under ATEN_CPU_CAPABILITY={level}:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"
    assert " passed" in done.stdout.splitlines()[-1]
