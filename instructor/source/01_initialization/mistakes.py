"""Typical wrong answers for lesson 01 (initialization), used by tests/test_grading.py.

Each entry replaces the whole answer cell. The lesson's setup cell has already imported
``math`` and ``numpy as np``.
"""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "glorot_uniform": ["glorot_uniform_tests"],
    "he_normal": ["he_normal_tests"],
    "predict_relu_std": ["predict_relu_std_tests"],
}

# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "glorot_uniform": {
        "fan_in only, a = sqrt(3 / n_in) (that is LeCun uniform)": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(3.0 / n_in)
    return rng.uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "bound sqrt(6 / n_in) (He uniform, not Glorot)": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / n_in)
    return rng.uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "bound sqrt(3 / (n_in + n_out)) (half the variance)": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(3.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "the std sqrt(2 / (n_in + n_out)) used as the uniform bound": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(2.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "Glorot normal instead of uniform": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    std = math.sqrt(2.0 / (n_in + n_out))
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype)
""",
        "swapped shape (n_out, n_in), PyTorch's layout": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_out, n_in)).astype(dtype)
""",
        "ignores the rng: NumPy's global random state": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / (n_in + n_out))
    return np.random.uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "ignores the rng: a fresh generator with a fixed seed": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / (n_in + n_out))
    return np.random.default_rng(0).uniform(-a, a, size=(n_in, n_out)).astype(dtype)
""",
        "ignores dtype (always float64)": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_in, n_out))
""",
        "U(0, a) instead of U(-a, a)": """
def glorot_uniform_init(n_in, n_out, rng, dtype=np.float64):
    a = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(0, a, size=(n_in, n_out)).astype(dtype)
""",
    },
    "he_normal": {
        "1/n instead of 2/n (that is LeCun)": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return (rng.standard_normal((n_in, n_out)) * math.sqrt(1.0 / n_in)).astype(dtype)
""",
        "fan_out instead of fan_in": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return (rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_out)).astype(dtype)
""",
        "Glorot's fan_in + fan_out": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    std = math.sqrt(2.0 / (n_in + n_out))
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype)
""",
        "variance 2/n used as the std (no square root)": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return (rng.standard_normal((n_in, n_out)) * (2.0 / n_in)).astype(dtype)
""",
        "4/(fan_in + fan_out) (a fan-average He)": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    std = math.sqrt(4.0 / (n_in + n_out))
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype)
""",
        "He uniform instead of the normal asked for": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    b = math.sqrt(6.0 / n_in)
    return rng.uniform(-b, b, size=(n_in, n_out)).astype(dtype)
""",
        "swapped shape (n_out, n_in), PyTorch's layout": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return (rng.standard_normal((n_out, n_in)) * math.sqrt(2.0 / n_in)).astype(dtype)
""",
        "ignores the rng: np.random.randn": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return (np.random.randn(n_in, n_out) * math.sqrt(2.0 / n_in)).astype(dtype)
""",
        "ignores the rng: a fresh generator with a fixed seed": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    W = np.random.default_rng(42).standard_normal((n_in, n_out))
    return (W * math.sqrt(2.0 / n_in)).astype(dtype)
""",
        "ignores dtype (always float64)": """
def he_normal_init(n_in, n_out, rng, dtype=np.float64):
    return rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_in)
""",
    },
    "predict_relu_std": {
        "forgets the 1/2 from ReLU": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = input_std**2
    for _ in range(n_layers):
        var *= n * weight_std**2
    return float(math.sqrt(var))
""",
        "off by one: halves the variance at the first layer too": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = input_std**2
    for _ in range(n_layers):
        var *= 0.5 * n * weight_std**2
    return float(math.sqrt(var))
""",
        "off by one: one layer too few": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = n * weight_std**2 * input_std**2
    for _ in range(n_layers - 2):
        var *= 0.5 * n * weight_std**2
    return float(math.sqrt(var))
""",
        "off by one: one layer too many": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = n * weight_std**2 * input_std**2
    for _ in range(n_layers):
        var *= 0.5 * n * weight_std**2
    return float(math.sqrt(var))
""",
        "returns the variance instead of the std": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = n * weight_std**2 * input_std**2
    for _ in range(n_layers - 1):
        var *= 0.5 * n * weight_std**2
    return float(var)
""",
        "ReLU halves the std instead of the variance": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    std = math.sqrt(n) * weight_std * input_std
    for _ in range(n_layers - 1):
        std *= 0.5 * math.sqrt(n) * weight_std
    return float(std)
""",
        "weight_std used as a variance": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = n * weight_std * input_std**2
    for _ in range(n_layers - 1):
        var *= 0.5 * n * weight_std
    return float(math.sqrt(var))
""",
        "ignores input_std": """
def predict_relu_std(n_layers, n, weight_std, input_std=1.0):
    var = n * weight_std**2
    for _ in range(n_layers - 1):
        var *= 0.5 * n * weight_std**2
    return float(math.sqrt(var))
""",
    },
}
