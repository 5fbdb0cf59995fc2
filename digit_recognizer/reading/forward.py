"""One compiled forward pass per model, shared by every part of a reading that runs a network."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.reading.exported import Exported

if TYPE_CHECKING:
    import keras


def log_probability(probability: np.ndarray) -> np.ndarray:
    """A probability's log, floored at log 1e-6: a zero must not rule a candidate out whatever else it scores."""
    return np.log(np.maximum(probability, 1e-6))


def predict(model: keras.Model | Exported, batch: np.ndarray) -> np.ndarray:
    """Model outputs: an exported network's from ONNX Runtime; a Keras model's through one compiled forward pass
    per model, with no per-call overhead of ``predict`` and none of eager execution's per-operation cost (a
    reading runs the model on a few dozen candidates)."""
    if isinstance(model, Exported):
        return model(batch)
    import keras

    return keras.ops.convert_to_numpy(_forward(model)(np.asarray(batch, np.float32)))


class _FirstTracesOnly(logging.Filter):
    """TensorFlow warns of "retracing" when several models' forward passes are first traced one after another
    (a reading loads up to a dozen); each is traced once, its input signature fixed, so on the user's terminal the
    warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


_FIRST_TRACES_ONLY = _FirstTracesOnly()


@cache
def _forward(model: keras.Model) -> Callable[[np.ndarray], object]:
    import keras

    if keras.backend.backend() != "tensorflow":
        return lambda batch: model(batch, training=False)
    import tensorflow as tf

    tf.get_logger().addFilter(_FIRST_TRACES_ONLY)
    spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
    return tf.function(lambda batch: model(batch, training=False), input_signature=[spec])
