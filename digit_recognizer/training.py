"""Compiling and fitting one model with the study's optimiser and loss."""

from __future__ import annotations

import time
from dataclasses import dataclass

import keras

from digit_recognizer.config import RunConfig
from digit_recognizer.data import Splits


@dataclass
class TrainingRun:
    """A trained model with its per-epoch history and the wall time its fit took."""

    model: keras.Model
    history: dict[str, list[float]]
    seconds: float


def seed_everything(seed: int) -> None:
    """Start from a clean backend state seeded for Python, NumPy and TensorFlow.

    Clearing the session first frees the previous model and makes a model's run independent of
    which models were trained before it in the same process.
    """
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def compile_model(
    model: keras.Model, lr: float, steps_per_execution: int = 1, jit_compile: bool = False
) -> keras.Model:
    """Adam + sparse categorical cross-entropy on the softmax *probabilities*.

    The original passed ``from_logits=True`` although its models end in softmax, which squashes the
    gradients; the loss here matches what the models output. ``steps_per_execution`` runs several
    batches per compiled call (same batches, same updates, less Python overhead per step).
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    return model


def fit(model: keras.Model, splits: Splits, config: RunConfig) -> TrainingRun:
    """Train on the training split, validating after every epoch as the study did."""
    compile_model(model, config.lr, config.steps_per_execution, config.jit_compile)
    start = time.perf_counter()
    history = model.fit(
        splits.x_train,
        splits.y_train,
        validation_data=(splits.x_val, splits.y_val),
        epochs=config.epochs,
        batch_size=config.batch_size,
        shuffle=True,
        verbose=config.verbose,
    )
    seconds = time.perf_counter() - start
    per_epoch = {key: [float(value) for value in values] for key, values in history.history.items()}
    return TrainingRun(model=model, history=per_epoch, seconds=seconds)
