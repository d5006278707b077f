"""helpers.plotting.show_figure: one PNG in a kernel, the figure closed; harmless in a script."""

from __future__ import annotations

import base64

import matplotlib
import nbformat
import pytest
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


def test_plain_log_label_reads_like_the_number():
    from helpers.plotting import plain_log_label

    # decimals in the middle of the range, powers of ten at both ends, nothing for 0 or NaN
    cases = {1e-4: "0.0001", 0.03: "0.03", 1.0: "1", 10.0: "10", 1e4: "10000", 1e5: "1e5",
             1e6: "1e6", 1e-5: "1e-5", 1e-13: "1e-13", 3e-7: "3e-7", 2e7: "2e7", 0.0: "",
             float("nan"): ""}  # fmt: skip
    for value, label in cases.items():
        assert plain_log_label(value) == label, (value, plain_log_label(value))
        if label:  # and the label is the number
            assert float(label) == value


def test_plain_log_labels_label_a_log_axis_without_math_text():
    import matplotlib.pyplot as plt

    from helpers.plotting import plain_log_labels

    fig, ax = plt.subplots()
    ax.loglog([1e-3, 1e6], [1e-13, 10])
    plain_log_labels(ax.xaxis)
    plain_log_labels(ax.yaxis)
    fig.canvas.draw()
    for axis, (lo, hi) in [(ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())]:
        shown = [
            (loc, label.get_text())
            for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels(), strict=True)
            if lo <= loc <= hi
        ]
        assert len(shown) >= 4
        for loc, text in shown:  # every label is plain text and reads as its tick's value
            assert "$" not in text and float(text) == pytest.approx(loc, rel=1e-12), (loc, text)
    plt.close(fig)
