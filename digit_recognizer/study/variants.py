"""Preprocessing variants compared by the preprocessing study: each turns uint8 MNIST images into model input.

Every variant is fitted on the training split only (standardisation uses its mean and deviation) and
applied alike to the training, validation and test images.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from digit_recognizer.geometry import FIELD_CENTRE, warp_affine
from digit_recognizer.training.data import Splits, normalise


@dataclass(frozen=True)
class Variant:
    """A named way of preparing images (and whether training batches are augmented)."""

    name: str
    description: str
    transform: Callable[[np.ndarray], np.ndarray]
    standardise: bool = False
    augment: bool = False


def raw_pixels(images: np.ndarray) -> np.ndarray:
    """Pixels 0–255 as float32, no scaling."""
    return images.astype(np.float32)[..., np.newaxis]


def deskew(images: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Undo each digit's slant: shear rows so the second-moment axis is vertical (the classic MNIST deskew),
    with the very layer the deskewed Best CNN carries inside it."""
    from digit_recognizer.models.layers import Deskew

    layer = Deskew()
    scaled = images.astype(np.float32)[..., np.newaxis] / 255.0
    return np.concatenate([np.asarray(layer(scaled[start:start + batch_size]))
                           for start in range(0, len(scaled), batch_size)])


def centre_box(images: np.ndarray) -> np.ndarray:
    """Move each digit so its bounding box, instead of its centre of mass, sits in the middle."""
    out = np.empty(images.shape, np.float32)
    for index, image in enumerate(images.astype(np.float32) / 255.0):
        x, y, w, h = cv2.boundingRect((image > 0).astype(np.uint8))
        if w == 0 or h == 0:
            out[index] = image
            continue
        out[index] = warp_affine(image, [[1, 0, FIELD_CENTRE - (x + (w - 1) / 2)],
                                         [0, 1, FIELD_CENTRE - (y + (h - 1) / 2)]])
    return out[..., np.newaxis]


ORIGINAL = "unit"
VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant(ORIGINAL, "pixels / 255 in [0, 1] (the original study)", normalise),
        Variant("raw", "pixels 0-255, not normalised", raw_pixels),
        Variant("standardise", "(pixels / 255 - mean) / sd of the training split", normalise, standardise=True),
        Variant("deskew", "second-moment shear to upright, then [0, 1]", deskew),
        Variant("centre_box", "bounding-box centring instead of MNIST's centre of mass, [0, 1]", centre_box),
        Variant("augment", "[0, 1] with random ±10° rotation, ±10% zoom and shift while training", normalise,
                augment=True),
    )
}


def prepare(raw_splits: Splits, variant: Variant) -> Splits:
    """Apply ``variant`` to uint8 splits; standardisation statistics come from the training split alone."""
    parts = {name: variant.transform(getattr(raw_splits, f"x_{name}")) for name in ("train", "val", "test")}
    if variant.standardise:
        mean, deviation = float(parts["train"].mean()), float(parts["train"].std())
        parts = {name: (x - mean) / deviation for name, x in parts.items()}
    return Splits(
        x_train=parts["train"], y_train=raw_splits.y_train,
        x_val=parts["val"], y_val=raw_splits.y_val,
        x_test=parts["test"], y_test=raw_splits.y_test,
    )


def keep_uint8(images: np.ndarray) -> np.ndarray:
    """Identity: lets ``data.split`` hand back the images untouched for a variant to prepare."""
    return images
