"""Training-time augmentation: digits stay digits, and every batch is reproducible from (seed, epoch, index)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from digit_recognizer.reading.loading import load_model
from digit_recognizer.training.augment import AugmentedBatches, augment_images
from digit_recognizer.training.data import RawMnist


def _digits(mnist: RawMnist, count: int) -> tuple[np.ndarray, np.ndarray]:
    return (mnist.x_test[:count].astype(np.float32) / 255)[..., None], mnist.y_test[:count]


def test_augmented_digits_change_but_stay_readable(mnist: RawMnist, models_dir: Path) -> None:
    images, labels = _digits(mnist, 500)
    augmented = augment_images(images, np.random.default_rng(0))
    assert augmented.shape == images.shape and augmented.dtype == np.float32
    assert augmented.min() >= 0 and augmented.max() <= 1
    assert np.abs(augmented - images).mean() > 0.05, "augmentation left the digits unchanged"
    ink_ratio = augmented.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    assert 0.8 < np.median(ink_ratio) < 1.2, "a ±10% zoom should keep about the same ink"
    model = load_model(models_dir / "best.keras", "best")
    assert np.mean(model.predict(augmented, verbose=0).argmax(axis=1) == labels) >= 0.98


def test_batches_are_a_function_of_seed_epoch_and_index(mnist: RawMnist) -> None:
    images, labels = _digits(mnist, 256)
    first = AugmentedBatches(images, labels, 64, seed=3)
    again = AugmentedBatches(images, labels, 64, seed=3)
    other_seed = AugmentedBatches(images, labels, 64, seed=4)
    x, y = first[1]
    np.testing.assert_array_equal(x, again[1][0])
    np.testing.assert_array_equal(y, again[1][1])
    assert len(first) == 4 and sorted(np.concatenate([first[i][1] for i in range(4)])) == sorted(labels)
    assert not np.array_equal(x, other_seed[1][0])
    again.set_epoch(1)
    assert not np.array_equal(y, again[1][1])
