"""How long a run will take on this machine, said before it starts, from a few timed steps of each model.

The study's VGG16 trains in 4 minutes on a CPU with native bfloat16 and in over an hour on a laptop's AVX2-only
CPU; nothing but this machine's own pace tells which. Each model is built and compiled as its training will be
(same precision, kernels and batch), trained on a few batches of the real split and asked to score a few more;
the weights are then thrown away, so the run itself starts from the seed as it would have. The expected time
of a model is its tracing, its epochs' training steps and validation, and its test scoring.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import keras

from digit_recognizer import catalog
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.recipes import Recipe
from digit_recognizer.training import precision, writers
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import Splits
from digit_recognizer.training.fit import batches, compile_model, make_optimizer, seed_everything, training_inputs

# Batches per compiled call while timing: the run's own 48 would make one timed call of VGG16 last half a
# minute on an AVX2 CPU; a step's time hardly depends on it beyond a few.
PROBE_STEPS_PER_EXECUTION = 8
# Compiled calls timed after the first (which traces), and images scored to time validation.
TIMED_CALLS = 2
SCORED_IMAGES = 1024
# A run over this long gets the options that shorten it.
LONG_RUN_SECONDS = 30 * 60
# For a long run, the largest of these --limit values whose run is expected to take at most SHORT_RUN_SECONDS.
LIMITS = (24_000, 12_000, 6_000, 3_000, 1_000)
SHORT_RUN_SECONDS = 10 * 60


@dataclass(frozen=True)
class Pace:
    """One model's measured pace on this machine."""

    step_seconds: float  # one training batch
    first_call_seconds: float  # tracing and the first compiled call, beyond its batches
    score_seconds: float  # one image of validation or test


@dataclass(frozen=True)
class Plan:
    """What a model's run consists of: training images, epochs still to train, images scored each epoch and once
    at the end."""

    train_images: int
    batch_size: int
    epochs: int
    validation_images: int
    test_images: int

    def seconds(self, pace: Pace, limit: int | None = None) -> float:
        """Expected wall time, with every split cut to ``limit`` images if given (as ``--limit`` cuts them)."""
        def cut(images: int) -> int:
            return min(images, limit) if limit else images

        steps = math.ceil(cut(self.train_images) / self.batch_size)
        scored = self.epochs * cut(self.validation_images) + cut(self.test_images)
        return pace.first_call_seconds + self.epochs * steps * pace.step_seconds + scored * pace.score_seconds


class _CallClock(keras.callbacks.Callback):
    """The end time of every compiled call of a fit (one ``on_train_batch_end`` per call)."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.ends = [time.perf_counter()]

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.ends.append(time.perf_counter())


def measure(name: str, recipe: Recipe, config: RunConfig, splits: Splits, policy: str) -> Pace:
    """Time a few training batches and some scoring of ``name`` compiled as ``config`` trains it."""
    seed_everything(config.seed)
    precision.apply(policy)
    calls = 1 + TIMED_CALLS
    per_call = min(config.steps_per_execution, PROBE_STEPS_PER_EXECUTION)
    images = min(len(splits.y_train), calls * per_call * recipe.batch_size)
    sample = replace(splits, x_train=splits.x_train[:images], y_train=splits.y_train[:images])
    model = catalog.build(name)
    optimizer = make_optimizer(recipe, math.ceil(len(splits.y_train) / recipe.batch_size), config.fused_adam)
    compile_model(model, optimizer, per_call, config.jit_compile, config.matmul_gradients, config.fused_batch_norm)
    inputs, callbacks = training_inputs(sample, recipe, config.seed, recipe.batch_size)
    clock = _CallClock()
    model.fit(**inputs, epochs=1, verbose=0, callbacks=[*callbacks, clock])
    steps = math.ceil(images / recipe.batch_size)
    timed = max(1, steps - per_call)
    step_seconds = (clock.ends[-1] - clock.ends[1]) / timed if len(clock.ends) > 2 else (
        (clock.ends[-1] - clock.ends[0]) / steps)
    first_call_seconds = max(0.0, clock.ends[1] - clock.ends[0] - min(per_call, steps) * step_seconds)
    scored = min(len(splits.y_val), SCORED_IMAGES)
    validation = batches(splits.x_val[:scored], splits.y_val[:scored], recipe.batch_size)
    validation.pop("shuffle", None)
    model.evaluate(**validation, verbose=0)
    start = time.perf_counter()
    model.evaluate(**validation, verbose=0)
    score_seconds = (time.perf_counter() - start) / scored
    seed_everything(config.seed)
    precision.apply(precision.FLOAT32)
    return Pace(step_seconds, first_call_seconds, score_seconds)


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def report(plans: dict[str, Plan], paces: dict[str, Pace]) -> str:
    """The expected time of each model and of the whole run, and for a long run the options that shorten it."""
    expected = {name: plan.seconds(paces[name]) for name, plan in plans.items()}
    total = sum(expected.values())
    width = max(len("whole run"), *(len(DISPLAY_NAMES[name]) for name in plans))
    lines = ["expected time on this machine, from a few timed steps of each model:"]
    lines += [f"  {DISPLAY_NAMES[name]:<{width}}  {minutes(seconds)}" for name, seconds in expected.items()]
    lines.append(f"  {'whole run':<{width}}  {minutes(total)}")
    if total > LONG_RUN_SECONDS and (hint := shorter(plans, paces, expected)):
        lines.append(hint)
    return "\n".join(lines)


def shorter(plans: dict[str, Plan], paces: dict[str, Pace], expected: dict[str, float]) -> str:
    """The options that run less: every model but the slowest, and a --limit that runs in about ten minutes."""
    hints = []
    slowest = max(expected, key=expected.__getitem__)
    if others := [name for name in plans if name != slowest]:
        hints.append(f"--models {','.join(others)} (about {minutes(sum(expected[name] for name in others))})")
    largest = max(plan.train_images for plan in plans.values())
    for limit in (limit for limit in LIMITS if limit < largest):
        seconds = sum(plan.seconds(paces[name], limit) for name, plan in plans.items())
        if seconds <= SHORT_RUN_SECONDS or limit == LIMITS[-1]:
            hints.append(f"--limit {limit} (about {minutes(seconds)})")
            break
    return f"  over {LONG_RUN_SECONDS // 60} min; to run less, add " + " or ".join(hints) if hints else ""


def forecast(completed: dict[str, int], config: RunConfig, splits: Splits, policy: str) -> str:
    """Time each model still to train (``completed`` epochs of it already backed up) and say how long the run will
    take."""
    plans, paces = {}, {}
    for name, done in completed.items():
        recipe = catalog.recipe_for(name, config.epochs, config.lr, config.batch_size)
        extra = writers.extra_images(recipe.writers, config.pendigits, config.limit) if recipe.writers else 0
        plans[name] = Plan(len(splits.y_train) + extra, recipe.batch_size, recipe.epochs - done, len(splits.y_val),
                           len(splits.y_test))
        paces[name] = measure(name, recipe, config, splits, policy)
    return report(plans, paces)
