"""What the maintenance scripts that fit something beside the models share: their options, and the fitting of a
small classifier on the examples they make."""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from digit_recognizer import options
from digit_recognizer.outputs.artifacts import save_model, write_json
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT, RESULTS_DIR
from digit_recognizer.training import precision
from digit_recognizer.training.data import load_raw, split

if TYPE_CHECKING:
    import keras

T = TypeVar("T")

# The small judges beside the classifiers (the verifier, the counter, the string reader) are fitted alike: Adam at
# this rate, in batches of this size, with this share of the examples held out to watch.
LEARNING_RATE, BATCH_SIZE, HELD_OUT = 1e-3, 128, 0.1
# A slot of an example's targets that holds no class.
UNSET = -1


def fitting_parser(description: str) -> argparse.ArgumentParser:
    """MNIST's location, a seed, where models are read and written, and where figures go."""
    p = argparse.ArgumentParser(description=description)
    options.add_data(p)
    p.add_argument("--seed", type=options.seed, default=0)
    p.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    return p


def drawing_parser(description: str, drawings: int, epochs: int) -> argparse.ArgumentParser:
    """:func:`fitting_parser` for a model fitted on composed drawings: how many to draw, how many epochs."""
    p = fitting_parser(description)
    p.add_argument("--drawings", type=options.positive_int, default=drawings,
                   help=f"composed numbers to draw (default: {drawings:,})")
    p.add_argument("--epochs", type=options.positive_int, default=epochs)
    return p


def seeded(seed: int) -> np.random.Generator:
    """Keras's and NumPy's randomness from ``seed``: the drawings and the fit repeat exactly."""
    import keras

    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def from_training_digits(args: argparse.Namespace,
                         make: Callable[[np.ndarray, np.ndarray, int, np.random.Generator], T]
                         ) -> tuple[T, float, np.random.Generator]:
    """The examples ``make`` draws from ``args.drawings`` numbers of the study's training digits (never the
    validation ones), seeded from ``args.seed``: the examples, the seconds they took, and the random generator,
    which the fit draws on."""
    raw = load_raw(args.data)
    rng = seeded(args.seed)
    count = len(split(raw).x_train)
    start = time.perf_counter()
    made = make(raw.x_train[:count], raw.y_train[:count], args.drawings, rng)
    return made, time.perf_counter() - start, rng


def run_drawing_tool(argv: list[str] | None, doc: str, drawings: int, epochs: int,
                     train: Callable[[argparse.Namespace], None]) -> int:
    """A tool fitted on composed drawings, run from its command line (:func:`drawing_parser`); a user's mistake
    is one sentence."""
    args = drawing_parser(doc.splitlines()[0], drawings, epochs).parse_args(argv)
    return options.command(lambda: train(args))


def fit_and_save(args: argparse.Namespace, name: str, build: Callable[[], keras.Model], classes: tuple[str, ...],
                 images: np.ndarray, labels: np.ndarray, made: float, rng: np.random.Generator,
                 decay: bool = False, targets: np.ndarray | None = None) -> None:
    """Fit ``build()`` on the examples (shuffled, classes weighted alike, a tenth held out), save it as
    ``{name}.keras`` and its example counts and curves as ``{name}_training.json``. With ``decay`` the learning
    rate falls to zero along a cosine over the epochs: the last epoch's model is a settled one, not a step
    taken at full rate. With ``targets`` (per example, a class in each of several slots, UNSET where it has
    none) the model is fitted on those, unweighted, and ``labels`` only count the examples by kind."""
    import keras

    counts = np.bincount(labels, minlength=len(classes))
    print(f"{len(images):,} examples made in {made:.0f} s: "
          + ", ".join(f"{count:,} {label}" for label, count in zip(classes, counts, strict=True)), flush=True)
    order = rng.permutation(len(images))
    # The judges are float32 models whatever a training earlier in the process set (bfloat16 is the study's
    # models' speed setting): their softmax must sum to 1 for the app to load them.
    precision.apply(precision.FLOAT32)
    model = build()
    steps = args.epochs * math.ceil(math.ceil((1 - HELD_OUT) * len(images)) / BATCH_SIZE)
    rate = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps) if decay else LEARNING_RATE
    if targets is None:
        loss, metrics, fitted = "sparse_categorical_crossentropy", ["accuracy"], labels
        weight = {index: len(labels) / (len(counts) * max(1, count)) for index, count in enumerate(counts)}
    else:
        loss, metrics, fitted, weight = keras.losses.SparseCategoricalCrossentropy(ignore_class=UNSET), [
            slot_accuracy], targets, None
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss, metrics=metrics)
    history = model.fit(images[order], fitted[order], batch_size=BATCH_SIZE, epochs=args.epochs,
                        validation_split=HELD_OUT, class_weight=weight, verbose=2)
    save_model(model, args.models_dir / f"{name}.keras")
    write_json(args.out_dir / f"{name}_training.json", {
        "examples": dict(zip(classes, map(int, counts), strict=True)), "drawings": args.drawings,
        "epochs": args.epochs, "seed": args.seed, "learning_rate": "cosine decay" if decay else "constant",
        "last_learning_rate": float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)),
        "seconds_making_examples": made,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    })
    print(f"written: {args.models_dir / name}.keras, {args.out_dir / name}_training.json")


def slot_accuracy(targets: keras.KerasTensor, probabilities: keras.KerasTensor) -> keras.KerasTensor:
    """The share of the set slots whose most probable class is the target."""
    from keras import ops

    targets = ops.cast(targets, "int32")
    is_set = ops.cast(targets != UNSET, "float32")
    hits = ops.cast(ops.cast(ops.argmax(probabilities, axis=-1), "int32") == targets, "float32") * is_set
    return ops.sum(hits) / ops.maximum(ops.sum(is_set), 1.0)
