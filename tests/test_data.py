"""Tests for helpers/data.py: the MNIST loaders and downloader, spirals, splits, minibatches.

Expected values come from the data README (file sizes, MD5 sums, class counts), from
formulas computed here on the raw sample, or from bytes these tests build themselves.
No test touches the internet: PRACTICAL_TRAINING_OFFLINE=1 is set for every test, and the
download tests (which unset it) talk only to an HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import http.server
import re
import socket
import struct
import threading
import tracemalloc
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers.data import (
    MNIST_FILES,
    MNIST_MEAN,
    MNIST_MIRRORS,
    MNIST_STD,
    MnistDownloadError,
    download_mnist,
    iterate_minibatches,
    load_mnist,
    make_spirals,
    read_idx,
    train_val_split,
)

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "mnist_sample.npz"
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
# From /work/shared/data/README.md.
README_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
README_FILES = {
    TRAIN_IMAGES: (9_912_422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    TRAIN_LABELS: (28_881, "d53e105ee54ea40749a09fcbcd1e9432"),
    TEST_IMAGES: (1_648_877, "9fb629c4189551a2d022fa330f9573f3"),
    TEST_LABELS: (4_542, "ec29112dd5afa0611ce80d1b7f02629c"),
}
README_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


@pytest.fixture(autouse=True)
def _offline_and_default_data_dir(monkeypatch):
    monkeypatch.setenv("PRACTICAL_TRAINING_OFFLINE", "1")
    monkeypatch.delenv("PRACTICAL_TRAINING_DATA", raising=False)


@pytest.fixture
def online(monkeypatch):
    """Allow download attempts (the tests point them at 127.0.0.1 only)."""
    monkeypatch.delenv("PRACTICAL_TRAINING_OFFLINE", raising=False)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything calls urlopen."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected network access: {args}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture(scope="module")
def raw_sample():
    with np.load(SAMPLE_PATH) as npz:
        return {key: npz[key] for key in npz.files}


# ---- building IDX files ----------------------------------------------------------------


def idx_images(images: np.ndarray, magic: int = 2051) -> bytes:
    n, rows, cols = images.shape
    return struct.pack(">IIII", magic, n, rows, cols) + images.astype(np.uint8).tobytes()


def idx_labels(labels, magic: int = 2049) -> bytes:
    return struct.pack(">II", magic, len(labels)) + bytes(list(labels))


def md5(blob: bytes) -> str:
    return hashlib.md5(blob).hexdigest()


@pytest.fixture
def tiny():
    """A valid miniature MNIST: 12 train and 5 test images, gzipped, with its files table."""
    rng = np.random.default_rng(123)
    x_train = rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8)
    y_train = [i % 10 for i in range(12)]
    x_test = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    y_test = [3, 1, 4, 1, 5]
    blobs = {
        TRAIN_IMAGES: gzip.compress(idx_images(x_train), mtime=0),
        TRAIN_LABELS: gzip.compress(idx_labels(y_train), mtime=0),
        TEST_IMAGES: gzip.compress(idx_images(x_test), mtime=0),
        TEST_LABELS: gzip.compress(idx_labels(y_test), mtime=0),
    }
    table = {name: (len(blob), md5(blob)) for name, blob in blobs.items()}
    return SimpleNamespace(
        x_train=x_train,
        y_train=np.array(y_train),
        x_test=x_test,
        y_test=np.array(y_test),
        blobs=blobs,
        table=table,
    )


# ---- a local HTTP server ----------------------------------------------------------------


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):  # clients that gave up: not an error
        pass


class LocalMirrors:
    """Serves ``/<mirror>/<file>`` from memory; can fail, corrupt, cut or stall chosen paths."""

    def __init__(self):
        self.bodies: dict[str, bytes] = {}
        self.status: dict[str, int] = {}
        self.cut: dict[str, int] = {}  # path -> bytes actually sent (full Content-Length)
        self.stall: set[str] = set()
        self.requests: collections.Counter[str] = collections.Counter()
        self.release = threading.Event()
        state = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                state.requests[self.path] += 1
                if self.path in state.stall:
                    state.release.wait(10)
                    return
                if self.path in state.status:
                    self.send_error(state.status[self.path])
                    return
                body = state.bodies.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: state.cut.get(self.path, len(body))])

            def log_message(self, format, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, mirror: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mirror}/"

    def serve(self, mirror: str, blobs: dict[str, bytes]) -> None:
        for name, blob in blobs.items():
            self.bodies[f"/{mirror}/{name}"] = blob

    def count(self, mirror: str, name: str | None = None) -> int:
        if name is not None:
            return self.requests[f"/{mirror}/{name}"]
        return sum(n for path, n in self.requests.items() if path.startswith(f"/{mirror}/"))

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mirrors(online):
    server = LocalMirrors()
    yield server
    server.close()


@pytest.fixture
def refused_url():
    """A URL on a bound but not listening port: connections are refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/mnist/"
    sock.close()


def assert_close(actual: np.ndarray, expected: np.ndarray, atol: float) -> None:
    """Max-abs-error check; much faster than assert_allclose on the 7.8M-entry test split."""
    assert actual.shape == expected.shape
    error = float(np.max(np.abs(actual - expected)))
    assert error <= atol, f"max abs error {error} > {atol}"


def folder_contents(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# ---- constants ---------------------------------------------------------------------------


def test_constants_match_the_readme(raw_sample):
    assert MNIST_FILES == README_FILES
    assert tuple(MNIST_MIRRORS) == README_MIRRORS
    assert (MNIST_MEAN, MNIST_STD) == (0.1307, 0.3081)
    # The full-set statistics should describe the sample's 5,000 training images closely.
    pixels = raw_sample["x_train"] / 255.0
    assert abs(pixels.mean() - MNIST_MEAN) < 0.01
    assert abs(pixels.std() - MNIST_STD) < 0.01


# ---- the offline sample -----------------------------------------------------------------


def test_sample_shapes_dtypes_and_class_counts():
    X_train, y_train, X_test, y_test = load_mnist("sample")
    assert X_train.shape == (5000, 784) and X_test.shape == (10000, 784)
    assert y_train.shape == (5000,) and y_test.shape == (10000,)
    assert X_train.dtype == np.float32 and X_test.dtype == np.float32
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    for y in (y_train, y_test):
        assert y.min() == 0 and y.max() == 9
    assert np.bincount(y_test).tolist() == README_TEST_COUNTS
    assert np.bincount(y_train).tolist() == [500] * 10


def test_sample_labels_and_pixel_order_match_the_npz(raw_sample):
    X_train, y_train, X_test, y_test = load_mnist("sample", normalize=None, dtype=np.float64)
    np.testing.assert_array_equal(y_train, raw_sample["y_train"].astype(np.int64))
    np.testing.assert_array_equal(y_test, raw_sample["y_test"].astype(np.int64))
    # normalize=None keeps the raw 0..255 values; flattening is row-major (rows top to bottom).
    np.testing.assert_array_equal(X_train, raw_sample["x_train"].reshape(5000, 784))
    np.testing.assert_array_equal(X_test[7, 28:56], raw_sample["x_test"][7, 1, :])
    assert X_train.max() == 255.0


def test_sample_unit_scaling(raw_sample):
    X_train, _, X_test, _ = load_mnist("sample", normalize="unit", dtype=np.float64)
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert X_test.min() >= 0.0 and X_test.max() <= 1.0
    assert_close(X_test, raw_sample["x_test"].reshape(-1, 784) / 255.0, atol=1e-15)


@pytest.mark.parametrize(("dtype", "atol"), [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_sample_standard_scaling_follows_the_formula(raw_sample, dtype, atol):
    X_train, _, X_test, _ = load_mnist("sample", normalize="standard", dtype=dtype)
    assert X_train.dtype == dtype and X_test.dtype == dtype
    for X, raw in ((X_train, raw_sample["x_train"]), (X_test, raw_sample["x_test"])):
        expected = (raw.reshape(len(raw), 784) / 255.0 - 0.1307) / 0.3081
        assert_close(X, expected, atol=atol)


def test_sample_unflattened(raw_sample):
    X_train, _, X_test, _ = load_mnist("sample", flatten=False, normalize="unit")
    assert X_train.shape == (5000, 28, 28) and X_test.shape == (10000, 28, 28)
    np.testing.assert_allclose(X_test[0], raw_sample["x_test"][0] / 255.0, rtol=1e-6)


def test_sample_returns_fresh_writable_copies():
    first = load_mnist("sample", normalize="unit")
    for a in first:
        assert a.flags.writeable
        a[...] = 7
    second = load_mnist("sample", normalize="unit")
    assert second[0].max() == 1.0 and second[1].max() == 9
    for a, b in zip(first, second, strict=True):
        assert not np.shares_memory(a, b)


def test_sample_loads_without_float64_copies(raw_sample):
    # (its speed is measured in benchmarks/, not asserted here)
    raw_bytes = sum(a.nbytes for a in raw_sample.values())
    out_bytes = 15000 * 784 * 4 + 15000 * 8
    tracemalloc.start()
    try:
        result = load_mnist("sample", dtype=np.float32)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    # The outputs plus the raw uint8 arrays (once more for slack); a float64 copy of the
    # test images alone would add 10000 * 784 * 8 = 62.7 MB.
    assert peak < out_bytes + 2 * raw_bytes


def test_data_folder_env_override(tmp_path, monkeypatch):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    np.savez(
        tmp_path / "mnist_sample.npz",
        x_train=images,
        y_train=np.array([4, 2], dtype=np.uint8),
        x_test=images[:1],
        y_test=np.array([9], dtype=np.uint8),
    )
    monkeypatch.setenv("PRACTICAL_TRAINING_DATA", str(tmp_path))
    X_train, y_train, X_test, y_test = load_mnist("sample", normalize=None)
    np.testing.assert_array_equal(X_train, images.reshape(2, 784))
    assert y_train.tolist() == [4, 2] and y_test.tolist() == [9] and X_test.shape == (1, 784)

    monkeypatch.setenv("PRACTICAL_TRAINING_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_mnist("sample")


# ---- read_idx ----------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
def test_read_idx_parses_images_and_labels_exactly(tmp_path, compress, as_path):
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    labels = [7, 0, 9]
    blobs = {"images": idx_images(images), "labels": idx_labels(labels)}
    parsed = {}
    for key, blob in blobs.items():
        if compress:
            blob = gzip.compress(blob)
        if as_path:
            path = tmp_path / key
            path.write_bytes(blob)
            parsed[key] = read_idx(path)
        else:
            parsed[key] = read_idx(blob)
    assert parsed["images"].dtype == np.uint8 and parsed["images"].shape == (3, 28, 28)
    np.testing.assert_array_equal(parsed["images"], images)
    assert parsed["labels"].dtype == np.uint8 and parsed["labels"].tolist() == labels
    assert parsed["images"].flags.writeable


def test_read_idx_non_square_images_keep_their_header_shape():
    images = np.arange(2 * 3 * 5, dtype=np.uint8).reshape(2, 3, 5)
    np.testing.assert_array_equal(read_idx(idx_images(images)), images)


_IMG = np.zeros((2, 28, 28), dtype=np.uint8)
BAD_IDX = {
    "wrong magic": (struct.pack(">IIII", 0x12345678, 2, 28, 28) + _IMG.tobytes(), "2051"),
    "wrong dtype byte": (idx_images(_IMG, magic=0x0D03), "0x08"),
    "wrong number of dims": (struct.pack(">III", 0x0802, 2, 28) + bytes(56), "2049"),
    "truncated payload": (idx_images(_IMG)[:-1], "truncated"),
    "trailing bytes": (idx_images(_IMG) + b"\x00\x00\x00", "3 extra"),
    "truncated labels": (struct.pack(">II", 2049, 5) + bytes(4), "expected 5"),
    "truncated header": (struct.pack(">III", 2051, 2, 28), "truncated header"),
    "too short": (b"\x00\x00", "at least 4 bytes"),
}


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("case", list(BAD_IDX))
def test_read_idx_rejects_malformed_files(tmp_path, case, compress):
    blob, clue = BAD_IDX[case]
    path = tmp_path / "broken-idx"
    path.write_bytes(gzip.compress(blob) if compress else blob)
    with pytest.raises(ValueError) as info:
        read_idx(path)
    message = str(info.value)
    assert "expected" in message and clue in message
    assert str(path) in message  # names the file


def test_read_idx_rejects_a_cut_gzip_stream():
    blob = gzip.compress(idx_images(_IMG))
    with pytest.raises(ValueError, match="gzip"):
        read_idx(blob[: len(blob) // 2])


# ---- download_mnist against a local server ----------------------------------------------


def test_download_verifies_and_load_full_parses_the_files(tmp_path, mirrors, tiny):
    mirrors.serve("m1", tiny.blobs)
    cache = tmp_path / "cache"
    folder = download_mnist(cache, mirrors=(mirrors.url("m1"),), files=tiny.table, verbose=False)
    assert folder == cache
    assert folder_contents(cache) == set(tiny.blobs)  # no temporary files left
    for name, blob in tiny.blobs.items():
        assert md5((cache / name).read_bytes()) == md5(blob)
        assert mirrors.count("m1", name) == 1

    X_train, y_train, X_test, y_test = load_mnist(
        "full", cache_dir=cache, normalize="unit", dtype=np.float64, _files=tiny.table
    )
    np.testing.assert_allclose(X_train, tiny.x_train.reshape(12, 784) / 255.0, rtol=1e-12)
    np.testing.assert_allclose(X_test, tiny.x_test.reshape(5, 784) / 255.0, rtol=1e-12)
    assert y_train.dtype == np.int64 and y_train.tolist() == tiny.y_train.tolist()
    assert y_test.tolist() == tiny.y_test.tolist()
    assert mirrors.count("m1") == 4  # loading from the cache downloads nothing


def _flip_last_byte(blob: bytes) -> bytes:
    return blob[:-1] + bytes([blob[-1] ^ 0xFF])


@pytest.mark.parametrize(
    ("damage", "clue"),
    [("flipped", "MD5"), ("short", "size"), ("cut", "truncated"), ("long", "size")],
)
def test_bad_download_is_rejected_and_never_cached(tmp_path, mirrors, tiny, damage, clue):
    name = TRAIN_LABELS
    good = tiny.blobs[name]
    if damage == "flipped":
        mirrors.serve("m1", {name: _flip_last_byte(good)})
    elif damage == "short":
        mirrors.serve("m1", {name: good[:-5]})
    elif damage == "long":
        mirrors.serve("m1", {name: good + b"junk"})
    else:  # announces the full length, then the connection drops
        mirrors.serve("m1", {name: good})
        mirrors.cut[f"/m1/{name}"] = len(good) // 2
    cache = tmp_path / "cache"
    with pytest.raises(MnistDownloadError) as info:
        download_mnist(
            cache, mirrors=(mirrors.url("m1"),), files={name: tiny.table[name]}, verbose=False
        )
    message = str(info.value)
    assert mirrors.url("m1") in message and clue in message
    assert folder_contents(cache) == set()  # neither the final name nor a temporary file


@pytest.mark.parametrize("failure", ["404", "500", "refused", "timeout"])
def test_falls_back_to_the_second_mirror(tmp_path, mirrors, refused_url, tiny, failure):
    first = refused_url if failure == "refused" else mirrors.url("m1")
    for name in tiny.blobs:
        if failure == "500":
            mirrors.status[f"/m1/{name}"] = 500
    if failure == "timeout":  # one file hangs (the others are 404s), to keep the test fast
        mirrors.stall.add(f"/m1/{TRAIN_IMAGES}")
    # for "404" nothing is served under /m1/
    mirrors.serve("m2", tiny.blobs)
    cache = tmp_path / "cache"
    download_mnist(
        cache, mirrors=(first, mirrors.url("m2")), files=tiny.table, timeout=0.3, verbose=False
    )
    assert folder_contents(cache) == set(tiny.blobs)
    for name, blob in tiny.blobs.items():
        assert (cache / name).read_bytes() == blob
        assert mirrors.count("m2", name) == 1
        assert mirrors.count("m1", name) == (0 if failure == "refused" else 1)


def test_all_mirrors_failing_raises_a_clear_error(tmp_path, mirrors, refused_url, tiny):
    for name in tiny.blobs:
        mirrors.status[f"/m2/{name}"] = 500
    urls = (mirrors.url("m1"), mirrors.url("m2"), refused_url)
    cache = tmp_path / "cache"
    with pytest.raises(MnistDownloadError) as info:
        download_mnist(cache, mirrors=urls, files=tiny.table, timeout=2.0, verbose=False)
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    for url in urls:
        assert url in message
    assert "404" in message and "500" in message
    assert "load_mnist(source='sample')" in message
    assert folder_contents(cache) == set()


def test_valid_cached_files_are_not_downloaded_again(tmp_path, mirrors, tiny):
    mirrors.serve("m1", tiny.blobs)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / TEST_LABELS).write_bytes(tiny.blobs[TEST_LABELS])
    download_mnist(cache, mirrors=(mirrors.url("m1"),), files=tiny.table, verbose=False)
    assert mirrors.count("m1", TEST_LABELS) == 0
    assert mirrors.count("m1") == 3
    download_mnist(cache, mirrors=(mirrors.url("m1"),), files=tiny.table, verbose=False)
    assert mirrors.count("m1") == 3


@pytest.mark.parametrize("damage", ["same size, wrong MD5", "truncated"])
def test_a_bad_cached_file_is_replaced(tmp_path, mirrors, tiny, damage):
    name = TRAIN_IMAGES
    mirrors.serve("m1", tiny.blobs)
    cache = tmp_path / "cache"
    cache.mkdir()
    good = tiny.blobs[name]
    bad = _flip_last_byte(good) if damage.startswith("same") else good[:100]
    (cache / name).write_bytes(bad)
    download_mnist(cache, mirrors=(mirrors.url("m1"),), files=tiny.table, verbose=False)
    assert mirrors.count("m1", name) == 1
    assert (cache / name).read_bytes() == good


def test_offline_mode_skips_the_network(tmp_path, tiny, no_network):
    with pytest.raises(MnistDownloadError, match="PRACTICAL_TRAINING_OFFLINE") as info:
        download_mnist(tmp_path / "cache", files=tiny.table, verbose=False)
    assert "load_mnist(source='sample')" in str(info.value)
    with pytest.raises(MnistDownloadError, match="sample"):
        load_mnist("full", cache_dir=tmp_path / "cache", verbose=False)


# ---- source='auto' -----------------------------------------------------------------------


def test_auto_offline_with_empty_cache_returns_the_sample(tmp_path, capsys, no_network):
    X_train, y_train, X_test, y_test = load_mnist("auto", cache_dir=tmp_path / "empty")
    assert X_train.shape == (5000, 784) and X_test.shape == (10000, 784)
    assert np.bincount(y_test).tolist() == README_TEST_COUNTS
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1
    assert "sample" in out and "PRACTICAL_TRAINING_OFFLINE" in out


def test_auto_is_silent_when_not_verbose(tmp_path, capsys, no_network):
    load_mnist("auto", cache_dir=tmp_path / "empty", verbose=False)
    assert capsys.readouterr().out == ""


def test_auto_uses_the_full_set_when_cached(tmp_path, capsys, tiny, no_network):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, blob in tiny.blobs.items():
        (cache / name).write_bytes(blob)
    X_train, y_train, X_test, _ = load_mnist("auto", cache_dir=cache, _files=tiny.table)
    assert X_train.shape == (12, 784) and X_test.shape == (5, 784)
    assert "full" in capsys.readouterr().out


def test_auto_falls_back_when_downloads_fail(tmp_path, capsys, online, refused_url):
    X_train, *_ = load_mnist("auto", cache_dir=tmp_path / "cache", _mirrors=(refused_url,))
    assert X_train.shape == (5000, 784)
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert "sample" in last_line and "could not be downloaded" in last_line


# ---- spirals, splits and minibatches ------------------------------------------------------


def test_make_spirals_shapes_balance_and_geometry():
    X, y = make_spirals(50, 3, noise=0.1, seed=0)
    assert X.shape == (150, 2) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    # Each arm's radius grows linearly from 0 to 1 whatever the angular noise.
    for c in range(3):
        np.testing.assert_allclose(np.hypot(*X[y == c].T), np.linspace(0, 1, 50), atol=1e-12)


def test_make_spirals_seeds():
    a, _ = make_spirals(30, 2, seed=1)
    b, _ = make_spirals(30, 2, seed=1)
    c, _ = make_spirals(30, 2, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def _rows(n: int = 20) -> tuple[np.ndarray, np.ndarray]:
    X = np.arange(n * 3, dtype=np.float64).reshape(n, 3)  # row i starts with 3 * i
    y = np.arange(n, dtype=np.int64) % 4
    return X, y


def test_train_val_split_is_a_partition():
    X, y = _rows(20)
    X_tr, X_val, y_tr, y_val = train_val_split(X, y, 0.25, seed=0)
    assert X_val.shape == (5, 3) and X_tr.shape == (15, 3)
    ids = np.concatenate([X_tr[:, 0], X_val[:, 0]]) / 3
    assert sorted(ids.astype(int).tolist()) == list(range(20))  # every row once
    for Xs, ys in ((X_tr, y_tr), (X_val, y_val)):
        np.testing.assert_array_equal(ys, (Xs[:, 0] / 3).astype(int) % 4)  # pairs kept
    again = train_val_split(X, y, 0.25, seed=0)
    other = train_val_split(X, y, 0.25, seed=1)
    np.testing.assert_array_equal(again[1], X_val)
    assert not np.array_equal(other[1], X_val)


def test_iterate_minibatches_covers_each_example_once():
    X, y = _rows(10)
    batches = list(iterate_minibatches(X, y, 4, seed=0))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    ids = np.concatenate([xb[:, 0] for xb, _ in batches]) / 3
    assert sorted(ids.astype(int).tolist()) == list(range(10))
    assert ids.astype(int).tolist() != list(range(10))  # shuffled
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, (xb[:, 0] / 3).astype(int) % 4)


def test_iterate_minibatches_options_and_seeds():
    X, y = _rows(10)
    kept = list(iterate_minibatches(X, y, 4, seed=0, drop_last=True))
    assert [len(xb) for xb, _ in kept] == [4, 4]
    assert len({int(v) for xb, _ in kept for v in xb[:, 0]}) == 8
    ordered = list(iterate_minibatches(X, y, 3, shuffle=False))
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in ordered]), X)

    def order(seed):
        return np.concatenate([xb[:, 0] for xb, _ in iterate_minibatches(X, y, 3, seed=seed)])

    np.testing.assert_array_equal(order(5), order(5))
    assert not np.array_equal(order(5), order(6))


# ---- bad inputs --------------------------------------------------------------------------

_X, _Y = _rows(10)
_MD5 = "0" * 32

BAD_CALLS = {
    "source unknown": (lambda d: load_mnist("mnist"), ValueError, "source"),
    "source not str": (lambda d: load_mnist(None), TypeError, "source"),
    "normalize unknown": (
        lambda d: load_mnist("sample", normalize="minmax"),
        ValueError,
        "normalize",
    ),
    "normalize not str": (lambda d: load_mnist("sample", normalize=1), TypeError, "normalize"),
    "dtype int": (lambda d: load_mnist("sample", dtype=np.int32), TypeError, "dtype"),
    "dtype float16": (lambda d: load_mnist("sample", dtype=np.float16), TypeError, "dtype"),
    "flatten not bool": (lambda d: load_mnist("sample", flatten=1), TypeError, "flatten"),
    "cache_dir int": (lambda d: load_mnist("sample", cache_dir=3), TypeError, "cache_dir"),
    "read_idx float": (lambda d: read_idx(3.5), TypeError, "path_or_bytes"),
    "timeout zero": (lambda d: download_mnist(d, timeout=0), ValueError, "timeout"),
    "mirrors str": (lambda d: download_mnist(d, mirrors="http://x/"), TypeError, "mirrors"),
    "mirrors empty": (lambda d: download_mnist(d, mirrors=()), ValueError, "mirrors"),
    "mirrors ftp": (lambda d: download_mnist(d, mirrors=("ftp://x/",)), ValueError, "mirrors"),
    "files md5": (lambda d: download_mnist(d, files={"a": (10, "zz")}), ValueError, "files"),
    "files folder": (lambda d: download_mnist(d, files={"../a": (1, _MD5)}), ValueError, "files"),
    "files size": (lambda d: download_mnist(d, files={"a": (0, _MD5)}), ValueError, "files"),
    "n_per_class": (lambda d: make_spirals(0), ValueError, "n_per_class"),
    "num_classes": (lambda d: make_spirals(10, 1), ValueError, "num_classes"),
    "val_fraction": (lambda d: train_val_split(_X, _Y, 1.0), ValueError, "val_fraction"),
    "y float": (lambda d: train_val_split(_X, _Y * 1.0), TypeError, "y"),
    "batch_size": (lambda d: iterate_minibatches(_X, _Y, 0), ValueError, "batch_size"),
    "lengths": (lambda d: iterate_minibatches(_X, _Y[:-1], 2), ValueError, "X and y"),
    "shuffle": (lambda d: iterate_minibatches(_X, _Y, 2, shuffle="yes"), TypeError, "shuffle"),
    "X list": (lambda d: iterate_minibatches([[1.0]], _Y[:1], 1), TypeError, "X"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_inputs_raise_naming_the_argument(tmp_path, case, no_network):
    call, error, name = BAD_CALLS[case]
    with pytest.raises(error) as info:
        call(tmp_path / "cache")
    message = str(info.value)
    assert re.match(rf"{re.escape(name)}\b", message), message
    assert "must" in message and "got" in message, message
    assert folder_contents(tmp_path / "cache") == set()
