"""Typical wrong answers for lesson 06 (sanity checks), used by tests/test_grading.py."""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "my_gradient_check": ["my_gradient_check_tests"],
    "my_sanity_checks": ["my_sanity_checks_tests"],
}

# the correct gradient check, with the pieces the mistakes below change marked by {...}
_GRADIENT_CHECK = """
def my_gradient_check(f, x, analytic_grad, h=1e-5, num_checks=10, rng=None):
    if rng is None:
        rng = np.random.default_rng(0)
    {copy}
    k = min(num_checks, x.size)
    errors = []
    for flat in {coordinates}:
        ix = np.unravel_index(flat, x.shape)
        old = x[ix]
        {base}
        x[ix] = old + {h}
        f_plus = f()
        x[ix] = old - {h}
        f_minus = f()
        {restore}
        n = {quotient}
        a = analytic_grad[ix]
        denom = {denom}
        errors.append({error})
    return float(np.max(errors))
"""

_RIGHT_GC = {
    "base": "pass",
    "copy": "pass",
    "coordinates": "rng.choice(x.size, size=k, replace=False)",
    "h": "h",
    "restore": "x[ix] = old",
    "quotient": "(f_plus - f_minus) / (2 * h)",
    "denom": "max(abs(a), abs(n))",
    "error": "0.0 if denom == 0 else abs(a - n) / denom",
}


def _gradient_check(**changes: str) -> str:
    return _GRADIENT_CHECK.format(**{**_RIGHT_GC, **changes})


# the correct suite, with the pieces the mistakes below change marked by {...}
_SANITY = """
def my_sanity_checks(model, X, y, steps=100, learning_rate=0.1):
    ln_c = {ln_c}
    {initial}

    old_reg = model.reg
    model.reg = 0.0
    loss_no_reg = {reg_loss}
    model.reg = 1.0
    loss_reg = {reg_loss}
    {reg_restore}

    Xs, ys = {overfit_data}

    def fit(inputs):
        clone = {clone}
        for _ in range(steps):
            _, grads = clone.loss(inputs, ys)
            for k in clone.params:
                clone.params[k] -= learning_rate * grads[k]
        return clone, clone.loss(inputs, ys)[0]

    clone, real_loss = fit(Xs)
    accuracy = np.mean(clone.predict(Xs) == ys)
    _, zero_loss = fit(np.zeros_like(Xs))
    return {{
        "initial_loss_ok": bool(initial_loss_ok),
        "reg_raises_loss": bool(loss_reg > loss_no_reg),
        "can_overfit": bool(accuracy == 1.0 and real_loss < 0.1 * ln_c),
        "zero_input_worse": bool({baseline}),
    }}
"""

_RIGHT_SANITY = {
    "ln_c": "math.log(model.num_classes)",
    "initial": "loss, _ = model.loss(X, y)\n    initial_loss_ok = abs(loss - ln_c) < 0.5",
    "reg_loss": "model.loss(X, y)[0]",
    "reg_restore": "model.reg = old_reg",
    "overfit_data": "X[:10], y[:10]",
    "clone": "copy.deepcopy(model)",
    "baseline": "real_loss < 0.5 * zero_loss",
}


def _sanity(**changes: str) -> str:
    return _SANITY.format(**{**_RIGHT_SANITY, **changes})


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "my_gradient_check": {
        "one-sided difference (f(x + h) - f(x)) / h": _gradient_check(
            base="f_zero = f()", quotient="(f_plus - f_zero) / h"
        ),
        "relative error without absolute values: (a - n) / max(a, n)": _gradient_check(
            denom="max(a, n)", error="0.0 if denom == 0 else (a - n) / denom"
        ),
        "divides by |a| only": _gradient_check(denom="abs(a)"),
        "divides by |a| + |n|": _gradient_check(denom="abs(a) + abs(n)"),
        "does not put x back after perturbing it": _gradient_check(restore="pass"),
        "divides by h instead of 2h": _gradient_check(quotient="(f_plus - f_minus) / h"),
        "ignores the h argument and steps by 1e-2 (too large)": _gradient_check(h="1e-2").replace(
            "(2 * h)", "(2 * 1e-2)"
        ),
        "checks the first num_checks coordinates instead of random ones": _gradient_check(
            coordinates="range(k)"
        ),
        "no guard for 0 / 0 (a coordinate whose gradient is exactly 0 gives nan)": (
            _gradient_check(error="abs(a - n) / denom")
        ),
        "perturbs a copy of x, which f never sees": _gradient_check(copy="x = x.copy()"),
    },
    "my_sanity_checks": {
        "compares the (loss, grads) tuple with ln(C), as in the notes' snippet": _sanity(
            initial="initial_loss_ok = abs(model.loss(X, y) - ln_c) < 0.5"
        ),
        "trains the model itself instead of a copy": _sanity(clone="model"),
        "overfits all of X instead of the first 10 examples": _sanity(overfit_data="X, y"),
        "the input-independent baseline reversed": _sanity(baseline="zero_loss < 0.5 * real_loss"),
        "initial loss without abs: a trained model (loss far below ln C) passes": _sanity(
            initial="loss, _ = model.loss(X, y)\n    initial_loss_ok = loss - ln_c < 0.5"
        ),
        "does not put model.reg back": _sanity(reg_restore="pass"),
        "log10 instead of the natural log": _sanity(ln_c="math.log10(model.num_classes)"),
        "compares the (loss, grads) tuples in the regularization check": _sanity(
            reg_loss="model.loss(X, y)"
        ),
    },
}
