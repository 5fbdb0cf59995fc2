"""The training-speed benchmark measures every setting in turn, round after round, on real MNIST."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from benchmarks.step_profile import conv_rate, training_gflop
from benchmarks.training_speed import PROJECT, SEED, SETTINGS, alternating, project_default
from digit_recognizer import catalog
from digit_recognizer.training.data import RawMnist, split


@pytest.mark.slow
def test_rounds_keep_each_rounds_pace_and_its_ratio_to_the_seeds_way(mnist: RawMnist) -> None:
    splits = split(mnist, limit=4000)
    settings = {SEED: SETTINGS[SEED], PROJECT: project_default()}
    measured = alternating("ann", settings, splits.x_train, splits.y_train, steps=96, rounds=3)
    assert measured[SEED]["train_ratio_per_round"] == [1.0, 1.0, 1.0]
    seed, project = (measured[name]["train_img_per_s_per_round"] for name in (SEED, PROJECT))
    assert len(project) == 3 and min(project) > 0
    ratios = [one / base for one, base in zip(project, seed, strict=True)]
    assert measured[PROJECT]["train_ratio_per_round"] == pytest.approx(ratios)
    assert measured[PROJECT]["train_img_per_s"] == statistics.median(project)
    assert measured[PROJECT]["inference_img_per_s"] > 0


@pytest.mark.slow
def test_a_backend_or_thread_setting_runs_in_a_process_of_its_own(mnist: RawMnist, mnist_path: Path) -> None:
    """JAX's backend and one inter-op thread cannot share TensorFlow's process: each is measured in a child."""
    splits = split(mnist, limit=4000)
    one_op = "fp32+spe+fused+matmul+bn+1op"
    settings = {SEED: SETTINGS[SEED], "jax": SETTINGS["jax"], one_op: SETTINGS[one_op]}
    assert not SETTINGS[SEED].own_process and SETTINGS["jax"].own_process and SETTINGS[one_op].own_process
    measured = alternating("ann", settings, splits.x_train, splits.y_train, steps=96, rounds=1, data=str(mnist_path))
    for name in ("jax", one_op):
        assert measured[name]["train_img_per_s"] > 0 and measured[name]["inference_img_per_s"] > 0


def test_the_convolution_ceiling_counts_every_multiply_add() -> None:
    """VGG16 on MNIST: 1.232 GFLOP to train on one image, as the study's architecture gives by hand."""
    assert training_gflop(catalog.build("vgg16")) == pytest.approx(1.2319, abs=1e-4)
    assert training_gflop(catalog.build("ann")) == pytest.approx(3 * 2 * (784 * 512 + 512 * 128 + 128 * 10) / 1e9)
    assert conv_rate("float32") > 1
