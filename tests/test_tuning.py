"""Hyperparameter search: log-uniform sampling, reproducible (also in parallel) trials, a
sorted table, the border warning, and Bergstra & Bengio's random-versus-grid result."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import Network, TwoLayerNet, train
from helpers.data import make_spirals, train_val_split
from helpers.tuning import (
    Choice,
    LogUniform,
    RangeBorderWarning,
    SearchResult,
    Uniform,
    grid_search,
    random_search,
)

QUIET = {"progress": False}


def ks_uniform(samples: np.ndarray, a: float, b: float) -> float:
    """Kolmogorov-Smirnov distance between the samples' empirical CDF and U(a, b)."""
    x = np.sort((samples - a) / (b - a))
    n = len(x)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - x), np.max(x - (i - 1) / n)))


# Critical value of the KS distance at the 0.1% level: 1.95 / sqrt(n) (Smirnov's asymptotics).
def ks_limit(n: int) -> float:
    return 1.95 / math.sqrt(n)


# --- the parameter types ---------------------------------------------------------------------
def test_log_uniform_is_uniform_in_log10_and_within_bounds():
    p = LogUniform(1e-5, 1e-1)
    n = 20_000
    x = p.sample(np.random.default_rng(0), size=n)
    assert x.shape == (n,) and x.min() >= 1e-5 and x.max() <= 1e-1
    assert ks_uniform(np.log10(x), -5, -1) < ks_limit(n)
    # each of the four decades holds a quarter of the samples (binomial, 4 standard deviations)
    counts = np.histogram(np.log10(x), bins=[-5, -4, -3, -2, -1])[0]
    assert np.all(np.abs(counts - n / 4) < 4 * math.sqrt(n * 0.25 * 0.75)), counts
    # the one-at-a-time path (the one random_search uses) has the same distribution
    rng = np.random.default_rng(1)
    one_by_one = np.array([p.sample(rng) for _ in range(4000)])
    assert all(isinstance(v, float) for v in one_by_one[:5].tolist())
    assert ks_uniform(np.log10(one_by_one), -5, -1) < ks_limit(4000)
    # negative control: uniform sampling of the same range is far from uniform in log10, it
    # puts ~90% of the values in the top decade (why CS231n samples on a log scale)
    lin = Uniform(1e-5, 1e-1).sample(np.random.default_rng(0), size=n)
    assert ks_uniform(np.log10(lin), -5, -1) > 10 * ks_limit(n)
    assert np.mean(lin > 1e-2) == pytest.approx(0.9, abs=0.01)


def test_uniform_and_choice_sampling():
    n = 20_000
    x = Uniform(0.3, 0.7).sample(np.random.default_rng(0), size=n)
    assert x.min() >= 0.3 and x.max() < 0.7
    assert ks_uniform(x, 0.3, 0.7) < ks_limit(n)
    options = [50, 100, 200, 500]
    draws = Choice(options).sample(np.random.default_rng(0), size=n)
    counts = np.array([draws.count(o) for o in options])
    assert counts.sum() == n
    assert np.all(np.abs(counts - n / 4) < 4 * math.sqrt(n * 0.25 * 0.75)), counts
    # the options themselves come back, not converted copies
    obj = object()
    assert Choice(["relu", obj]).sample(np.random.default_rng(3), size=50).count(obj) > 0
    assert type(Choice(options).sample(0)) is int


def test_grids_match_logspace_and_linspace():
    np.testing.assert_allclose(LogUniform(1e-4, 1).grid(5), [1e-4, 1e-3, 1e-2, 1e-1, 1], rtol=1e-12)
    np.testing.assert_allclose(
        LogUniform(3e-5, 0.2).grid(7), np.logspace(np.log10(3e-5), np.log10(0.2), 7), rtol=1e-12
    )
    g = LogUniform(3e-5, 0.2).grid(7)
    assert g[0] == 3e-5 and g[-1] == 0.2  # the ends exactly, not one ulp off
    np.testing.assert_allclose(Uniform(0.3, 0.7).grid(5), [0.3, 0.4, 0.5, 0.6, 0.7], rtol=1e-12)
    assert Choice(["a", "b", "c"]).grid() == ["a", "b", "c"]


@pytest.mark.filterwarnings("error")  # all scores tie: no border warning either
def test_grid_search_evaluates_the_product_of_the_grids_in_order():
    seen = []

    def objective(lr, act):
        seen.append((lr, act))
        return 0.0

    result = grid_search(
        objective, {"lr": LogUniform(1e-3, 1), "act": Choice(["relu", "tanh"])}, 3, **QUIET
    )
    mid = 10**-1.5
    expected = [
        (1e-3, "relu"),
        (1e-3, "tanh"),
        (mid, "relu"),
        (mid, "tanh"),
        (1.0, "relu"),
        (1.0, "tanh"),
    ]
    assert len(seen) == len(result) == 6
    for (lr, act), (lr_e, act_e), t in zip(seen, expected, result.trials, strict=True):
        assert lr == pytest.approx(lr_e, rel=1e-12) and act == act_e
        assert t.params == {"lr": lr, "act": act}
    # a per-parameter count; names left out get 3
    space = {"lr": LogUniform(1e-3, 1), "m": Uniform(0, 1), "act": Choice(["relu", "tanh"])}
    r = grid_search(lambda lr, m, act: 0.0, space, {"lr": 4}, **QUIET)
    assert len(r) == 4 * 3 * 2
    assert sorted({t.params["m"] for t in r.trials}) == [0.0, 0.5, 1.0]


# --- seeds and parallel runs -------------------------------------------------------------------
def noisy_bowl(lr, width, act, seed):
    """Top-level (picklable) objective that uses its parameters and its seed."""
    if act == "broken":
        raise RuntimeError("this activation is broken")
    noise = np.random.default_rng(seed).normal(size=3).sum()
    return -((np.log10(lr) + 2) ** 2) - (width - 0.5) ** 2 + 0.1 * noise


def spiral_objective(lr, hidden_dim, dropout, seed):
    """A real (tiny) training run: the seed drives the init, the dropout masks and the order."""
    X, y = make_spirals(60, 3, seed=0)
    model = Network([2, hidden_dim, 3], seed=seed)
    history = train(
        model,
        X,
        y,
        X,
        y,
        learning_rate=lr,
        dropout=dropout,
        epochs=3,
        batch_size=30,
        seed=seed,
        progress=False,
    )
    return {"score": history["val_acc_history"][-1], "final_loss": history["loss_history"][-1]}


BOWL = {"lr": LogUniform(1e-4, 1), "width": Uniform(0, 1), "act": Choice(["relu", "broken"])}
SPIRAL = {"lr": LogUniform(1e-2, 1), "hidden_dim": Choice([8, 16]), "dropout": Uniform(0, 0.5)}


def summary(result: SearchResult) -> list:
    return [(t.index, t.params, t.seed, t.score, t.metrics, t.error) for t in result.trials]


@pytest.mark.filterwarnings("ignore::helpers.tuning.RangeBorderWarning")
def test_same_seed_same_trials_and_a_trial_reruns_exactly():
    with pytest.warns(RuntimeWarning, match="failed"):
        a = random_search(noisy_bowl, BOWL, 10, seed=3, **QUIET)
    with pytest.warns(RuntimeWarning, match="failed"):
        b = random_search(noisy_bowl, BOWL, 10, seed=3, **QUIET)
        c = random_search(noisy_bowl, BOWL, 10, seed=4, **QUIET)
    assert summary(a) == summary(b)
    assert [t.params for t in a.trials] != [t.params for t in c.trials]
    assert len({t.seed for t in a.trials}) == 10  # every trial its own seed
    # trial i depends only on (seed, i): a longer search extends the shorter one
    with pytest.warns(RuntimeWarning, match="failed"):
        longer = random_search(noisy_bowl, BOWL, 25, seed=3, **QUIET)
    assert summary(longer)[:10] == summary(a)
    # the recorded seed reproduces a trial outside the search (score includes seeded noise)
    best = a.best
    assert noisy_bowl(**best.params, seed=best.seed) == best.score
    # an objective without a seed argument is called without one
    r = random_search(lambda lr: -abs(math.log10(lr) + 2), {"lr": LogUniform(1e-4, 1)}, 5, **QUIET)
    assert not r.failed


@pytest.mark.filterwarnings("ignore::helpers.tuning.RangeBorderWarning")
@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_two_jobs_give_the_same_results_as_the_serial_run(backend):
    serial = random_search(spiral_objective, SPIRAL, 6, seed=0, **QUIET)
    parallel = random_search(
        spiral_objective, SPIRAL, 6, seed=0, n_jobs=2, backend=backend, **QUIET
    )
    assert summary(parallel) == summary(serial)
    assert len({t.score for t in serial.trials}) > 1  # the trials really differ
    # failed trials cross the process boundary as recorded errors, in order
    with pytest.warns(RuntimeWarning, match="failed"):
        s = grid_search(noisy_bowl, BOWL, 2, **QUIET)
    with pytest.warns(RuntimeWarning, match="failed"):
        p = grid_search(noisy_bowl, BOWL, 2, n_jobs=2, backend=backend, **QUIET)
    assert summary(p) == summary(s) and len(p.failed) == 4


# --- the result ----------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::helpers.tuning.RangeBorderWarning")
def test_table_is_sorted_best_first_and_failures_are_recorded():
    def objective(x, seed):
        if x > 0.8:
            raise ValueError("diverged")
        if x < 0.2:
            return math.nan
        return {"score": -((x - 0.5) ** 2), "train_acc": 1 - x}

    with pytest.warns(RuntimeWarning, match=r"of 30 trials failed"):
        result = random_search(objective, {"x": Uniform(0, 1)}, 30, seed=0, **QUIET)
    xs = np.array([t.params["x"] for t in result.trials])
    n_raise, n_nan = int(np.sum(xs > 0.8)), int(np.sum(xs < 0.2))
    assert n_raise > 0 and n_nan > 0
    assert len(result.failed) == n_raise + n_nan
    for t in result.failed:
        assert t.score is None
        assert ("ValueError: diverged" in t.error) if t.params["x"] > 0.8 else ("nan" in t.error)
    rows = result.table()
    assert len(rows) == 30
    ok_rows = [r for r in rows if r["error"] is None]
    scores = [r["score"] for r in ok_rows]
    assert scores == sorted(scores, reverse=True)
    assert [r["rank"] for r in ok_rows] == list(range(1, len(ok_rows) + 1))
    assert all(r["rank"] is None for r in rows[len(ok_rows) :])  # failures last
    # best is the maximum, computed here independently from the x values
    good = xs[(xs >= 0.2) & (xs <= 0.8)]
    x_best = good[np.argmin(np.abs(good - 0.5))]
    assert result.best.params["x"] == x_best
    assert result.best_score == -((x_best - 0.5) ** 2) == rows[0]["score"]
    assert rows[0]["train_acc"] == pytest.approx(1 - x_best)
    # text and HTML renderings: header, best row first, failures and the warning visible
    text = str(result)
    lines = text.splitlines()
    assert lines[0].startswith("random search: 30 trials")
    assert "train_acc" in lines[1] and "error" in lines[1]
    assert lines[2].split()[:2] == ["1", str(result.best.index)]
    assert "WARNING" in text and "diverged" in text
    page = result._repr_html_()
    assert page.count("<tr") == 31 and "<th>x</th>" in page and "diverged" in page


def test_best_of_an_all_failed_search_raises_a_clear_error():
    def objective(x):
        raise ZeroDivisionError("division by zero")

    with pytest.warns(RuntimeWarning, match="3 of 3 trials failed"):
        result = random_search(objective, {"x": Uniform(0, 1)}, 3, **QUIET)
    with pytest.raises(ValueError, match="all 3 trials failed.*ZeroDivisionError"):
        _ = result.best


@pytest.mark.filterwarnings("ignore::helpers.tuning.RangeBorderWarning")
def test_plot_has_one_labelled_panel_per_parameter_with_log_axes_for_log_params():
    with pytest.warns(RuntimeWarning, match="failed"):
        result = random_search(noisy_bowl, BOWL, 12, seed=0, **QUIET)
    fig = result.plot("validation accuracy")
    axes = [ax for ax in fig.axes if ax.axison]
    assert len(axes) == 3
    for ax, name in zip(axes, ["lr", "width", "act"], strict=True):
        assert ax.get_title() == f"validation accuracy vs {name}"
        assert ax.get_ylabel() == "validation accuracy"
        assert name in ax.get_xlabel()
    assert [ax.get_xscale() for ax in axes] == ["log", "linear", "linear"]
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["relu", "broken"]
    plt.close(fig)


# --- the border warning --------------------------------------------------------------------------
def test_border_warning_fires_when_the_best_value_is_at_the_edge_of_its_range():
    def rising(lr):  # the higher the better: the best lr is at the top of any range
        return math.log10(lr)

    with pytest.warns(RangeBorderWarning) as record:
        result = random_search(rising, {"lr": LogUniform(1e-5, 1e-2)}, 30, seed=0, **QUIET)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1 and result.warnings == messages
    assert result.best_params["lr"] > 10 ** (-2 - 0.3)  # in the top 10% of 3 decades
    for words in ["best lr", "top 10%", "LogUniform(1e-05, 0.01)", "log scale", "widen", "larger"]:
        assert words in messages[0]
    assert "WARNING: the best lr" in str(result)

    def falling(dropout):  # the lower the better
        return -dropout

    with pytest.warns(RangeBorderWarning, match="best dropout .* bottom 10%.*smaller") as record:
        result = random_search(falling, {"dropout": Uniform(0.3, 0.7)}, 30, seed=0, **QUIET)
    assert len(record) == 1 and result.best_params["dropout"] < 0.34
    # a grid puts points on the ends: the best at an end warns as well
    with pytest.warns(RangeBorderWarning, match="best lr = 0.01 "):
        grid_search(rising, {"lr": LogUniform(1e-5, 1e-2)}, 3, **QUIET)


def test_no_border_warning_when_the_best_value_is_inside_on_a_log_scale():
    # peak at lr = 10**-1.5: 70% of the way up on a log scale, but in the bottom 4% of
    # [1e-5, 1] on a linear scale, so this also checks that the position is measured in log10
    def peaked(lr, momentum, act):
        return -((math.log10(lr) + 1.5) ** 2) - (momentum - 0.5) ** 2 + (act == "relu")

    space = {"lr": LogUniform(1e-5, 1), "momentum": Uniform(0, 1), "act": Choice(["relu", "x"])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        result = random_search(peaked, space, 40, seed=0, **QUIET)
        grid = grid_search(peaked, space, 5, **QUIET)  # best at an inner grid point
        # a flat objective: every trial ties for best, so no value is "the best" one
        flat = grid_search(lambda lr, momentum, act: 0.5, space, 3, **QUIET)
    assert result.warnings == [] and grid.warnings == [] and flat.warnings == []
    assert result.best.params["act"] == "relu"  # a Choice is never "on the border"


def test_narrow_zooms_in_around_the_best_value_inside_the_old_range():
    def peaked(lr, m):
        return -((math.log10(lr) + 2) ** 2) - (m - 0.9) ** 2

    space = {"lr": LogUniform(1e-5, 1), "m": Uniform(0, 1), "h": Choice([1, 2])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RangeBorderWarning)
        result = random_search(lambda lr, m, h: peaked(lr, m), space, 30, seed=0, **QUIET)
    best = result.best_params
    fine = result.narrow(0.5)
    lo, hi = np.log10(fine["lr"].low), np.log10(fine["lr"].high)
    assert hi - lo == pytest.approx(2.5)  # half of the 5 decades
    assert lo < np.log10(best["lr"]) < hi and (lo + hi) / 2 == pytest.approx(np.log10(best["lr"]))
    # near the top of m's range the window is shifted to stay inside [0, 1]
    assert best["m"] > 0.75
    assert fine["m"].high == 1.0 and fine["m"].low == pytest.approx(0.5)
    assert fine["h"] == space["h"]


# --- Bergstra & Bengio 2012, Fig. 1 --------------------------------------------------------------
def bump(t, t0, width=0.05):
    return math.exp(-(((t - t0) / width) ** 2))


def random_vs_grid(f_of_peak, n_seeds: int) -> tuple[int, list, list]:
    """Count the seeds on which 9 random trials find a higher value than the 3x3 grid."""
    space = {"x": Uniform(0, 1), "y": Uniform(0, 1)}
    wins, random_xs, grid_xs = 0, [], []
    for s in range(n_seeds):
        x0, y0 = np.random.default_rng(1000 + s).uniform(0, 1, 2)  # the peak, unknown to both

        def f(x, y, x0=x0, y0=y0):
            return f_of_peak(x, y, x0, y0)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RangeBorderWarning)  # the peak may be near an edge
            rand = random_search(f, space, 9, seed=s, **QUIET)
            grid = grid_search(f, space, 3, seed=s, **QUIET)
        wins += rand.best_score > grid.best_score
        random_xs.append({t.params["x"] for t in rand.trials})
        grid_xs.append({t.params["x"] for t in grid.trials})
    return wins, random_xs, grid_xs


def test_random_search_beats_grid_when_one_parameter_matters():
    # f = g(x) + 0.01 h(y): only x matters, with a narrow peak at a random place
    def one_matters(x, y, x0, y0):
        return bump(x, x0) + 0.01 * bump(y, y0)

    wins, random_xs, grid_xs = random_vs_grid(one_matters, 50)
    assert all(len(xs) == 9 for xs in random_xs)  # 9 distinct values of the important one
    assert all(xs == {0.0, 0.5, 1.0} for xs in grid_xs)  # the grid tries np.linspace(0, 1, 3)
    # measured: 42 of 50 (0.80 over 400 seeds); 35 is a clear majority, 1.8 sd below that
    assert wins >= 35, f"random search won on only {wins} of 50 seeds"


def test_the_advantage_shrinks_when_both_parameters_matter_equally():
    # Bergstra & Bengio: on 4 of 7 data sets the two were statistically equal. With one round
    # peak in (x, y) both parameters matter equally; the grid's 9 distinct (x, y) points cover
    # the square as well as 9 random points, and random search wins about half the time.
    def both_matter(x, y, x0, y0):
        return math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / 0.05**2)

    def one_matters(x, y, x0, y0):
        return bump(x, x0) + 0.01 * bump(y, y0)

    wins_equal, _, _ = random_vs_grid(both_matter, 100)
    wins_one, _, _ = random_vs_grid(one_matters, 100)
    # measured over 400 seeds: random wins 56% with both parameters mattering, 80% with one.
    # Near a coin flip (within 3 standard deviations, 15, of 56) ...
    assert 40 <= wins_equal <= 72, wins_equal
    # ... and clearly less often than when one parameter matters (difference: 24 +- 6.4)
    assert wins_one - wins_equal >= 10, (wins_one, wins_equal)


# --- end to end on MNIST -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_mnist(mnist_sample):
    X, y, _, _ = mnist_sample
    X_tr, X_val, y_tr, y_val = train_val_split(X[:2000], y[:2000], 0.25, seed=0)
    return X_tr, y_tr, X_val, y_val


def test_random_search_with_the_real_train_on_mnist(small_mnist):
    X_train, y_train, X_val, y_val = small_mnist

    def objective(lr, hidden_dim, reg, dropout, seed):  # the course notes' loop body
        model = TwoLayerNet(784, hidden_dim, 10, seed=seed)
        history = train(
            model,
            X_train,
            y_train,
            X_val,
            y_val,
            learning_rate=lr,
            reg=reg,
            dropout=dropout,
            epochs=1,
            seed=seed,
            progress=False,
        )
        return history["val_acc_history"][-1]

    space = {
        "lr": LogUniform(3e-2, 0.5),
        "hidden_dim": Choice([32, 64]),
        "reg": LogUniform(1e-5, 1e-2),
        "dropout": Uniform(0.0, 0.3),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RangeBorderWarning)  # 4 trials: the best may be anywhere
        result = random_search(objective, space, 4, seed=0, **QUIET)
    assert not result.failed
    accs = [t.score for t in result.trials]
    assert min(accs) > 0.5, accs  # far above chance (0.1) after one short epoch
    assert result.best_score == max(accs)
    assert objective(**result.best_params, seed=result.best.seed) == result.best_score


def test_the_notes_learning_rate_range_is_too_low_and_the_search_says_so(small_mnist):
    # The notes sample lr in [1e-5, 1e-2]; with plain SGD on MNIST the best rate is ~0.3
    # (facts.md), so the best value of the notes' range is its top end.
    X_train, y_train, X_val, y_val = small_mnist

    def objective(lr, seed):
        model = TwoLayerNet(784, 32, 10, seed=seed)
        history = train(
            model,
            X_train,
            y_train,
            X_val,
            y_val,
            learning_rate=lr,
            epochs=1,
            seed=seed,
            progress=False,
        )
        return history["val_acc_history"][-1]

    with pytest.warns(RangeBorderWarning, match="best lr = 0.01 .* top 10%.*widen"):
        result = grid_search(objective, {"lr": LogUniform(1e-5, 1e-2)}, 4, **QUIET)
    accs = [t.score for t in result.trials]  # lr = 1e-5, 1e-4, 1e-3, 1e-2
    assert accs == sorted(accs) and result.best_params["lr"] == 1e-2


# --- bad input ---------------------------------------------------------------------------------
def ok(lr):
    return 0.0


LR = {"lr": LogUniform(1e-3, 1)}
FLAT = random_search(ok, LR, 3, progress=False)  # every score ties: no border warning
CASES = [
    # (call, error type, words the message must contain)
    (lambda: LogUniform(1e-2, 1e-5), ValueError, ["LogUniform", "low", "less than high"]),
    (lambda: LogUniform(0.1, 0.1), ValueError, ["low", "less than high"]),
    (lambda: LogUniform(0, 1), ValueError, ["LogUniform low", "positive", "0"]),
    (lambda: LogUniform(-1e-3, 1), ValueError, ["LogUniform low", "positive"]),
    (lambda: LogUniform("1e-3", 1), TypeError, ["LogUniform low", "number", "str"]),
    (lambda: Uniform(0.7, 0.3), ValueError, ["Uniform", "low", "less than high"]),
    (lambda: Uniform(0, math.inf), ValueError, ["Uniform high", "finite"]),
    (lambda: Choice([]), ValueError, ["Choice", "empty"]),
    (lambda: Choice({50, 100}), TypeError, ["Choice", "list", "set", "reproducible"]),
    (lambda: Choice("relu"), TypeError, ["Choice", "list", "str"]),
    (lambda: Choice([50, 100, 50]), ValueError, ["distinct", "50"]),
    (lambda: LogUniform(1e-3, 1).grid(1), ValueError, ["n", "at least 2"]),
    (lambda: Choice([1, 2]).grid(3), ValueError, ["Choice", "2 options", "n=3"]),
    (lambda: LogUniform(1e-3, 1).sample("seed"), TypeError, ["rng", "Generator"]),
    (lambda: random_search(ok, LR, 0), ValueError, ["n_trials", "positive", "0"]),
    (lambda: random_search(ok, LR, 2.5), TypeError, ["n_trials", "integer", "2.5"]),
    (lambda: random_search("ok", LR, 3), TypeError, ["objective", "function", "str"]),
    (lambda: random_search(ok, [LogUniform(1e-3, 1)], 3), TypeError, ["space", "dict", "list"]),
    (lambda: random_search(ok, {}, 3), ValueError, ["space", "at least one"]),
    (
        lambda: random_search(ok, {"lr": (1e-3, 1)}, 3),
        TypeError,
        ["space['lr']", "LogUniform", "tuple"],
    ),
    (
        lambda: random_search(ok, {"lr": [1e-3, 1e-2]}, 3),
        TypeError,
        ["space['lr']", "Choice", "list"],
    ),
    (lambda: random_search(ok, {"seed": Uniform(0, 1)}, 3), ValueError, ["seed", "must not"]),
    (lambda: random_search(ok, {1: Uniform(0, 1)}, 3), TypeError, ["space keys", "1"]),
    (
        lambda: random_search(ok, {"learning_rate": Uniform(0, 1)}, 3),
        TypeError,
        ["objective", "learning_rate"],
    ),
    (lambda: random_search(lambda lr, epochs: 0, LR, 3), TypeError, ["objective", "epochs"]),
    (lambda: random_search(ok, LR, 3, seed=-1), ValueError, ["seed", "non-negative", "-1"]),
    (lambda: random_search(ok, LR, 3, seed=1.5), TypeError, ["seed", "integer", "1.5"]),
    (lambda: random_search(ok, LR, 3, n_jobs=0), ValueError, ["n_jobs", "positive", "-1", "0"]),
    (lambda: random_search(ok, LR, 3, n_jobs=True), TypeError, ["n_jobs", "integer", "True"]),
    (lambda: random_search(ok, LR, 3, backend="dask"), ValueError, ["backend", "loky", "dask"]),
    (lambda: random_search(ok, LR, 3, progress="no"), TypeError, ["progress", "True or False"]),
    (lambda: grid_search(ok, LR, 1), ValueError, ["points_per_param", "at least 2", "1"]),
    (lambda: grid_search(ok, LR, {"lrr": 3}), ValueError, ["points_per_param", "'lrr'", "lr"]),
    (
        lambda: grid_search(lambda a: 0, {"a": Choice([1, 2])}, {"a": 2}),
        ValueError,
        ["Choice", "'a'"],
    ),
    (lambda: grid_search(ok, LR, {"lr": 2.0}), TypeError, ["points_per_param['lr']", "integer"]),
    (lambda: FLAT.narrow(1.5), ValueError, ["shrink", "less than 1", "1.5"]),
    (lambda: FLAT.narrow(0), ValueError, ["shrink", "positive", "0"]),
    (lambda: FLAT.plot(score_label=0.9), TypeError, ["score_label", "string", "float"]),
    (lambda: FLAT.to_text(max_rows=0), ValueError, ["max_rows", "positive", "0"]),
]


@pytest.mark.parametrize("call, error, words", CASES)
def test_bad_input_is_rejected_with_a_clear_message(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_objective_returning_the_wrong_type_fails_the_trial_with_a_clear_message():
    cases = [
        (lambda lr: "0.9", "number", "str"),
        (lambda lr: {"acc": 0.9}, "'score'", "acc"),
        (lambda lr: {"score": 0.9, "lr": 1}, "clash", "lr"),
        (lambda lr: True, "number", ""),
    ]
    for objective, *words in cases:
        with pytest.warns(RuntimeWarning, match="2 of 2 trials failed"):
            result = random_search(objective, LR, 2, **QUIET)
        for word in words:
            assert word in result.trials[0].error
