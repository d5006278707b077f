"""Input checks shared by the public functions.

Every check raises a ``TypeError`` (wrong kind of thing) or a ``ValueError`` (right kind,
wrong value) whose message names the argument, says what was expected and shows what came.
Nothing is converted silently: a check either passes the value through unchanged or raises.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def _describe(value: object) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_array(
    name: str,
    x: object,
    *,
    ndim: int | None = None,
    kind: str = "float",
    shape: Sequence[int | None] | None = None,
    finite: bool = True,
    allow_empty: bool = False,
    shape_hint: str = "",
) -> np.ndarray:
    """Check that ``x`` is a NumPy array of the right rank, dtype kind and shape.

    ``kind`` is ``'float'`` (float16/32/64), ``'int'`` (signed or unsigned integers) or
    ``'any'``. ``shape`` may hold ``None`` for "any size" in that axis. ``shape_hint`` is
    shown in messages, e.g. ``"(N, D)"``.
    """
    hint = f" of shape {shape_hint}" if shape_hint else ""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array{hint}; got {_describe(x)}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array{hint}; got shape {x.shape} ({x.ndim}-D)")
    if kind == "float" and not np.issubdtype(x.dtype, np.floating):
        advice = " (did you forget to scale the pixels to floats?)" if x.dtype == np.uint8 else ""
        raise TypeError(f"{name} must have a floating-point dtype; got dtype {x.dtype}{advice}")
    if kind == "int" and (x.dtype == np.bool_ or not np.issubdtype(x.dtype, np.integer)):
        raise TypeError(f"{name} must have an integer dtype; got dtype {x.dtype}")
    if not allow_empty and x.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {x.shape}")
    if shape is not None:
        for axis, (want, got) in enumerate(zip(shape, x.shape, strict=False)):
            if want is not None and want != got:
                raise ValueError(
                    f"{name} must have size {want} in axis {axis}{hint}; got shape {x.shape}"
                )
    if finite and kind == "float" and x.size:
        # in chunks of rows: a boolean copy of 60,000 images would cost 47 MB at once
        flat = x.reshape(x.shape[0], -1) if x.ndim > 1 else x.reshape(-1, 1)
        step = max(1, (1 << 20) // max(1, flat.shape[1]))
        bad = sum(
            int(flat[i : i + step].size - np.count_nonzero(np.isfinite(flat[i : i + step])))
            for i in range(0, flat.shape[0], step)
        )
        if bad:
            raise ValueError(
                f"{name} must contain only finite values; got {bad} NaN or inf entries"
            )
    return x


def check_labels(name: str, y: object, *, n: int | None = None, num_classes: int | None = None):
    """Check integer class labels: a 1-D integer array, ``n`` long, values in [0, num_classes)."""
    check_array(name, y, ndim=1, kind="int", shape_hint="(N,)")
    if n is not None and y.shape[0] != n:
        raise ValueError(
            f"{name} must have one label per example (length {n}); got length {y.shape[0]}"
        )
    if num_classes is not None:
        low, high = int(y.min()), int(y.max())
        if low < 0 or high >= num_classes:
            raise ValueError(
                f"{name} must hold class indices in [0, {num_classes - 1}]; "
                f"got values from {low} to {high}"
            )
    return y


def check_number(
    name: str,
    value: object,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    high_inclusive: bool = True,
) -> float:
    """Check a scalar: a real number (an ``int`` if ``integer``), finite, within bounds."""
    is_bool = isinstance(value, (bool, np.bool_))
    if integer:
        if is_bool or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    elif is_bool or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be positive (> 0); got {value}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{name} must be non-negative (>= 0); got {value}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be at least {low}; got {value}")
    if high is not None and (value > high or (not high_inclusive and value == high)):
        bound = f"at most {high}" if high_inclusive else f"less than {high}"
        raise ValueError(f"{name} must be {bound}; got {value}")
    return value


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """Check that ``value`` is one of the strings in ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(choices)}; got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}")
    return value


def check_same_length(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Check that two arrays have the same number of rows (examples)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of examples; "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def check_rng(name: str, rng: object) -> np.random.Generator:
    """Turn ``None`` or an int seed into a ``Generator``; pass a ``Generator`` through."""
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed; got {rng}")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"{name} must be None, an integer seed or a numpy.random.Generator; got {_describe(rng)}"
    )
