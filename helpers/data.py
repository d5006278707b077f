"""Data for the lessons: MNIST (offline sample or the full set), spirals, splits, minibatches.

Shapes: images ``X`` are ``(N, 784)`` floats when flattened (``(N, 28, 28)`` otherwise),
labels ``y`` are ``(N,)`` integers in ``[0, C)``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import io
import math
import os
import struct
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ._validate import (
    _describe,
    check_array,
    check_choice,
    check_labels,
    check_number,
    check_rng,
    check_same_length,
)


def make_spirals(
    n_per_class: int = 100, num_classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spirals, the CS231n toy problem that a linear model cannot solve.

    Returns ``X`` of shape ``(n_per_class * num_classes, 2)`` (float64, roughly in
    [-1, 1]) and ``y`` of shape ``(n_per_class * num_classes,)`` (int64), grouped by class.

    Example: ``X, y = make_spirals(100, 3)`` gives 300 points in 3 arms.
    """
    check_number("n_per_class", n_per_class, integer=True, positive=True)
    check_number("num_classes", num_classes, integer=True, low=2)
    check_number("noise", noise, nonnegative=True)
    rng = check_rng("seed", seed)
    X = np.zeros((n_per_class * num_classes, 2))
    y = np.zeros(n_per_class * num_classes, dtype=np.int64)
    for c in range(num_classes):
        rows = slice(n_per_class * c, n_per_class * (c + 1))
        radius = np.linspace(0.0, 1.0, n_per_class)
        angle = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class)
        angle = angle + rng.standard_normal(n_per_class) * noise
        X[rows] = np.c_[radius * np.sin(angle), radius * np.cos(angle)]
        y[rows] = c
    return X, y


def train_val_split(
    X: np.ndarray, y: np.ndarray, val_fraction: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_val, y_train, y_val``.

    ``X`` is ``(N, ...)`` and ``y`` is ``(N,)``; the validation part has
    ``round(val_fraction * N)`` examples (at least one, and at least one left to train on).

    Example: ``X_tr, X_val, y_tr, y_val = train_val_split(X, y, 0.2, seed=0)``.
    """
    check_array("X", X, kind="any", shape_hint="(N, ...)")
    check_labels("y", y)
    check_same_length("X", X, "y", y)
    check_number("val_fraction", val_fraction, low=0.0, high=1.0, high_inclusive=False)
    if val_fraction == 0.0:
        raise ValueError("val_fraction must be greater than 0; got 0.0")
    n = X.shape[0]
    n_val = int(round(val_fraction * n))
    if n_val < 1 or n_val >= n:
        raise ValueError(
            f"val_fraction={val_fraction} of {n} examples leaves {n_val} for validation and "
            f"{n - n_val} for training; both need at least one"
        )
    order = check_rng("seed", seed).permutation(n)
    val, tr = order[:n_val], order[n_val:]
    return X[tr], X[val], y[tr], y[val]


def iterate_minibatches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    *,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = 0,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs covering the data once (one epoch).

    ``X_batch`` is ``(B, ...)`` and ``y_batch`` is ``(B,)``; the last batch is smaller
    unless ``drop_last``. The same seed gives the same batches. Bad arguments raise at call time.

    Example: ``for xb, yb in iterate_minibatches(X, y, 64, seed=0): ...``
    """
    check_array("X", X, kind="any", shape_hint="(N, ...)")
    check_array("y", y, kind="any", shape_hint="(N,)")
    check_same_length("X", X, "y", y)
    check_number("batch_size", batch_size, integer=True, positive=True)
    shuffle = _check_bool("shuffle", shuffle)
    drop_last = _check_bool("drop_last", drop_last)
    n = X.shape[0]
    order = check_rng("seed", seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    # Checks above run at call time; the batches are produced lazily.
    return (
        (X[order[i : i + batch_size]], y[order[i : i + batch_size]])
        for i in range(0, stop, batch_size)
    )


# --------------------------------------------------------------------------------------
# MNIST
# --------------------------------------------------------------------------------------

MNIST_FILES: dict[str, tuple[int, str]] = {
    "train-images-idx3-ubyte.gz": (9_912_422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train-labels-idx1-ubyte.gz": (28_881, "d53e105ee54ea40749a09fcbcd1e9432"),
    "t10k-images-idx3-ubyte.gz": (1_648_877, "9fb629c4189551a2d022fa330f9573f3"),
    "t10k-labels-idx1-ubyte.gz": (4_542, "ec29112dd5afa0611ce80d1b7f02629c"),
}
"""The four canonical MNIST files: ``name -> (size in bytes, MD5 hex digest)``."""

MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Base URLs that serve :data:`MNIST_FILES`, tried in this order."""

MNIST_MEAN = 0.1307
"""Mean pixel value of the full MNIST training set on the [0, 1] scale."""

MNIST_STD = 0.3081
"""Standard deviation of the pixels of the full MNIST training set on the [0, 1] scale."""

_TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
_TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
_TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
_TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
_SAMPLE_NAME = "mnist_sample.npz"
_DATA_ENV = "PRACTICAL_TRAINING_DATA"
_OFFLINE_ENV = "PRACTICAL_TRAINING_OFFLINE"
_AUTO_TIMEOUT = 5.0  # seconds per network operation when source='auto'
_GZIP_MAGIC = b"\x1f\x8b"
_IDX_MAGIC = {2051: 3, 2049: 1}  # magic number -> number of dimensions
_CHUNK = 1 << 20
_MD5_CHARS = frozenset("0123456789abcdef")


class MnistDownloadError(RuntimeError):
    """The full MNIST set could not be downloaded (every mirror failed, or offline mode)."""


def _data_dir() -> Path:
    """The data folder: ``$PRACTICAL_TRAINING_DATA`` if set, else ``<repository>/data``."""
    override = os.environ.get(_DATA_ENV, "")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def _offline() -> bool:
    """True when ``$PRACTICAL_TRAINING_OFFLINE`` asks to skip the network."""
    return os.environ.get(_OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _check_cache_dir(cache_dir: object) -> Path:
    if cache_dir is None:
        return _data_dir() / "cache" / "mnist"
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be None, a str or a path; got {_describe(cache_dir)}")
    if isinstance(cache_dir, str) and not cache_dir:
        raise ValueError("cache_dir must be a folder path; got the empty string ''")
    return Path(cache_dir).expanduser()


def _check_mirrors(mirrors: object) -> tuple[str, ...]:
    if isinstance(mirrors, (str, bytes)) or not isinstance(mirrors, Sequence):
        raise TypeError(
            f"mirrors must be a tuple or list of base URLs (str); got {_describe(mirrors)}"
        )
    if len(mirrors) == 0:
        raise ValueError("mirrors must hold at least one base URL; got an empty sequence")
    for i, url in enumerate(mirrors):
        if not isinstance(url, str):
            raise TypeError(f"mirrors[{i}] must be a URL string; got {_describe(url)}")
        if not url.startswith(("http://", "https://", "file://")):
            raise ValueError(
                f"mirrors[{i}] must be an http://, https:// or file:// URL; got {url!r}"
            )
    return tuple(mirrors)


def _check_files(files: object) -> dict[str, tuple[int, str]]:
    if not isinstance(files, Mapping):
        raise TypeError(
            f"files must be a dict mapping file names to (size_bytes, md5); got {_describe(files)}"
        )
    if len(files) == 0:
        raise ValueError("files must name at least one file; got an empty mapping")
    for name, entry in files.items():
        if not isinstance(name, str):
            raise TypeError(f"files must have file names (str) as keys; got {_describe(name)}")
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError(f"files must have plain file names (no folders) as keys; got {name!r}")
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
            raise TypeError(
                f"files[{name!r}] must be a tuple (size_bytes, md5); got {_describe(entry)}"
            )
        size, md5 = entry
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(
                f"files[{name!r}] must have an integer size in bytes; got {_describe(size)}"
            )
        if size <= 0:
            raise ValueError(f"files[{name!r}] must have a positive size in bytes; got {size}")
        if not isinstance(md5, str):
            raise TypeError(f"files[{name!r}] must have an MD5 string; got {_describe(md5)}")
        if len(md5) != 32 or not set(md5) <= _MD5_CHARS:
            raise ValueError(
                f"files[{name!r}] must have an MD5 of 32 lowercase hex digits; got {md5!r}"
            )
    return {name: (size, md5) for name, (size, md5) in files.items()}


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_valid(path: Path, size: int, md5: str) -> bool:
    """True if ``path`` is a file with exactly ``size`` bytes and MD5 ``md5``."""
    try:
        if not path.is_file() or path.stat().st_size != size:
            return False
        return _md5_of(path) == md5
    except OSError:
        return False


# ---- IDX ---------------------------------------------------------------------------------


def _read_exact(stream: BinaryIO, n: int) -> bytearray:
    """Read up to ``n`` bytes (fewer only at the end of the stream)."""
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(min(_CHUNK, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return buf


def _count_rest(stream: BinaryIO) -> int:
    extra = 0
    while chunk := stream.read(_CHUNK):
        extra += len(chunk)
    return extra


def _parse_idx(stream: BinaryIO, name: str) -> np.ndarray:
    head = _read_exact(stream, 4)
    if len(head) < 4:
        raise ValueError(
            f"{name}: expected an IDX header of at least 4 bytes; found only {len(head)} bytes"
        )
    (magic,) = struct.unpack(">I", head)
    zeros, dtype_byte, ndim = head[0] | head[1], head[2], head[3]
    if zeros != 0:
        raise ValueError(
            f"{name}: expected IDX magic number 2051 (images) or 2049 (labels); "
            f"found {magic} (0x{magic:08x}) - is this an IDX file?"
        )
    if dtype_byte != 0x08:
        raise ValueError(
            f"{name}: expected IDX dtype byte 0x08 (unsigned byte); "
            f"found 0x{dtype_byte:02x} (magic number {magic})"
        )
    if magic not in _IDX_MAGIC:
        raise ValueError(
            f"{name}: expected magic number 2051 (images, 3 dimensions) or 2049 "
            f"(labels, 1 dimension); found {magic} ({ndim} dimensions)"
        )
    dims_raw = _read_exact(stream, 4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise ValueError(
            f"{name}: truncated header: expected {4 * ndim} bytes of dimensions after the "
            f"magic number; found {len(dims_raw)}"
        )
    dims = struct.unpack(f">{ndim}I", dims_raw)
    expected = math.prod(dims)
    payload = _read_exact(stream, expected)
    shape_text = " x ".join(str(d) for d in dims)
    if len(payload) < expected:
        raise ValueError(
            f"{name}: truncated payload: expected {expected} data bytes ({shape_text}); "
            f"found only {len(payload)}"
        )
    extra = _count_rest(stream)
    if extra:
        raise ValueError(
            f"{name}: trailing garbage: expected exactly {expected} data bytes "
            f"({shape_text}); found {expected + extra} ({extra} extra bytes)"
        )
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def read_idx(path_or_bytes: str | os.PathLike | bytes | bytearray | memoryview) -> np.ndarray:
    """Parse an IDX file (gzipped or not) into a writable ``uint8`` array.

    ``path_or_bytes`` is a file path or the file's bytes; gzip is recognised by its magic
    bytes ``1f 8b``. Images (magic 2051) give shape ``(N, rows, cols)``, e.g.
    ``(N, 28, 28)``; labels (magic 2049) give shape ``(N,)``. A wrong magic number, a
    dtype byte other than ``0x08``, a truncated payload or trailing bytes raise
    ``ValueError``.

    Example: ``images = read_idx("data/cache/mnist/t10k-images-idx3-ubyte.gz")``.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        name = f"IDX data ({memoryview(path_or_bytes).nbytes} bytes)"
        raw: BinaryIO = io.BytesIO(path_or_bytes)
    elif isinstance(path_or_bytes, (str, os.PathLike)):
        name = os.fspath(path_or_bytes)
        raw = open(path_or_bytes, "rb")  # closed by the with below
    else:
        raise TypeError(
            f"path_or_bytes must be a file path or bytes; got {_describe(path_or_bytes)}"
        )
    with raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if not compressed:
            return _parse_idx(raw, name)
        try:
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                return _parse_idx(stream, name)
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(
                f"{name}: expected a complete gzip stream; found a corrupted or truncated "
                f"one ({type(err).__name__}: {err})"
            ) from err


# ---- download ----------------------------------------------------------------------------


class _BadDownload(Exception):
    """A download that arrived but is not the expected file."""


def _fetch(url: str, folder: Path, name: str, size: int, md5: str, timeout: float) -> None:
    """Download ``url`` to ``folder / name`` via a verified temporary file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "practical-training"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as resp:
            announced = resp.headers.get("Content-Length")
            if announced is not None and announced.isdigit() and int(announced) != size:
                raise _BadDownload(
                    f"wrong size: server announces {announced} bytes, expected {size}"
                )
            digest = hashlib.md5(usedforsecurity=False)
            got = 0
            while chunk := resp.read(_CHUNK):
                got += len(chunk)
                if got > size:
                    raise _BadDownload(f"wrong size: more than the expected {size} bytes")
                digest.update(chunk)
                out.write(chunk)
        if got != size:
            raise _BadDownload(f"wrong size: got {got} bytes, expected {size} (truncated)")
        if digest.hexdigest() != md5:
            raise _BadDownload(f"wrong MD5: got {digest.hexdigest()}, expected {md5}")
        os.replace(tmp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _reason(err: BaseException, timeout: float) -> str:
    """A short human-readable reason for a failed download."""
    if isinstance(err, _BadDownload):
        return str(err)
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP error {err.code} {err.reason}"
    if isinstance(err, TimeoutError) or (
        isinstance(err, urllib.error.URLError) and isinstance(err.reason, TimeoutError)
    ):
        return f"timed out after {timeout} s"
    if isinstance(err, urllib.error.URLError):
        return f"cannot connect ({err.reason})"
    if isinstance(err, http.client.IncompleteRead):
        return f"connection closed early after {len(err.partial)} bytes (truncated)"
    return f"{type(err).__name__}: {err}"


def download_mnist(
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] = MNIST_MIRRORS,
    files: Mapping[str, tuple[int, str]] = MNIST_FILES,
    timeout: float = 30.0,
    *,
    verbose: bool = True,
) -> Path:
    """Download the MNIST files into ``cache_dir`` (verified by size and MD5) and return it.

    Files already present with the right size and MD5 are kept; others are fetched from
    each of ``mirrors`` in turn, checked, and only then moved into place, so a broken
    download never appears under its final name. Raises :class:`MnistDownloadError`
    listing every mirror's failure when a file cannot be had (or when
    ``$PRACTICAL_TRAINING_OFFLINE`` is set and a file is missing). ``cache_dir`` defaults
    to ``<data folder>/cache/mnist``.

    Example: ``folder = download_mnist()`` then ``read_idx(folder / "t10k-labels-idx1-ubyte.gz")``.
    """
    folder = _check_cache_dir(cache_dir)
    mirrors = _check_mirrors(mirrors)
    files = _check_files(files)
    check_number("timeout", timeout, positive=True)
    verbose = _check_bool("verbose", verbose)
    missing = []
    for name, (size, md5) in files.items():
        path = folder / name
        if _is_valid(path, size, md5):
            continue
        if path.exists():
            if verbose:
                print(f"{path} has the wrong size or MD5; downloading it again")
            with contextlib.suppress(OSError):
                path.unlink()
        missing.append(name)
    if not missing:
        return folder
    hint = "the offline sample is available with load_mnist(source='sample')"
    if _offline():
        raise MnistDownloadError(
            f"{len(missing)} MNIST file(s) missing from {folder} ({', '.join(missing)}) and "
            f"{_OFFLINE_ENV}={os.environ.get(_OFFLINE_ENV)} skips the network; {hint}"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise MnistDownloadError(
            f"cannot create the MNIST cache folder {folder} ({err}); {hint}"
        ) from err
    for name in missing:
        size, md5 = files[name]
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            if verbose:
                print(f"Downloading {name} ({size / 1e6:.1f} MB) from {mirror} ...", flush=True)
            try:
                _fetch(url, folder, name, size, md5, timeout)
            except Exception as err:  # any failure: try the next mirror
                failures.append(f"  {mirror}: {_reason(err, timeout)}")
                if verbose:
                    print(f"  failed: {_reason(err, timeout)}", flush=True)
                continue
            break
        else:
            raise MnistDownloadError(
                f"could not download {name} into {folder}; every mirror failed:\n"
                + "\n".join(failures)
                + f"\nCheck your internet connection, or use the offline sample: {hint}."
            )
    return folder


# ---- loading -----------------------------------------------------------------------------


def _check_dtype(dtype: object) -> np.dtype:
    allowed = (np.dtype(np.float32), np.dtype(np.float64))
    message = f"dtype must be np.float32 or np.float64; got {_describe(dtype)}"
    if dtype is None or not isinstance(dtype, (type, np.dtype, str)):
        raise TypeError(message)
    try:
        resolved = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(message) from err
    if resolved not in allowed:
        raise TypeError(message)
    return resolved


def _load_sample() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    path = _data_dir() / _SAMPLE_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"the offline MNIST sample {path} does not exist (data folder: ${_DATA_ENV} if "
            f"set, else the repository's data/ folder)"
        )
    with np.load(path, allow_pickle=False) as npz:
        return npz["x_train"], npz["y_train"], npz["x_test"], npz["y_test"]


def _load_full(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    arrays = []
    for images_name, labels_name in ((_TRAIN_IMAGES, _TRAIN_LABELS), (_TEST_IMAGES, _TEST_LABELS)):
        images = read_idx(folder / images_name)
        labels = read_idx(folder / labels_name)
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(
                f"{folder / images_name}: expected images of shape (N, 28, 28); "
                f"found {images.shape}"
            )
        if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
            raise ValueError(
                f"{folder / labels_name}: expected {images.shape[0]} labels (one per image); "
                f"found shape {labels.shape}"
            )
        if labels.size and labels.max() > 9:
            raise ValueError(
                f"{folder / labels_name}: expected labels 0-9; found {int(labels.max())}"
            )
        arrays += [images, labels]
    return arrays[0], arrays[1], arrays[2], arrays[3]


def _prepare_images(
    images: np.ndarray, flatten: bool, normalize: str | None, dtype: np.dtype
) -> np.ndarray:
    """uint8 ``(N, 28, 28)`` -> fresh ``dtype`` array, converted directly and scaled in place."""
    if flatten:
        images = images.reshape(images.shape[0], -1)
    out = images.astype(dtype)  # always a fresh copy; no float64 intermediate for float32
    if normalize is not None:
        out /= 255.0
        if normalize == "standard":
            out -= MNIST_MEAN
            out /= MNIST_STD
    return out


def load_mnist(
    source: str = "auto",
    *,
    flatten: bool = True,
    normalize: str | None = "standard",
    dtype: type | np.dtype = np.float32,
    cache_dir: str | os.PathLike | None = None,
    verbose: bool = True,
    _mirrors: Sequence[str] = MNIST_MIRRORS,
    _files: Mapping[str, tuple[int, str]] = MNIST_FILES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load MNIST as ``X_train, y_train, X_test, y_test``.

    ``source`` is ``'sample'`` (the committed 5,000 train / 10,000 test images), ``'full'``
    (60,000 / 10,000 from ``cache_dir``, downloaded if needed; :class:`MnistDownloadError`
    if impossible) or ``'auto'`` (the full set if cached or quickly downloadable, else the
    sample, with a one-line message saying which and why; ``$PRACTICAL_TRAINING_OFFLINE=1``
    skips the network). ``X`` is ``(N, 784)`` if ``flatten`` else ``(N, 28, 28)`` in
    ``dtype`` (float32 or float64); ``normalize='standard'`` gives
    ``(x / 255 - MNIST_MEAN) / MNIST_STD``, ``'unit'`` gives ``x / 255`` in [0, 1] and
    ``None`` keeps the raw 0..255 values (only for the "unscaled inputs" demonstration).
    ``y`` is ``(N,)`` int64 in [0, 9]. Every call returns fresh, writable arrays.

    Example: ``X_train, y_train, X_test, y_test = load_mnist("sample")``.
    """
    check_choice("source", source, ("auto", "sample", "full"))
    flatten = _check_bool("flatten", flatten)
    if normalize is not None:
        if not isinstance(normalize, str):
            raise TypeError(
                f"normalize must be 'standard', 'unit' or None; got {_describe(normalize)}"
            )
        if normalize not in ("standard", "unit"):
            raise ValueError(f"normalize must be 'standard', 'unit' or None; got {normalize!r}")
    resolved = _check_dtype(dtype)
    folder = _check_cache_dir(cache_dir)
    verbose = _check_bool("verbose", verbose)
    _check_mirrors(_mirrors)
    files = _check_files(_files)
    needed = (_TRAIN_IMAGES, _TRAIN_LABELS, _TEST_IMAGES, _TEST_LABELS)
    if not set(needed) <= set(files):
        raise ValueError(f"_files must name the four MNIST files {list(needed)}; got {list(files)}")

    if source == "sample":
        raw = _load_sample()
    elif source == "full":
        raw = _load_full(download_mnist(folder, _mirrors, files, verbose=verbose))
    else:
        try:
            download_mnist(folder, _mirrors, files, timeout=_AUTO_TIMEOUT, verbose=verbose)
        except MnistDownloadError:
            why = (
                f"{_OFFLINE_ENV} is set and the full set is not in {folder}"
                if _offline()
                else f"the full set is not in {folder} and could not be downloaded "
                "(load_mnist('full') shows why)"
            )
            raw = _load_sample()
            if verbose:
                print(
                    f"load_mnist: loaded the offline MNIST sample ({len(raw[0])} train / "
                    f"{len(raw[2])} test images) because {why}"
                )
        else:
            raw = _load_full(folder)
            if verbose:
                print(
                    f"load_mnist: loaded the full MNIST set ({len(raw[0])} train / "
                    f"{len(raw[2])} test images) from {folder}"
                )
    x_train, y_train, x_test, y_test = raw
    return (
        _prepare_images(x_train, flatten, normalize, resolved),
        y_train.astype(np.int64),
        _prepare_images(x_test, flatten, normalize, resolved),
        y_test.astype(np.int64),
    )
