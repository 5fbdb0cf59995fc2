"""Loading models safely and reading drawings with the shipped CNN."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.reading import inference
from digit_recognizer.reading import reader as reader_module
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf, load_model
from digit_recognizer.synthetic import strokes as s
from digit_recognizer.synthetic.canvas_check import draw_large
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.training.data import RawMnist


def test_reads_a_drawn_number(models_dir: Path) -> None:
    drawing = render_strokes(s.seven(60) + s.one(260) + s.zero(380))
    reading = read(ModelShelf(models_dir).reader("cnn"), drawing, min_size=MIN_DIGIT_SIZE)
    assert reading.text == "710"
    assert all(c > 0.5 for c in reading.confidences)
    line = json.loads(reading.to_json())
    assert line["model"] == "cnn" and line["digits"] == "710" and len(line["confidences"]) == 3
    top3 = reading.top(0, k=3)
    assert top3[0][0] == 7 and top3[0][1] >= top3[1][1] >= top3[2][1]


def test_blank_drawing_reads_nothing(models_dir: Path) -> None:
    reading = read(ModelShelf(models_dir).reader("cnn"), render_strokes([]))
    assert reading.text == "" and reading.confidences == []


def test_mnist_digits_drawn_large_read_like_the_originals(models_dir: Path, mnist: RawMnist) -> None:
    """The README's read-back figure, on 300 digits: within 2 points of the originals here."""
    reader = ModelShelf(models_dir).reader("cnn")
    x, y = mnist.x_test[:300], mnist.y_test[:300]
    original = predict(reader.model, x[..., None] / np.float32(255)).argmax(axis=1)
    rng = np.random.default_rng(0)
    readings = [read(reader, draw_large(digit, rng)) for digit in x]
    redrawn = np.array([reading.labels[0] if len(reading) == 1 else -1 for reading in readings])
    assert np.mean(redrawn == y) >= np.mean(original == y) - 0.02


def test_classifying_only_the_candidates_that_can_be_chosen_reads_the_same(
    models_dir: Path, mnist: RawMnist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Touching and level numbers read as they read with every candidate classified, for under half the
    classifications (a quarter here)."""
    reader = ModelShelf(models_dir).reader("cnn")
    classified = []
    predict = reader_module.predict

    def counting(model: keras.Model, batch: np.ndarray) -> np.ndarray:
        if model is reader.model:
            classified.append(len(batch))
        return predict(model, batch)

    monkeypatch.setattr(reader_module, "predict", counting)
    rng = np.random.default_rng(4)
    drawings = [compose(mnist.x_test[picks], mnist.y_test[picks], layout, rng).image
                for layout in ("touching", "level") for picks in rng.integers(0, len(mnist.y_test), (15, 3))]
    readings, counts = {}, {}
    shipped = inference.CLASSIFY_FROM
    for classify_from in (shipped, 0.0):
        monkeypatch.setattr(inference, "CLASSIFY_FROM", classify_from)
        classified.clear()
        readings[classify_from] = [read(reader, drawing, MIN_DIGIT_SIZE) for drawing in drawings]
        counts[classify_from] = sum(classified)
    for lazy, full in zip(readings[shipped], readings[0.0], strict=True):
        assert lazy.boxes == full.boxes and lazy.labels == full.labels and lazy.status == full.status
        # One image's probabilities differ in the last bits with the batch it is classified in (oneDNN chooses
        # its kernels by batch size).
        np.testing.assert_allclose(lazy.probabilities, full.probabilities, rtol=1e-4)
    assert counts[shipped] < 0.5 * counts[0.0]


def test_missing_model_says_how_to_train_it(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"python test.py --models vgg16"):
        load_model(tmp_path / "vgg16.keras", "vgg16")


def test_broken_model_files_are_refused(tmp_path: Path, models_dir: Path) -> None:
    text = tmp_path / "text.keras"
    text.write_text("not a model")
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes((models_dir / "cnn.keras").read_bytes()[:50_000])
    for path in (text, truncated):
        with pytest.raises(UserError, match="could not be loaded"):
            load_model(path, "cnn")


def test_wrong_input_shape_is_refused(tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    model.save(tmp_path / "cifar.keras")
    with pytest.raises(UserError, match="expected 28×28×1 images and 10 classes"):
        load_model(tmp_path / "cifar.keras", "cnn")


def test_garbage_models_are_refused(tmp_path: Path) -> None:
    """Logits instead of probabilities, weights that diverged, a per-pixel output: none may answer confidently."""
    logits = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    logits.save(tmp_path / "logits.keras")
    with pytest.raises(UserError, match="does not give probabilities"):
        load_model(tmp_path / "logits.keras", "cnn")
    diverged = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                 keras.layers.Dense(10, activation="softmax")])
    kernel, bias = diverged.layers[-1].get_weights()
    diverged.layers[-1].set_weights([np.full_like(kernel, np.nan), bias])
    diverged.save(tmp_path / "nan.keras")
    with pytest.raises(UserError, match="not finite numbers"):
        load_model(tmp_path / "nan.keras", "ann")
    per_pixel = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(10, 1, activation="softmax")])
    per_pixel.save(tmp_path / "pixels.keras")
    with pytest.raises(UserError, match="expected 28×28×1 images and 10 classes"):
        load_model(tmp_path / "pixels.keras", "cnn")


def test_model_carrying_code_is_refused(tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda t: t * 2),
                              keras.layers.Flatten(), keras.layers.Dense(10)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(UserError, match="could not be loaded"):
        load_model(tmp_path / "lambda.keras", "cnn")


def test_shelf_loads_once_and_remembers_failures(tmp_path: Path, models_dir: Path) -> None:
    shutil.copy(models_dir / "cnn.keras", tmp_path / "cnn.keras")
    (tmp_path / "ann.keras").write_text("broken")
    shelf = ModelShelf(tmp_path)
    assert shelf.available() == ["ann", "cnn"]
    assert shelf.get("cnn") is shelf.get("cnn")
    for _ in range(2):
        with pytest.raises(UserError):
            shelf.get("ann")
