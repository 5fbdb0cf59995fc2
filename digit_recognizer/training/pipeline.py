"""The study, end to end: load → split → for each model build, train, evaluate, save, plot, record.

An interrupted run started again with the same command resumes (see ``resume``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import keras

from digit_recognizer import catalog
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.outputs import artifacts, plots, results
from digit_recognizer.recipes import Recipe
from digit_recognizer.training import distribute, estimate, precision
from digit_recognizer.training.config import RunConfig
from digit_recognizer.training.data import Splits, load_splits
from digit_recognizer.training.evaluation import Evaluation, evaluate
from digit_recognizer.training.fit import TrainingRun, fit, seed_everything
from digit_recognizer.training.resume import RunState
from digit_recognizer.training.writers import with_writers


def run(config: RunConfig) -> str:
    """Train every requested model; returns the Markdown results table (also written to disk).

    In a multi-worker run every worker trains, and only the chief evaluates and writes.
    """
    devices = distribute.split_cpu(config.split_cpu) if config.split_cpu else config.devices
    placement = distribute.place(config.strategy, devices, config.cluster)
    if config.strategy != distribute.DEFAULT and config.steps_per_execution > 1:
        # Keras 3's multi-step training loop fails under MirroredStrategy ("must feed a value for placeholder").
        _notice("steps per execution set to 1: several steps per call are not supported with distribution")
        config = replace(config, steps_per_execution=1)
    if not placement.is_chief:
        config = replace(config, verbose=0)
    splits = load_splits(config.data, config.limit)
    _say(config, f"data: {splits.sizes()}")
    policy = precision.resolve(config.precision)
    _say(config, f"precision: {policy}")
    if config.strategy != distribute.DEFAULT:
        where = f"{placement.workers} workers" if placement.workers > 1 else ", ".join(devices or ["all GPUs"])
        _say(config, f"strategy: {config.strategy}, {placement.replicas} replicas ({where})")
    state = RunState.begin(config.state_dir, config.settings(), config.fresh, enabled=placement.resumable)
    if state.discarded:
        _notice(f"an unfinished run's state was discarded ({state.discarded}); starting afresh")
    if config.verbose and config.strategy == distribute.DEFAULT:
        if done := {name: state.completed_epochs(name) for name in config.models if name not in state.finished}:
            _say(config, estimate.forecast(done, config, splits, policy))
    records = results.load(config.results_json)
    versions = results.library_versions()
    for name in config.models:
        title = DISPLAY_NAMES[name]
        if name in state.finished:
            _notice(f"{title}: finished before the interruption, skipped")
            continue
        recipe = catalog.recipe_for(name, config.epochs, config.lr, config.batch_size)
        seed_everything(config.seed)
        precision.apply(policy)
        repaired = state.repair(name)
        if repaired:
            _notice(repaired)
        done = state.completed_epochs(name)
        if done:
            _notice(f"{title}: resuming after epoch {done} of {recipe.epochs}")
        # This process's share of the training and validation images (all of them on one machine), with the
        # training writers' pen digits for a recipe that learns from them.
        taught = (with_writers(splits, recipe.writers, config.seed, config.pendigits, config.limit)
                  if recipe.writers else splits)
        shard = placement.shard(taught)
        with placement.scope():
            model = catalog.build(name)
            if placement.is_chief:  # the only one that writes; another worker's --output-dir may not exist
                artifacts.check_free_space(config.output_dir, title, model.count_params())
            _say(config, f"training {title} ({model.count_params():,} parameters)")
            trained = fit(model, shard, recipe, config, state.model_dir(name), placement.local_replicas)
        if not placement.is_chief:
            continue
        trained = replace(trained, model=placement.local_copy(trained.model, partial(catalog.build, name)))
        evaluation = evaluate(trained, splits)
        write_outputs(name, trained, evaluation, config)
        records[name] = record(trained, evaluation, recipe, config, taught) | {
            "precision": policy, "strategy": config.strategy, "replicas": placement.replicas,
            "workers": placement.workers, "versions": versions}
        results.save(records, config.results_json, config.results_md)
        state.finish(name)
        _say(config, f"{title}: test accuracy {evaluation.metrics['test_accuracy']:.4f}")
    state.complete()
    if not placement.is_chief:
        return (f"worker {placement.worker} of {placement.workers}: training done; "
                "the chief (worker 0) writes the outputs\n")
    return results.save(records, config.results_json, config.results_md)


def write_outputs(name: str, trained: TrainingRun, evaluation: Evaluation, config: RunConfig) -> None:
    """The model file and everything under ``plots/`` for one model."""
    title = DISPLAY_NAMES[name]
    artifacts.save_model(trained.model, config.models_dir / f"{name}.keras")
    plots_dir = config.plots_dir
    plots.plot_curve(trained.history, "accuracy", f"{title} accuracy", plots_dir / f"{name}_accuracy.png")
    plots.plot_curve(trained.history, "loss", f"{title} loss", plots_dir / f"{name}_loss.png")
    plots.plot_confusion(evaluation.confusion, f"{title} confusion matrix (test set)",
                         plots_dir / f"{name}_confusion.png")
    artifacts.write_text(plots_dir / f"{name}_report.txt", evaluation.report_text)
    artifacts.write_json(plots_dir / f"{name}_report.json", evaluation.report)
    artifacts.write_json(plots_dir / f"{name}_history.json", trained.history)
    artifacts.write_text(plots_dir / f"{name}_summary.txt", artifacts.summary_text(trained.model))


def record(trained: TrainingRun, evaluation: Evaluation, recipe: Recipe, config: RunConfig, taught: Splits) -> dict:
    """One row of ``results.json`` (``taught``: the splits the model trained on, writers' digits included)."""
    model: keras.Model = trained.model
    return {
        **evaluation.metrics,
        "train_seconds": round(trained.seconds, 2),
        # Training images seen per second of training (epochs × training images / seconds).
        "train_img_per_s": round(len(trained.history.get("loss", [])) * taught.sizes()["train"] / trained.seconds, 1)
        if trained.seconds else None,
        "parameters": int(model.count_params()),
        **recipe.as_record(),
        "seed": config.seed,
        "limit": config.limit,
        "steps_per_execution": config.steps_per_execution,
        "jit_compile": bool(model.jit_compile),
        "fused_adam": config.fused_adam,
        "matmul_gradients": config.matmul_gradients,
        "fused_batch_norm": config.fused_batch_norm,
        "sizes": taught.sizes(),
    }


def _say(config: RunConfig, message: str) -> None:
    if config.verbose:
        print(message, flush=True)


def _notice(message: str) -> None:
    """Resuming, skipping or discarding earlier work is always reported, even with --quiet."""
    print(message, flush=True)
