"""Numbers that fit where they are shown: a metric, a caption, a tooltip, a node of a graph. One
module formats the numbers of every page, in two styles: significant digits for the training
pages (`number`, so a diverged run's 5e31 never becomes a 34-digit integer or a cut-off value), and
decimals for the walkthrough's hand-sized values (`decimals`: −0.1966, 593.6833)."""

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


def decimals(value: float, digits: int = 4) -> str:
    """At most `digits` decimals (2 from 1000 up, powers of ten from 10⁴), trailing zeros
    dropped, a real minus sign: −0.1966, 3, 1234.57, −7.61e4."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value != 0 and not 1e-4 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.2e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    else:  # at most 6 significant digits: 593.6833, 1234.57
        text = f"{value:.{min(digits, 2) if abs(value) >= 1000 else digits}f}".rstrip("0").rstrip(".")
        text = "0" if text == "-0" else text
    return text.replace("-", "−")
