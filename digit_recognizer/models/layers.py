"""Custom Keras layers the shipped models contain; importing this module registers them for safe loading."""

from __future__ import annotations

import keras
from keras import ops

# Below this second moment (pixels² of ink) a picture is blank or a flat stroke: left unsheared.
MIN_SPREAD = 1e-2


@keras.saving.register_keras_serializable(package="digit_recognizer")
class Deskew(keras.layers.Layer):
    """Undo each digit's slant: the second-moment shear (the classic MNIST deskew), the project's one deskew.

    Inside the model, a saved file reads raw [0, 1] digits like every other model: the app, the
    benchmarks and an ensemble need no per-model preprocessing. Runs in float32 (moments in bf16 are
    too coarse for a shear of a few hundredths).
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)

    def call(self, images):
        ink = images[..., 0]
        height, width = ink.shape[1], ink.shape[2]
        rows = ops.reshape(ops.arange(height, dtype=ink.dtype), (1, height, 1))
        cols = ops.reshape(ops.arange(width, dtype=ink.dtype), (1, 1, width))
        mass = ops.maximum(ops.sum(ink, axis=(1, 2), keepdims=True), 1e-6)
        centre_y = ops.sum(ink * rows, axis=(1, 2), keepdims=True) / mass
        centre_x = ops.sum(ink * cols, axis=(1, 2), keepdims=True) / mass
        mu11 = ops.sum(ink * (rows - centre_y) * (cols - centre_x), axis=(1, 2), keepdims=True)
        mu02 = ops.sum(ink * (rows - centre_y) ** 2, axis=(1, 2), keepdims=True)
        flat = mu02 < MIN_SPREAD
        skew = ops.where(flat, 0.0, mu11 / ops.where(flat, 1.0, mu02))
        # Each output pixel samples its own row at x + skew (y - centre): a bilinear shear with zeros outside,
        # written as a product with triangle-kernel weights so that every runtime (ONNX included) can run it.
        source = cols + skew * (rows - centre_y)
        taps = ops.relu(1.0 - ops.abs(source[..., None] - ops.reshape(cols, (1, 1, 1, width))))
        return ops.matmul(taps, images)

    def compute_output_shape(self, input_shape):
        return input_shape
