"""Training a model two ways that should agree, on the same random batches from the same initial weights."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np


def train_both_ways(
    compiled: Callable[[bool], keras.Model], steps: int, policy: str = "float32"
) -> tuple[float, float]:
    """How far the weights moved, and how far the two ways ended apart, after ``steps`` batches of 32.

    ``compiled(way)`` builds and compiles the model for ``way`` False, then True, from the same seed. Both run
    in ``policy`` whatever policy an earlier test left: the maths are compared here, bfloat16 rounding elsewhere.
    float64 where the two ways round differently in the forward pass: Adam magnifies float32 rounding in weights
    whose gradient is near zero.
    """
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        return _train_both_ways(compiled, steps)
    finally:
        keras.mixed_precision.set_global_policy(previous)


def _train_both_ways(compiled: Callable[[bool], keras.Model], steps: int) -> tuple[float, float]:
    rng = np.random.default_rng(1)
    x = rng.random((32 * steps, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    weights = []
    for way in (False, True):
        keras.utils.set_random_seed(0)
        model = compiled(way)
        initial = model.get_weights()
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
        weights.append(model.get_weights())
    moved = max(float(np.abs(after - before).max()) for after, before in zip(weights[0], initial, strict=True))
    differ = max(float(np.abs(a - b).max()) for a, b in zip(*weights, strict=True))
    return moved, differ
