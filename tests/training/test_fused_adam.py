"""The fused Adam update is Keras's Adam update, step after step, to float tolerance."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from digit_recognizer import catalog
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
