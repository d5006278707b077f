"""Typical wrong answers for lesson 07 (MNIST capstone), used by tests/test_grading.py."""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "confusion_matrix": ["confusion_matrix_tests"],
    "top_confusions": ["top_confusions_tests"],
}

# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "confusion_matrix": {
        "rows and columns swapped (rows = predicted class)": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_pred, y_true), 1)
    return cm
""",
        "cm[t, p] += 1 with fancy indexing (a repeated pair counts once)": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    cm[y_true, y_pred] += 1
    return cm
""",
        "= instead of += (every pair counts 1)": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        cm[t, p] = 1
    return cm
""",
        "size taken from the labels instead of num_classes": """
def confusion_matrix(y_true, y_pred, num_classes):
    n = int(max(y_true.max(), y_pred.max())) + 1
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
""",
        "off by one: labels treated as 1-based": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true - 1, y_pred - 1), 1)
    return cm
""",
        "off by one: one class too many": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes + 1, num_classes + 1), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
""",
        "float counts (np.zeros without an integer dtype)": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm = np.zeros((num_classes, num_classes))
    np.add.at(cm, (y_true, y_pred), 1)
    return cm
""",
        "np.histogram2d with bins from the data's range (and float counts)": """
def confusion_matrix(y_true, y_pred, num_classes):
    cm, _, _ = np.histogram2d(y_true, y_pred, bins=num_classes)
    return cm.astype(np.int64)
""",
    },
    "top_confusions": {
        "the diagonal (correct predictions) included": """
def top_confusions(cm, k):
    pairs = [(i, j, int(cm[i, j])) for i in range(cm.shape[0]) for j in range(cm.shape[1])
             if cm[i, j] > 0]
    pairs.sort(key=lambda t: (-t[2], t[0], t[1]))
    return pairs[:k]
""",
        "sorted ascending (the smallest mistakes first)": """
def top_confusions(cm, k):
    pairs = [(i, j, int(cm[i, j])) for i in range(cm.shape[0]) for j in range(cm.shape[1])
             if i != j and cm[i, j] > 0]
    pairs.sort(key=lambda t: (t[2], t[0], t[1]))
    return pairs[:k]
""",
        "indices of the flattened matrix returned": """
def top_confusions(cm, k):
    flat = cm.astype(np.int64).ravel().copy()
    flat[:: cm.shape[0] + 1] = 0
    order = np.argsort(-flat, kind="stable")[:k]
    return [(int(f), int(flat[f])) for f in order if flat[f] > 0]
""",
        "(predicted, true) instead of (true, predicted)": """
def top_confusions(cm, k):
    pairs = [(j, i, int(cm[i, j])) for i in range(cm.shape[0]) for j in range(cm.shape[1])
             if i != j and cm[i, j] > 0]
    pairs.sort(key=lambda t: (-t[2], t[1], t[0]))
    return pairs[:k]
""",
        "ties in reverse order (argsort ascending, then reversed)": """
def top_confusions(cm, k):
    n = cm.shape[0]
    flat = cm.astype(np.int64).ravel().copy()
    flat[:: n + 1] = 0
    order = np.argsort(flat, kind="stable")[::-1]
    return [(int(f // n), int(f % n), int(flat[f])) for f in order[:k] if flat[f] > 0]
""",
        "zero counts kept when there are fewer than k mistakes": """
def top_confusions(cm, k):
    pairs = [(i, j, int(cm[i, j])) for i in range(cm.shape[0]) for j in range(cm.shape[1])
             if i != j]
    pairs.sort(key=lambda t: (-t[2], t[0], t[1]))
    return pairs[:k]
""",
        "np.fill_diagonal on the caller's matrix (cm is changed)": """
def top_confusions(cm, k):
    n = cm.shape[0]
    np.fill_diagonal(cm, 0)
    order = np.argsort(-cm.ravel(), kind="stable")[:k]
    return [(int(f // n), int(f % n), int(cm.ravel()[f])) for f in order if cm.ravel()[f] > 0]
""",
    },
}
