"""Batch normalisation through TensorFlow's fused kernel is Keras's batch normalisation."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from digit_recognizer import catalog
from digit_recognizer.training.fit import compile_model
from digit_recognizer.training.fused_batch_norm import use_fused_batch_norm
from tests.training.equivalence import train_both_ways


def _layer_run(fused: bool, policy: str, x: np.ndarray, steps: int) -> list[np.ndarray]:
    """Outputs, gradients and moving statistics of one BatchNormalization after ``steps`` training calls."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.BatchNormalization(momentum=0.9)])
        layer = model.layers[0]
        layer.gamma.assign(np.linspace(0.5, 1.5, x.shape[-1]))
        layer.beta.assign(np.linspace(-1, 1, x.shape[-1]))
        if fused:
            assert use_fused_batch_norm(model) == 1
        inputs = tf.constant(x)
        weights = tf.constant(np.random.default_rng(1).normal(size=x.shape), tf.float32)
        for _ in range(steps):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                y = tf.cast(model(inputs, training=True), tf.float32)
                loss = tf.reduce_sum(y * weights)
            grads = tape.gradient(loss, [inputs, layer.gamma, layer.beta])
        inference = model(inputs, training=False)
        return [np.asarray(v, np.float32) for v in [y, *grads, layer.moving_mean, layer.moving_variance, inference]]
    finally:
        keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16"])
def test_outputs_gradients_and_moving_statistics_are_keras(policy: str) -> None:
    """Normalised outputs, the gradients to input, scale and offset, and the biased moving variance."""
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(8, 5, 5, 6)).astype(np.float32)
    keras_way, fused = (_layer_run(way, policy, x, steps=3) for way in (False, True))
    tolerance = 1e-4 if policy == "float32" else 2e-2
    for expected, got in zip(keras_way, fused, strict=True):
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance * np.abs(expected).max())
    # The moving statistics moved toward the batch's (mean 3, variance 4): a no-op update would fail above.
    assert fused[4].mean() > 0.5 and fused[5].mean() > 1.2


def test_other_layers_and_inference_keep_keras_ops() -> None:
    model = catalog.build("cnn")
    before = {layer.name: layer.call for layer in model.layers}
    assert use_fused_batch_norm(model) == 3
    changed = [layer.name for layer in model.layers if layer.call != before[layer.name]]
    assert changed == ["block1_bn", "block2_bn", "block3_bn"]
    assert use_fused_batch_norm(catalog.build("vgg16")) == 0


def test_a_model_trains_the_same_with_either() -> None:
    """The study's CNN (three batch norms), lr 1e-5, batch 32, 30 steps either way."""
    moved, differ = train_both_ways(
        lambda fused: compile_model(catalog.build("cnn"), keras.optimizers.Adam(1e-5), steps_per_execution=10,
                                    fused_batch_norm=fused), steps=30)
    assert moved > 1e-5 and differ < 0.01 * moved, (differ, moved)
