"""Typical wrong answers for lesson 05 (tuning), used by tests/test_grading.py."""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "log_uniform": ["log_uniform_tests"],
    "my_random_search": ["my_random_search_tests"],
}

CHECK = """
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
"""

# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "log_uniform": {
        "uniform instead of log-uniform (90% of the samples in the top decade)": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return rng.uniform(low, high, size)
""",
        "natural log of the bounds, then 10 ** (values fall outside [low, high])": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return 10 ** rng.uniform(np.log(low), np.log(high), size)
""",
        "the bounds used as exponents: 10 ** uniform(low, high)": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return 10 ** rng.uniform(low, high, size)
""",
        "bounds in the wrong order: uniform(log10(high), log10(low))": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return 10 ** rng.uniform(np.log10(high), np.log10(low), size)
""",
        "ignores the rng and draws from the global np.random": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return 10 ** np.random.uniform(np.log10(low), np.log10(high), size)
""",
        "ignores the rng and makes a new generator with a fixed seed": f"""
def log_uniform(low, high, size, rng):{CHECK}
    return 10 ** np.random.default_rng(0).uniform(np.log10(low), np.log10(high), size)
""",
        "no check of the bounds (log10(0) = -inf; equal bounds give a constant)": """
def log_uniform(low, high, size, rng):
    return 10 ** rng.uniform(np.log10(low), np.log10(high), size)
""",
    },
    "my_random_search": {
        "keeps the last trial instead of the best": """
def my_random_search(objective, space, n_trials, rng):
    for _ in range(n_trials):
        params = {name: p.sample(rng) for name, p in space.items()}
        score = objective(**params)
    return params, score
""",
        "minimizes instead of maximizing": """
def my_random_search(objective, space, n_trials, rng):
    best_params, best_score = None, np.inf
    for _ in range(n_trials):
        params = {name: p.sample(rng) for name, p in space.items()}
        score = objective(**params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
""",
        "samples once, outside the loop (every trial is the same)": """
def my_random_search(objective, space, n_trials, rng):
    best_params, best_score = None, -np.inf
    params = {name: p.sample(rng) for name, p in space.items()}
    for _ in range(n_trials):
        score = objective(**params)
        if score > best_score:
            best_params, best_score = params, score
    return best_params, best_score
""",
        "ignores the rng (a fresh unseeded generator in every trial)": """
def my_random_search(objective, space, n_trials, rng):
    best_params, best_score = None, -np.inf
    for _ in range(n_trials):
        params = {name: p.sample(np.random.default_rng()) for name, p in space.items()}
        score = objective(**params)
        if score > best_score:
            best_params, best_score = params, score
    return best_params, best_score
""",
        "starts from best_score = 0 (finds nothing when every score is negative)": """
def my_random_search(objective, space, n_trials, rng):
    best_params, best_score = None, 0
    for _ in range(n_trials):
        params = {name: p.sample(rng) for name, p in space.items()}
        score = objective(**params)
        if score > best_score:
            best_params, best_score = params, score
    return best_params, best_score
""",
        "reuses one params dict, so best_params ends up holding the last trial's values": """
def my_random_search(objective, space, n_trials, rng):
    best_params, best_score = None, -np.inf
    params = {}
    for _ in range(n_trials):
        for name, p in space.items():
            params[name] = p.sample(rng)
        score = objective(**params)
        if score > best_score:
            best_params, best_score = params, score
    return best_params, best_score
""",
    },
}
