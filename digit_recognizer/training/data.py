"""Loading, validating, splitting and normalising MNIST.

Data flows: a local npz (``--data`` / ``MNIST_NPZ``) or Keras's downloader → validated uint8 arrays →
the study's 48,000/12,000/10,000 split → float32 images in [0, 1] of shape (N, 28, 28, 1).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digit_recognizer.datasets import MNIST_ENV_VAR
from digit_recognizer.errors import UserError
from digit_recognizer.geometry import MNIST_SIZE, NUM_CLASSES

KEYS = ("x_train", "y_train", "x_test", "y_test")
FULL_SIZES = {"train": 60_000, "test": 10_000}
# The original study used ``validation_split=0.2``: Keras takes the *last* 20% of the training set.
VALIDATION_FRACTION = 0.2


@dataclass(frozen=True)
class RawMnist:
    """MNIST as stored: uint8 images (N, 28, 28) and integer labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class Splits:
    """Model-ready splits: float32 images (N, 28, 28, 1) in [0, 1] and int labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.y_train), "val": len(self.y_val), "test": len(self.y_test)}


def resolve_data_path(path: str | os.PathLike | None) -> Path | None:
    """The explicit path if given, else ``$MNIST_NPZ`` if set, else None (use Keras's downloader)."""
    if path:
        return Path(path)
    env = os.environ.get(MNIST_ENV_VAR)
    return Path(env) if env else None


def load_npz(path: Path, require_full: bool = True) -> RawMnist:
    """Read and validate a local MNIST npz; any problem raises UserError naming the file."""
    if not path.exists():
        raise UserError(f"{path}: file not found; pass an existing MNIST npz with --data or {MNIST_ENV_VAR}.")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not an MNIST npz file.")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise UserError(f"{path}: holds a single array (.npy), not an npz archive of {', '.join(KEYS)}; "
                            "pass MNIST's mnist.npz.")
        with loaded as archive:
            missing = [key for key in KEYS if key not in archive.files]
            if missing:
                raise UserError(f"{path}: missing array(s) {', '.join(missing)}; an MNIST npz needs {', '.join(KEYS)}.")
            arrays = {key: archive[key] for key in KEYS}
    except UserError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error) as error:
        raise UserError(f"{path}: not a readable npz file ({error}); download mnist.npz again.") from error
    raw = RawMnist(**arrays)
    validate(raw, str(path), require_full=require_full)
    return raw


def load_keras() -> RawMnist:
    """Download (or reuse Keras's cached copy of) MNIST; offline failures explain the local-file route."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:
        raise UserError(
            f"could not download MNIST through Keras ({type(error).__name__}: {error}); "
            f"pass a local copy with --data PATH or the environment variable {MNIST_ENV_VAR}=PATH."
        ) from error
    raw = RawMnist(x_train, y_train, x_test, y_test)
    validate(raw, "Keras's MNIST download")
    return raw


def load_raw(path: str | os.PathLike | None = None, require_full: bool = True) -> RawMnist:
    """MNIST from the given/env file, else from Keras."""
    resolved = resolve_data_path(path)
    return load_npz(resolved, require_full) if resolved else load_keras()


def validate(raw: RawMnist, source: str, require_full: bool = True) -> None:
    """Check shapes, dtypes, label range and (unless a subset is asked for) the official sizes."""
    for split in ("train", "test"):
        x = getattr(raw, f"x_{split}")
        y = getattr(raw, f"y_{split}")
        if x.ndim != 3 or x.shape[1:] != (MNIST_SIZE, MNIST_SIZE):
            raise UserError(f"{source}: x_{split} has shape {x.shape}; expected (N, 28, 28).")
        if x.dtype != np.uint8:
            raise UserError(f"{source}: x_{split} has dtype {x.dtype}; expected uint8 pixels 0-255.")
        if y.ndim != 1 or len(y) != len(x):
            raise UserError(f"{source}: y_{split} has shape {y.shape}; expected ({len(x)},), one label per image.")
        if not np.issubdtype(y.dtype, np.integer):
            raise UserError(f"{source}: y_{split} has dtype {y.dtype}; expected integer labels.")
        if len(y) == 0:
            raise UserError(f"{source}: {split} split is empty.")
        if y.min() < 0 or y.max() >= NUM_CLASSES:
            raise UserError(f"{source}: y_{split} has labels {int(y.min())}..{int(y.max())}; expected 0-9.")
        if require_full and len(x) != FULL_SIZES[split]:
            raise UserError(
                f"{source}: {split} split has {len(x):,} images; MNIST has {FULL_SIZES[split]:,} "
                "(use --limit to run on a subset)."
            )


def normalise(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) → float32 (N, 28, 28, 1) in [0, 1], the study's preprocessing."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def split(raw: RawMnist, limit: int | None = None, prepare: Callable[[np.ndarray], np.ndarray] = normalise) -> Splits:
    """The study's split: first 80% of the training set trains, last 20% validates; test kept apart.

    ``prepare`` turns each split's uint8 images into model input (default: the study's [0, 1] scaling).
    """
    split_at = int(np.floor(len(raw.x_train) * (1.0 - VALIDATION_FRACTION)))
    parts = {
        "train": (raw.x_train[:split_at], raw.y_train[:split_at]),
        "val": (raw.x_train[split_at:], raw.y_train[split_at:]),
        "test": (raw.x_test, raw.y_test),
    }
    out: dict[str, np.ndarray] = {}
    for name, (x, y) in parts.items():
        if limit is not None:
            x, y = x[:limit], y[:limit]
        if len(y) == 0:
            raise UserError(f"the {name} split is empty: {len(raw.y_train):,} training images give "
                            f"{split_at:,} to train and {len(raw.y_train) - split_at:,} to validate; use a file "
                            "with at least 5 training images (MNIST has 60,000).")
        out[f"x_{name}"] = prepare(x)
        out[f"y_{name}"] = y.astype(np.int64)
    return Splits(**out)


def load_splits(path: str | os.PathLike | None = None, limit: int | None = None) -> Splits:
    """Load, validate, split and normalise MNIST in one call."""
    return split(load_raw(path, require_full=limit is None), limit)
