"""Compiling and fitting one model by its recipe, resumable from the last completed epoch."""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from digit_recognizer.errors import UserError
from digit_recognizer.recipes import Recipe
from digit_recognizer.training.augment import AugmentedBatches, EpochSync
from digit_recognizer.training.config import BACKUP_DIRNAME, RunConfig
from digit_recognizer.training.conv_gradients import one_pixel_taps, use_matmul_weight_gradients
from digit_recognizer.training.data import Splits
from digit_recognizer.training.fused_adam import FusedAdam
from digit_recognizer.training.fused_batch_norm import use_fused_batch_norm

HISTORY_FILE = "history.csv"
# Cosine schedules end at this fraction of the initial learning rate.
COSINE_FLOOR = 0.01
# Weight averaging over roughly the last 100 steps: smooths the final weights without lagging behind.
EMA_MOMENTUM = 0.99


@dataclass
class TrainingRun:
    """A trained model with its per-epoch history and the wall time its epochs took (across resumes)."""

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


def make_optimizer(recipe: Recipe, steps_per_epoch: int, fused: bool = True) -> keras.optimizers.Adam:
    """Adam at the recipe's rate, constant or cosine-decayed over the whole run, optionally averaging weights;
    ``fused``: the same update in one kernel per variable (``FusedAdam``)."""
    rate: float | keras.optimizers.schedules.LearningRateSchedule = recipe.lr
    if recipe.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(recipe.lr, recipe.epochs * steps_per_epoch, alpha=COSINE_FLOOR)
    elif recipe.schedule != "constant":
        raise ValueError(f"unknown schedule {recipe.schedule!r}; use 'constant' or 'cosine'.")
    adam = FusedAdam if fused else keras.optimizers.Adam
    return adam(learning_rate=rate, use_ema=recipe.ema, ema_momentum=EMA_MOMENTUM)


def compile_model(
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    steps_per_execution: int = 1,
    jit_compile: bool | None = False,
    matmul_gradients: bool = False,
    fused_batch_norm: bool = False,
) -> keras.Model:
    """Sparse categorical cross-entropy on the softmax *probabilities*.

    The original passed ``from_logits=True`` although its models end in softmax, which squashes the
    gradients; the loss here matches what the models output. ``steps_per_execution`` runs several
    batches per compiled call (same batches, same updates, less Python overhead per step);
    ``matmul_gradients`` computes small maps' convolution weight gradients by matrix products
    (``training.conv_gradients``) and ``fused_batch_norm`` trains batch normalisation through TensorFlow's
    fused kernel (``training.fused_batch_norm``): the same maths, faster on a CPU. A ``FusedAdam`` updates only
    the live tap of kernels on one-pixel maps, the only tap their gradient ever reaches. ``jit_compile`` None
    compiles with XLA where it was measured faster (:func:`xla_wins`).
    """
    if matmul_gradients:
        use_matmul_weight_gradients(model)
    if fused_batch_norm:
        use_fused_batch_norm(model)
    if isinstance(optimizer, FusedAdam):
        optimizer.update_only_live_taps(one_pixel_taps(model))
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=xla_wins(model) if jit_compile is None else jit_compile,
    )
    return model


def xla_wins(model: keras.Model) -> bool:
    """XLA where it trains faster: in float32, for a model without convolutions. It fuses the ANN's dense layers,
    activations and update (1.36× its steady pace on an AVX2 CPU, ``docs/speed.md``), but replaces oneDNN's
    convolutions with slower ones (the CNN 0.73×) and was not measured faster under bfloat16."""
    return (keras.backend.backend() == "tensorflow" and keras.mixed_precision.global_policy().name == "float32"
            and not any(isinstance(layer, keras.layers.Conv2D) for layer in model.layers))


class ExactProgbar(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, stopping at the epoch's step count: with several steps per execution Keras reports
    a last, partial execution as a full one (1536/1500 for 48 steps per call)."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        super().on_train_batch_end(batch if self.target is None else min(batch, self.target - 1), logs)


class EpochTimer(keras.callbacks.Callback):
    """Adds each epoch's wall time to its logs, so the history (and a resumed run's total) carries it."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle_seed: int | None = None) -> object:
    """The arrays in batches as a ``tf.data`` pipeline, reshuffled every epoch when ``shuffle_seed`` is given.

    What ``fit`` builds from NumPy arrays itself, without tf.data's autotuning: its background thread
    sleeps up to ten seconds between rounds, and every epoch's iterator waits for it on the way out
    (10–20 s of idle CPU per epoch measured for VGG16; ``docs/speed.md``). With another Keras backend the
    arrays go to ``fit`` as they are.
    """
    if keras.backend.backend() != "tensorflow":
        return {"x": x, "y": y, "batch_size": batch_size, "shuffle": shuffle_seed is not None}
    import tensorflow as tf

    images, labels = tf.constant(x), tf.constant(y)
    order = tf.data.Dataset.range(len(y))
    if shuffle_seed is not None:
        order = order.shuffle(len(y), seed=shuffle_seed, reshuffle_each_iteration=True)
    dataset = order.batch(batch_size).map(lambda index: (tf.gather(images, index), tf.gather(labels, index)))
    options = tf.data.Options()
    options.autotune.enabled = False
    # Shuffled here already; fit's own shuffle would only warn that it ignores a dataset.
    return {"x": dataset.prefetch(2).with_options(options), "shuffle": False}


def training_inputs(
    splits: Splits, recipe: Recipe, seed: int, batch_size: int
) -> tuple[dict, list[keras.callbacks.Callback]]:
    """``fit`` arguments for the training split (batches, or augmented batches) and the callbacks they need."""
    if not recipe.augment:
        return batches(splits.x_train, splits.y_train, batch_size, shuffle_seed=seed), []
    augmented = AugmentedBatches(splits.x_train, splits.y_train, batch_size, seed)
    return {"x": augmented}, [EpochSync(augmented)]


def fit(
    model: keras.Model,
    splits: Splits,
    recipe: Recipe,
    config: RunConfig,
    state_dir: Path | None = None,
    replicas: int = 1,
) -> TrainingRun:
    """Train on the training split, validating after every epoch as the study did.

    With ``state_dir``, every completed epoch is backed up there (weights, optimizer, epoch, history),
    and a later call with the same directory continues from that epoch instead of starting over. Under a
    ``tf.distribute`` strategy (call inside its scope) the recipe's batch is per replica.
    """
    batch_size = recipe.batch_size * replicas
    steps_per_epoch = math.ceil(len(splits.y_train) / batch_size)
    optimizer = make_optimizer(recipe, steps_per_epoch, config.fused_adam)
    compile_model(model, optimizer, config.steps_per_execution, config.jit_compile, config.matmul_gradients,
                  config.fused_batch_norm)
    inputs, callbacks = training_inputs(splits, recipe, config.seed, batch_size)
    callbacks += [EpochTimer(), ExactProgbar()]
    if recipe.ema:
        callbacks.append(keras.callbacks.SwapEMAWeights())
    if state_dir is not None:
        # The history row goes first: an epoch logged but not backed up is retrained and logged again.
        callbacks += [
            keras.callbacks.CSVLogger(str(state_dir / HISTORY_FILE), append=True),
            keras.callbacks.BackupAndRestore(
                str(state_dir / BACKUP_DIRNAME), delete_checkpoint=False, double_checkpoint=True
            ),
        ]
    # A loss that is no longer a number stops the run at once: its weights, results and plots would be garbage.
    callbacks.insert(0, keras.callbacks.TerminateOnNaN())
    result = model.fit(
        **inputs,
        validation_data=_validation(splits, batch_size),
        epochs=recipe.epochs,
        callbacks=callbacks,
        verbose=config.verbose,
    )
    losses = result.history.get("loss", [])
    if not all(math.isfinite(loss) for loss in losses):
        raise UserError(
            f"{model.name} stopped at epoch {len(losses)}: the training loss is no longer a number (learning rate "
            f"{recipe.lr:g}). Lower --lr (the study's is 1e-5) and run again with --fresh.")
    history = read_history(state_dir / HISTORY_FILE) if state_dir is not None else result.history
    seconds = history.pop("seconds", [])
    per_epoch = {key: [float(value) for value in values] for key, values in history.items()}
    return TrainingRun(model=model, history=per_epoch, seconds=float(sum(seconds)))


def _validation(splits: Splits, batch_size: int) -> object:
    inputs = batches(splits.x_val, splits.y_val, batch_size)
    return inputs["x"] if "y" not in inputs else (inputs["x"], inputs["y"])


def read_history(path: Path) -> dict[str, list[float]]:
    """Per-epoch logs written by ``CSVLogger`` across resumes: the last complete row of each epoch, in order."""
    with path.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if all(row.values())]
    by_epoch = {int(row.pop("epoch")): row for row in rows}
    ordered = [by_epoch[epoch] for epoch in sorted(by_epoch)]
    keys = list(ordered[0]) if ordered else []
    return {key: [float(row[key]) for row in ordered] for key in keys}
