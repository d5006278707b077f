"""helpers.plotting.show_figure: one PNG in a kernel, the figure closed; harmless in a script."""

from __future__ import annotations

import base64

import matplotlib
import nbformat
from notebook_tools import ROOT, execute

matplotlib.use("Agg")


def test_show_figure_in_a_kernel_displays_one_png_and_closes_the_figure():
    code = (
        "import matplotlib.pyplot as plt\n"
        "from helpers.plotting import show_figure\n"
        "fig, ax = plt.subplots(figsize=(4, 3))\n"
        "ax.plot([0, 1], [0, 1])\n"
        "show_figure(fig, dpi=50)\n"
        "print(len(plt.get_fignums()))"
    )
    nb = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), ROOT)
    outputs = nb.cells[0].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    png = base64.b64decode(images[0]["data"]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (200, 150)  # 4 x 3 inches at 50 dpi: rendered as is, not cropped
    assert outputs[-1]["text"].strip() == "0"  # the figure was closed


def test_show_figure_outside_a_kernel_falls_back_to_plt_show(monkeypatch):
    import matplotlib.pyplot as plt

    from helpers.plotting import show_figure

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    fig, _ = plt.subplots()
    show_figure(fig)
    assert shown == [True]
    plt.close(fig)
