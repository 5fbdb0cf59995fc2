"""The fused Adam update is Keras's Adam update, step after step, to float tolerance."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from digit_recognizer import catalog
from digit_recognizer.training.conv_gradients import one_pixel_taps
from digit_recognizer.training.fit import compile_model
from digit_recognizer.training.fused_adam import FusedAdam
from tests.training.equivalence import train_both_ways


@pytest.mark.parametrize(("lr", "steps"), [(1e-5, 200), (2e-3, 200)])
def test_same_gradients_give_the_same_weights_and_moments(lr: float, steps: int) -> None:
    """Both optimizers get the same 200 gradient sequences for a conv kernel, a matrix and a bias."""
    rng = np.random.default_rng(0)
    shapes = [(3, 3, 8, 16), (64, 10), (10,)]
    start = [rng.normal(size=shape).astype(np.float32) for shape in shapes]
    gradients = [[(rng.normal(size=shape) * rng.choice([1e-6, 1e-2, 1.0])).astype(np.float32) for shape in shapes]
                 for _ in range(steps)]
    results = []
    for optimizer in (keras.optimizers.Adam(lr), FusedAdam(lr)):
        variables = [keras.Variable(value) for value in start]
        optimizer.build(variables)
        for step in gradients:
            optimizer.apply([tf.constant(g) for g in step], variables)
        results.append([v.numpy() for v in variables] + [v.numpy() for v in optimizer.variables])
    keras_adam, fused = results
    for expected, got in zip(keras_adam, fused, strict=True):
        # Adam moves each weight by at most about lr per step: a thousandth of that total is rounding.
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * lr * steps)
    # The weights really moved: a no-op optimizer would fail the comparison above only by luck.
    assert np.abs(fused[0] - start[0]).max() > lr * steps * 0.1


def test_a_model_trains_the_same_with_either() -> None:
    """The study's CNN, its settings (lr 1e-5, batch 32), several steps per execution: same weights after 30 steps."""
    moved, differ = train_both_ways(
        lambda fused: compile_model(catalog.build("cnn"), (FusedAdam if fused else keras.optimizers.Adam)(1e-5),
                                    steps_per_execution=10), steps=30)
    # Training feeds rounding back into the gradients; still, the two differ by under 1% of how far they moved.
    assert moved > 1e-5 and differ < 0.01 * moved, (differ, moved)


def _one_pixel_model() -> keras.Model:
    return keras.Sequential(name="net", layers=[
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(28),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="pixel"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])


@pytest.mark.parametrize("matmul_gradients", [False, True])
def test_a_kernel_on_a_one_pixel_map_trains_the_same_updating_its_live_tap_alone(matmul_gradients: bool) -> None:
    """A "same" convolution on a one-pixel map: FusedAdam updates only the centre tap, Keras's Adam all nine, with
    TensorFlow's kernel or the one-pixel product; the weights end alike and the other taps never move."""
    assert one_pixel_taps(_one_pixel_model()) == {"net/pixel/kernel": (1, 1)}
    models = []

    def compiled(fused: bool) -> keras.Model:
        model = compile_model(_one_pixel_model(), (FusedAdam if fused else keras.optimizers.Adam)(2e-3),
                              steps_per_execution=5, matmul_gradients=matmul_gradients)
        models.append((model, model.get_layer("pixel").kernel.numpy()))
        return model

    moved, differ = train_both_ways(compiled, steps=20)
    assert moved > 1e-3 and differ < 0.01 * moved, (differ, moved)
    for model, start in models:
        after = model.get_layer("pixel").kernel.numpy()
        centre = np.zeros(after.shape, bool)
        centre[1, 1] = True
        np.testing.assert_array_equal(after[~centre], start[~centre])
        assert np.abs(after[centre] - start[centre]).max() > 1e-3


def test_compiled_with_a_one_pixel_kernel_it_updates_that_tap_alone_as_keras_adam_would() -> None:
    """Given gradients at every tap, the compiled model's FusedAdam moves the live tap as Keras's Adam does
    (to float tolerance) and leaves the rest exactly: the restriction is wired in, not merely harmless."""
    rng = np.random.default_rng(3)
    model = compile_model(_one_pixel_model(), FusedAdam(1e-3))
    kernel = model.get_layer("pixel").kernel
    start = kernel.numpy()
    steps = [[rng.normal(size=v.shape).astype(np.float32) for v in model.trainable_variables] for _ in range(5)]
    model.optimizer.build(model.trainable_variables)
    reference, keras_adam = keras.Variable(start), keras.optimizers.Adam(1e-3)
    keras_adam.build([reference])
    position = [v.path for v in model.trainable_variables].index(kernel.path)
    for gradients in steps:
        model.optimizer.apply([tf.constant(g) for g in gradients], model.trainable_variables)
        keras_adam.apply([tf.constant(gradients[position])], [reference])
    after, expected = kernel.numpy(), reference.numpy()
    np.testing.assert_allclose(after[1, 1], expected[1, 1], rtol=1e-4, atol=1e-4 * 1e-3 * len(steps))
    after[1, 1] = start[1, 1]
    np.testing.assert_array_equal(after, start)
    assert np.abs(expected - start).min() > 0
