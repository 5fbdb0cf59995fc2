"""Temperature scaling: the calibration error it measures, the temperature it fits, and the shipped CNN made honest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import softmax

from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.reading.calibration import (
    CALIBRATION_FILENAME,
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    load_temperatures,
    negative_log_likelihood,
    reliability,
)
from digit_recognizer.training.data import RawMnist, split


def _calibrated(count: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels drawn from softmax(logits): probabilities that are calibrated by construction."""
    rng = np.random.default_rng(seed)
    logits = 3 * rng.normal(size=(count, 10))
    cumulative = softmax(logits, axis=1).cumsum(axis=1)
    labels = np.minimum((rng.random((count, 1)) > cumulative).sum(axis=1), 9)
    return logits, labels


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_over_confident() -> None:
    logits, labels = _calibrated()
    assert expected_calibration_error(softmax(logits, axis=1), labels) < 0.015
    assert expected_calibration_error(softmax(logits / 0.5, axis=1), labels) > 0.1


def test_ece_weights_each_bin_by_its_predictions() -> None:
    # Ten predictions at 0.9, eight right: gap 0.1. Ten at 0.55, all right: gap 0.45. Mean gap 0.275.
    probabilities = np.zeros((20, 10))
    probabilities[:10, 0], probabilities[:10, 1] = 0.9, 0.1
    probabilities[10:, 0], probabilities[10:, 1] = 0.55, 0.45
    labels = np.array([0] * 8 + [1] * 2 + [0] * 10)
    bins = reliability(probabilities, labels)
    assert bins.count.tolist() == [10, 10]
    assert np.allclose(bins.accuracy, [1.0, 0.8]) and np.allclose(bins.confidence, [0.55, 0.9])
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.275)


@pytest.mark.parametrize("sharpened_by", [0.5, 2.0])
def test_fit_temperature_recovers_the_temperature_that_distorted_calibrated_probabilities(sharpened_by: float) -> None:
    logits, labels = _calibrated()
    distorted = softmax(logits / sharpened_by, axis=1).astype(np.float32)
    temperature = fit_temperature(distorted, labels)
    # softmax(log q / T) = softmax(logits) exactly when T = 1 / sharpened_by.
    assert temperature == pytest.approx(1 / sharpened_by, rel=0.05)
    assert negative_log_likelihood(apply_temperature(distorted, temperature), labels) < negative_log_likelihood(
        distorted, labels)


def test_apply_temperature_keeps_every_answer_and_gives_distributions() -> None:
    logits, _ = _calibrated(2000)
    probabilities = softmax(logits, axis=1).astype(np.float32)
    for temperature in (0.3, 1.0, 4.0):
        scaled = apply_temperature(probabilities, temperature)
        assert scaled.dtype == np.float32
        assert np.array_equal(scaled.argmax(axis=1), probabilities.argmax(axis=1))
        assert np.allclose(scaled.sum(axis=1), 1, atol=1e-5)
    assert np.allclose(apply_temperature(probabilities, 1.0), probabilities, atol=1e-6)
    assert (apply_temperature(probabilities, 4.0).max(axis=1) < probabilities.max(axis=1) + 1e-6).all()


def test_shipped_cnn_is_honest_after_scaling(mnist: RawMnist, models_dir: Path) -> None:
    from digit_recognizer.reading.loading import load_model

    # T is fitted on the whole validation split, as the tool does (3 s for the CNN): fitted on 2,000 images it
    # wanders (0.70-0.96 over the six 2,000-image chunks) and the first chunk's T raises the NLL on these test images.
    splits = split(mnist)
    x_test, y_test = splits.x_test[:2000], splits.y_test[:2000]
    model = load_model(models_dir / "cnn.keras", "cnn")
    val = model.predict(splits.x_val, batch_size=256, verbose=0)
    test = model.predict(x_test, batch_size=256, verbose=0)
    scaled = apply_temperature(test, fit_temperature(val, splits.y_val))
    assert negative_log_likelihood(scaled, y_test) <= negative_log_likelihood(test, y_test)
    assert expected_calibration_error(scaled, y_test) <= 0.02
    assert np.array_equal(scaled.argmax(axis=1), test.argmax(axis=1))


def test_temperatures_read_back_and_none_recorded_means_none(tmp_path: Path) -> None:
    assert load_temperatures(tmp_path) == {}
    (tmp_path / CALIBRATION_FILENAME).write_text(json.dumps({"cnn": {"temperature": 2.5, "fitted_on": "validation"}}))
    assert load_temperatures(tmp_path) == {"cnn": 2.5}


@pytest.mark.parametrize("text", ['{"cnn": {"temperature": 2.', '["cnn"]', '{"cnn": {"temperature": -1}}'])
def test_damaged_calibration_record_raises_with_the_fix(tmp_path: Path, text: str) -> None:
    (tmp_path / CALIBRATION_FILENAME).write_text(text)
    with pytest.raises(UserError, match="move it aside"):
        load_temperatures(tmp_path)


def test_tool_explains_bad_data_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "tools.calibrate", "--data", str(tmp_path / "missing.npz"),
                           "--models-dir", str(tmp_path), "--out-dir", str(tmp_path)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "file not found" in done.stderr
    assert not list(tmp_path.iterdir())
