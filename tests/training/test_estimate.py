"""The run's expected time: its arithmetic, the hint for a long run, and a real measured pace that predicts a fit."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from digit_recognizer import catalog
from digit_recognizer.training import estimate, precision
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import load_splits
from digit_recognizer.training.estimate import Pace, Plan
from digit_recognizer.training.fit import fit, seed_everything

STUDY = Plan(train_images=48_000, batch_size=32, epochs=5, validation_images=12_000, test_images=10_000)


def test_a_plan_adds_tracing_steps_and_scoring() -> None:
    pace = Pace(step_seconds=0.1, first_call_seconds=7.0, score_seconds=0.001)
    assert STUDY.seconds(pace) == 7.0 + 5 * 1500 * 0.1 + (5 * 12_000 + 10_000) * 0.001
    # --limit 3200 cuts every split to 3,200 images: 100 steps an epoch.
    assert STUDY.seconds(pace, limit=3200) == 7.0 + 5 * 100 * 0.1 + 6 * 3200 * 0.001


def test_a_long_run_is_told_how_to_run_less() -> None:
    plans = dict.fromkeys(("ann", "cnn", "vgg16"), STUDY)
    paces = {"ann": Pace(0.003, 1, 1e-5), "cnn": Pace(0.06, 3, 1e-4), "vgg16": Pace(0.7, 10, 5e-3)}
    text = estimate.report(plans, paces)
    assert "VGG16" in text and "whole run" in text
    assert "--models ann,cnn (about 8.1 min)" in text
    # 12,000 images give VGG16 375 steps of 0.7 s an epoch: 22 min, too long; 3,000 give 5.6 min with the rest.
    assert "--limit 3000 (about" in text
    quick = estimate.report(plans, dict.fromkeys(plans, Pace(0.001, 1, 1e-6)))
    assert "to run less" not in quick


def test_the_measured_pace_predicts_a_real_fit(mnist_path: Path) -> None:
    """ANN on 3,200 images for two epochs: the pace of 24 timed steps predicts the fit's time within a factor 2."""
    splits = load_splits(mnist_path, limit=3200)
    config = RunConfig(verbose=0)
    recipe = replace(catalog.recipe_for("ann"), epochs=2)
    pace = estimate.measure("ann", recipe, config, splits, precision.FLOAT32)
    assert 0 < pace.step_seconds < 1 and pace.first_call_seconds >= 0 and 0 < pace.score_seconds < 0.1
    expected = Plan(3200, 32, 2, 3200, 0).seconds(pace)
    seed_everything(config.seed)
    start = time.perf_counter()
    fit(catalog.build("ann"), splits, recipe, config)
    took = time.perf_counter() - start
    assert took / 2 < expected < took * 2, (expected, took)
