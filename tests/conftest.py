"""Shared fixtures: the real MNIST file and small real subsets of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.datasets import MNIST_ENV_VAR, PENDIGITS_ENV_VAR
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.training import pendigits
from digit_recognizer.training.data import RawMnist, load_npz

KERAS_CACHE = Path.home() / ".keras" / "datasets" / "mnist.npz"


def _find_mnist() -> Path | None:
    for candidate in (os.environ.get(MNIST_ENV_VAR), KERAS_CACHE):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    """The real MNIST npz; CI must have it, a developer without it gets the tests skipped."""
    path = _find_mnist()
    if path is None:
        message = f"MNIST not found: set {MNIST_ENV_VAR} to a local mnist.npz"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def mnist(mnist_path: Path) -> RawMnist:
    return load_npz(mnist_path)


@pytest.fixture(scope="session")
def pen_digits() -> list[pendigits.PenDigit]:
    """The real pen digits of 30 writers; CI must have them, a developer without them gets the tests skipped."""
    path = pendigits.resolve_path(None)
    if not path.is_file():
        message = f"pen digits not found: set {PENDIGITS_ENV_VAR} to pendigits-orig.tra"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return pendigits.load(path)


def save_npz(path: Path, **arrays: np.ndarray) -> Path:
    np.savez(path, **arrays)
    return path


@pytest.fixture
def small_npz(tmp_path: Path, mnist: RawMnist) -> Path:
    """A valid, real 1,000/200-image MNIST file for quick runs with --limit."""
    return save_npz(
        tmp_path / "small.npz",
        x_train=mnist.x_train[:1000],
        y_train=mnist.y_train[:1000],
        x_test=mnist.x_test[:200],
        y_test=mnist.y_test[:200],
    )


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python test.py ARGS`` as a user would, from the repository root."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "test.py"), *args],
        cwd=REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The trained models shipped in the repository (the app's defaults)."""
    directory = REPO_ROOT / "models"
    if not (directory / "cnn.keras").is_file():
        message = "models/cnn.keras is missing: run `python test.py` first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return directory


def kill_when(args: list[str], appears: Path, timeout: float = 300) -> None:
    """Start ``python test.py ARGS`` and kill -9 it as soon as ``appears`` holds something (a power cut at that
    moment): a file that merely exists may be one being written, which a resumed run rightly does not trust."""
    import signal
    import time

    process = subprocess.Popen([sys.executable, str(REPO_ROOT / "test.py"), *args], cwd=REPO_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not (appears.exists() and appears.stat().st_size > 0):
            assert process.poll() is None, f"the run ended before {appears.name} appeared"
            assert time.monotonic() < deadline, f"{appears.name} did not appear within {timeout:.0f} s"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
