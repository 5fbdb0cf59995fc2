"""The step bound takes exactly one part out of a real training step and counts that part's work right."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from benchmarks.step_bound import (
    ONE_PIXEL,
    WITHOUT_CONVOLUTIONS,
    WITHOUT_WEIGHT_GRADIENTS,
    bounds,
    convolution_flops,
    report,
    without_convolutions,
    without_weight_gradients,
)
from benchmarks.training_speed import PROJECT, SEED
from digit_recognizer import catalog
from digit_recognizer.training.data import RawMnist
from digit_recognizer.training.fit import compile_model


def test_flops_count_every_tap_the_kernels_compute() -> None:
    cnn = convolution_flops(catalog.build("cnn"))
    # 28×28 maps 1→32 channels 3×3, 14×14 32→64 5×5, 7×7 64→128 3×3; batch 32, 2 FLOP per multiply-add.
    layers = [2 * 32 * 28 * 28 * 9 * 1 * 32, 2 * 32 * 14 * 14 * 25 * 32 * 64, 2 * 32 * 7 * 7 * 9 * 64 * 128]
    assert cnn == {"forward": sum(layers), "input gradients": sum(layers[1:]), "weight gradients": sum(layers),
                   ONE_PIXEL: 0.0}
    vgg16 = convolution_flops(catalog.build("vgg16"))
    # The fifth block's three layers see one pixel: one live tap of 512 × 512.
    assert vgg16[ONE_PIXEL] == 3 * 2 * 32 * 512 * 512
    assert vgg16["weight gradients"] + vgg16[ONE_PIXEL] == vgg16["forward"]
    # Per image: 28×28 maps 1→64→64, 14×14 64→128→128, 7×7 128→256→256→256, 3×3 256→512→512→512, 3×3 taps each.
    per_image = 2 * 9 * (28 * 28 * (1 * 64 + 64 * 64) + 14 * 14 * (64 * 128 + 128 * 128)
                         + 7 * 7 * (128 * 256 + 2 * 256 * 256) + 3 * 3 * (256 * 512 + 2 * 512 * 512))
    assert vgg16["forward"] == 32 * per_image + vgg16[ONE_PIXEL]


def _gradients(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> tuple[tf.Tensor, dict, tf.Tensor]:
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(labels, model(x, training=True))
    *weights, wrt_input = tape.gradient(loss, [*model.trainable_variables, x])
    return loss, {variable.path: gradient for variable, gradient in zip(model.trainable_variables, weights,
                                                                            strict=True)}, wrt_input


@pytest.mark.parametrize("matmul_gradients", [False, True])
def test_without_weight_gradients_zeroes_the_kernels_gradients_alone(mnist: RawMnist, matmul_gradients: bool) -> None:
    images, labels = (mnist.x_train[:16, ..., None] / 255.0).astype(np.float32), mnist.y_train[:16]
    whole, altered = (compile_model(catalog.build("cnn"), keras.optimizers.Adam(1e-5),
                                    matmul_gradients=matmul_gradients) for _ in range(2))
    altered.set_weights(whole.get_weights())
    without_weight_gradients(altered)
    loss, expected, wrt_input = _gradients(whole, images, labels)
    altered_loss, got, altered_wrt_input = _gradients(altered, images, labels)
    np.testing.assert_allclose(altered_loss, loss, rtol=1e-6)
    np.testing.assert_allclose(altered_wrt_input, wrt_input, rtol=1e-4, atol=1e-7)
    for path, gradient in got.items():
        if path.endswith("_conv/kernel"):
            assert not np.any(gradient), path
            assert np.any(expected[path]), path
        else:
            np.testing.assert_allclose(gradient, expected[path], rtol=1e-4, atol=1e-7, err_msg=path)


def test_without_convolutions_outputs_zeros_and_passes_zeros_back(mnist: RawMnist) -> None:
    images, labels = (mnist.x_train[:16, ..., None] / 255.0).astype(np.float32), mnist.y_train[:16]
    model = compile_model(catalog.build("cnn"), keras.optimizers.Adam(1e-5))
    without_convolutions(model)
    first = model.get_layer("block1_conv")
    first.bias.assign(np.linspace(-1, 1, 32))
    np.testing.assert_allclose(first(tf.constant(images)), np.broadcast_to(
        np.maximum(np.linspace(-1, 1, 32), 0), (16, 28, 28, 32)), rtol=1e-6)
    _, gradients, wrt_input = _gradients(model, images, labels)
    assert not np.any(wrt_input)
    assert all(not np.any(gradients[f"cnn/block{block}_conv/kernel"]) for block in (1, 2, 3))
    assert np.any(gradients["cnn/predictions/bias"]), "the rest of the network still learns"


def test_bounds_add_the_parts_work_at_the_best_rate() -> None:
    measured = {SEED: 200.0, PROJECT: 100.0, WITHOUT_WEIGHT_GRADIENTS: 70.0, WITHOUT_CONVOLUTIONS: 20.0,
                "best_gflops": 400.0}
    work = {"forward": 8e9, "input gradients": 8e9, "weight gradients": 8e9, ONE_PIXEL: 0.0}
    got = bounds(measured, work)
    assert got["ratio"] == 2.0
    assert got["weight_gradients_bound_ms"] == pytest.approx(90.0) and got["weight_gradients_ceiling"] == pytest.approx(
        200 / 90)
    assert got["convolutions_bound_ms"] == pytest.approx(80.0) and got["convolutions_ceiling"] == pytest.approx(2.5)
    assert got["weight_gradients_efficiency"] == pytest.approx(20 / 30)
    assert got["convolutions_alone_ms"] == pytest.approx(60.0) and got["convolutions_alone_ceiling"] == pytest.approx(
        200 / 60)


def test_the_report_gives_medians_and_ranges_over_the_rounds() -> None:
    work = {"forward": 8e9, "input gradients": 8e9, "weight gradients": 8e9, ONE_PIXEL: 0.0}
    rounds = [{SEED: seed, PROJECT: 100.0, WITHOUT_WEIGHT_GRADIENTS: 70.0, WITHOUT_CONVOLUTIONS: 20.0,
               "best_gflops": 400.0} for seed in (180.0, 200.0, 240.0)]
    results = {"cpu": "a CPU", "batch_size": 32, "rounds": 3, "models": {"cnn": {
        "gflop_per_step": {part: flop / 1e9 for part, flop in work.items()}, "rounds": rounds,
        "bounds": [bounds(measured, work) for measured in rounds]}}}
    text = report(results)
    assert ("| CNN | 200.0 | 100.0 | 2.00× (1.80–2.40×) | 70.0 | 8.00 | 90.0 | 2.22× (2.00–2.67×) "
            "| 20.0 | 24.00 | 80.0 | 2.50× (2.25–3.00×) |") in text
    assert "at the best rate their work would take 67% (67–67%) of that" in text
    assert "the ratio could reach 3.33× (3.00–4.00×)" in text
