"""Typical wrong answers for lesson 02 (learning rate), used by tests/test_grading.py."""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "my_range_test": ["my_range_test_tests"],
    "suggest_steepest": ["suggest_steepest_tests"],
}

# the correct loop, with the pieces the mistakes below change marked by {...}
_RANGE_TEST = """
def my_range_test(model, X, y, min_lr, max_lr, num_steps, rng, batch_size=64, beta=0.98):
    schedule = {schedule}
    saved = {{k: v.copy() for k, v in model.params.items()}}
    lrs, losses = [], []
    avg, best = 0.0, np.inf
    with np.errstate(over="ignore", invalid="ignore"):
        for i, lr in enumerate(schedule):
            idx = rng.choice(len(X), size=min(batch_size, len(X)), replace=False)
            loss, grads = {loss_call}
            avg = beta * avg + (1 - beta) * loss
            smoothed = {smoothed}
            if not np.isfinite(smoothed):
                break
            lrs.append(lr)
            losses.append(smoothed)
            best = min(best, {best_of})
            {stop}
            for k in model.params:
                model.params[k] -= lr * grads[k]
    {restore}
    return np.array(lrs), np.array(losses)
"""

_RIGHT = {
    "schedule": "min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / (num_steps - 1))",
    "loss_call": "model.loss(X[idx], y[idx])",
    "smoothed": "avg / (1 - beta ** (i + 1))",
    "best_of": "smoothed",
    "stop": "if smoothed > 4 * best:\n                break",
    "restore": "for k, value in saved.items():\n        np.copyto(model.params[k], value)",
}


def _range_test(**changes: str) -> str:
    return _RANGE_TEST.format(**{**_RIGHT, **changes})


_STEEPEST = """
def suggest_steepest(lrs, losses, skip_start=None, skip_end=5):
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    k = len(losses)
    if skip_start is None:
        skip_start = {skip}
    lrs, losses = lrs[skip_start : k - skip_end], losses[skip_start : k - skip_end]
    {cut}
    slopes = {slopes}
    return float(lrs[{pick}])
"""

_RIGHT_STEEPEST = {
    "skip": "k // 10",
    "cut": (
        "bad = np.flatnonzero(~np.isfinite(losses))\n"
        "    if bad.size:\n"
        "        lrs, losses = lrs[: bad[0]], losses[: bad[0]]"
    ),
    "slopes": "np.diff(losses) / np.diff(np.log(lrs))",
    "pick": "np.argmin(slopes)",
}


def _steepest(**changes: str) -> str:
    return _STEEPEST.format(**{**_RIGHT_STEEPEST, **changes})


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "my_range_test": {
        "no restore: the model is left trained (the notes' version, with minibatches)": (
            _range_test(restore="pass")
        ),
        "restores by rebinding model.params[k] to the saved copies instead of in place": (
            _range_test(restore="for k, value in saved.items():\n        model.params[k] = value")
        ),
        "linear schedule (np.linspace) instead of an exponential one": (
            _range_test(schedule="np.linspace(min_lr, max_lr, num_steps)")
        ),
        "does not stop when the loss diverges (only at NaN)": _range_test(stop="pass"),
        "off by one in the schedule: i / num_steps, so max_lr is never reached": (
            _range_test(schedule="min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / num_steps)")
        ),
        "EMA without the bias correction (the first points are 50x too small)": (
            _range_test(smoothed="avg")
        ),
        "every step uses all of X (the notes' model.loss(X, y)) instead of a minibatch": (
            _range_test(loss_call="model.loss(X, y)")
        ),
        "the 4x stop compares the raw loss with the lowest raw loss": (
            _range_test(
                best_of="loss",
                stop="if loss > 4 * best:\n                break",
            )
        ),
        "the stop at NaN is missing: a NaN is recorded and the loop goes on": (
            _range_test().replace(
                "            if not np.isfinite(smoothed):\n                break\n", ""
            )
        ),
    },
    "suggest_steepest": {
        "argmin of the loss instead of the steepest slope": _steepest(pick="np.argmin(losses)"),
        "no skip at the start: fooled by an early spike": _steepest(skip="0"),
        "slope against lr instead of log(lr)": _steepest(slopes="np.diff(losses) / np.diff(lrs)"),
        "no cut at the first NaN: np.argmin returns the NaN's position": _steepest(cut="pass"),
        "np.nanargmin instead of a cut: the garbage after the NaN wins": _steepest(
            cut="pass", pick="np.nanargmin(slopes)"
        ),
        "returns the right end of the steepest segment": _steepest(pick="np.argmin(slopes) + 1"),
    },
}
