"""Loading the reading's models safely: one sentence for a missing or broken file, each model loaded once."""

from __future__ import annotations

import argparse
import zipfile
from collections.abc import Callable
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
from digit_recognizer.geometry import INPUT_SHAPE, WIDE_SHAPE
from digit_recognizer.reading.calibration import load_temperatures
from digit_recognizer.reading.exported import EXPORT_COMMAND, Exported, NotUsableError, exported_path, load_exported
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.reader import Reader

if TYPE_CHECKING:
    import keras

# Where a shelf's networks run: their exported files where up to date, else Keras; or always Keras.
RUNTIMES = ("auto", "keras")


def add_runtime(parser: argparse.ArgumentParser) -> None:
    """The ``--runtime`` option of the commands that read (the app, ``predict``)."""
    parser.add_argument("--runtime", choices=RUNTIMES, default=RUNTIMES[0],
                        help="auto: the exported networks where up to date (fast start), else Keras; keras: always "
                             "Keras (default: auto)")


# The verifier and its glyph-fitted member read as one network.
VERIFIER_PAIR = "verifier_pair"


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
        model = in_float32(keras.saving.load_model(path, compile=False, safe_mode=True))
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


def _in_float32(config: object) -> object:
    """A model's config with every layer's dtype policy float32."""
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy":
            return {**config, "config": {**config["config"], "name": "float32"}}
        return {key: _in_float32(value) for key, value in config.items()}
    if isinstance(config, list):
        return [_in_float32(value) for value in config]
    return config


def in_float32(model: keras.Model) -> keras.Model:
    """The model computing in float32 throughout. Trained in mixed bfloat16, a model keeps that policy in its
    file; read in float32 it agrees with its exported file to 1e-6, and a CPU without bfloat16 runs it faster."""
    config = model.get_config()
    wanted = _in_float32(config)
    if wanted == config:
        return model
    copy = model.__class__.from_config(wanted)
    copy.set_weights(model.get_weights())
    return copy


def gives_probabilities(model: keras.Model) -> bool:
    """Whether the model's outputs, on a blank and a random picture, are probability vectors (along the last
    axis)."""
    shape = tuple(model.input_shape[1:])
    probe = np.stack([np.zeros(shape), np.random.default_rng(0).random(shape)])
    outputs = predict(model, probe)
    return bool(np.isfinite(outputs).all() and (outputs >= -1e-6).all() and (outputs <= 1 + 1e-6).all()
                and np.allclose(outputs.sum(axis=-1), 1, atol=1e-3))


@dataclass(frozen=True)
class Network:
    """One network a reading runs: the ``.keras`` files it is made from and the shapes it takes and gives."""

    key: str
    sources: tuple[Path, ...]
    input_shape: tuple[int, ...] = INPUT_SHAPE
    outputs: tuple[int, ...] = (10,)


@dataclass
class ModelShelf:
    """Models loaded lazily by name from a folder, each once; failures are remembered, not retried.

    With ``runtime="auto"`` each network runs from its exported file when that is up to date with its ``.keras``
    files, and from Keras otherwise (:attr:`stale` says which and why); ``runtime="keras"`` always uses Keras.
    """

    # The networks whose shapes the shelf knows by their key.
    SHAPED = (ENSEMBLE, VERIFIER_PAIR, VERIFIER, VERIFIER_GLYPHS, COUNTER, STRINGS)

    models_dir: Path
    names: tuple[str, ...] = tuple(DISPLAY_NAMES)
    runtime: str = "auto"
    stale: dict[str, str] = field(default_factory=dict)
    _loaded: dict[str, keras.Model | Exported] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)

    def available(self) -> list[str]:
        """Models with a file present (they may still fail to load)."""
        return [name for name in self.names if self.path(name).is_file()]

    def path(self, name: str) -> Path:
        """Where the named model's file is (or would be)."""
        return self.models_dir / f"{name}.keras"

    def network(self, key: str) -> Network:
        """What the network ``key`` (a classifier, the ensemble, the verifier, the counter, the string reader) is
        made from and its shapes."""
        if key == ENSEMBLE:
            return Network(key, tuple(path for paths in self.ensemble_members().values() for path in paths))
        if key == VERIFIER_PAIR:
            names = [VERIFIER, VERIFIER_GLYPHS] if self.path(VERIFIER_GLYPHS).is_file() else [VERIFIER]
            return Network(key, tuple(self.path(name) for name in names), outputs=(len(VERIFIER_CLASSES),))
        if key in (VERIFIER, VERIFIER_GLYPHS):
            return Network(key, (self.path(key),), outputs=(len(VERIFIER_CLASSES),))
        if key == COUNTER:
            return Network(key, (self.path(key),), (*WIDE_SHAPE, 1), (len(COUNTER_CLASSES),))
        if key == STRINGS:
            return Network(key, (self.path(key),), (*WIDE_SHAPE, 1), STRING_OUTPUTS)
        return Network(key, (self.path(key),))

    def networks(self) -> list[Network]:
        """Every network a reading may run whose files are all there: what ``tools.export_models`` exports."""
        keys = [*self.names, ENSEMBLE, VERIFIER_PAIR, COUNTER, STRINGS]
        found = [self.network(key) for key in keys]
        return [network for network in found if network.sources and all(path.is_file() for path in network.sources)]

    def get(self, name: str, outputs: int | tuple[int, int] = 10,
            input_shape: tuple[int, ...] = INPUT_SHAPE) -> keras.Model | Exported:
        """The named network, from its exported file when that is up to date, else from Keras."""
        network = self.network(name) if name in self.SHAPED else Network(
            name, (self.path(name),), input_shape, tuple(np.atleast_1d(outputs).tolist()))
        return self._remembered(name, lambda: self._load(network))

    def keras_network(self, key: str) -> keras.Model:
        """The network ``key`` as a Keras model in float32, whatever was exported: what an export is made from."""
        network = self.network(key)
        if key == ENSEMBLE:
            return self._ensemble()
        if key == VERIFIER_PAIR:
            from digit_recognizer.models.verifier import pair

            return pair([self._keras(path.stem, network) for path in network.sources])
        return self._keras(key, network)

    def _remembered(self, key: str, load: Callable[[], keras.Model | Exported]) -> keras.Model | Exported:
        if key in self._errors:
            raise UserError(self._errors[key])
        if key not in self._loaded:
            try:
                self._loaded[key] = load()
            except UserError as error:
                self._errors[key] = str(error)
                raise
        return self._loaded[key]

    def _load(self, network: Network) -> keras.Model | Exported:
        for path in network.sources:
            if not path.is_file():
                raise missing_model(path, path.stem)
        if not network.sources:
            self.keras_network(network.key)  # says which files are missing
        if self.runtime == "auto":
            try:
                return load_exported(exported_path(self.models_dir, network.key), network.sources,
                                     network.input_shape, network.outputs)
            except NotUsableError as why:
                self.stale[network.key] = str(why)
        if network.key in (VERIFIER_PAIR, ENSEMBLE):
            return self.keras_network(network.key)
        return self._keras(network.key, network)

    def _keras(self, name: str, network: Network) -> keras.Model:
        outputs = network.outputs[0] if len(network.outputs) == 1 else network.outputs
        return self._remembered(f"{name}.keras", lambda: load_model(self.path(name), name, outputs,
                                                                     network.input_shape))

    def notice(self) -> str | None:
        """One line for the person when some network reads through Keras because its exported file is not
        usable (the reading is the same; only the start is slower)."""
        if not self.stale:
            return None
        first = next(iter(self.stale.values()))
        return (f"Reading {', '.join(self.stale)} with Keras, which starts slower ({first}); "
                f"`{EXPORT_COMMAND}` exports them again.")

    def ensemble_members(self) -> dict[str, list[Path]]:
        """The ensemble's members by kind: every collected seed (``{kind}_seed{N}.keras``) of each kind that has any."""
        found = {name: sorted(self.models_dir.glob(f"{name}_seed*.keras")) for name in ENSEMBLE_MODELS}
        return {name: paths for name, paths in found.items() if paths}

    def _ensemble(self) -> keras.Model:
        """One model averaging every ensemble member's probabilities, each member under its file's name."""
        import keras

        paths = self.network(ENSEMBLE).sources
        if not paths:
            raise UserError(f"No ensemble members in {self.models_dir} (best_seed*.keras); collect seed "
                            "runs with `python -m tools.collect_best`.")
        members = [self._keras(path.stem, Network(path.stem, (path,))) for path in paths]
        inputs = keras.Input(INPUT_SHAPE, name="image")
        outputs = keras.layers.Average(name="mean")([
            keras.Model(member.inputs[0], member.outputs[0], name=path.stem)(inputs)
            for path, member in zip(paths, members, strict=True)])
        return keras.Model(inputs, outputs, name=ENSEMBLE)

    def reader(self, name: str) -> Reader:
        """The named classifier (or the ensemble, uncalibrated) with its calibration, the verifier (which every
        reading needs), and the digit counter and the string reader if trained."""
        try:
            temperatures = load_temperatures(self.models_dir)
        except UserError as error:
            raise UserError(str(error)) from None
        model = self.get(name)
        counter = self.get(COUNTER) if self.path(COUNTER).is_file() else None
        strings = self.get(STRINGS) if self.path(STRINGS).is_file() else None
        return Reader(name, model, self.verifier(), temperatures.get(name, 1.0), counter=counter, strings=strings)

    def verifier(self) -> keras.Model | Exported:
        """The verifier, read as a pair with its glyph-fitted member when that is there."""
        return self.get(VERIFIER_PAIR)
