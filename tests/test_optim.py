"""Optimizers, schedules and clipping against hand-written scalar versions and facts.md."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from helpers import optim


def run(opt, grads_seq, lr):
    p = {"w": np.array([1.0, -2.0])}
    out = []
    for g in grads_seq:
        opt.step(p, {"w": np.array(g, dtype=float)}, lr)
        out.append(p["w"].copy())
    return out


GRADS = [[0.5, -1.0], [0.2, 0.3], [-0.4, 2.0], [1.5, 0.0]]


def test_sgd_is_p_minus_lr_g():
    out = run(optim.SGD(), GRADS, 0.1)
    expected = np.array([1.0, -2.0]) - 0.1 * np.cumsum(GRADS, axis=0)
    np.testing.assert_allclose(out, expected)


def test_momentum_matches_scalar_loop():
    out = run(optim.Momentum(0.9), GRADS, 0.1)
    for j, p0 in enumerate([1.0, -2.0]):
        p, v = p0, 0.0
        for i, g in enumerate(GRADS):
            v = 0.9 * v - 0.1 * g[j]
            p = p + v
            assert out[i][j] == pytest.approx(p, rel=1e-12)


def test_adam_matches_scalar_loop_from_the_paper():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.01
    out = run(optim.Adam(b1, b2, eps), GRADS, lr)
    for j, p0 in enumerate([1.0, -2.0]):
        p, m, v = p0, 0.0, 0.0
        for t, g in enumerate(GRADS, start=1):  # Kingma & Ba, Algorithm 1
            m = b1 * m + (1 - b1) * g[j]
            v = b2 * v + (1 - b2) * g[j] ** 2
            p -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
            assert out[t - 1][j] == pytest.approx(p, rel=1e-10)


def test_adam_first_step_moves_each_coordinate_by_lr():
    # with bias correction the first update is lr * g / |g| = lr * sign(g)
    p = {"w": np.array([0.0, 0.0])}
    optim.Adam().step(p, {"w": np.array([3.0, -1e-3])}, 0.01)
    np.testing.assert_allclose(p["w"], [-0.01, 0.01], rtol=1e-5)


def test_optimizer_state_can_be_saved_and_restored():
    opt = optim.Adam()
    p = {"w": np.ones(3)}
    opt.step(p, {"w": np.ones(3)}, 0.1)
    saved_state, saved_p = copy.deepcopy(opt.state), copy.deepcopy(p)
    opt.step(p, {"w": np.ones(3)}, 0.1)
    after = p["w"].copy()
    opt.state, p = saved_state, saved_p
    opt.step(p, {"w": np.ones(3)}, 0.1)
    np.testing.assert_array_equal(p["w"], after)


def test_make_optimizer():
    assert isinstance(optim.make_optimizer("adam"), optim.Adam)
    m = optim.Momentum(0.5)
    assert optim.make_optimizer(m) is m
    with pytest.raises(ValueError, match="optimizer"):
        optim.make_optimizer("adagrad")
    with pytest.raises(TypeError, match="optimizer"):
        optim.make_optimizer(42)


def test_schedules_match_formulas():
    s = optim.step_schedule(10, 0.5)
    assert [s(i) for i in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]
    c = optim.cosine_schedule(100, final_factor=0.1)
    assert c(0) == pytest.approx(1.0)
    assert c(50) == pytest.approx(0.1 + 0.9 * 0.5)
    assert c(100) == pytest.approx(0.1) and c(150) == pytest.approx(0.1)
    assert c(25) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2)


def test_clip_by_norm_keeps_direction_facts_example():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([0.0])}
    norm = optim.clip_grad_norm(grads, 1.0)
    assert norm == pytest.approx(5.0)  # the norm before clipping
    np.testing.assert_allclose(grads["a"], [0.6, 0.8], rtol=1e-5)
    assert math.hypot(*grads["a"]) == pytest.approx(1.0, rel=1e-5)


def test_clip_by_norm_is_global_over_all_gradients():
    grads = {"W1": np.full((2, 2), 3.0), "W2": np.array([4.0, 0.0])}
    total = math.sqrt(4 * 9 + 16)
    before = {k: v.copy() for k, v in grads.items()}
    assert optim.clip_grad_norm(grads, 2.0) == pytest.approx(total)
    for k in grads:  # one common factor for every gradient
        np.testing.assert_allclose(grads[k], before[k] * 2.0 / (total + 1e-6))


def test_clip_by_norm_leaves_small_gradients_alone():
    grads = {"w": np.array([0.3, 0.4])}
    assert optim.clip_grad_norm(grads, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["w"], [0.3, 0.4])


def test_clip_by_value_changes_direction_facts_example():
    grads = {"w": np.array([3.0, 4.0, 0.5])}
    optim.clip_grad_value(grads, 1.0)
    np.testing.assert_array_equal(grads["w"], [1.0, 1.0, 0.5])


def test_warmup_is_linear_then_hands_over():
    s = optim.warmup_schedule(4, after=optim.cosine_schedule(10))
    assert [s(i) for i in range(4)] == [0.0, 0.25, 0.5, 0.75]
    assert s(4) == pytest.approx(1.0) and s(9) == pytest.approx(0.5)  # cosine from its step 0
    assert optim.warmup_schedule(2, start_factor=0.5)(1) == 0.75
    assert optim.warmup_schedule(2)(50) == 1.0


def test_one_cycle_key_points_and_shape():
    total = 100
    s = optim.one_cycle_schedule(total, pct_start=0.3, div_factor=25, final_div_factor=1e4)
    f = [s(i) for i in range(total)]
    assert f[0] == pytest.approx(1 / 25)
    assert max(f) == pytest.approx(1.0) and int(np.argmax(f)) == 29  # 0.3 * 100 - 1
    assert f[-1] == pytest.approx(1 / 25 / 1e4)
    assert all(a <= b for a, b in zip(f[:30], f[1:30], strict=False))  # rises, then falls
    assert all(a >= b for a, b in zip(f[29:], f[30:], strict=False))
    # halfway up the first phase the cosine is halfway between its ends
    assert s(14.5) == pytest.approx((1 / 25 + 1) / 2)


def test_one_cycle_matches_pytorch_when_installed():
    torch = pytest.importorskip("torch")  # a second implementation, if it is available
    total, peak = 57, 0.4
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=peak)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=peak, total_steps=total, anneal_strategy="cos", cycle_momentum=False
    )
    theirs = []
    for _ in range(total):
        theirs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    ours = optim.one_cycle_schedule(total)
    np.testing.assert_allclose([peak * ours(i) for i in range(total)], theirs, rtol=1e-9)


def test_train_accepts_the_new_schedules(mnist_sample):
    from helpers import Network, train

    X, y, *_ = mnist_sample
    for name in ("one_cycle", "warmup_cosine"):
        h = train(Network([784, 10, 10], seed=0), X[:640], y[:640], learning_rate=0.2,
                  epochs=2, batch_size=64, lr_schedule=name, progress=False)  # fmt: skip
        lrs = h["lr_history"]
        assert len(lrs) == 20 and max(lrs) == pytest.approx(0.2, rel=0.05)
        assert lrs[0] < 0.05 and lrs[-1] < 0.05
