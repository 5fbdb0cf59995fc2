"""Figures: learning curves, the test confusion matrix, the study's bars and grids of misread digits."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Protocol

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from digit_recognizer.geometry import CLASS_NAMES
from digit_recognizer.outputs.artifacts import write_atomically


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


def plot_confusion(confusion: np.ndarray, title: str, path: Path) -> None:
    """Test-set confusion matrix with counts."""
    figure, axis = plt.subplots(figsize=(7, 6))
    ConfusionMatrixDisplay(confusion, display_labels=CLASS_NAMES).plot(
        ax=axis, cmap="Blues", colorbar=False, values_format="d"
    )
    axis.set_title(title)
    _save(figure, path)


def plot_study(summary: dict, path: Path) -> None:
    """Mean test error (± sd over seeds) per preprocessing variant and model; * marks a significant change."""
    rows = summary["rows"]
    models = list(dict.fromkeys(row["model"] for row in rows))
    names = list(dict.fromkeys(row["variant"] for row in rows))
    figure, axes = plt.subplots(1, len(models), figsize=(4.5 * len(models), 4), squeeze=False)
    for axis, model in zip(axes[0], models, strict=True):
        cells = {row["variant"]: row for row in rows if row["model"] == model}
        shown = [name for name in names if name in cells]
        means = [100 * cells[name]["error_mean"] for name in shown]
        errors = [100 * cells[name]["error_sd"] for name in shown]
        colours = ["#1a73e8" if cells[name].get("significant") else "#9aa0a6" for name in shown]
        axis.bar(range(len(shown)), means, yerr=errors, capsize=4, color=colours)
        for index, name in enumerate(shown):
            if cells[name].get("significant"):
                axis.text(index, means[index] + errors[index], "*", ha="center", va="bottom", fontsize=14)
        axis.set_xticks(range(len(shown)), shown, rotation=30, ha="right")
        axis.set_ylabel("test error % (mean ± sd over seeds)")
        axis.set_title(f"{model.upper()}: blue * = significant vs unit (Holm)")
        axis.grid(axis="y", alpha=0.3)
    _save(figure, path)


def plot_digits(images: np.ndarray, titles: list[str], highlight: list[bool], title: str, path: Path) -> None:
    """A grid of 28×28 digits, each captioned; highlighted captions in red. Shows what a model gets wrong."""
    columns = min(8, max(1, len(images)))
    rows = max(1, math.ceil(len(images) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(1.4 * columns, 1.6 * rows + 0.4), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, image, caption, marked in zip(axes.flat, images, titles, highlight, strict=False):
        axis.imshow(image.squeeze(), cmap="gray_r", vmin=0, vmax=1)
        axis.set_title(caption, fontsize=8, color="#d93025" if marked else "black")
    figure.suptitle(title, fontsize=9)
    _save(figure, path)


class Bins(Protocol):
    """Confidence bins of a calibration check (``reading.calibration.Reliability``): mean confidence, accuracy and
    how many predictions each holds."""

    confidence: np.ndarray
    accuracy: np.ndarray
    count: np.ndarray


def plot_reliability(curves: dict[str, Bins], title: str, path: Path) -> None:
    """Accuracy against shown confidence per bin (on the diagonal = honest), with how many predictions each bin holds.

    ``curves`` maps a legend label (e.g. "before, ECE 1.2%") to its bins.
    """
    figure, (axis, counts) = plt.subplots(2, 1, figsize=(6, 6), sharex=True, height_ratios=(3, 1))
    axis.plot([0, 1], [0, 1], linestyle="--", color="#9aa0a6", label="perfectly calibrated")
    for label, bins in curves.items():
        axis.plot(bins.confidence, bins.accuracy, marker="o", label=label)
        counts.plot(bins.confidence, bins.count, marker="o", linestyle="none")
    axis.set_ylabel("accuracy")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(0, 1.02)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left")
    counts.set_yscale("log")
    counts.set_xlabel("confidence (top-class probability), equal-width bins")
    counts.set_ylabel("predictions")
    counts.grid(alpha=0.3)
    _save(figure, path)
