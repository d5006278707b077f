"""Showing figures quickly, for the lessons' sliders.

In Jupyter, ``plt.show()`` renders a figure with ``bbox_inches='tight'``, which draws it
twice (once to measure it, once to save it): about half of a slider's response time. A
figure whose margins are set (``fig.subplots_adjust(...)`` or ``layout="constrained"``) does
not need that; :func:`show_figure` renders it once.
"""

from __future__ import annotations

import io


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
