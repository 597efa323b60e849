"""Smoke runs of both benchmarks at tiny sizes: they run to the end and print every row they
promise. Their figures are measured by hand and reported in the README, never asserted here."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

NUMBER = r"[\d.]+"


def test_core_benchmark_prints_a_row_per_measurement():
    done = subprocess.run([sys.executable, "-m", "mlp_core.bench", "--epochs", "30", "--repeats", "1", "--seeds", "3",
                           "--presets", "xor-2-2-1", "quadratic-wide-adam"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines()[2:] if line.strip()]
    assert [row.split()[0] for row in rows] == ["xor-2-2-1", "quadratic-wide-adam", "sweep"]
    for row, epochs in zip(rows, (30, 30, 90)):  # the sweep counts seed-epochs: 3 seeds x 30
        match = re.search(rf"\s(\d+)\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})x", row)
        assert match, row
        assert int(match[1]) == epochs and all(float(match[i]) > 0 for i in (2, 3, 4))
        plain_rate, core_rate, ratio = (float(match[i]) for i in (2, 3, 4))
        assert ratio == pytest.approx(core_rate / plain_rate, rel=0.02)  # the ratio is of the two rates
    assert "target 3x" in rows[0] and "target 1.5x" in rows[1] and "target 50x" in rows[2]


@pytest.mark.browser
def test_app_benchmark_runs_end_to_end(app_url):  # app_url: Chromium is there (or the test is skipped)
    done = subprocess.run([sys.executable, "-m", "ui.bench", "--repeats", "1", "--epochs", "200"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert re.search(rf"cold start.*: {NUMBER} s", lines[0]), lines
    for kind in ("page open", "first visit"):
        for case in ("E1 xor-2-2-1 (200 epochs)", "E9 quadratic-wide-adam (200 epochs)"):
            assert any(f"{kind}, {case}: best of" in line for line in lines), (kind, case, lines)
    assert sum("cached run, whole script" in line for line in lines) == 2
