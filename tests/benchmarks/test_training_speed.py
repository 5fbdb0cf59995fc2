"""The training-speed benchmark measures every setting in turn, round after round, on real MNIST."""

from __future__ import annotations

import statistics

import pytest

from benchmarks.training_speed import PROJECT, SEED, SETTINGS, alternating, project_default
from digit_recognizer.training.data import RawMnist, split


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
