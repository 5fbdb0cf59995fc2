"""The whole study on small real subsets: every output file, learning, determinism, merged results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import keras
import numpy as np
import pytest

from digit_recognizer import catalog
from digit_recognizer.catalog import build
from digit_recognizer.tf_logs import is_banner
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import load_splits
from digit_recognizer.training.fit import fit, seed_everything
from digit_recognizer.training.pipeline import run
from tests.conftest import run_cli

MODELS = ("ann", "cnn", "vgg16")
PLOT_FILES = ("accuracy.png", "loss.png", "confusion.png", "report.txt", "report.json", "history.json", "summary.txt")
RECORD_KEYS = {
    "train_accuracy", "val_accuracy", "test_accuracy", "train_loss", "val_loss", "test_loss",
    "train_seconds", "train_img_per_s", "parameters", "epochs", "lr", "batch_size", "seed", "versions",
}


@pytest.fixture(scope="module")
def study_run(tmp_path_factory: pytest.TempPathFactory, mnist_path: Path) -> tuple[Path, str, str]:
    """`python test.py` with all three models on 200 images per split, 1 epoch."""
    out = tmp_path_factory.mktemp("run")
    result = run_cli("--data", str(mnist_path), "--limit", "200", "--epochs", "1", "--output-dir", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result.stdout, result.stderr


@pytest.mark.slow
def test_every_output_exists_and_loads(study_run: tuple[Path, str, str], mnist_path: Path) -> None:
    out, _, _ = study_run
    images = load_splits(mnist_path, limit=5).x_test
    for name in MODELS:
        model = keras.saving.load_model(out / "models" / f"{name}.keras", safe_mode=True)
        assert model.predict(images, verbose=0).shape == (5, 10)
        assert not model.compiled, "models ship without optimizer state"
        for suffix in PLOT_FILES:
            path = out / "plots" / f"{name}_{suffix}"
            assert path.stat().st_size > 0, path
        report = json.loads((out / "plots" / f"{name}_report.json").read_text())
        assert {"precision", "recall", "f1-score"} <= set(report["macro avg"])
        assert set(report) >= {str(digit) for digit in range(10)}


@pytest.mark.slow
def test_results_table(study_run: tuple[Path, str, str]) -> None:
    out, stdout, _ = study_run
    records = json.loads((out / "results.json").read_text())["models"]
    assert list(records) == list(MODELS)
    for record in records.values():
        assert RECORD_KEYS <= set(record)
        assert 0.0 <= record["test_accuracy"] <= 1.0
        assert record["epochs"] == 1 and record["batch_size"] == 32 and record["lr"] == 1e-5
        assert record["sizes"] == {"train": 200, "val": 200, "test": 200}
        assert record["train_img_per_s"] == pytest.approx(200 / record["train_seconds"], rel=0.01)
    table = (out / "results.md").read_text()
    assert "| VGG16 |" in table and "14,913,226" in table
    assert table in stdout, "test.py ends by printing the table"
    assert re.search(r"\nTotal wall time: \d+\.\d min \(\d+ s\)\n$", stdout), stdout[-300:]


@pytest.mark.slow
def test_the_run_says_how_long_it_will_take_before_training(study_run: tuple[Path, str, str]) -> None:
    _, stdout, _ = study_run
    estimate, _, after = stdout.partition("expected time on this machine")
    assert after and "training ANN" not in estimate, "the estimate comes before the first model trains"
    for title in ("ANN", "CNN", "VGG16", "whole run"):
        assert re.search(rf"\n  {title} +\d+(\.\d)? (s|min)\n", after), after[:400]


@pytest.mark.slow
def test_the_run_hides_tensorflows_start_up_banners(study_run: tuple[Path, str, str]) -> None:
    _, _, stderr = study_run
    assert not [line for line in stderr.splitlines() if is_banner(line)], stderr[:1000]


@pytest.mark.slow
def test_the_progress_bar_stops_at_the_epochs_steps(study_run: tuple[Path, str, str]) -> None:
    """200 images in batches of 32 are 7 steps; 48 steps per execution must not show 48/7."""
    _, stdout, _ = study_run
    plain = re.sub(r"\x1b\[[0-9;]*m", "", stdout)
    counts = [(int(done), int(total)) for done, total in re.findall(r"(\d+)/(\d+) [━─]", plain)]
    assert counts and all(total == 7 and done <= total for done, total in counts), counts


@pytest.mark.slow
def test_training_one_model_keeps_the_others_rows(study_run: tuple[Path, str, str], mnist_path: Path) -> None:
    out, _, _ = study_run
    before = json.loads((out / "results.json").read_text())["models"]
    result = run_cli("--data", str(mnist_path), "--limit", "200", "--epochs", "2", "--models", "ann",
                     "--output-dir", str(out), "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    after = json.loads((out / "results.json").read_text())["models"]
    assert after["ann"]["epochs"] == 2
    assert after["cnn"] == before["cnn"] and after["vgg16"] == before["vgg16"]


@pytest.mark.slow
def test_cnn_learns_from_a_few_thousand_images(mnist_path: Path) -> None:
    # Batch norm's moving statistics need several hundred steps to settle before inference is accurate
    # (after 4 epochs seeds range from 78% to 94%; after 6 they pass 90%).
    splits = load_splits(mnist_path, limit=4000)
    seed_everything(0)
    recipe = catalog.recipe_for("cnn", epochs=6, lr=1e-3)
    trained = fit(build("cnn"), splits, recipe, RunConfig(verbose=0))
    predictions = trained.model.predict(splits.x_test, verbose=0).argmax(axis=1)
    accuracy = float(np.mean(predictions == splits.y_test))
    assert accuracy > 0.9, f"CNN test accuracy {accuracy:.3f} after 6 epochs on 4,000 images"


@pytest.mark.slow
def test_steps_per_execution_does_not_change_training(tmp_path: Path, mnist_path: Path) -> None:
    def once(steps: int) -> dict:
        config = RunConfig(models=["ann"], epochs=1, limit=500, data=mnist_path, precision="float32",
                           steps_per_execution=steps, output_dir=tmp_path / str(steps), verbose=0)
        run(config)
        record = json.loads(config.results_json.read_text())["models"]["ann"]
        return {k: v for k, v in record.items() if k not in ("train_seconds", "train_img_per_s", "steps_per_execution")}

    assert once(1) == once(48)


@pytest.mark.slow
def test_same_seed_same_results(tmp_path: Path, mnist_path: Path) -> None:
    def once(directory: str) -> dict:
        config = RunConfig(models=["ann", "cnn", "best"], epochs=1, limit=500, data=mnist_path,
                           output_dir=tmp_path / directory, verbose=0)
        run(config)
        records = json.loads(config.results_json.read_text())["models"]
        return {name: {k: v for k, v in rec.items() if k not in ("train_seconds", "train_img_per_s")}
                for name, rec in records.items()}

    assert once("a") == once("b")
