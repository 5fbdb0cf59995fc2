"""The exported networks: in step with their .keras files, read the same, and stand aside when they are not usable."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.exported import EXPORTED_DIRNAME, Exported, NotUsableError, exported_path, load_exported
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf, Network
from digit_recognizer.synthetic import strokes as s
from digit_recognizer.training.data import RawMnist
from tools.export_models import TOLERANCE, export

# What a reading with the Best CNN runs, and the calibration it reads with.
FILES = ("best.keras", "verifier.keras", "verifier_glyphs.keras", "counter.keras", "strings.keras",
         "calibration.json")
DRAWINGS = {
    "427": s.four(60, 120, 150) + s.two(230, 120, 150) + s.seven(400, 120, 150),
    "touching 71": s.seven(200, 100, 160) + s.one(300, 100, 160),
    "47 over 25": (s.four(150, 30, 130) + s.seven(300, 30, 130) + s.two(150, 220, 130)
                   + s.five_with_detached_bar(300, 220, 130)),
}


def real_inputs(network: Network, mnist: RawMnist) -> np.ndarray:
    """MNIST test digits, alone for a digit network, three side by side for a wide one (counter, strings)."""
    digits = mnist.x_test[:96].astype(np.float32) / 255.0
    if network.input_shape[:2] == digits.shape[1:]:
        return digits[..., None]
    height, width = network.input_shape[:2]
    wide = np.zeros((32, height, width, 1), np.float32)
    row = (height - 28) // 2
    for index in range(32):
        for slot in range(3):
            left = slot * (width // 3)
            wide[index, row : row + 28, left : left + 28, 0] = digits[3 * index + slot]
    return wide


@pytest.fixture(scope="module")
def exported_dir(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Best CNN's reading models, every network exported by the tool."""
    directory = tmp_path_factory.mktemp("models")
    for name in FILES:
        shutil.copy(models_dir / name, directory / name)
    shelf = ModelShelf(directory, names=("best",), runtime="keras")
    for network in shelf.networks():
        export(shelf, network)
    return directory


def test_the_shipped_exports_are_in_step_with_their_keras_files(models_dir: Path, mnist: RawMnist) -> None:
    """Every network the app may read with has an up-to-date export (``make setup`` writes them) that gives its
    Keras model's outputs on real digits."""
    keras_shelf = ModelShelf(models_dir, runtime="keras")
    for network in keras_shelf.networks():
        try:
            exported = load_exported(exported_path(models_dir, network.key), network.sources, network.input_shape,
                                     network.outputs)
        except NotUsableError as why:
            pytest.fail(f"{why}: run `python -m tools.export_models`")
        inputs = real_inputs(network, mnist)
        difference = np.abs(exported(inputs) - predict(keras_shelf.keras_network(network.key), inputs)).max()
        assert difference <= TOLERANCE, (network.key, difference)


def test_a_reading_is_the_same_from_either_runtime(exported_dir: Path) -> None:
    exported, keras = (ModelShelf(exported_dir, runtime=runtime).reader("best") for runtime in ("auto", "keras"))
    assert isinstance(exported.model, Exported) and not isinstance(keras.model, Exported)
    for name, strokes in DRAWINGS.items():
        image = render_strokes(strokes)
        one, other = read(exported, image, MIN_DIGIT_SIZE), read(keras, image, MIN_DIGIT_SIZE)
        assert one.line_texts == other.line_texts and one.status == other.status, name
        np.testing.assert_allclose(one.probabilities, other.probabilities, atol=1e-4, err_msg=name)


def test_an_export_of_older_models_is_not_used(exported_dir: Path, tmp_path: Path) -> None:
    """A .keras file retrained after the export: its network reads through Keras, and the shelf says which and
    how to export again."""
    directory = tmp_path / "models"
    shutil.copytree(exported_dir, directory)
    with (directory / "counter.keras").open("ab") as file:
        file.write(b"\0")  # other bytes than the export was made from (a zip reader ignores the tail)
    shelf = ModelShelf(directory)
    reader = shelf.reader("best")
    assert isinstance(reader.model, Exported) and not isinstance(reader.counter, Exported)
    assert list(shelf.stale) == ["counter"]
    assert "python -m tools.export_models" in shelf.notice() and "counter" in shelf.notice()


@pytest.mark.parametrize("damage", ["missing", "truncated", "not onnx"])
def test_a_damaged_or_missing_export_falls_back_to_keras(exported_dir: Path, tmp_path: Path, damage: str) -> None:
    directory = tmp_path / "models"
    shutil.copytree(exported_dir, directory)
    target = directory / EXPORTED_DIRNAME / "best.onnx"
    if damage == "missing":
        target.unlink()
    else:
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"not a model")
    shelf = ModelShelf(directory)
    reading = read(shelf.reader("best"), render_strokes(DRAWINGS["427"]), MIN_DIGIT_SIZE)
    assert reading.line_texts == ["427"]
    assert list(shelf.stale) == ["best"] and str(target) in shelf.notice()


def test_without_exports_nothing_is_said_for_keras_runtime(exported_dir: Path) -> None:
    shelf = ModelShelf(exported_dir, runtime="keras")
    shelf.reader("best")
    assert shelf.notice() is None
