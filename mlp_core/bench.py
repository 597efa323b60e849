"""Benchmark: MLP Lab's core against the lecture's plain loop, timed in one process.

    python -m mlp_core.bench [--epochs 2000] [--repeats 3] [--seeds 100] [--only presets sweep]
                             [--presets xor-2-2-1 ...] [--device cuda]

The plain loop is the script `export_script` writes for the same config (exactly what the lecture
shows), executed here with its printing silenced. Each measurement times the two sides in
alternation and reports the median of the repeats, so a noisy machine skews both alike.

Measurements (one generator of rows each, registered in MEASUREMENTS; add the next one there,
e.g. the live view's redraw rate, a cached run's load time, the cold start):

- presets: `run(preset)` epochs per second next to the plain loop's, for every preset;
- sweep:   `sweep(E1, 100 seeds)` next to 100 plain E1 runs one after another. The plain side is
           timed on `--repeats` runs and multiplied by the number of seeds (an extrapolation:
           100 plain runs of E1 take minutes, and every run costs the same). `--device cuda` runs
           the sweep on the GPU; the plain loop stays the lecture's, on the CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import torch

from . import PRESETS, export_script, run, sweep
from .config import Config

# The targets: at least this many times the plain loop's speed.
TARGETS = {"xor-2-2-1": 3.0, "xor-2-10-10-10-1": 3.0, "quadratic-wide-adam": 1.5, "sweep": 50.0}


@dataclass(frozen=True)
class Row:
    """One line of the table: the work timed, its size, both sides' times and their ratio."""

    name: str
    epochs: int
    plain_seconds: float  # median over the repeats
    core_seconds: float

    @property
    def ratio(self) -> float:
        return self.plain_seconds / self.core_seconds


def time_plain(config: Config) -> float:
    """Seconds for the exported plain-PyTorch script of `config`, printing silenced."""
    code = compile(export_script(config), "<plain lecture loop>", "exec")
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, {"__name__": "__bench__"})
    return time.perf_counter() - started


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def alternate(plain: Callable[[], float], core: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Median seconds of each side, timed plain, core, plain, core, ..."""
    times = [(plain(), core()) for _ in range(repeats)]
    return statistics.median(t for t, _ in times), statistics.median(t for _, t in times)


def bench_presets(args: argparse.Namespace) -> Iterator[Row]:
    """Every preset through `run` against its plain loop, at `--epochs` (or the preset's own, if fewer)."""
    for name in args.presets:
        preset = PRESETS[name]
        config = preset.replace(epochs=min(args.epochs, preset.training.epochs))
        plain, core = alternate(lambda: time_plain(config), lambda: timed(lambda: run(config)), args.repeats)
        yield Row(name, config.training.epochs, plain, core)


def bench_sweep(args: argparse.Namespace) -> Iterator[Row]:
    """`sweep(E1, seeds)` against as many plain E1 runs, extrapolated from one run per repeat."""
    preset = PRESETS["xor-2-2-1"]
    config = preset.replace(epochs=min(args.epochs, preset.training.epochs))
    seeds = list(range(config.seed, config.seed + args.seeds))
    plain, core = alternate(lambda: time_plain(config) * len(seeds),
                            lambda: timed(lambda: sweep(config, seeds, device=args.device)), args.repeats)
    on = "" if args.device == "cpu" else f" on {args.device}"
    yield Row(f"sweep {len(seeds)} x xor-2-2-1{on} (seed-epochs)", config.training.epochs * len(seeds), plain, core)


def warm_up(device: str = "cpu") -> None:
    """One short run of each side first: the first call of anything in torch pays for imports
    (and on a GPU, for its context and kernels)."""
    config = PRESETS["xor-2-2-1"].replace(epochs=20)
    time_plain(config), run(config), sweep(config, 2, device=device)


MEASUREMENTS: dict[str, Callable[[argparse.Namespace], Iterator[Row]]] = {
    "presets": bench_presets,
    "sweep": bench_sweep,
}


def show(row: Row) -> str:
    target = TARGETS.get(row.name.split()[0])
    verdict = "" if target is None else f"  target {target:g}x {'ok' if row.ratio >= target else 'MISSED'}"
    plain_rate, core_rate = row.epochs / row.plain_seconds, row.epochs / row.core_seconds
    return (f"{row.name:34s} {row.epochs:8d} {plain_rate:11.0f} {core_rate:11.0f} {row.ratio:7.2f}x"
            f"{verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000, help="epochs per timed run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per side (default 3)")
    parser.add_argument("--seeds", type=int, default=100, help="seeds in the sweep (default 100)")
    parser.add_argument("--only", nargs="+", choices=list(MEASUREMENTS), default=list(MEASUREMENTS))
    parser.add_argument("--presets", nargs="+", choices=list(PRESETS), default=list(PRESETS))
    parser.add_argument("--device", default="cpu", help="where the sweep trains: cpu (default) or cuda")
    args = parser.parse_args(argv)
    machine = platform.processor() or platform.machine()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {machine}; "
          f"median of {args.repeats} alternating runs")
    warm_up(args.device)
    print(f"{'measurement':34s} {'epochs':>8s} {'plain ep/s':>11s} {'core ep/s':>11s} {'ratio':>8s}")
    for name in args.only:
        for row in MEASUREMENTS[name](args):
            print(show(row), flush=True)


if __name__ == "__main__":
    main()
