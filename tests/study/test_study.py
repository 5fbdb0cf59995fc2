"""The preprocessing study: variants on real digits, the paired test, and `study --quick` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from scipy.stats import binomtest

from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.study.significance import holm, mcnemar_exact
from digit_recognizer.study.variants import VARIANTS, centre_box, deskew, keep_uint8, prepare
from digit_recognizer.training.data import RawMnist, split


def _skew(image: np.ndarray) -> float:
    moments = cv2.moments(image.astype(np.float32))
    return abs(moments["mu11"] / moments["mu02"])


def test_deskew_makes_real_digits_upright(mnist: RawMnist) -> None:
    images = mnist.x_train[:300]
    straightened = deskew(images)[..., 0]
    assert straightened.shape == images.shape and straightened.dtype == np.float32
    assert np.mean([_skew(image) for image in straightened]) < 0.05 * np.mean([_skew(image) for image in images])
    assert 0.0 <= straightened.min() and straightened.max() <= 1.0


def test_centre_box_puts_the_bounding_box_in_the_middle(mnist: RawMnist) -> None:
    for image in centre_box(mnist.x_test[:100])[..., 0]:
        x, y, w, h = cv2.boundingRect((image > 0.5).astype(np.uint8))
        assert abs((x + (w - 1) / 2) - 13.5) <= 1.0 and abs((y + (h - 1) / 2) - 13.5) <= 1.0


def test_standardisation_uses_training_statistics_only(mnist: RawMnist) -> None:
    prepared = prepare(split(mnist, 1000, keep_uint8), VARIANTS["standardise"])
    assert abs(float(prepared.x_train.mean())) < 1e-4 and abs(float(prepared.x_train.std()) - 1) < 1e-3
    assert abs(float(prepared.x_test.mean())) > 1e-4, "test images are scaled with the training statistics"
    raw = prepare(split(mnist, 10, keep_uint8), VARIANTS["raw"])
    assert raw.x_train.max() == 255.0 and raw.x_train.shape == (10, 28, 28, 1)


def test_mcnemar_is_the_exact_binomial_test_on_discordant_pairs() -> None:
    rng = np.random.default_rng(0)
    reference = rng.random(10_000) < 0.98
    variant = reference.copy()
    variant[np.flatnonzero(~reference)[:30]] = True  # the variant fixes 30 of the reference's errors
    variant[np.flatnonzero(reference)[:10]] = False  # and breaks 10 others
    paired = mcnemar_exact(reference, variant)
    assert (paired.only_reference_right, paired.only_variant_right) == (10, 30)
    assert paired.p_value == pytest.approx(binomtest(10, 40, 0.5).pvalue)
    assert mcnemar_exact(reference, reference).p_value == 1.0
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


@pytest.mark.slow
def test_quick_study_runs_every_cell_resumes_and_adds_cells(tmp_path: Path, mnist_path: Path) -> None:
    def study(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "digit_recognizer", "study", "--quick", "--models", "ann",
                               "--data", str(mnist_path), "--output-dir", str(tmp_path), *args],
                              cwd=REPO_ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=600)

    first = study()
    assert first.returncode == 0, first.stderr[-3000:]
    summary = json.loads((tmp_path / "plots" / "study_quick.json").read_text())
    rows = {row["variant"]: row for row in summary["rows"]}
    assert set(rows) == set(VARIANTS)
    for name, row in rows.items():
        assert row["seeds"] == [1, 2] and 0.0 <= row["error_mean"] <= 1.0
        if name != "unit":
            assert 0.0 <= row["p_value"] <= row["p_holm"] <= 1.0 and isinstance(row["significant"], bool)
    table = (tmp_path / "plots" / "study_quick.md").read_text()
    assert "| ANN | deskew |" in table and table.startswith(first.stdout.splitlines()[-len(rows) - 2])
    assert (tmp_path / "plots" / "study_quick.png").stat().st_size > 10_000
    runs = json.loads((tmp_path / "plots" / "study_quick_runs.json").read_text())
    assert len(runs) == 2 * len(VARIANTS) and all(len(run["predictions"]) == 300 for run in runs.values())

    again = study()
    assert again.returncode == 0 and "seed 1: test error" not in again.stdout, "finished runs are not retrained"
    assert json.loads((tmp_path / "plots" / "study_quick.json").read_text()) == summary

    # Another model's cells join the recorded ones, under one Holm correction over all comparisons.
    added = study("--models", "cnn", "--variants", "unit,deskew")
    assert added.returncode == 0, added.stderr[-3000:]
    rows = json.loads((tmp_path / "plots" / "study_quick.json").read_text())["rows"]
    assert [(row["model"], row["variant"]) for row in rows if row["model"] == "cnn"] == [("cnn", "unit"),
                                                                                        ("cnn", "deskew")]
    assert sum(row["model"] == "ann" for row in rows) == len(VARIANTS)
    tested = [row["p_value"] for row in rows if "p_value" in row]
    assert len(tested) == len(VARIANTS) and [row["p_holm"] for row in rows if "p_holm" in row] == holm(tested)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "one"], "'one' is not a whole number"),
        (["--variants", "blur"], "unknown variant(s) blur"),
        (["--models", "best"], "unknown model(s) best"),
        (["--data", "/nonexistent/mnist.npz"], "file not found"),
    ],
)
def test_study_reports_user_mistakes_without_traceback(args: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "digit_recognizer", "study", "--quick", *args], cwd=REPO_ROOT,
                            env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("text", ['{"ann|unit|1": {"model"',
                                  '{"ann|unit|1": {"model": "ann", "variant": "unit", "seed": 1, "epochs": 1, '
                                  '"predictions": "7"}}'])
def test_unreadable_run_record_is_kept_not_overwritten(tmp_path: Path, text: str) -> None:
    """Cut short, or an entry without its test error: refused before any training, and kept as it was."""
    record = tmp_path / "plots" / "study_quick_runs.json"
    record.parent.mkdir()
    record.write_text(text)
    result = subprocess.run([sys.executable, "-m", "digit_recognizer", "study", "--quick", "--models", "ann",
                             "--variants", "unit", "--output-dir", str(tmp_path)], cwd=REPO_ROOT,
                            env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "is unreadable" in result.stderr and "Traceback" not in result.stderr
    assert record.read_text() == text
