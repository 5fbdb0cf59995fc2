"""MNIST's geometry, in one place, and the one affine warp the project uses on digit images.

MNIST scaled each digit to fit a 20×20 box keeping its aspect ratio, then placed it in a 28×28 field so
that its centre of mass sits at the field's centre.
"""

from __future__ import annotations

import cv2
import numpy as np

MNIST_SIZE = 28
MNIST_BOX = 20
INPUT_SHAPE = (MNIST_SIZE, MNIST_SIZE, 1)
NUM_CLASSES = 10
# The classes as reports and plots name them.
CLASS_NAMES = [str(digit) for digit in range(NUM_CLASSES)]
# A piece of ink that may hold several digits is read whole at this size (rows, columns): room for four.
WIDE_SHAPE = (MNIST_SIZE, 4 * MNIST_BOX + MNIST_SIZE - MNIST_BOX)
# The field's centre in pixel coordinates, (28 − 1) / 2: where a bounding box is centred.
FIELD_CENTRE = (MNIST_SIZE - 1) / 2
# Measured on MNIST's training images: the centre of mass sits at (14, 14), half a pixel past the field's
# centre (MNIST rounded its shift), and strokes are ~2.4 px wide.
MNIST_CENTRE = 14.0
MNIST_STROKE = 2.4


def warp_affine(image: np.ndarray, matrix: np.ndarray, inverse: bool = False) -> np.ndarray:
    """``image`` through the 2×3 affine ``matrix`` onto a black canvas of its own size, bilinear;
    ``inverse``: ``matrix`` maps output pixels to input ones."""
    flags = cv2.INTER_LINEAR | (cv2.WARP_INVERSE_MAP if inverse else 0)
    height, width = image.shape[:2]
    return cv2.warpAffine(image, np.asarray(matrix, np.float32), (width, height), flags=flags,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
