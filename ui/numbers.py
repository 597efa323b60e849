"""Numbers that fit where they are shown: a metric, a caption, a tooltip. One formatter for the
training pages, so a diverged run's 5e31 never becomes a 34-digit integer or a cut-off value."""

from __future__ import annotations

import math

WIDE = 1e6  # beyond this a number is written in scientific notation with 3 digits


def number(value: float, digits: int = 4) -> str:
    """`digits` significant digits, at most ~10 characters: 58.06, 0.0002, 7.63e+31; "–" if not finite."""
    if not math.isfinite(value):
        return "–"
    return f"{value:.3g}" if abs(value) >= WIDE else f"{value:.{digits}g}"


def signed(value: float, digits: int = 3) -> str:
    """As `number`, with its sign: +54.3, −0.12 (a true minus sign)."""
    text = number(value, digits)
    return text if text == "–" else ("+" + text if value >= 0 else "−" + text.lstrip("-"))


def percent(share: float) -> str:
    """A change as a percentage: +1355%, −4%; beyond ±10,000% in scientific notation (+7.6e+33%)."""
    if not math.isfinite(share):
        return "–"
    if abs(share) >= 100:
        return signed(share * 100, 2) + "%"
    return f"{share:+.0%}".replace("-", "−")
