"""Figures of a trained model: learning curves and the test confusion matrix."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

from digit_recognizer.artifacts import write_atomically
from digit_recognizer.evaluation import CLASS_NAMES, Evaluation


def _save(figure: plt.Figure, path: Path) -> None:
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=120, bbox_inches="tight", format="png"))
    plt.close(figure)


def plot_curve(history: dict[str, list[float]], metric: str, title: str, path: Path) -> None:
    """Training vs validation ``metric`` per epoch."""
    figure, axis = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(history[metric]) + 1)
    axis.plot(epochs, history[metric], marker="o", label="train")
    axis.plot(epochs, history[f"val_{metric}"], marker="o", label="validation")
    axis.set_xlabel("epoch")
    axis.set_ylabel(metric)
    axis.set_title(title)
    axis.set_xticks(list(epochs))
    axis.grid(alpha=0.3)
    axis.legend()
    _save(figure, path)


def plot_confusion(evaluation: Evaluation, title: str, path: Path) -> None:
    """Test-set confusion matrix with counts."""
    figure, axis = plt.subplots(figsize=(7, 6))
    ConfusionMatrixDisplay(evaluation.confusion, display_labels=CLASS_NAMES).plot(
        ax=axis, cmap="Blues", colorbar=False, values_format="d"
    )
    axis.set_title(title)
    _save(figure, path)
