"""Temperature scaling: make a model's shown confidence mean what it says.

A softmax network trained to near-zero loss tends to be over-confident. One number per model, the
temperature T, divides its logits before the softmax; T is fitted on the validation split (never the test
split, which only measures the result) by minimising the negative log-likelihood. Dividing by T keeps every
prediction's argmax, so accuracy is unchanged and only the confidence moves.

Kept free of TensorFlow so the app and the tests can read temperatures without loading Keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digit_recognizer.outputs.artifacts import read_record

CALIBRATION_FILENAME = "calibration.json"
TEMPERATURE_BOUNDS = (0.05, 20.0)
ECE_BINS = 15
# The models output float32 softmax; a probability that underflowed to 0 was below this anyway, so clipping
# here loses nothing float32 could have told us and keeps log p finite.
_SMALLEST = float(np.finfo(np.float32).tiny)


def _log_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """log p in float64: the logits up to a per-row constant, which the softmax ignores."""
    return np.log(np.clip(np.asarray(probabilities, dtype=np.float64), _SMALLEST, 1.0))


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    # SciPy is imported here, not at the top: the drawing window imports this module and must open at once.
    from scipy.special import log_softmax

    return log_softmax(logits, axis=1)


def _nll(log_p: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    return float(-_log_softmax(log_p / temperature)[np.arange(len(labels)), labels].mean())


def negative_log_likelihood(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean −log p(true class): what the temperature minimises, reported before and after."""
    return _nll(_log_probabilities(probabilities), np.asarray(labels), 1.0)


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T minimising the NLL of softmax(log p / T) on held-out (validation) predictions."""
    from scipy.optimize import minimize_scalar

    log_p, labels = _log_probabilities(probabilities), np.asarray(labels)
    result = minimize_scalar(lambda t: _nll(log_p, labels, t), bounds=TEMPERATURE_BOUNDS, method="bounded",
                             options={"xatol": 1e-4})
    return float(result.x)


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the same argmax per row, confidence softened (T > 1) or sharpened (T < 1)."""
    return np.exp(_log_softmax(_log_probabilities(probabilities) / temperature)).astype(np.float32)


@dataclass(frozen=True)
class Reliability:
    """Per non-empty confidence bin: mean top-class confidence, accuracy, and how many predictions fell in it."""

    confidence: np.ndarray
    accuracy: np.ndarray
    count: np.ndarray

    @property
    def ece(self) -> float:
        """Expected calibration error: the count-weighted mean |accuracy − confidence| over bins."""
        return float(np.sum(self.count * np.abs(self.accuracy - self.confidence)) / np.sum(self.count))


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> Reliability:
    """Bin predictions by confidence (max probability) into equal-width bins (lo, hi] over [0, 1]."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    confidence = probabilities.max(axis=1)
    correct = (probabilities.argmax(axis=1) == np.asarray(labels)).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    filled = count > 0
    sums = {name: np.bincount(index, weights=values, minlength=bins)[filled]
            for name, values in (("confidence", confidence), ("accuracy", correct))}
    return Reliability(sums["confidence"] / count[filled], sums["accuracy"] / count[filled], count[filled])


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """How far shown confidence is from the accuracy it comes with, averaged over predictions (0 = calibrated)."""
    return reliability(probabilities, labels, bins).ece


def _parse_record(data: dict) -> dict[str, dict]:
    """Every entry needs a positive, finite temperature; anything else is a damaged record."""
    for name, entry in data.items():
        temperature = float(entry["temperature"])
        if not np.isfinite(temperature) or temperature <= 0:
            raise ValueError(f"{name}'s temperature {temperature} is not a positive number")
    return dict(data)


def read_calibration(models_dir: Path) -> dict[str, dict]:
    """The whole ``models/calibration.json`` record by model; {} when there is none yet, UserError if damaged."""
    return read_record(models_dir / CALIBRATION_FILENAME, _parse_record, {})


def load_temperatures(models_dir: Path) -> dict[str, float]:
    """Each calibrated model's temperature; a model without one is shown uncalibrated (T = 1)."""
    return {name: float(entry["temperature"]) for name, entry in read_calibration(models_dir).items()}
