"""Preprocessing variants compared by the study: each turns uint8 MNIST images into model input.

Every variant is fitted on the training split only (standardisation uses its mean and deviation) and
applied alike to the training, validation and test images.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from digit_recognizer.training.data import Splits, normalise

SIZE = 28
# The centre of a 28×28 image in pixel coordinates; MNIST centred its digits' mass there.
CENTRE = (SIZE - 1) / 2


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


def _warp(image: np.ndarray, matrix: np.ndarray, inverse: bool = False) -> np.ndarray:
    """Affine warp onto a 28×28 black canvas; ``inverse``: ``matrix`` maps output pixels to input ones."""
    flags = cv2.INTER_LINEAR | (cv2.WARP_INVERSE_MAP if inverse else 0)
    return cv2.warpAffine(image, matrix, (SIZE, SIZE), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def deskew(images: np.ndarray) -> np.ndarray:
    """Undo each digit's slant: shear rows so the second-moment axis is vertical (the classic MNIST deskew)."""
    out = np.empty(images.shape, np.float32)
    for index, image in enumerate(images.astype(np.float32) / 255.0):
        moments = cv2.moments(image)
        if abs(moments["mu02"]) < 1e-2:
            out[index] = image
            continue
        skew = moments["mu11"] / moments["mu02"]
        centre_y = moments["m01"] / moments["m00"]
        # Output pixel (x, y) samples input (x + skew·(y − centre_y), y): rows slide, the centre row stays.
        out[index] = _warp(image, np.float32([[1, skew, -skew * centre_y], [0, 1, 0]]), inverse=True)
    return out[..., np.newaxis]


def centre_box(images: np.ndarray) -> np.ndarray:
    """Move each digit so its bounding box, instead of its centre of mass, sits in the middle."""
    out = np.empty(images.shape, np.float32)
    for index, image in enumerate(images.astype(np.float32) / 255.0):
        x, y, w, h = cv2.boundingRect((image > 0).astype(np.uint8))
        if w == 0 or h == 0:
            out[index] = image
            continue
        shift = np.float32([[1, 0, CENTRE - (x + (w - 1) / 2)], [0, 1, CENTRE - (y + (h - 1) / 2)]])
        out[index] = _warp(image, shift)
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
