"""Loading the reading's models safely: one sentence for a missing or broken file, each model loaded once."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.catalog import (
    COUNTER,
    COUNTER_CLASSES,
    DISPLAY_NAMES,
    ENSEMBLE,
    ENSEMBLE_MODELS,
    STRING_OUTPUTS,
    STRINGS,
    VERIFIER,
    VERIFIER_CLASSES,
    VERIFIER_GLYPHS,
)
from digit_recognizer.errors import UserError
from digit_recognizer.geometry import INPUT_SHAPE
from digit_recognizer.reading.calibration import load_temperatures
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.preprocess import WIDE_SHAPE
from digit_recognizer.reading.reader import Reader

if TYPE_CHECKING:
    import keras


def first_line(error: Exception, limit: int = 160) -> str:
    """An exception's message cut to one short line: Keras's can run to pages."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def train_command(name: str) -> str:
    if name in (VERIFIER, COUNTER, STRINGS):
        return f"python -m tools.train_{name}"
    if name == VERIFIER_GLYPHS:
        return f"python -m tools.train_{VERIFIER} --glyphs"
    return f"python test.py --models {name}"


def missing_model(path: Path, name: str) -> UserError:
    """The one sentence for a model file that is not there, with the command that makes it."""
    return UserError(f"{DISPLAY_NAMES.get(name, name)} model not found at {path}; "
                     f"train it with `{train_command(name)}`.")


def expected_outputs(outputs: int | tuple[int, int]) -> str:
    if isinstance(outputs, tuple):
        return f"{outputs[0]} slots of {outputs[1]} classes"
    return f"{outputs} classes" if outputs > 1 else "one output"


def load_model(path: Path, name: str, outputs: int | tuple[int, int] = 10,
               input_shape: tuple[int, ...] = INPUT_SHAPE) -> keras.Model:
    """Load a ``.keras`` file in safe mode and check it takes ``input_shape`` images and gives ``outputs`` values."""
    import keras

    import digit_recognizer.models.layers  # noqa: F401  (registers the layers a saved model may contain)

    if not path.is_file():
        raise missing_model(path, name)
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
        shapes = model.input_shape, model.output_shape  # an unbuilt model has none and raises AttributeError
    except (OSError, ValueError, TypeError, KeyError, AttributeError, zipfile.BadZipFile) as error:
        raise UserError(f"{path} could not be loaded ({type(error).__name__}: {first_line(error)}); "
                             f"retrain it with `{train_command(name)}`.") from error
    retrain = f"retrain it with `{train_command(name)}`."
    if tuple(shapes[0]) != (None, *input_shape) or tuple(shapes[1]) != (None, *np.atleast_1d(outputs).tolist()):
        raise UserError(f"{path} takes {shapes[0]} and gives {shapes[1]}; expected "
                             f"{'×'.join(map(str, input_shape))} images and {expected_outputs(outputs)}. "
                             f"{retrain.capitalize()}")
    if not all(np.isfinite(keras.ops.convert_to_numpy(weight)).all() for weight in model.weights):
        raise UserError(f"{path} holds weights that are not finite numbers (its training diverged); {retrain}")
    if np.prod(outputs) > 1 and not gives_probabilities(model):
        raise UserError(f"{path} does not give probabilities (its outputs are not in [0, 1] summing to 1: "
                             f"no softmax at the end?); {retrain}")
    return model


def gives_probabilities(model: keras.Model) -> bool:
    """Whether the model's outputs, on a blank and a random picture, are probability vectors (along the last
    axis)."""
    shape = tuple(model.input_shape[1:])
    probe = np.stack([np.zeros(shape), np.random.default_rng(0).random(shape)])
    outputs = predict(model, probe)
    return bool(np.isfinite(outputs).all() and (outputs >= -1e-6).all() and (outputs <= 1 + 1e-6).all()
                and np.allclose(outputs.sum(axis=-1), 1, atol=1e-3))


@dataclass
class ModelShelf:
    """Models loaded lazily by name from a folder, each once; failures are remembered, not retried."""

    models_dir: Path
    names: tuple[str, ...] = tuple(DISPLAY_NAMES)
    _loaded: dict[str, keras.Model] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)

    def available(self) -> list[str]:
        """Models with a file present (they may still fail to load)."""
        return [name for name in self.names if self.path(name).is_file()]

    def path(self, name: str) -> Path:
        """Where the named model's file is (or would be)."""
        return self.models_dir / f"{name}.keras"

    def get(self, name: str, outputs: int | tuple[int, int] = 10,
            input_shape: tuple[int, ...] = INPUT_SHAPE) -> keras.Model:
        if name in self._errors:
            raise UserError(self._errors[name])
        if name not in self._loaded:
            try:
                self._loaded[name] = load_model(self.path(name), name, outputs, input_shape)
            except UserError as error:
                self._errors[name] = str(error)
                raise
        return self._loaded[name]

    def ensemble_members(self) -> dict[str, list[Path]]:
        """The ensemble's members by kind: every collected seed (``{kind}_seed{N}.keras``) of each kind that has any."""
        found = {name: sorted(self.models_dir.glob(f"{name}_seed*.keras")) for name in ENSEMBLE_MODELS}
        return {name: paths for name, paths in found.items() if paths}

    def _members(self) -> list[keras.Model]:
        """Every ensemble member, each under its file's name."""
        import keras

        paths = [path for paths in self.ensemble_members().values() for path in paths]
        if not paths:
            raise UserError(f"No ensemble members in {self.models_dir} (best_seed*.keras); collect seed "
                            "runs with `python -m tools.collect_best`.")
        # Each seed is saved under its kind's name; wrapped under its file's name, they can sit side by side.
        return [keras.Model(model.inputs[0], model.outputs[0], name=path.stem)
                for path, model in ((path, self.get(path.stem)) for path in paths)]

    def ensemble(self) -> keras.Model:
        """One model averaging every ensemble member's probabilities."""
        import keras

        if ENSEMBLE not in self._loaded:
            inputs = keras.Input(INPUT_SHAPE, name="image")
            outputs = keras.layers.Average(name="mean")([member(inputs) for member in self._members()])
            self._loaded[ENSEMBLE] = keras.Model(inputs, outputs, name=ENSEMBLE)
        return self._loaded[ENSEMBLE]

    def reader(self, name: str) -> Reader:
        """The named classifier (or the ensemble, uncalibrated) with its calibration, the verifier (which every
        reading needs), and the digit counter and the string reader if trained."""
        try:
            temperatures = load_temperatures(self.models_dir)
        except UserError as error:
            raise UserError(str(error)) from None
        model = self.ensemble() if name == ENSEMBLE else self.get(name)
        counter = (self.get(COUNTER, len(COUNTER_CLASSES), (*WIDE_SHAPE, 1)) if self.path(COUNTER).is_file()
                   else None)
        strings = (self.get(STRINGS, STRING_OUTPUTS, (*WIDE_SHAPE, 1)) if self.path(STRINGS).is_file()
                   else None)
        return Reader(name, model, self.verifier(), temperatures.get(name, 1.0), counter=counter, strings=strings)

    def verifier(self) -> keras.Model:
        """The verifier, read as a pair with its glyph-fitted member when that is there."""
        from digit_recognizer.reading.verifier import pair

        key = f"{VERIFIER} pair"
        if key not in self._loaded:
            names = [VERIFIER, VERIFIER_GLYPHS] if self.path(VERIFIER_GLYPHS).is_file() else [VERIFIER]
            self._loaded[key] = pair([self.get(name, outputs=len(VERIFIER_CLASSES)) for name in names])
        return self._loaded[key]
