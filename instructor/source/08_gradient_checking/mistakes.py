"""Typical wrong answers for lesson 08 (gradient checking), used by tests/test_grading.py.

Each entry replaces the whole answer cell. The lesson's setup cell has already imported
``numpy as np``, ``layers`` and ``numerical_gradient`` from ``helpers``.
"""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "centered_difference": ["centered_difference_tests"],
    "check_layer": ["check_layer_tests"],
}

# the correct centered difference, with the pieces the mistakes below change marked by {...}
_CENTERED = """
def centered_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in {indices}:
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = {f_minus}
        {restore}
        grad[ix] = {quotient}
    return grad
"""

_RIGHT_CD = {
    "indices": "np.ndindex(x.shape)",
    "f_minus": "f(x)",
    "restore": "x[ix] = old",
    "quotient": "(f_plus - f_minus) / (2 * h)",
}


def _centered(**changes: str) -> str:
    return _CENTERED.format(**{**_RIGHT_CD, **changes})


# the correct layer check, with the pieces the mistakes below change marked by {...}
_CHECK = """
def check_layer(forward, backward, x, dout, h=1e-5):
    _, cache = forward(x)
    a = backward({backward_dout}, cache)
    n = numerical_gradient(lambda: {f}, x, h=h)
    denom = {denom}
    return float({reduce}({error}))
"""

_RIGHT_CL = {
    "backward_dout": "dout",
    "f": "np.sum(forward(x)[0] * dout)",
    "denom": "np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-8)",
    "reduce": "np.max",
    "error": "np.abs(a - n) / denom",
}


def _check(**changes: str) -> str:
    return _CHECK.format(**{**_RIGHT_CL, **changes})


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "centered_difference": {
        "one-sided difference (f(x + h) - f(x)) / h": """
def centered_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    f0 = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - f0) / h
        x[ix] = old
    return grad
""",
        "divides by h instead of 2h": _centered(quotient="(f_plus - f_minus) / h"),
        "does not restore x (it stays at old - h)": _centered(restore="pass"),
        "restores x by arithmetic (x += h after x -= 2h leaves round-off)": """
def centered_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        f_plus = f(x)
        x[ix] -= 2 * h
        f_minus = f(x)
        x[ix] += h
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad
""",
        "perturbs every coordinate at once": """
def centered_difference(f, x, h=1e-5):
    old = x.copy()
    x += h
    f_plus = f(x)
    x -= 2 * h
    f_minus = f(x)
    x[...] = old
    return np.full(x.shape, (f_plus - f_minus) / (2 * h))
""",
        "loops over the first axis only (perturbs whole rows of a 2-D x)": _centered(
            indices="range(x.shape[0])"
        ),
        "no copy: x_plus and x_minus are both x itself": """
def centered_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x_plus = x
        x_plus[ix] = old + h
        x_minus = x
        x_minus[ix] = old - h
        grad[ix] = (f(x_plus) - f(x_minus)) / (2 * h)
        x[ix] = old
    return grad
""",
        "perturbs a copy of x, so an f that reads x directly sees no change": """
def centered_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        x_plus = x.copy()
        x_plus[ix] += h
        x_minus = x.copy()
        x_minus[ix] -= h
        grad[ix] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        "perturbs x.ravel(), a copy when x is not contiguous": """
def centered_difference(f, x, h=1e-5):
    flat = x.ravel()
    grad = np.zeros(flat.size, dtype=np.float64)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x)
        flat[i] = old - h
        f_minus = f(x)
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(x.shape)
""",
        "writes the gradient into x (returns x itself)": """
def centered_difference(f, x, h=1e-5):
    old_x = x.copy()
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
    x[...] = grad
    return x
""",
    },
    "check_layer": {
        "f = sum(forward(x)) without dout": _check(f="np.sum(forward(x)[0])"),
        "backward called with ones instead of dout": _check(backward_dout="np.ones_like(dout)"),
        "no absolute values at all: (a - n) / max(a, n)": _check(
            denom="np.maximum(np.maximum(a, n), 1e-8)", error="(a - n) / denom"
        ),
        "no absolute value in the numerator: (a - n) / max(|a|, |n|)": _check(
            error="(a - n) / denom"
        ),
        "divides by |a| only": _check(denom="np.abs(a)"),
        "divides by |a| only, with the eps guard": _check(denom="np.maximum(np.abs(a), 1e-8)"),
        "no eps guard: 0 / 0 gives nan": _check(denom="np.maximum(np.abs(a), np.abs(n))"),
        "mean instead of max over the coordinates": _check(reduce="np.mean"),
        "denominator |a| + |n| (half the error)": _check(denom="np.abs(a) + np.abs(n) + 1e-8"),
        "one-sided numerical gradient": """
def check_layer(forward, backward, x, dout, h=1e-5):
    out, cache = forward(x)
    a = backward(dout, cache)
    f0 = np.sum(out * dout)
    n = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        n[ix] = (np.sum(forward(x)[0] * dout) - f0) / h
        x[ix] = old
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-8)
    return float(np.max(np.abs(a - n) / denom))
""",
        "returns the array of errors, not the worst one": """
def check_layer(forward, backward, x, dout, h=1e-5):
    _, cache = forward(x)
    a = backward(dout, cache)
    n = numerical_gradient(lambda: np.sum(forward(x)[0] * dout), x, h=h)
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-8)
""",
    },
}
