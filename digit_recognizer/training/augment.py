"""Light geometric augmentation of training batches: small rotations, zooms and shifts, as handwriting varies.

One OpenCV affine warp per image (about 7 µs at 28×28) keeps augmentation off the critical path of a
2-core CPU; Keras's random image layers cost more than the training step itself there. Every batch is a
function of (seed, epoch, batch index), so an interrupted run that resumes sees the same data.
"""

from __future__ import annotations

import math

import cv2
import keras
import numpy as np

from digit_recognizer.geometry import warp_affine

ROTATION_DEGREES = 10.0
ZOOM_FRACTION = 0.1
SHIFT_FRACTION = 0.1


def augment_images(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each (28, 28, 1) image rotated by up to ±10°, zoomed by up to ±10% and shifted by up to ±10%."""
    count, height, width = images.shape[:3]
    angles = rng.uniform(-ROTATION_DEGREES, ROTATION_DEGREES, count)
    scales = rng.uniform(1 - ZOOM_FRACTION, 1 + ZOOM_FRACTION, count)
    shifts = rng.uniform(-SHIFT_FRACTION, SHIFT_FRACTION, (count, 2)) * (width, height)
    out = np.empty_like(images)
    for index in range(count):
        out[index, ..., 0] = warp(images[index, ..., 0], angles[index], scales[index], shifts[index])
    return out


def warp(image: np.ndarray, degrees: float = 0.0, scale: float = 1.0, shift: tuple[float, float] = (0.0, 0.0)
         ) -> np.ndarray:
    """One (height, width) image rotated by ``degrees`` and zoomed by ``scale`` about its centre, then shifted."""
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), degrees, scale)
    matrix[:, 2] += shift
    return warp_affine(image, matrix)


class AugmentedBatches(keras.utils.PyDataset):
    """The training split, reshuffled every epoch, each batch freshly augmented."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> None:
        super().__init__()
        self.images, self.labels, self.batch_size, self.seed = images, labels, batch_size, seed
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.order = np.random.default_rng((self.seed, epoch)).permutation(len(self.labels))

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        rng = np.random.default_rng((self.seed, self.epoch, index))
        return augment_images(self.images[rows], rng), self.labels[rows]


class EpochSync(keras.callbacks.Callback):
    """Tells the batches which epoch is starting (a resumed run starts past epoch 0)."""

    def __init__(self, batches: AugmentedBatches) -> None:
        super().__init__()
        self.batches = batches

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.batches.set_epoch(epoch)
