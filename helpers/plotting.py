"""Showing figures quickly, for the lessons' sliders.

In Jupyter, ``plt.show()`` renders a figure with ``bbox_inches='tight'``, which draws it
twice (once to measure it, once to save it): about half of a slider's response time. A
figure whose margins are set (``fig.subplots_adjust(...)`` or ``layout="constrained"``) does
not need that; :func:`show_figure` renders it once.
"""

from __future__ import annotations

import io
import math


def show_figure(fig, dpi: int = 90) -> None:
    """Display ``fig`` (a matplotlib Figure) as a PNG, rendered once, then close it.

    Use it at the end of a widget's drawing function instead of ``plt.show()``. Outside an
    IPython kernel it falls back to ``plt.show()``.

    Example: ``fig, ax = plt.subplots(layout="constrained"); ...; show_figure(fig)``.
    """
    import matplotlib.pyplot as plt

    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # no IPython: a plain script
        plt.show()
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        plt.show()
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png"))


def plain_log_label(value: float) -> str:
    """A log axis's tick label as plain text: ``0.001``, ``1``, ``100``; ``1e-13``, ``1e6``.

    Decimals from 1e-4 up to 1e5, a short power of ten outside that range.
    """
    if value <= 0 or not math.isfinite(value):
        return ""
    if 1e-4 <= value < 1e5:
        return f"{value:g}"
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) < 1e-9:
        return f"1e{round(exponent)}"
    return f"{value:.0e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def plain_log_labels(axis) -> None:
    """Label a log-scaled ``axis`` (``ax.xaxis`` or ``ax.yaxis``) with :func:`plain_log_label`.

    Matplotlib's default log labels (10 to the power k) go through its math-text parser,
    and a new figure parses them again: a third of a slider's drawing time on a figure
    with two log axes. Plain-text labels skip that. Call it after ``set_xscale('log')``
    (setting the scale resets the labels).

    Example: ``ax.set_yscale('log'); plain_log_labels(ax.yaxis)``.
    """
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: plain_log_label(value)))
