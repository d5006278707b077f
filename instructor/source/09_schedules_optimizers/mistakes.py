"""Typical wrong answers for lesson 09 (schedules and optimizers), used by tests/test_grading.py."""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "adam_step": ["adam_step_tests"],
    "cosine_with_warmup": ["cosine_with_warmup_tests"],
}

# the correct update, with the pieces the mistakes below change marked by {...}
_ADAM = """
def adam_step(p, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = {m_update}
    v = {v_update}
    m_hat = {m_hat}
    v_hat = {v_hat}
    p = {p_update}
    return {returned}
"""

_RIGHT_ADAM = {
    "m_update": "beta1 * m + (1 - beta1) * g",
    "v_update": "beta2 * v + (1 - beta2) * g * g",
    "m_hat": "m / (1 - beta1**t)",
    "v_hat": "v / (1 - beta2**t)",
    "p_update": "p - lr * m_hat / (np.sqrt(v_hat) + eps)",
    "returned": "p, m, v",
}


def _adam(**changes: str) -> str:
    return _ADAM.format(**{**_RIGHT_ADAM, **changes})


_COSINE = """
def cosine_with_warmup(step, total_steps, warmup_steps, peak):
    if {in_warmup}:
        return {warmup}
    progress = {progress}
    return {decay}
"""

_RIGHT_COSINE = {
    "in_warmup": "step < warmup_steps",
    "warmup": "peak * step / warmup_steps",
    "progress": (
        "min(step - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)"
    ),
    "decay": "peak * 0.5 * (1 + np.cos(np.pi * progress))",
}


def _cosine(**changes: str) -> str:
    return _COSINE.format(**{**_RIGHT_COSINE, **changes})


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "adam_step": {
        "no bias correction (the first steps are about 3x too long)": _adam(m_hat="m", v_hat="v"),
        "t counted from 0: 1 - beta ** (t - 1) is 0 at the first step (division by zero)": (
            _adam(m_hat="m / (1 - beta1 ** (t - 1))", v_hat="v / (1 - beta2 ** (t - 1))")
        ),
        "wrong power: (1 - beta) ** t instead of 1 - beta ** t": _adam(
            m_hat="m / (1 - beta1) ** t", v_hat="v / (1 - beta2) ** t"
        ),
        "eps inside the square root": _adam(p_update="p - lr * m_hat / np.sqrt(v_hat + eps)"),
        "no square root: divides by v_hat": _adam(p_update="p - lr * m_hat / (v_hat + eps)"),
        "m averages g**2 and v averages g (swapped)": _adam(
            m_update="beta1 * m + (1 - beta1) * g * g", v_update="beta2 * v + (1 - beta2) * g"
        ),
        "sign error: p + lr * ... (ascent)": _adam(
            p_update="p + lr * m_hat / (np.sqrt(v_hat) + eps)"
        ),
        "returns the bias-corrected m_hat, v_hat as the new state": _adam(
            returned="p, m_hat, v_hat"
        ),
        "beta1 used for both moments": _adam(
            v_update="beta1 * v + (1 - beta1) * g * g", v_hat="v / (1 - beta1**t)"
        ),
        "updates the arrays passed in, in place": """
def adam_step(p, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    p -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p, m, v
""",
    },
    "cosine_with_warmup": {
        "warm-up off by one: starts at peak / warmup_steps instead of 0": _cosine(
            warmup="peak * (step + 1) / warmup_steps"
        ),
        "warm-up reaches the peak one step early (divides by warmup_steps - 1)": _cosine(
            warmup="peak * step / (warmup_steps - 1)"
        ),
        "cosine over total_steps instead of total_steps - warmup_steps": _cosine(
            progress="min(step - warmup_steps, total_steps) / total_steps"
        ),
        "progress measured from step 0 instead of from the end of the warm-up": _cosine(
            progress="min(step, total_steps - warmup_steps) / (total_steps - warmup_steps)"
        ),
        "cos without the (1 + cos) / 2 shift (goes negative)": _cosine(
            decay="peak * np.cos(np.pi * progress)"
        ),
        "degrees instead of radians: cos(180 * progress)": _cosine(
            decay="peak * 0.5 * (1 + np.cos(180 * progress))"
        ),
        "no pi: cos(progress)": _cosine(decay="peak * 0.5 * (1 + np.cos(progress))"),
        "not clamped after total_steps: the cosine rises again": _cosine(
            progress="(step - warmup_steps) / (total_steps - warmup_steps)"
        ),
        "clamped with max(0, ...) as in Hugging Face's version: still rises again": _cosine(
            progress="(step - warmup_steps) / (total_steps - warmup_steps)",
            decay="max(0.0, peak * 0.5 * (1 + np.cos(np.pi * progress)))",
        ),
        "returns the factor, not the rate (forgets the peak)": _cosine(
            warmup="step / warmup_steps", decay="0.5 * (1 + np.cos(np.pi * progress))"
        ),
        "divides by warmup_steps even without a warm-up (ZeroDivisionError)": """
def cosine_with_warmup(step, total_steps, warmup_steps, peak):
    warm = step / warmup_steps
    if warm < 1:
        return peak * warm
    progress = min(step - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
    return peak * 0.5 * (1 + np.cos(np.pi * progress))
""",
    },
}
