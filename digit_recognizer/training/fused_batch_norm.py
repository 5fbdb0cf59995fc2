"""Keras's batch normalisation in training, computed by TensorFlow's fused kernel.

Keras 3 normalises a batch with separate element-wise ops (the moments, a subtraction, a multiplication,
each a pass over the activations, and as many again for the gradient): for the study's CNN that was a
quarter of a training step's op time (``benchmarks/results/step_profile_cnn.md``). ``FusedBatchNormV3`` does the same
arithmetic in one pass forward and one backward. Everything Keras defines stays: float32 statistics of the
batch, the biased variance in the normalisation and in the moving variance, the momentum, epsilon, and
inference through Keras's own op; ``tests/training/test_fused_batch_norm.py`` checks outputs, gradients and
moving statistics against Keras's.
"""

from __future__ import annotations

from collections.abc import Callable

import keras


def use_fused_batch_norm(model: keras.Model) -> int:
    """Make every ``BatchNormalization`` of ``model`` over the last axis train through the fused kernel.

    4-D inputs only; others, inference and frozen layers keep Keras's ops. Only how the layers run changes,
    not their configuration or weights, so saved models are unchanged. Returns how many layers use it.
    """
    if keras.backend.backend() != "tensorflow":
        return 0
    layers = [layer for layer in model.layers
              if isinstance(layer, keras.layers.BatchNormalization) and layer.axis in (-1, 3) and not layer.renorm]
    for layer in layers:
        layer.call = _fused_call(layer, layer.call)
    return len(layers)


def _fused_call(layer: keras.layers.BatchNormalization, keras_call: Callable) -> Callable:
    import tensorflow as tf

    def call(inputs, training=None, mask=None):
        if not (training and layer.trainable) or mask is not None or len(inputs.shape) != 4:
            return keras_call(inputs, training=training, mask=mask)
        # The kernel takes bfloat16 activations as they are and computes in float32 inside, as Keras does after
        # its own cast: casting them here would cost two passes over the activations each way.
        x = inputs if inputs.dtype in (tf.bfloat16, tf.float32) else tf.cast(inputs, tf.float32)
        channels = x.shape[-1]
        scale = tf.cast(layer.gamma, tf.float32) if layer.scale else tf.ones([channels])
        offset = tf.cast(layer.beta, tf.float32) if layer.center else tf.zeros([channels])
        empty = tf.zeros([0], tf.float32)
        y, mean, unbiased, _, _, _ = tf.raw_ops.FusedBatchNormV3(
            x=x, scale=scale, offset=offset, mean=empty, variance=empty, epsilon=layer.epsilon,
            exponential_avg_factor=1.0, data_format="NHWC", is_training=True)
        # The kernel returns the batch variance with Bessel's correction; Keras keeps the biased one.
        count = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), tf.float32)
        variance = unbiased * (count - 1.0) / tf.maximum(count, 1.0)
        momentum = layer.momentum
        layer.moving_mean.assign(tf.cast(layer.moving_mean, tf.float32) * momentum + mean * (1.0 - momentum))
        layer.moving_variance.assign(
            tf.cast(layer.moving_variance, tf.float32) * momentum + variance * (1.0 - momentum))
        return tf.cast(y, layer.compute_dtype)

    return call
