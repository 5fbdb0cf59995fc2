"""From any picture of digits to MNIST-like 28×28 inputs, the way MNIST itself was made.

Flow: any array (grey/RGB/RGBA, any dtype) → grey ink, bright on black → an ink mask; and, per digit
(found by :mod:`digit_recognizer.reading.segment`): stroke width matched to MNIST's, scaled to fit 20×20 keeping the
aspect ratio, centred by centre of mass in 28×28, float32 in [0, 1].
"""

from __future__ import annotations

import cv2
import numpy as np

from digit_recognizer.errors import UserError
from digit_recognizer.geometry import MNIST_BOX, MNIST_CENTRE, MNIST_SIZE, MNIST_STROKE, WIDE_SHAPE, warp_affine

# Images larger than this (longer side) are shrunk first: digits stay readable and memory stays small.
MAX_SIDE = 2000
# Below this grey-level spread there is nothing drawn.
MIN_CONTRAST = 32


def to_grey(image: np.ndarray) -> np.ndarray:
    """Any 2-D or 3-D (H, W, 1|3|4) array of pixels → uint8 grey (H, W)."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise UserError(f"expected a grey (H, W) or colour (H, W, 3|4) image, got shape {array.shape}.")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise UserError(f"the image is empty (shape {array.shape}).")
    array = _to_uint8(array)
    if array.ndim == 2:
        return array
    grey = cv2.cvtColor(np.ascontiguousarray(array[..., :3]), cv2.COLOR_RGB2GRAY)
    if array.shape[2] == 4:
        grey = _flatten_alpha(grey, array[..., 3])
    return grey


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise UserError(f"pixels of type {array.dtype} are not an image.")
    values = array.astype(np.float64)
    if not np.isfinite(values).all():
        raise UserError("the image has NaN or infinite pixels.")
    if np.issubdtype(array.dtype, np.floating) and values.min() >= 0 and values.max() <= 1:
        values = values * 255  # floats in [0, 1]
    elif values.max() > 255:
        # 12-, 16- or 32-bit data, integer or float: scaled by the bit depth its values really use, not by their
        # container's (12-bit data in a 16-bit PNG would otherwise be nearly black).
        values = values / (2.0 ** np.ceil(np.log2(values.max() + 1)) - 1) * 255
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _flatten_alpha(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Composite onto a background that contrasts with what is visible, so transparent areas read blank."""
    weight = alpha.astype(np.float32) / 255
    visible = grey[weight > 0.5]
    background = 255.0 if visible.size == 0 or visible.mean() < 128 else 0.0
    return np.rint(grey * weight + background * (1 - weight)).astype(np.uint8)


def to_ink(grey: np.ndarray) -> np.ndarray:
    """Ink bright on a black background, whichever way round the input was (judged by its border)."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if np.median(border) > 127:  # dark ink on a light sheet
        grey, border = 255 - grey, 255 - border
    return np.clip(grey.astype(np.int16) - int(np.median(border)), 0, 255).astype(np.uint8)


def shrink(ink: np.ndarray) -> tuple[np.ndarray, float]:
    """Shrink huge inputs; returns the image and the factor from it back to the original."""
    longest = max(ink.shape)
    if longest <= MAX_SIDE:
        return ink, 1.0
    factor = MAX_SIDE / longest
    size = (max(1, round(ink.shape[1] * factor)), max(1, round(ink.shape[0] * factor)))
    return cv2.resize(ink, size, interpolation=cv2.INTER_AREA), 1 / factor


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """Binary mask of the ink (Otsu), or all-false when the picture has no contrast."""
    if int(ink.max()) - int(ink.min()) < MIN_CONTRAST:
        return np.zeros(ink.shape, dtype=np.uint8)
    _, mask = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary shape: twice its area over its perimeter."""
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(contour, True) for contour in contours)
    return 2.0 * float(np.count_nonzero(mask)) / perimeter if perimeter else 0.0


def to_mnist(crop: np.ndarray, stroke: float) -> np.ndarray:
    """One digit's ink crop, its strokes ``stroke`` px wide (:func:`stroke_width` of its mask) → (28, 28) float32
    in [0, 1], as MNIST's digits were normalised."""
    canvas = _fit(crop, stroke, MNIST_BOX / max(crop.shape), (MNIST_SIZE, MNIST_SIZE))
    moments = cv2.moments(canvas)
    if moments["m00"] > 0:
        canvas = warp_affine(canvas, [[1, 0, MNIST_CENTRE - moments["m10"] / moments["m00"]],
                                      [0, 1, MNIST_CENTRE - moments["m01"] / moments["m00"]]])
    peak = canvas.max()
    return canvas / peak if peak > 0 else canvas


def whole_ink(image: np.ndarray) -> np.ndarray:
    """A picture of one digit (dark on light or bright on dark) → its whole ink cropped and normalised the MNIST way,
    with no segmentation: (28, 28) float32 in [0, 1], all zeros when nothing is drawn."""
    ink = to_ink(to_grey(image))
    mask = ink_mask(ink)
    if not mask.any():
        return np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    ys, xs = np.nonzero(mask)
    crop = (ink * (mask > 0))[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return to_mnist(crop, stroke_width(mask))


def to_wide(crop: np.ndarray, stroke: float) -> np.ndarray:
    """A piece of ink that may hold several digits side by side → WIDE_SHAPE float32 in [0, 1]: as tall as an
    MNIST digit's box (narrower if it is wider than WIDE_SHAPE allows), strokes as wide as MNIST's, centred."""
    room = WIDE_SHAPE[1] - (MNIST_SIZE - MNIST_BOX)
    scale = min(MNIST_BOX / crop.shape[0], room / crop.shape[1])
    canvas = _fit(crop, stroke, scale, WIDE_SHAPE)
    peak = canvas.max()
    return canvas / peak if peak > 0 else canvas


def _fit(crop: np.ndarray, stroke: float, scale: float, shape: tuple[int, int]) -> np.ndarray:
    """``crop`` with its strokes matched to MNIST's at ``scale``, shrunk by it and centred in a black ``shape``."""
    crop = _match_stroke(crop, stroke, MNIST_STROKE / scale)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    small = small[: shape[0], : shape[1]]
    canvas = np.zeros(shape, np.float32)
    top, left = (shape[0] - small.shape[0]) // 2, (shape[1] - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas


def _match_stroke(crop: np.ndarray, width: float, target: float) -> np.ndarray:
    """Thicken thin pen strokes (or thin heavy ones) towards MNIST's stroke width, before shrinking."""
    if width <= 0:
        return crop
    change = round(target - width)
    if abs(change) < max(2, 0.25 * target):
        return crop
    pad = max(0, change)
    padded = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(change) + 1, abs(change) + 1))
    morph = cv2.dilate if change > 0 else cv2.erode
    return morph(padded, kernel)
