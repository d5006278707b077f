"""Typical wrong answers for lesson 03 (monitoring), used by tests/test_grading.py.

Each entry replaces the whole answer cell. The lesson's setup cell has already imported
``numpy as np``.
"""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "layer_grad_monitor": ["layer_grad_monitor_tests"],
    "update_ratio": ["update_ratio_tests"],
}

# the correct monitor, with the pieces the mistakes below change marked by {...}
_MONITOR = """
class LayerGradMonitor:
    def __init__(self):
        self.grad_norms = []
        self.layer_grad_norms = {{}}

    def record(self, grads):
        norms = {{k: {layer_norm} for k, g in grads.items(){keys}}}
        for k, norm in norms.items():
            {append}
        self.grad_norms.append({total})
"""

_RIGHT_MONITOR = {
    "layer_norm": "float(np.sqrt(np.sum(g.astype(np.float64) ** 2)))",
    "keys": "",
    "append": "self.layer_grad_norms.setdefault(k, []).append(norm)",
    "total": "float(np.sqrt(sum(n**2 for n in norms.values())))",
}


def _monitor(**changes: str) -> str:
    return _MONITOR.format(**{**_RIGHT_MONITOR, **changes})


_RATIO = """
def update_ratio(W_before, W_after):
    update = W_after - W_before
    return {ratio}
"""


def _ratio(ratio: str) -> str:
    return _RATIO.format(ratio=ratio)


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "layer_grad_monitor": {
        "global norm = the sum of the per-layer norms": _monitor(total="sum(norms.values())"),
        "global norm = sqrt of the sum of the per-layer norms (not squared)": _monitor(
            total="float(np.sqrt(sum(norms.values())))"
        ),
        "forgets the square root: the sum of squares": _monitor(
            total="sum(n**2 for n in norms.values())"
        ),
        "global norm over the weights W only, biases left out": _monitor(
            total="float(np.sqrt(sum(n**2 for k, n in norms.items() if k.startswith('W'))))"
        ),
        "per-layer norms for the weights W only": _monitor(keys=" if k.startswith('W')"),
        "largest |entry| instead of the L2 norm": _monitor(layer_norm="float(np.max(np.abs(g)))"),
        "mean |entry| (the notes' debugging print) instead of the norm": _monitor(
            layer_norm="float(np.mean(np.abs(g)))"
        ),
        "norm of the mean: |mean of the entries|": _monitor(layer_norm="float(abs(np.mean(g)))"),
        "root mean square instead of the root of the sum of squares": _monitor(
            layer_norm="float(np.sqrt(np.mean(g**2)))"
        ),
        "np.linalg.norm(g, 2): the spectral norm of a matrix": _monitor(
            layer_norm="float(np.linalg.norm(g, 2))"
        ),
        "squares the sum instead of summing the squares": _monitor(
            layer_norm="float(np.sqrt(np.sum(g) ** 2))"
        ),
        "overwrites the list instead of appending": _monitor(
            append="self.layer_grad_norms[k] = [norm]"
        ),
    },
    "update_ratio": {
        "the std of the weights after the step in the denominator": _ratio(
            "float(np.log10(np.std(update) / np.std(W_after)))"
        ),
        "ratio of the weights' spreads after/before (no difference taken)": _ratio(
            "float(np.log10(np.std(W_after) / np.std(W_before)))"
        ),
        "ratio of the means": _ratio("float(np.log10(np.mean(update) / np.mean(W_before)))"),
        "ratio of the mean absolute values": _ratio(
            "float(np.log10(np.mean(np.abs(update)) / np.mean(np.abs(W_before))))"
        ),
        "ratio of the norms instead of the stds": _ratio(
            "float(np.log10(np.linalg.norm(update) / np.linalg.norm(W_before)))"
        ),
        "missing log10: the plain ratio": _ratio("float(np.std(update) / np.std(W_before))"),
        "natural log instead of log10": _ratio("float(np.log(np.std(update) / np.std(W_before)))"),
        "variances instead of standard deviations": _ratio(
            "float(np.log10(np.var(update) / np.var(W_before)))"
        ),
        "ratio of the logs": _ratio("float(np.log10(np.std(update)) / np.log10(np.std(W_before)))"),
    },
}
