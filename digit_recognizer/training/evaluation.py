"""Scoring a trained model: accuracy and loss per split, predictions and the per-class report."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

from digit_recognizer.geometry import CLASS_NAMES, NUM_CLASSES
from digit_recognizer.training.data import Splits
from digit_recognizer.training.fit import TrainingRun, batches


@dataclass
class Evaluation:
    """What the study reports for one model."""

    metrics: dict[str, float]
    y_true: np.ndarray
    y_pred: np.ndarray
    confusion: np.ndarray
    report_text: str
    report: dict


def evaluate(run: TrainingRun, splits: Splits, batch_size: int = 256) -> Evaluation:
    """Train/validation figures from the last epoch (as Keras reports them); test scored once here."""
    model: keras.Model = run.model
    test = batches(splits.x_test, splits.y_test, batch_size)
    probabilities = model.predict(test["x"], batch_size=test.get("batch_size"), verbose=0)
    # Like Keras's train/validation loss, the test loss includes the weight penalties (the CNN's L2).
    penalty = sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses)
    cross_entropy = keras.losses.SparseCategoricalCrossentropy()(splits.y_test, probabilities)
    test_loss = float(keras.ops.convert_to_numpy(cross_entropy)) + penalty
    y_pred = probabilities.argmax(axis=1)
    labels = list(range(NUM_CLASSES))
    metrics = {
        "train_accuracy": run.history["accuracy"][-1],
        "train_loss": run.history["loss"][-1],
        "val_accuracy": run.history["val_accuracy"][-1],
        "val_loss": run.history["val_loss"][-1],
        "test_accuracy": float(np.mean(y_pred == splits.y_test)),
        "test_loss": test_loss,
    }
    return Evaluation(
        metrics=metrics,
        y_true=splits.y_test,
        y_pred=y_pred,
        confusion=confusion_matrix(splits.y_test, y_pred, labels=labels),
        report_text=classification_report(
            splits.y_test, y_pred, labels=labels, target_names=CLASS_NAMES, digits=4, zero_division=0
        ),
        report=classification_report(
            splits.y_test, y_pred, labels=labels, target_names=CLASS_NAMES, output_dict=True, zero_division=0
        ),
    )
