"""Small-map weight gradients by matrix products equal TensorFlow's own, and the layers they apply to."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from digit_recognizer import catalog
from digit_recognizer.training.conv_gradients import SMALL_MAP_PIXELS, use_matmul_weight_gradients, weight_gradient
from digit_recognizer.training.fit import compile_model
from tests.training.equivalence import train_both_ways


@pytest.mark.parametrize(
    ("size", "kernel", "padding"),
    [(1, 3, "same"), (3, 3, "same"), (7, 5, "same"), (5, 4, "same"), (2, 5, "same"), (6, 3, "valid")],
)
def test_weight_gradient_equals_tensorflows(size: int, kernel: int, padding: str) -> None:
    """Odd and even kernels, maps smaller than the kernel, both paddings: float32 agreement."""
    rng = np.random.default_rng(size * 10 + kernel)
    x = tf.constant(rng.normal(size=(4, size, size, 6)), tf.float32)
    k = tf.constant(rng.normal(size=(kernel, kernel, 6, 5)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(k)
        y = tf.nn.conv2d(x, k, 1, padding.upper())
    upstream = tf.constant(rng.normal(size=y.shape), tf.float32)
    expected = tape.gradient(y, k, output_gradients=upstream)
    got = weight_gradient(x, upstream, k.shape, padding)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16"])
@pytest.mark.parametrize(("size", "kernel"), [(3, 3), (1, 3), (1, 4)])
def test_a_layer_gives_the_same_output_and_gradients(policy: str, size: int, kernel: int) -> None:
    """A Conv2D on a 3×3 map, or a one-pixel map (a product with one tap), its kernel a variable (float32) or a
    cast of one (bfloat16)."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(8, size, size, 16)), tf.float32)
    results = []
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        for patched in (False, True):
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input((size, size, 16)),
                                      keras.layers.Conv2D(32, kernel, padding="same", activation="relu")])
            if patched:
                assert use_matmul_weight_gradients(model) == 1
            with tf.GradientTape() as tape:
                y = tf.cast(model(x), tf.float32)
                loss = tf.reduce_sum(y * y)
            results.append([y.numpy()] + [g.numpy() for g in tape.gradient(loss, model.trainable_variables)])
    finally:
        keras.mixed_precision.set_global_policy(previous)
    tolerance = 1e-5 if policy == "float32" else 2e-2
    for expected, got in zip(*results, strict=True):
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance * np.abs(expected).max())


def test_only_eligible_layers_change() -> None:
    """Strided, dilated and grouped convolutions keep TensorFlow's op; the study's models get theirs patched."""
    model = keras.Sequential([
        keras.Input((28, 28, 4)),
        keras.layers.Conv2D(4, 3, strides=2, name="strided"),
        keras.layers.Conv2D(4, 3, dilation_rate=2, name="dilated"),
        keras.layers.Conv2D(4, 3, groups=2, name="grouped"),
        keras.layers.Conv2D(4, 3, padding="same", name="plain"),
    ])
    before = {layer.name: layer.convolution_op for layer in model.layers}
    assert use_matmul_weight_gradients(model) == 1
    changed = [layer.name for layer in model.layers if layer.convolution_op != before[layer.name]]
    assert changed == ["plain"]
    assert use_matmul_weight_gradients(catalog.build("vgg16")) == 13
    assert use_matmul_weight_gradients(catalog.build("cnn")) == 3
    assert SMALL_MAP_PIXELS == 49


def test_the_saved_model_is_unchanged(tmp_path) -> None:
    """Only how the layers run changes: the configuration is the builder's and the saved model predicts alike."""
    model = catalog.build("cnn")
    expected = model.get_config()
    use_matmul_weight_gradients(model)
    assert model.get_config() == expected
    model.save(tmp_path / "cnn.keras")
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "cnn.keras").predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_a_model_trains_the_same_with_either() -> None:
    """The study's VGG16 (its 7×7 and 3×3 maps take the products, its 1×1 maps the single tap), lr 1e-5, batch 32:
    6 steps either way."""
    moved, differ = train_both_ways(
        lambda products: compile_model(catalog.build("vgg16"), keras.optimizers.Adam(1e-5), steps_per_execution=6,
                                       matmul_gradients=products), steps=6, policy="float64")
    assert moved > 1e-5 and differ < 0.01 * moved, (differ, moved)
