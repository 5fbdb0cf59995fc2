"""Loading, validation, split and normalisation of MNIST, on the real file and on broken copies of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.datasets import MNIST_ENV_VAR
from digit_recognizer.errors import UserError
from digit_recognizer.training import data
from digit_recognizer.training.data import RawMnist, load_npz, load_splits, resolve_data_path
from tests.conftest import run_cli, save_npz


def test_real_file_is_mnist(mnist: RawMnist) -> None:
    assert mnist.x_train.shape == (60_000, 28, 28)
    assert mnist.x_test.shape == (10_000, 28, 28)
    assert mnist.x_train.dtype == np.uint8
    assert sorted(np.unique(mnist.y_train)) == list(range(10))


def test_split_matches_validation_split_0_2(mnist_path: Path, mnist: RawMnist) -> None:
    splits = load_splits(mnist_path)
    assert splits.sizes() == {"train": 48_000, "val": 12_000, "test": 10_000}
    # Keras's validation_split takes the last 20% of the training set, unshuffled.
    np.testing.assert_array_equal(splits.y_val, mnist.y_train[48_000:])
    np.testing.assert_array_equal(splits.x_val[..., 0], mnist.x_train[48_000:] / np.float32(255))
    np.testing.assert_array_equal(splits.y_test, mnist.y_test)
    for x in (splits.x_train, splits.x_val, splits.x_test):
        assert x.dtype == np.float32
        assert x.shape[1:] == (28, 28, 1)
        assert x.min() == 0.0 and x.max() == 1.0


def test_limit_caps_every_split(mnist_path: Path) -> None:
    splits = load_splits(mnist_path, limit=300)
    assert splits.sizes() == {"train": 300, "val": 300, "test": 300}


def test_environment_variable_is_used_when_no_path_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MNIST_ENV_VAR, str(tmp_path / "env.npz"))
    assert resolve_data_path(None) == tmp_path / "env.npz"
    assert resolve_data_path(tmp_path / "explicit.npz") == tmp_path / "explicit.npz"
    monkeypatch.delenv(MNIST_ENV_VAR)
    assert resolve_data_path(None) is None


def test_offline_download_failure_explains_local_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import keras

    def offline() -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(UserError, match=r"--data PATH.*MNIST_NPZ"):
        data.load_keras()


def _valid(mnist: RawMnist, n: int = 100) -> dict[str, np.ndarray]:
    return {
        "x_train": mnist.x_train[:n],
        "y_train": mnist.y_train[:n],
        "x_test": mnist.x_test[:n],
        "y_test": mnist.y_test[:n],
    }


BROKEN = {
    "missing key": (lambda a: {k: v for k, v in a.items() if k != "y_test"}, "missing array.*y_test"),
    "wrong shape": (lambda a: a | {"x_train": a["x_train"][:, :, :27]}, r"x_train has shape \(100, 28, 27\)"),
    "flat images": (lambda a: a | {"x_test": a["x_test"].reshape(100, 784)}, r"x_test has shape \(100, 784\)"),
    "float pixels": (lambda a: a | {"x_train": a["x_train"].astype(np.float32)}, "x_train has dtype float32"),
    "NaN pixels": (lambda a: a | {"x_test": np.full((100, 28, 28), np.nan)}, "x_test has dtype float64"),
    "label 10": (lambda a: a | {"y_train": np.full(100, 10, np.uint8)}, "labels 10..10; expected 0-9"),
    "negative label": (lambda a: a | {"y_test": np.full(100, -1, np.int64)}, "labels -1..-1"),
    "float labels": (lambda a: a | {"y_test": a["y_test"].astype(np.float64)}, "expected integer labels"),
    "label count": (lambda a: a | {"y_train": a["y_train"][:50]}, "one label per image"),
    "empty split": (lambda a: a | {"x_test": a["x_test"][:0], "y_test": a["y_test"][:0]}, "test split is empty"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_is_refused_with_its_problem(case: str, tmp_path: Path, mnist: RawMnist) -> None:
    mutate, message = BROKEN[case]
    path = save_npz(tmp_path / "broken.npz", **mutate(_valid(mnist)))
    with pytest.raises(UserError, match=message) as caught:
        load_npz(path, require_full=False)
    assert str(path) in str(caught.value)


def test_subset_file_needs_limit(tmp_path: Path, mnist: RawMnist) -> None:
    path = save_npz(tmp_path / "subset.npz", **_valid(mnist))
    with pytest.raises(UserError, match=r"train split has 100 images; MNIST has 60,000.*--limit"):
        load_npz(path)
    assert len(load_npz(path, require_full=False).y_train) == 100


def test_unreadable_files(tmp_path: Path, mnist_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        load_npz(tmp_path / "absent.npz")
    with pytest.raises(UserError, match="is a directory"):
        load_npz(tmp_path)
    text = tmp_path / "notes.npz"
    text.write_text("not numpy at all")
    with pytest.raises(UserError, match="not a readable npz"):
        load_npz(text)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(mnist_path.read_bytes()[:1_000_000])
    with pytest.raises(UserError, match="not a readable npz"):
        load_npz(truncated)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "/nonexistent/mnist.npz"], "file not found"),
        (["--epochs", "0"], "--epochs: must be at least 1"),
        (["--epochs=-3"], "--epochs: must be at least 1"),
        (["--batch-size", "0"], "--batch-size: must be at least 1"),
        (["--lr", "0"], "--lr: must be a positive number"),
        (["--lr=-1e-3"], "--lr: must be a positive number"),
        (["--models", "resnet"], "unknown model"),
        (["--limit", "abc"], "is not a whole number"),
    ],
)
def test_cli_reports_user_mistakes_without_traceback(args: list[str], message: str) -> None:
    result = run_cli(*args, "--quiet")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_refuses_unwritable_output_dir(tmp_path: Path, small_npz: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_cli("--data", str(small_npz), "--limit", "10", "--output-dir", str(blocker / "out"), "--quiet")
    assert result.returncode == 2
    assert "cannot write to" in result.stderr and "--output-dir" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_names_the_bad_data_file(tmp_path: Path, mnist: RawMnist) -> None:
    path = save_npz(tmp_path / "bad.npz", **(_valid(mnist) | {"y_train": np.full(100, 12, np.uint8)}))
    result = run_cli("--data", str(path), "--limit", "10", "--quiet")
    assert result.returncode == 2
    assert str(path) in result.stderr and "expected 0-9" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_keeps_a_damaged_results_table(tmp_path: Path, small_npz: Path) -> None:
    table = tmp_path / "results.json"
    table.write_text('{"models": {"cnn": ')
    result = run_cli("--data", str(small_npz), "--limit", "10", "--models", "ann", "--output-dir", str(tmp_path),
                     "--quiet")
    assert result.returncode == 2
    assert f"{table} is unreadable" in result.stderr and "move it aside" in result.stderr
    assert "Traceback" not in result.stderr
    assert table.read_text() == '{"models": {"cnn": '
    assert not (tmp_path / "models" / "ann.keras").exists()


@pytest.mark.parametrize("text", ['{"models": {"cnn": ', '{"models": []}', '{"models": {"cnn": 3}}', "[1]", "null",
                                  '{"models": {"vgg16": {"test_accuracy": 0.99}}}',
                                  '{"models": {"ann": {"train_accuracy": "high", "val_accuracy": 1, '
                                  '"test_accuracy": 1, '
                                  '"test_loss": 0, "parameters": 1, "epochs": 1, "lr": 1, "batch_size": 1, '
                                  '"train_seconds": 1}}}'])
def test_results_table_of_the_wrong_shape_is_refused_not_emptied(tmp_path: Path, text: str) -> None:
    from digit_recognizer.outputs import results


    table = tmp_path / "results.json"
    table.write_text(text)
    with pytest.raises(UserError, match="move it aside") as refused:
        results.load(table)
    # Outside the repository there is no git history to restore the file from.
    assert "git" not in str(refused.value)
    assert results.load(tmp_path / "absent.json") == {}
