"""The novelty score: Mahalanobis distance of the Best CNN's features to the nearest digit, on real digits and
drawn shapes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.reading import verdict
from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.novelty import FEATURES_MODEL, distances, features_model, fit, load, save
from digit_recognizer.reading.reader import Reader
from digit_recognizer.reading.verdict import NEAR_YIELDS_FROM, NOT_A_DIGIT
from digit_recognizer.synthetic import outlines
from digit_recognizer.synthetic.sketches import FAMILIES, non_digits
from digit_recognizer.training.data import RawMnist, normalise

# Measured-family drawings that hold 20 hand-drawn plus signs (the family cycles through its kinds).
PLUSES_AMONG = 20 * len(FAMILIES["measure"])


@pytest.fixture(scope="module")
def shelf(models_dir: Path) -> ModelShelf:
    return ModelShelf(models_dir)


def test_fit_gives_class_means_and_the_inverse_of_their_shared_covariance(shelf: ModelShelf, mnist: RawMnist) -> None:
    features = features_model(shelf.get(FEATURES_MODEL)).predict(normalise(mnist.x_train[:3000]), verbose=0)
    features, labels = features.astype(np.float64), mnist.y_train[:3000]
    means, precision = fit(features, labels)
    assert np.allclose(means[3], features[labels == 3].mean(axis=0))
    centred = features - means[labels]
    assert np.allclose(precision @ (centred.T @ centred / len(centred)), np.eye(len(precision)), atol=1e-6)
    assert np.allclose(distances(means, means, precision), 0)


def test_test_digits_are_near_and_drawn_plus_signs_far(shelf: ModelShelf, mnist: RawMnist) -> None:
    """Fitted on training digits only: 99% of 2,000 test digits lie nearer than the shipped distance; most plus
    signs drawn by hand (a kind the verifier never saw) lie farther."""
    novelty = shelf.novelty()
    assert novelty is not None
    digits, _ = novelty.judge(novelty.features.predict(normalise(mnist.x_test[:2000]), verbose=0))
    assert digits.mean() <= 0.01
    pluses = [render_strokes(strokes) for kind, strokes in non_digits("measure", PLUSES_AMONG, np.random.default_rng(0))
              if kind == "plus"]
    batches = [read(shelf.reader("best"), plus, MIN_DIGIT_SIZE).batch for plus in pluses]
    far = [bool(novelty.judge(novelty.features.predict(batch, verbose=0))[0].all()) for batch in batches]
    assert len(far) >= 10 and np.mean(far) >= 0.6


def test_plus_signs_the_verifier_lets_through_are_not_digits(shelf: ModelShelf) -> None:
    """Hand-drawn plus signs: the verifier alone takes many for digit parts and reads a 4; with the novelty
    score most are "not a digit"."""
    reader = shelf.reader("best")
    pluses = [render_strokes(strokes) for kind, strokes in non_digits("measure", PLUSES_AMONG, np.random.default_rng(1))
              if kind == "plus"]

    def rejected(with_reader: Reader) -> float:
        readings = [read(with_reader, plus, MIN_DIGIT_SIZE) for plus in pluses]
        return float(np.mean([NOT_A_DIGIT in reading.status and reading.text == "" for reading in readings]))

    assert rejected(reader) >= 0.6 and rejected(reader) >= rejected(replace(reader, novelty=None)) + 0.3
    reasons = {read(reader, plus, MIN_DIGIT_SIZE).reason(0) for plus in pluses}
    assert "unlike every digit" in reasons


def test_digits_by_other_writers_near_a_digit_are_kept_whatever_the_verifier_says(shelf: ModelShelf) -> None:
    """Numbers of scikit-learn's digits (other writers): the verifier alone rejects some of their digits; those the
    score puts near a digit are kept, so fewer are rejected, and most of those kept read right."""
    from benchmarks.layouts import drawings, other_writers, score

    reader = shelf.reader("best")
    made = drawings(*other_writers(), ("level", "uneven"), 80, np.random.default_rng(2))
    with_score = [read(reader, drawing.image, MIN_DIGIT_SIZE) for drawing in made]
    alone = [read(replace(reader, novelty=None), drawing.image, MIN_DIGIT_SIZE) for drawing in made]
    kept = [(reading, drawing) for reading, drawing in zip(with_score, made, strict=True)
            if any(reading.near_a_digit[index]
                   and reading.reject_from <= reading.other_probability[index] < NEAR_YIELDS_FROM
                   for index in range(len(reading)))]
    assert len(kept) >= 3
    assert sum(score(reading, drawing.lines)["rejected"] for reading, drawing in zip(with_score, made, strict=True)) < (
        sum(score(reading, drawing.lines)["rejected"] for reading, drawing in zip(alone, made, strict=True)))
    assert np.mean([score(reading, drawing.lines)["whole"] for reading, drawing in kept]) >= 0.5


def test_closed_outlines_near_a_0_are_rejected_when_the_verifier_is_all_but_certain(
        shelf: ModelShelf, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closed outlines lie near a 0 by the score, and the verifier pair is all but certain they are no digit:
    without the limit on *near*, most of those would read as 0s."""
    reader = shelf.reader("best")
    drawn = [render_strokes(strokes) for _, strokes in outlines.drawings(120, np.random.default_rng(4))]

    def rejected() -> float:
        readings = [read(reader, picture, MIN_DIGIT_SIZE) for picture in drawn]
        return float(np.mean([not reading.text for reading in readings]))

    with_limit = rejected()
    monkeypatch.setattr(verdict, "NEAR_YIELDS_FROM", 2.0)
    assert with_limit >= 0.5 and with_limit >= rejected() + 0.25


def test_sketches_near_a_digit_are_rare(shelf: ModelShelf) -> None:
    """The near distance is set so that 99.5% of the fit family's sketches the verifier rejects lie farther."""
    reader = shelf.reader("best")
    readings = [read(reader, render_strokes(strokes), MIN_DIGIT_SIZE)
                for _, strokes in non_digits("fit", 200, np.random.default_rng(3))]
    vetoed = [reading.near_a_digit[index] for reading in readings for index in range(len(reading))
              if reading.other_probability[index] >= reading.reject_from]
    assert len(vetoed) >= 100 and np.mean(vetoed) <= 0.02


def test_a_broken_or_mismatched_score_file_says_how_to_refit(tmp_path: Path, shelf: ModelShelf) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_text("not an archive")
    mismatched = tmp_path / "mismatched.npz"
    save(mismatched, shelf.get(FEATURES_MODEL), np.zeros((10, 3)), np.eye(3), 1.0, 0.5)
    for path in (broken, mismatched):
        with pytest.raises(UserError, match=r"python -m tools\.fit_novelty"):
            load(path, shelf.get(FEATURES_MODEL))


def test_without_a_fitted_score_the_verifier_decides_alone(tmp_path: Path, models_dir: Path) -> None:
    for name in ("cnn.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    reader = ModelShelf(tmp_path).reader("cnn")
    assert reader.novelty is None
    assert read(reader, render_strokes([[(300.0 + 60 * np.cos(a), 200.0 + 100 * np.sin(a))
                                         for a in np.linspace(0, 2 * np.pi, 60)]])).text == "0"


def test_a_score_fitted_on_another_best_cnn_is_set_aside(tmp_path: Path, models_dir: Path, shelf: ModelShelf,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Retraining the Best CNN leaves a stale score: it is reported once and the verifier decides alone."""
    for name in ("cnn.keras", "best.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    shipped = shelf.novelty()
    assert shipped is not None
    save(tmp_path / "novelty.npz", shelf.get("best_deskew"), shipped.means, shipped.precision, shipped.far_from,
         shipped.near_below)
    with pytest.raises(UserError, match="retrained since"):
        load(tmp_path / "novelty.npz", shelf.get(FEATURES_MODEL))
    stale = ModelShelf(tmp_path)
    assert stale.reader("cnn").novelty is None and stale.reader("best").novelty is None
    assert capsys.readouterr().err.count("retrained since") == 1


def test_too_few_sketches_to_set_the_near_distance_is_one_sentence(tmp_path: Path, models_dir: Path,
                                                                    mnist_path: Path) -> None:
    """With 5 sketches the 0.5th percentile means nothing: the fit stops with one sentence and writes no score."""
    for name in ("best.keras", "verifier.keras", "calibration.json"):
        shutil.copy(models_dir / name, tmp_path / name)
    result = subprocess.run([sys.executable, "-m", "tools.fit_novelty", "--data", str(mnist_path), "--per-layout",
                             "1", "--non-digits", "5", "--models-dir", str(tmp_path), "--out-dir", str(tmp_path)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "too few to set the distance near a digit" in result.stderr and "--non-digits" in result.stderr
    assert not (tmp_path / "novelty.npz").exists()
