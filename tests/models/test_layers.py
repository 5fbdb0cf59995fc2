"""The in-model deskew layer: the study's deskewing, inside a saved model that loads safely on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from digit_recognizer import catalog
from digit_recognizer.models.layers import Deskew
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.study.variants import deskew
from digit_recognizer.training.data import RawMnist


def _slant(image: np.ndarray) -> float:
    moments = cv2.moments(image.astype(np.float32))
    return moments["mu11"] / moments["mu02"]


def test_deskew_stands_digits_upright(mnist: RawMnist) -> None:
    digits = mnist.x_test[:300]
    upright = deskew(digits)
    before = np.abs([_slant(digit) for digit in digits])
    after = np.abs([_slant(digit[..., 0]) for digit in upright])
    # OpenCV's moments, an independent measure: slanted digits lose nearly all their slant...
    assert np.median(before) > 0.1 and np.median(after) < 0.02, (np.median(before), np.median(after))
    # ...keep their ink and their centre row, and the study's variant is the layer itself.
    np.testing.assert_allclose(upright.sum(axis=(1, 2, 3)), (digits / 255.0).sum(axis=(1, 2)), rtol=0.05)
    np.testing.assert_array_equal(upright, np.asarray(Deskew()(digits[..., np.newaxis].astype("float32") / 255.0)))


def test_blank_and_flat_pictures_pass_unchanged() -> None:
    blank = np.zeros((1, 28, 28, 1), np.float32)
    bar = blank.copy()
    bar[0, 14, 4:24, 0] = 1.0  # one row of ink: no vertical spread to shear by
    out = np.asarray(Deskew()(np.concatenate([blank, bar])))
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, np.concatenate([blank, bar]))


def test_deskewed_model_loads_safely_in_a_fresh_process(tmp_path: Path, mnist: RawMnist) -> None:
    model = catalog.build("best_deskew")
    assert isinstance(model.layers[0], Deskew)
    images = mnist.x_test[:8, ..., np.newaxis].astype("float32") / 255.0
    path = tmp_path / "best_deskew.keras"
    model.save(path)
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "expected.npy", model.predict(images, verbose=0))
    script = (
        "import sys, numpy as np; from pathlib import Path; from digit_recognizer.reading.loading import load_model; "
        "d = Path(sys.argv[1]); m = load_model(d / 'best_deskew.keras', 'best_deskew'); "
        "np.testing.assert_allclose(m.predict(np.load(d / 'images.npy'), verbose=0), np.load(d / 'expected.npy'), "
        "atol=1e-5); print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_shear_is_the_bilinear_affine_transform(mnist: RawMnist) -> None:
    """The layer's matrix form of the shear gives what an image library's bilinear affine warp gives."""
    from keras import ops

    digits = mnist.x_test[:500, ..., np.newaxis].astype("float32") / 255.0
    ink = digits[..., 0]
    rows, cols = np.arange(28.0)[None, :, None], np.arange(28.0)[None, None, :]
    mass = ink.sum(axis=(1, 2))
    dy = rows - ((ink * rows).sum(axis=(1, 2)) / mass)[:, None, None]
    dx = cols - ((ink * cols).sum(axis=(1, 2)) / mass)[:, None, None]
    skew = (ink * dy * dx).sum(axis=(1, 2)) / (ink * dy**2).sum(axis=(1, 2))
    centre_y = (ink * rows).sum(axis=(1, 2)) / mass
    ones, zeros = np.ones_like(skew), np.zeros_like(skew)
    transform = np.stack([ones, skew, -skew * centre_y, zeros, ones, zeros, zeros, zeros], axis=1)
    warped = ops.image.affine_transform(digits, transform.astype("float32"), interpolation="bilinear",
                                        fill_mode="constant")
    np.testing.assert_allclose(np.asarray(Deskew()(digits)), np.asarray(warped), atol=1e-5)
