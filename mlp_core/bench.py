"""Benchmark: epochs per second of `run(preset)` next to the lecture's plain loop, in one process.

    python -m mlp_core.bench [--epochs 2000] [--repeats 3]

The plain loop is the script `export_script` writes for the same config (exactly what the
lecture shows), executed in this process with its printing silenced. The two are timed in
alternation and the median of the repeats is reported, so a noisy machine skews both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import time

import torch

from . import PRESETS, export_script, run


def time_plain(script: str) -> float:
    code = compile(script, "<plain lecture loop>", "exec")
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, {"__name__": "__bench__"})
    return time.perf_counter() - started


def time_core(config) -> float:
    started = time.perf_counter()
    run(config)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000, help="epochs per timed run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per side (default 3)")
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}")
    print(f"{'preset':28s} {'epochs':>6s} {'plain ep/s':>11s} {'core ep/s':>10s} {'ratio':>6s}")
    for name, preset in PRESETS.items():
        config = preset.replace(epochs=min(args.epochs, preset.training.epochs))
        script = export_script(config)
        plain, core = [], []
        for _ in range(args.repeats):
            plain.append(time_plain(script))
            core.append(time_core(config))
        epochs = config.training.epochs
        plain_rate, core_rate = epochs / statistics.median(plain), epochs / statistics.median(core)
        print(f"{name:28s} {epochs:6d} {plain_rate:11.0f} {core_rate:10.0f} {core_rate / plain_rate:5.2f}x")


if __name__ == "__main__":
    main()
