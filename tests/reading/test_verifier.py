"""The verifier pair: either member's "not a digit" counts, and that rejects more kinds never fitted on."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.catalog import OTHER, PARTS, VERIFIER, VERIFIER_CLASSES, VERIFIER_GLYPHS, WHOLE
from digit_recognizer.errors import UserError
from digit_recognizer.models.verifier import EitherRejects
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.reader import Reader
from digit_recognizer.synthetic.compose import compose
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits
from digit_recognizer.training.data import RawMnist


@pytest.fixture(scope="module")
def shelf(models_dir: Path) -> ModelShelf:
    return ModelShelf(models_dir)


def test_either_rejects_takes_the_surer_rejection_and_the_mean_whole_that_is_left() -> None:
    first = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.9, 0.05, 0.05]], np.float32)
    second = np.array([[0.5, 0.1, 0.4], [0.3, 0.6, 0.1], [0.9, 0.1, 0.0]], np.float32)
    joined = np.asarray(EitherRejects()([first, second]))
    np.testing.assert_allclose(joined[:, OTHER], [0.4, 0.8, 0.05], atol=1e-6)
    np.testing.assert_allclose(joined[:, WHOLE], [0.6, 0.2, 0.9], atol=1e-6)
    np.testing.assert_allclose(joined.sum(axis=1), 1, atol=1e-6)
    assert (joined[:, PARTS] >= 0).all()


@pytest.mark.slow
def test_the_pair_rejects_more_unseen_non_digits_and_reads_digits_as_well(shelf: ModelShelf,
                                                                         mnist: RawMnist) -> None:
    """Measured-family sketches (never fitted on) and numbers of MNIST test digits, read by the Best CNN with
    each member alone and with the pair: the pair rejects at least what either member does, far more than the
    first (86.5% against 65.8 and 85.2%), and reads numbers as well."""
    pair = shelf.reader("best")
    alone = {name: replace(pair, verifier=shelf.get(name, outputs=len(VERIFIER_CLASSES)))
             for name in (VERIFIER, VERIFIER_GLYPHS)}
    sketches = [render_strokes(strokes) for _, strokes in
                non_digits("measure", 5 * len(FAMILIES["measure"]), np.random.default_rng(21))]
    rng = np.random.default_rng(22)
    numbers = [compose(mnist.x_test[picks], mnist.y_test[picks], "level", rng)
               for picks in (rng.integers(0, len(mnist.y_test), 3) for _ in range(60))]

    def rejected(reader: Reader) -> float:
        readings = [read(reader, image, MIN_DIGIT_SIZE) for image in sketches]
        return float(np.mean([not r.text for r in readings]))

    def right(reader: Reader) -> float:
        return float(np.mean([read(reader, d.image, MIN_DIGIT_SIZE).line_texts == d.lines for d in numbers]))

    on_its_own = {name: rejected(reader) for name, reader in alone.items()}
    assert rejected(pair) >= max(on_its_own.values()) and rejected(pair) >= on_its_own[VERIFIER] + 0.15
    assert right(pair) >= right(alone[VERIFIER]) - 1 / 30


def test_the_glyph_member_joins_when_present_and_a_broken_one_names_its_command(tmp_path: Path,
                                                                                models_dir: Path) -> None:
    for name in ("cnn.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    assert ModelShelf(tmp_path).reader("cnn").verifier.name == VERIFIER
    shutil.copy(models_dir / f"{VERIFIER_GLYPHS}.keras", tmp_path)
    assert ModelShelf(tmp_path).reader("cnn").verifier.name == "verifier_pair"
    (tmp_path / f"{VERIFIER_GLYPHS}.keras").write_text("broken")
    with pytest.raises(UserError, match=r"python -m tools.train_verifier --glyphs"):
        ModelShelf(tmp_path).reader("cnn")
