"""A run killed with SIGKILL and started again resumes where it stopped and ends with a complete run's files."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import pytest

from digit_recognizer.training.config import BACKUP_DIRNAME, STATE_DIRNAME, RunConfig
from digit_recognizer.training.fit import read_history
from digit_recognizer.training.resume import RunState
from tests.conftest import kill_when, run_cli

EPOCHS = 3


def _args(mnist_path: Path, out: Path) -> list[str]:
    return ["--data", str(mnist_path), "--limit", "4000", "--models", "ann,cnn", "--epochs", str(EPOCHS),
            "--output-dir", str(out), "--quiet"]


def _start_and_kill_after_first_cnn_epoch(args: list[str], out: Path) -> None:
    kill_when(args, out / STATE_DIRNAME / "cnn" / BACKUP_DIRNAME / "training_metadata.json")


def _files(out: Path) -> set[str]:
    return {str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, mnist_path: Path) -> Path:
    out = tmp_path_factory.mktemp("whole")
    result = run_cli(*_args(mnist_path, out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.mark.slow
def test_killed_run_resumes_and_completes(tmp_path: Path, mnist_path: Path, uninterrupted: Path) -> None:
    out = tmp_path / "killed"
    args = _args(mnist_path, out)
    _start_and_kill_after_first_cnn_epoch(args, out)
    manifest = json.loads((out / STATE_DIRNAME / "run.json").read_text())
    assert manifest["finished"] == ["ann"]
    assert not (out / "models" / "cnn.keras").exists(), "no model file before its training ends"

    result = run_cli(*args[:-1])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ANN: finished before the interruption, skipped" in result.stdout
    assert f"resuming after epoch 1 of {EPOCHS}" in result.stdout or f"resuming after epoch 2 of {EPOCHS}" in (
        result.stdout
    )
    assert _files(out) == _files(uninterrupted), "the same files as a run that was never interrupted"
    history = json.loads((out / "plots" / "cnn_history.json").read_text())
    assert len(history["accuracy"]) == len(history["val_accuracy"]) == EPOCHS
    # Weights, optimizer state and epoch are restored exactly; the data order and dropout after the
    # resume point are drawn afresh, so the result matches an uninterrupted run within noise.
    record = json.loads((out / "results.json").read_text())["models"]["cnn"]
    reference = json.loads((uninterrupted / "results.json").read_text())["models"]["cnn"]
    assert record["epochs"] == EPOCHS
    assert abs(record["test_accuracy"] - reference["test_accuracy"]) < 0.05, (record, reference)
    for name in ("ann", "cnn"):
        assert keras.saving.load_model(out / "models" / f"{name}.keras", safe_mode=True).output_shape == (None, 10)


@pytest.mark.slow
def test_fresh_discards_the_interrupted_run(tmp_path: Path, mnist_path: Path) -> None:
    out = tmp_path / "fresh"
    args = _args(mnist_path, out)
    _start_and_kill_after_first_cnn_epoch(args, out)
    result = run_cli(*args, "--fresh")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "discarded (--fresh was given)" in result.stdout and "resuming" not in result.stdout
    assert "skipped" not in result.stdout


@pytest.mark.slow
def test_other_settings_start_afresh(tmp_path: Path, mnist_path: Path) -> None:
    out = tmp_path / "other"
    state = out / STATE_DIRNAME
    state.mkdir(parents=True)
    (state / "run.json").write_text(json.dumps({"settings": {"epochs": 99}, "finished": ["ann"]}))
    result = run_cli("--data", str(mnist_path), "--limit", "300", "--models", "ann", "--epochs", "1",
                     "--output-dir", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "its settings differ" in result.stdout and "skipped" not in result.stdout
    assert not state.exists(), "a completed run leaves no state behind"


def test_history_keeps_the_last_row_of_each_epoch(tmp_path: Path) -> None:
    """An epoch logged, then retrained after a kill, appears once; a row cut off mid-write is ignored."""
    path = tmp_path / "history.csv"
    path.write_text("epoch,accuracy,loss\n0,0.5,1.0\n1,0.6,0.9\n1,0.7,0.8\n2,0.8")
    assert read_history(path) == {"accuracy": [0.5, 0.7], "loss": [1.0, 0.8]}


def test_a_run_on_other_devices_is_not_resumed(tmp_path: Path) -> None:
    """Two replicas double the global batch and halve the steps: that state cannot continue on one device."""
    one = RunConfig(output_dir=tmp_path).settings()
    assert RunConfig(output_dir=tmp_path, strategy="mirrored", split_cpu=2).settings() != one
    state = RunState.begin(tmp_path / "state", RunConfig(strategy="mirrored", split_cpu=2).settings())
    state.finish("ann")
    assert RunState.begin(tmp_path / "state", one).discarded == "its settings differ from this command's"
