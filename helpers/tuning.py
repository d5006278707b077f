"""Hyperparameter search: random and grid search over log-uniform, uniform and choice spaces.

A search space is a dict ``name -> parameter``, the objective a function that takes the
parameters as keyword arguments and returns a score to MAXIMIZE (e.g. validation accuracy)::

    space = {"lr": LogUniform(1e-3, 1), "reg": LogUniform(1e-6, 1e-2),
             "hidden_dim": Choice([50, 100, 200])}
    result = random_search(objective, space, n_trials=20, seed=0)
    result              # the trials as a table, best first (HTML in Jupyter)
    result.best_params  # {'lr': ..., 'reg': ..., 'hidden_dim': ...}
    result.plot();      # score against each hyperparameter

What the lesson builds on:

- Sample scale parameters (learning rate, regularization) on a log scale,
  ``10 ** uniform(log10(low), log10(high))`` (CS231n): uniform sampling of ``[1e-5, 1e-1]``
  puts 90% of the trials in the top decade.
- Random search beats grid search when few hyperparameters matter: with 9 trials a 3x3 grid
  tries only 3 values of the important one, random search 9 (Bergstra & Bengio 2012, Fig. 1).
  When all parameters matter about equally the advantage shrinks (on 4 of their 7 data sets
  the two were statistically equal).
- Coarse to fine: short runs over wide ranges first. A best value on the border of its range
  means the range was wrong: both searches warn (:class:`RangeBorderWarning`) and
  :meth:`SearchResult.narrow` zooms into the best region.

Reproducibility: trial ``i`` gets its own seed sequence, spawned from the search seed with
``np.random.SeedSequence(seed).spawn(n)[i]``. From it come the trial's random parameters and
an integer ``trial.seed``, passed to the objective as ``seed=`` if the objective has a ``seed``
argument. A trial's result depends only on its parameters and its seed, so ``n_jobs=2``
(joblib) gives the same trials as the serial run, a longer search extends a shorter one with
the same seed, and ``objective(**trial.params, seed=trial.seed)`` reruns one trial exactly.
"""

from __future__ import annotations

import html
import inspect
import itertools
import math
import numbers
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import matplotlib.figure

from ._validate import _describe, check_choice, check_number, check_rng

BORDER = 0.1  # a best value in the outer 10% of its (log) range is "on the border"
BACKENDS = ("loky", "threading", "multiprocessing")
RESERVED = ("rank", "trial", "score", "seed", "seconds", "error")  # the table's own columns


# --- search-space parameters --------------------------------------------------------------
class _Range:
    """A continuous range ``[low, high]``; subclasses say how to sample and grid it."""

    log = False

    def __init__(self, low: float, high: float) -> None:
        kind = type(self).__name__
        self.low = check_number(f"{kind} low", low, positive=self.log)
        self.high = check_number(f"{kind} high", high, positive=self.log)
        if not low < high:
            raise ValueError(f"{kind} low must be less than high; got low={low}, high={high}")

    def _scale(self, value):
        return np.log10(value) if self.log else value

    def position(self, value: float) -> float:
        """Where ``value`` lies in the range (on a log scale for LogUniform): 0 at ``low``, 1
        at ``high``."""
        a, b = self._scale(self.low), self._scale(self.high)
        return float((self._scale(value) - a) / (b - a))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.low:g}, {self.high:g})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and (other.low, other.high) == (self.low, self.high)


class LogUniform(_Range):
    """A positive parameter sampled uniformly on a log scale: ``10 ** uniform(log10 low,
    log10 high)`` (CS231n), for learning rates and regularization strengths.

    ``grid(n)`` is ``np.logspace(log10 low, log10 high, n)``, endpoints included.

    Example:
        >>> LogUniform(1e-5, 1e-2).sample(np.random.default_rng(0))  # 0.000814...
    """

    log = True

    def sample(self, rng, size: int | None = None) -> float | np.ndarray:
        """One value (a float), or an array of ``size`` values, in ``[low, high]``.

        ``rng``: a ``numpy.random.Generator`` or an int seed.
        """
        x = 10 ** check_rng("rng", rng).uniform(np.log10(self.low), np.log10(self.high), size)
        x = np.clip(x, self.low, self.high)  # 10 ** log10(high) may round one ulp above high
        return float(x) if size is None else x

    def grid(self, n: int) -> np.ndarray:
        """``n >= 2`` log-spaced values from ``low`` to ``high``, shape (n,)."""
        check_number("n", n, integer=True, low=2)
        g = np.logspace(np.log10(self.low), np.log10(self.high), n)
        g[0], g[-1] = self.low, self.high
        return g


class Uniform(_Range):
    """A parameter sampled uniformly in ``[low, high)``, e.g. a dropout rate or a momentum.

    ``grid(n)`` is ``np.linspace(low, high, n)``, endpoints included.

    Example:
        >>> Uniform(0.3, 0.7).sample(np.random.default_rng(0))  # 0.5547...
    """

    def sample(self, rng, size: int | None = None) -> float | np.ndarray:
        """One value (a float), or an array of ``size`` values, in ``[low, high)``.

        ``rng``: a ``numpy.random.Generator`` or an int seed.
        """
        x = check_rng("rng", rng).uniform(self.low, self.high, size)
        return float(x) if size is None else x

    def grid(self, n: int) -> np.ndarray:
        """``n >= 2`` evenly spaced values from ``low`` to ``high``, shape (n,)."""
        check_number("n", n, integer=True, low=2)
        return np.linspace(self.low, self.high, n)


class Choice:
    """One of a list of options, each equally likely, e.g. hidden sizes or activations.

    ``grid()`` is all the options, in order.

    Example:
        >>> Choice([50, 100, 200, 500]).sample(np.random.default_rng(0))  # 500
    """

    log = False

    def __init__(self, options: Sequence) -> None:
        if not isinstance(options, (list, tuple)):
            hint = " (a set has no fixed order, so it would not be reproducible)"
            hint = hint if isinstance(options, (set, frozenset)) else ""
            raise TypeError(
                f"Choice options must be a list or tuple like [50, 100, 200]{hint}; "
                f"got {_describe(options)}"
            )
        if len(options) == 0:
            raise ValueError("Choice options must not be empty; got []")
        for i, a in enumerate(options):
            for b in options[:i]:
                if a is b or (type(a) is type(b) and a == b):
                    raise ValueError(
                        f"Choice options must be distinct (a repeated option is sampled more "
                        f"often); got {a!r} twice in {list(options)}"
                    )
        self.options = list(options)

    def sample(self, rng, size: int | None = None) -> object:
        """One option, or a list of ``size`` options (``rng``: a Generator or an int seed)."""
        idx = check_rng("rng", rng).integers(len(self.options), size=size)
        return self.options[idx] if size is None else [self.options[i] for i in idx]

    def grid(self, n: int | None = None) -> list:
        """All the options (a Choice has no ``n``)."""
        if n is not None and n != len(self.options):
            raise ValueError(
                f"a Choice grid always holds all its {len(self.options)} options; got n={n}"
            )
        return list(self.options)

    def __repr__(self) -> str:
        return f"Choice({self.options!r})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.options == self.options


PARAM_TYPES = (LogUniform, Uniform, Choice)


# --- trials and results ---------------------------------------------------------------------
@dataclass
class Trial:
    """One evaluated point: its parameters, seed, score (``None`` if it failed) and extras.

    ``metrics`` holds the other entries of a dict returned by the objective; ``error`` is
    ``"ExceptionType: message"`` for a failed trial; ``seconds`` is its wall-clock time.
    """

    index: int
    params: dict
    seed: int
    score: float | None = None
    metrics: dict = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def _fmt(value) -> str:
    """A table cell: numbers with 4 significant digits, ``None`` as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    return str(value)


def _fmt_params(params: dict) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in params.items())


class SearchResult:
    """The trials of a search; shows as a table sorted by score, best first.

    Attributes:
        method: ``'random'`` or ``'grid'``.
        space: the search space.
        trials: the :class:`Trial` objects in the order they were defined (trial index).
        seed: the search seed (the entropy drawn if the search was given ``seed=None``).
        warnings: the warnings the search gave (border warnings, failed trials).

    Example:
        >>> result.best_params, result.best_score
        >>> result.table()[0]   # {'rank': 1, 'trial': 7, 'score': 0.91, 'lr': 0.2, ...}
    """

    def __init__(self, method: str, space: dict, trials: list[Trial], seed: int) -> None:
        self.method = method
        self.space = space
        self.trials = trials
        self.seed = seed
        self.warnings: list[str] = []

    def __len__(self) -> int:
        return len(self.trials)

    @property
    def failed(self) -> list[Trial]:
        """The trials that raised or returned a non-finite score."""
        return [t for t in self.trials if not t.ok]

    def sorted_trials(self) -> list[Trial]:
        """Successful trials by score, best first (ties: lower index first), then failed ones."""
        ok = sorted((t for t in self.trials if t.ok), key=lambda t: (-t.score, t.index))
        return ok + self.failed

    @property
    def best(self) -> Trial:
        """The trial with the highest score (``.params``, ``.score``, ``.seed``)."""
        ok = [t for t in self.trials if t.ok]
        if not ok:
            first = self.trials[0].error if self.trials else "no trials"
            raise ValueError(
                f"there is no best trial: all {len(self.trials)} trials failed; the first "
                f"failed with {first}"
            )
        return self.sorted_trials()[0]

    @property
    def best_params(self) -> dict:
        return dict(self.best.params)

    @property
    def best_score(self) -> float:
        return self.best.score

    def table(self) -> list[dict]:
        """One dict per trial, best first: ``rank`` (``None`` if failed), ``trial``, ``score``,
        the parameters, the extra metrics, ``seed``, ``seconds``, ``error``.

        ``pandas.DataFrame(result.table())`` makes a data frame of it.
        """
        rows = []
        for rank, t in enumerate(self.sorted_trials(), start=1):
            row = {"rank": rank if t.ok else None, "trial": t.index, "score": t.score}
            row.update(t.params)
            row.update(t.metrics)
            row.update(seed=t.seed, seconds=t.seconds, error=t.error)
            rows.append(row)
        return rows

    def _columns(self) -> list[str]:
        metrics = []
        for t in self.trials:
            metrics += [k for k in t.metrics if k not in metrics]
        cols = ["rank", "trial", "score", *self.space, *metrics, "seconds"]
        return cols + (["error"] if self.failed else [])

    def _header(self) -> str:
        n_ok = len(self.trials) - len(self.failed)
        text = f"{self.method} search: {len(self.trials)} trials ({n_ok} succeeded)"
        if n_ok:
            text += f", best score {_fmt(self.best_score)} (trial {self.best.index})"
        return text

    def to_text(self, max_rows: int = 20) -> str:
        """The table as aligned text, at most ``max_rows`` rows, then the warnings."""
        check_number("max_rows", max_rows, integer=True, positive=True)
        cols, rows = self._columns(), self.table()
        cells = [[_fmt(r.get(c))[:60] for c in cols] for r in rows[:max_rows]]
        widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(cols)]
        lines = [self._header()]
        for row in [cols, *cells]:  # numbers right-aligned, the error messages left-aligned
            just = [
                v.ljust(w) if c == "error" else v.rjust(w)
                for c, v, w in zip(cols, row, widths, strict=True)
            ]
            lines.append("  ".join(just).rstrip())
        if len(rows) > max_rows:
            lines.append(f"... {len(rows) - max_rows} more trials (see .table())")
        lines += [f"WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self, max_rows: int = 50) -> str:
        cols, rows = self._columns(), self.table()
        esc = html.escape
        out = [f"<p><b>{esc(self._header())}</b></p>"]
        out += [f"<p style='color:#b35900'>&#9888; {esc(w)}</p>" for w in self.warnings]
        out.append("<table><thead><tr>")
        out += [f"<th>{esc(c)}</th>" for c in cols]
        out.append("</tr></thead><tbody>")
        for r in rows[:max_rows]:
            style = " style='font-weight:bold'" if r["rank"] == 1 else ""
            tds = "".join(f"<td>{esc(_fmt(r.get(c)))}</td>" for c in cols)
            out.append(f"<tr{style}>{tds}</tr>")
        out.append("</tbody></table>")
        if len(rows) > max_rows:
            out.append(f"<p>... {len(rows) - max_rows} more trials (see .table())</p>")
        return "".join(out)

    def plot(self, score_label: str = "score") -> matplotlib.figure.Figure:
        """Scatter the score against each hyperparameter; return the matplotlib Figure.

        Log x-axis for :class:`LogUniform` parameters, the options on the x-axis for a
        :class:`Choice`; the best trial is a star, failed trials are red crosses along the
        bottom, and the outer 10% of each continuous range (the "border") is shaded.
        ``score_label`` names the score on the y-axes, e.g. ``'validation accuracy'``.

        Example:
            >>> result.plot("validation accuracy");
        """
        import matplotlib.pyplot as plt

        if not isinstance(score_label, str):
            raise TypeError(f"score_label must be a string; got {_describe(score_label)}")
        names = list(self.space)
        ncols = min(len(names), 3)
        nrows = math.ceil(len(names) / ncols)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False, layout="constrained"
        )
        ok = [t for t in self.trials if t.ok]
        best = self.best if ok else None
        for ax, name in zip(axes.flat, names, strict=False):
            p = self.space[name]
            if isinstance(p, Choice):
                xs = [p.options.index(t.params[name]) for t in ok]
                xfail = [p.options.index(t.params[name]) for t in self.failed]
                ax.set_xticks(range(len(p.options)), [str(o) for o in p.options])
                ax.set_xlim(-0.5, len(p.options) - 0.5)
                ax.set_xlabel(f"{name} (choice)")
            else:
                xs = [t.params[name] for t in ok]
                xfail = [t.params[name] for t in self.failed]
                if p.log:
                    ax.set_xscale("log")
                grid = p.grid(11)  # 10% steps of the (log) range: [1] and [9] bound the border
                ax.axvspan(p.low, grid[1], color="0.9", zorder=0, label="border (outer 10%)")
                ax.axvspan(grid[9], p.high, color="0.9", zorder=0)
                ax.set_xlabel(f"{name} (log scale)" if p.log else name)
            ax.scatter(xs, [t.score for t in ok], s=25, alpha=0.75, label="trial")
            if best is not None:
                xb = p.options.index(best.params[name]) if isinstance(p, Choice) else None
                xb = best.params[name] if xb is None else xb
                ax.scatter(
                    [xb],
                    [best.score],
                    marker="*",
                    s=200,
                    color="tab:orange",
                    edgecolor="k",
                    zorder=3,
                    label="best",
                )
            if xfail:
                ax.scatter(
                    xfail,
                    [0.03] * len(xfail),
                    marker="x",
                    color="tab:red",
                    transform=ax.get_xaxis_transform(),
                    label="failed",
                )
            ax.set_ylabel(score_label)
            ax.set_title(f"{score_label} vs {name}")
            ax.grid(alpha=0.3)
        for ax in axes.flat[len(names) :]:
            ax.axis("off")
        axes.flat[0].legend(fontsize="small")
        fig.suptitle(self._header())
        return fig

    def narrow(self, shrink: float = 0.5) -> dict:
        """A finer search space around the best trial (coarse to fine).

        Each continuous range becomes ``shrink`` times as wide (on a log scale for
        :class:`LogUniform`), centred on the best value and shifted, if needed, to stay inside
        the old range. Choices are kept. To go *beyond* a range (the border warning), widen
        it by hand.

        Example:
            >>> fine = random_search(objective, coarse.narrow(0.5), n_trials=20, seed=1)
        """
        check_number("shrink", shrink, positive=True, high=1.0, high_inclusive=False)
        best = self.best.params
        space = {}
        for name, p in self.space.items():
            if isinstance(p, Choice):
                space[name] = p
                continue
            f, inv = (np.log10, lambda v: float(10.0**v)) if p.log else (float, float)
            a, b, c = f(p.low), f(p.high), f(best[name])
            half = shrink * (b - a) / 2
            lo = min(max(c - half, a), b - 2 * half)
            lo, hi = inv(lo), inv(lo + 2 * half)
            space[name] = type(p)(max(lo, p.low), min(hi, p.high))
        return space


# --- running trials -----------------------------------------------------------------------
def _run_trial(objective: Callable, index: int, params: dict, seed: int, pass_seed: bool) -> Trial:
    """Call the objective once; never raises (errors are recorded in the Trial)."""
    start = time.perf_counter()
    trial = Trial(index=index, params=params, seed=seed)
    try:
        out = objective(**params, seed=seed) if pass_seed else objective(**params)
        metrics = {}
        if isinstance(out, dict):
            if "score" not in out:
                raise ValueError(
                    f"the dict the objective returned has no 'score'; keys {list(out)}"
                )
            metrics = {k: v for k, v in out.items() if k != "score"}
            clash = [k for k in metrics if k in params or k in RESERVED]
            if clash:
                raise ValueError(f"the objective's metric names {clash} clash with table columns")
            out = out["score"]
        if isinstance(out, (bool, np.bool_)) or not isinstance(out, numbers.Real):
            raise TypeError(
                "the objective must return a number (the score to maximize) or a dict with a "
                f"'score'; got {_describe(out)}"
            )
        if not math.isfinite(out):
            raise ValueError(f"the score is {float(out)} (not finite)")
        trial.score, trial.metrics = float(out), metrics
    except Exception as exc:  # a failed trial is recorded, not fatal
        trial.error = f"{type(exc).__name__}: {exc}"
    trial.seconds = time.perf_counter() - start
    return trial


def _check_search_args(objective, space, seed, n_jobs, backend, progress) -> bool:
    """Validate the common arguments; return whether the objective takes ``seed``."""
    if not callable(objective):
        raise TypeError(
            f"objective must be a function objective(**params); got {_describe(objective)}"
        )
    if not isinstance(space, dict):
        raise TypeError(
            "space must be a dict name -> LogUniform/Uniform/Choice, e.g. {'lr': "
            f"LogUniform(1e-4, 1)}}; got {_describe(space)}"
        )
    if not space:
        raise ValueError("space must hold at least one parameter; got {}")
    for name, p in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"space keys must be parameter names (identifiers); got {name!r}")
        if name == "seed":
            raise ValueError("space must not hold 'seed': the search passes each trial its seed")
        if not isinstance(p, PARAM_TYPES):
            raise TypeError(
                f"space[{name!r}] must be LogUniform(low, high), Uniform(low, high) or "
                f"Choice(options); got {_describe(p)}"
            )
    if seed is not None:
        check_number("seed", seed, integer=True, nonnegative=True)
    check_number("n_jobs", n_jobs, integer=True)
    if n_jobs < 1 and n_jobs != -1:
        raise ValueError(
            f"n_jobs must be a positive number of workers or -1 (all cores); got {n_jobs}"
        )
    check_choice("backend", backend, BACKENDS)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False; got {_describe(progress)}")
    try:
        sig = inspect.signature(objective)
    except (TypeError, ValueError):  # some builtins have no signature: nothing to check
        return False
    seed_arg = sig.parameters.get("seed")
    takes_seed = seed_arg is not None and seed_arg.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    try:
        sig.bind(**dict.fromkeys(space), **({"seed": 0} if takes_seed else {}))
    except TypeError as exc:
        raise TypeError(
            f"objective must take the search-space parameters {list(space)} as keyword "
            f"arguments (plus an optional seed); objective{sig} does not: {exc}"
        ) from None
    return takes_seed


def _search(
    method, objective, space, points, seeds, search_seed, takes_seed, n_jobs, backend, progress
) -> SearchResult:
    """Run the trials (serially or through joblib), collect them in order, warn."""
    jobs = [(objective, i, points[i], seeds[i], takes_seed) for i in range(len(points))]
    if n_jobs == 1:
        runs = (_run_trial(*job) for job in jobs)
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator")
        runs = parallel(delayed(_run_trial)(*job) for job in jobs)
    if progress:
        from tqdm.auto import tqdm

        runs = tqdm(runs, total=len(jobs), desc=f"{method} search", unit="trial")
    result = SearchResult(method, dict(space), list(runs), search_seed)
    found = []
    if result.failed:
        first = result.failed[0]
        message = (
            f"{len(result.failed)} of {len(result)} trials failed; the first (trial "
            f"{first.index}, {_fmt_params(first.params)}) with {first.error}"
        )
        found.append((message, RuntimeWarning))
    if len(result.failed) < len(result):
        found += [(message, RangeBorderWarning) for message in _border_messages(result)]
    for message, category in found:
        result.warnings.append(message)
        warnings.warn(message, category, stacklevel=3)
    return result


class RangeBorderWarning(UserWarning):
    """The best value of a continuous parameter lies in the outer 10% of its range."""


def _border_messages(result: SearchResult) -> list[str]:
    """A message per continuous parameter whose best value is in the outer 10% of its range.

    If several trials tie for the best score, all of them must be on the same border (a
    flat objective, where every trial ties, gives no message).
    """
    best, messages = result.best, []
    tied = [t for t in result.trials if t.ok and t.score == best.score]
    for name, p in result.space.items():
        if isinstance(p, Choice):
            continue
        positions = [p.position(t.params[name]) for t in tied]
        if all(u <= BORDER for u in positions):
            side, way = "bottom", "smaller"
        elif all(u >= 1 - BORDER for u in positions):
            side, way = "top", "larger"
        else:
            continue
        scale = " on a log scale" if p.log else ""
        messages.append(
            f"the best {name} = {best.params[name]:.3g} lies on the border of its range: in the "
            f"{side} {BORDER:.0%} of {p}{scale}. The range was probably wrong: widen it towards "
            f"{way} values and search again (coarse to fine)."
        )
    return messages


def _seeds(seed: int | None, n: int) -> tuple[list, list[int], int]:
    """Per-trial (sampling SeedSequence, objective seed) pairs spawned from the search seed."""
    root = np.random.SeedSequence(seed)
    pairs = [child.spawn(2) for child in root.spawn(n)]
    return [a for a, _ in pairs], [int(b.generate_state(1)[0]) for _, b in pairs], root.entropy


def random_search(
    objective: Callable,
    space: dict,
    n_trials: int,
    *,
    seed: int | None = 0,
    n_jobs: int = 1,
    backend: str = "loky",
    progress: bool = True,
) -> SearchResult:
    """Evaluate ``objective`` at ``n_trials`` random points of ``space``; maximize the score.

    Args:
        objective: called as ``objective(**params)``, or ``objective(**params, seed=s)`` if
            it has a ``seed`` argument (use it to seed the model and the minibatch order).
            It returns the score to MAXIMIZE (a finite number, e.g. the validation accuracy;
            return ``-loss`` for a loss) or a dict with a ``'score'`` and any extra metrics.
            A trial that raises or returns NaN/inf is recorded as failed, not fatal.
        space: ``{name: LogUniform(low, high) | Uniform(low, high) | Choice(options)}``.
        n_trials: how many points (>= 1).
        seed: the search seed (trial ``i``'s parameters and seed depend only on ``seed``
            and ``i``: more trials extend the same search); ``None`` for fresh entropy,
            recorded in ``result.seed``.
        n_jobs: parallel workers through joblib (-1: all cores); results are identical to
            ``n_jobs=1``.
        backend: joblib backend, ``'loky'`` (processes; the objective may be a lambda or a
            notebook function) or ``'threading'``.
        progress: show a progress bar over the trials.

    Returns:
        A :class:`SearchResult`. Warns (:class:`RangeBorderWarning`) when the best value of a
        continuous parameter is in the outer 10% of its (log) range, and (RuntimeWarning)
        when trials failed.

    Example: the course notes' loop (50 trials of ``lr = 10 ** np.random.uniform(-5, -2)``,
    ``hidden_dim = random.choice([...])``, ...) becomes::

        from helpers import TwoLayerNet, train
        from helpers.tuning import Choice, LogUniform, Uniform, random_search

        def objective(lr, hidden_dim, reg, dropout, seed):
            model = TwoLayerNet(784, hidden_dim, 10, seed=seed)
            history = train(model, X_train, y_train, X_val, y_val, learning_rate=lr,
                            reg=reg, dropout=dropout, epochs=5, seed=seed, progress=False)
            return history["val_acc_history"][-1]

        space = {"lr": LogUniform(1e-5, 1e-2), "hidden_dim": Choice([50, 100, 200, 500]),
                 "reg": LogUniform(1e-5, 1e-2), "dropout": Uniform(0.3, 0.7)}
        result = random_search(objective, space, n_trials=50, seed=0, n_jobs=2)
        print(f"Best validation accuracy: {result.best_score:.4f}")
        print(f"Best hyperparameters: {result.best_params}")

    With plain SGD the notes' learning-rate range is too low for this network (a sweep's
    best is about 0.3): the best lr lands at the top of the range and the search warns
    you to widen it.
    """
    takes_seed = _check_search_args(objective, space, seed, n_jobs, backend, progress)
    check_number("n_trials", n_trials, integer=True, positive=True)
    sample_seqs, seeds, entropy = _seeds(seed, n_trials)
    points = []
    for seq in sample_seqs:
        rng = np.random.default_rng(seq)
        points.append({name: p.sample(rng) for name, p in space.items()})
    return _search(
        "random", objective, space, points, seeds, entropy, takes_seed, n_jobs, backend, progress
    )


def grid_search(
    objective: Callable,
    space: dict,
    points_per_param: int | dict = 3,
    *,
    seed: int | None = 0,
    n_jobs: int = 1,
    backend: str = "loky",
    progress: bool = True,
) -> SearchResult:
    """Evaluate ``objective`` at every point of a grid over ``space``; maximize the score.

    The grid is the product of each parameter's ``grid``: ``points_per_param`` log-spaced
    (LogUniform) or evenly spaced (Uniform) values including both ends, and all the options
    of a Choice. ``points_per_param`` is an int (>= 2) for every continuous parameter or a
    dict ``{name: int}`` (names left out get 3). Trials are numbered in
    ``itertools.product`` order, the first parameter varying slowest.

    The other arguments, the objective's contract and the result are those of
    :func:`random_search`; ``seed`` only seeds the objective (trial ``i`` gets the same seed
    as in a random search with that seed).

    Example:
        >>> result = grid_search(objective, {"lr": LogUniform(1e-3, 1)}, 4)  # 1e-3 ... 1
    """
    takes_seed = _check_search_args(objective, space, seed, n_jobs, backend, progress)
    if isinstance(points_per_param, dict):
        for name, n in points_per_param.items():
            if name not in space:
                raise ValueError(
                    f"points_per_param names {name!r}, which is not in the space {list(space)}"
                )
            if isinstance(space[name], Choice):
                raise ValueError(
                    f"points_per_param[{name!r}]: a Choice always uses all its options; "
                    "remove this entry"
                )
            check_number(f"points_per_param[{name!r}]", n, integer=True, low=2)
        counts = {name: points_per_param.get(name, 3) for name in space}
    else:
        check_number("points_per_param", points_per_param, integer=True, low=2)
        counts = dict.fromkeys(space, points_per_param)
    axes = [
        p.grid() if isinstance(p, Choice) else p.grid(counts[name]).tolist()
        for name, p in space.items()
    ]
    points = [dict(zip(space, values, strict=True)) for values in itertools.product(*axes)]
    _, seeds, entropy = _seeds(seed, len(points))
    return _search(
        "grid", objective, space, points, seeds, entropy, takes_seed, n_jobs, backend, progress
    )
