"""Reading digits with a trained model: safe loading, prediction, and honest confidence."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.preprocess import Box, Digits, extract_digits

if TYPE_CHECKING:
    import keras

# Below this softmax probability a digit is shown as unsure ("?"). Chosen from the measured trade-off
# between non-digits flagged and real digits wrongly flagged (README, "Honest answers").
UNSURE_BELOW = 0.70
EXPECTED_INPUT = (None, 28, 28, 1)


class ModelLoadError(Exception):
    """A model file is missing, unreadable, unsafe or of the wrong shape; the message says how to fix it."""


def train_command(name: str) -> str:
    return f"python test.py --models {name}"


def load_model(path: Path, name: str) -> keras.Model:
    """Load a ``.keras`` file in safe mode and check it takes 28×28×1 images and gives 10 classes."""
    import keras

    import digit_recognizer.layers  # noqa: F401  (registers the layers a saved model may contain)

    if not path.is_file():
        raise ModelLoadError(f"{DISPLAY_NAMES.get(name, name)} model not found at {path}; train it with "
                             f"`{train_command(name)}`.")
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except (OSError, ValueError, TypeError, KeyError, zipfile.BadZipFile) as error:
        raise ModelLoadError(f"{path} could not be loaded ({type(error).__name__}: {error}); "
                             f"retrain it with `{train_command(name)}`.") from error
    if tuple(model.input_shape) != EXPECTED_INPUT or model.output_shape[-1] != 10:
        raise ModelLoadError(f"{path} takes {model.input_shape} and gives {model.output_shape}; expected "
                             f"28×28×1 images and 10 classes. Retrain it with `{train_command(name)}`.")
    return model


@dataclass
class Reading:
    """One model's reading of one picture."""

    model: str
    digits: Digits
    probabilities: np.ndarray  # (k, 10)
    threshold: float = UNSURE_BELOW

    @property
    def boxes(self) -> list[Box]:
        return self.digits.boxes

    @property
    def labels(self) -> list[int]:
        return [int(p.argmax()) for p in self.probabilities]

    @property
    def confidences(self) -> list[float]:
        return [float(p.max()) for p in self.probabilities]

    @property
    def unsure(self) -> list[bool]:
        return [c < self.threshold for c in self.confidences]

    @property
    def text(self) -> str:
        """Best guesses, left to right, e.g. "427"."""
        return "".join(str(label) for label in self.labels)

    def shown(self, index: int) -> str:
        """How one digit is shown: the digit, or "?" plus the best guess when unsure."""
        label = str(self.labels[index])
        return f"?{label}" if self.unsure[index] else label

    def top(self, index: int, k: int = 3) -> list[tuple[int, float]]:
        order = np.argsort(self.probabilities[index])[::-1][:k]
        return [(int(digit), float(self.probabilities[index][digit])) for digit in order]

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "digits": self.text,
            "confidences": [round(c, 4) for c in self.confidences],
            "unsure": self.unsure,
            "boxes": [[b.x, b.y, b.w, b.h] for b in self.boxes],
        }

    def to_json(self, **extra: object) -> str:
        return json.dumps(extra | self.as_dict())


def read(
    model: keras.Model,
    name: str,
    image: np.ndarray,
    threshold: float = UNSURE_BELOW,
    min_size: float | None = None,
) -> Reading:
    """Find every digit in ``image`` and classify each with ``model``."""
    digits = extract_digits(image, min_size)
    probabilities = predict(model, digits.batch) if len(digits) else np.zeros((0, 10), np.float32)
    return Reading(model=name, digits=digits, probabilities=probabilities, threshold=threshold)


def predict(model: keras.Model, batch: np.ndarray) -> np.ndarray:
    """Class probabilities; a direct call avoids ``predict``'s per-call overhead for a few digits."""
    import keras

    return keras.ops.convert_to_numpy(model(batch, training=False))


@dataclass
class ModelShelf:
    """Models loaded lazily by name from a folder, each once; failures are remembered, not retried."""

    models_dir: Path
    names: tuple[str, ...] = tuple(DISPLAY_NAMES)
    _loaded: dict[str, keras.Model] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)

    def available(self) -> list[str]:
        """Models with a file present (they may still fail to load)."""
        return [name for name in self.names if (self.models_dir / f"{name}.keras").is_file()]

    def get(self, name: str) -> keras.Model:
        if name in self._errors:
            raise ModelLoadError(self._errors[name])
        if name not in self._loaded:
            try:
                self._loaded[name] = load_model(self.models_dir / f"{name}.keras", name)
            except ModelLoadError as error:
                self._errors[name] = str(error)
                raise
        return self._loaded[name]
