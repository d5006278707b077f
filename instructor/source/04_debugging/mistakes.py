"""Typical wrong answers for lesson 04 (debugging), used by tests/test_grading.py.

Each entry replaces the whole answer cell. The lesson's setup cell has already imported
``math`` and ``numpy as np``.
"""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "clip_by_norm": ["clip_by_norm_tests"],
    "zoo_diagnosis": ["zoo_diagnosis_tests"],
}

# the right diagnosis, and wrong ones made from it
_RIGHT = {
    "A": "lr_too_low",
    "B": "vanishing_gradients",
    "C": "unscaled_inputs",
    "D": "dead_relus",
    "E": "gradient_check_failed",
}


def _diagnosis(**changes: str) -> str:
    entries = "".join(f"    {k!r}: {v!r},\n" for k, v in {**_RIGHT, **changes}.items())
    return "diagnosis = {\n" + entries + "}\n"


# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "clip_by_norm": {
        "clips by value, the notes' np.clip on every array": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    for g in grads.values():
        np.clip(g, -max_norm, max_norm, out=g)
    return total
""",
        "one norm per array instead of one global norm": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    for g in grads.values():
        norm = float(np.linalg.norm(g))
        if norm > max_norm:
            g *= max_norm / (norm + 1e-6)
    return total
""",
        "returns the norm after clipping": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    if total > max_norm:
        for g in grads.values():
            g *= max_norm / (total + 1e-6)
    return math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
""",
        "always rescales to max_norm, also when the norm is smaller": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    for g in grads.values():
        g *= max_norm / (total + 1e-6)
    return total
""",
        "builds a new dict instead of scaling in place": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    if total > max_norm:
        grads = {k: g * (max_norm / (total + 1e-6)) for k, g in grads.items()}
    return total
""",
        "puts new arrays into the dict (grads[k] = g * scale)": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    if total > max_norm:
        for k, g in grads.items():
            grads[k] = g * (max_norm / (total + 1e-6))
    return total
""",
        "divides by the norm before checking it: zero gradients divide by zero": """
def clip_by_norm(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(g**2)) for g in grads.values()))
    scale = min(1.0, max_norm / total)
    for g in grads.values():
        g *= scale
    return total
""",
        "adds up the arrays' norms instead of their squares": """
def clip_by_norm(grads, max_norm):
    total = sum(float(np.linalg.norm(g)) for g in grads.values())
    if total > max_norm:
        for g in grads.values():
            g *= max_norm / (total + 1e-6)
    return total
""",
        "forgets the square root (the squared norm)": """
def clip_by_norm(grads, max_norm):
    total = sum(float(np.sum(g**2)) for g in grads.values())
    if total > max_norm:
        for g in grads.values():
            g *= max_norm / (total + 1e-6)
    return total
""",
    },
    "zoo_diagnosis": {
        "swaps the two flat losses: A vanishing, B a too-low rate (B's update ratio is tiny)": (
            _diagnosis(A="vanishing_gradients", B="lr_too_low")
        ),
        "the notes' threshold: C's large, steady gradient norm called exploding": (
            _diagnosis(C="exploding_gradients")
        ),
        "blames D's flat loss on the learning rate and A's on dead units": (
            _diagnosis(A="dead_relus", D="lr_too_low")
        ),
        "a symptom for a cause: C's high initial loss instead of its inputs": (
            _diagnosis(C="bad_initial_loss")
        ),
        "E trains, so it is called healthy-but-slow: a too-low rate, and A vanishing": (
            _diagnosis(A="vanishing_gradients", B="lr_too_low", E="lr_too_low")
        ),
        "a symptom for a cause: D cannot overfit": _diagnosis(D="cannot_overfit"),
        "swaps B and E (vanishing vs the wrong gradient)": (
            _diagnosis(B="gradient_check_failed", E="vanishing_gradients")
        ),
        "misspelt codes": _diagnosis(D="dead_relu", B="vanishing"),
        "lower-case keys": (
            "diagnosis = {'a': 'lr_too_low', 'b': 'vanishing_gradients', "
            "'c': 'unscaled_inputs', 'd': 'dead_relus', 'e': 'gradient_check_failed'}\n"
        ),
    },
}
