"""The train command (`python test.py`, also `python -m digit_recognizer train`): options → RunConfig → pipeline."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from digit_recognizer import options
from digit_recognizer.catalog import MODEL_NAMES, STUDY_MODELS
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.artifacts import remove_stale_temporaries
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.tf_logs import quiet_import
from digit_recognizer.training import distribute, precision, run_lock
from digit_recognizer.training.config import DEFAULT_SEED, RunConfig

DESCRIPTION = "Train and evaluate the study's ANN, CNN and VGG16 on MNIST; save models, plots and results."
INTERRUPTED = ("interrupted; files written so far are complete. Run the same command again to resume "
               "from the last completed epoch (or add --fresh to start over).")


def add_kernel_options(parser: argparse.ArgumentParser) -> None:
    """The switches back from the project's faster training kernels to Keras's and TensorFlow's own."""
    parser.add_argument("--keras-adam", action="store_true",
                        help="Keras's own Adam ops instead of the fused kernel (the same update, slower)")
    parser.add_argument("--tf-conv-gradients", action="store_true",
                        help="TensorFlow's own kernel for every convolution weight gradient instead of matrix "
                             "products on small maps (the same gradients, slower on a CPU)")
    parser.add_argument("--keras-batch-norm", action="store_true",
                        help="Keras's own ops for batch normalisation instead of TensorFlow's fused kernel "
                             "(the same maths, slower)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=options.name_list(MODEL_NAMES), default=list(STUDY_MODELS),
                        help=f"comma-separated models to train, from {','.join(MODEL_NAMES)} "
                             f"(default: the study's {','.join(STUDY_MODELS)})")
    parser.add_argument("--epochs", type=options.positive_int, default=None,
                        help="epochs (default: the model's recipe; 5 for the study's models, 40 for best)")
    parser.add_argument("--lr", type=options.positive_float, default=None,
                        help="Adam learning rate (default: the recipe's; 1e-5 for the study's models)")
    parser.add_argument("--batch-size", type=options.positive_int, default=None,
                        help="batch size (default: the recipe's; 32 for the study's models)")
    parser.add_argument("--seed", type=options.seed, default=DEFAULT_SEED, help="random seed (default: 42)")
    parser.add_argument("--limit", type=options.positive_int, default=None,
                        help="use at most N images of each split, for quick runs")
    options.add_data(parser)
    options.add_pendigits(parser)
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT,
                        help="where models/, plots/ and results.json go (default: the repository root)")
    parser.add_argument("--precision", choices=precision.CHOICES, default=precision.AUTO,
                        help="auto (default): mixed_bfloat16 on CPUs with native bf16, else float32")
    parser.add_argument("--steps-per-execution", type=options.positive_int, default=RunConfig.steps_per_execution,
                        help="batches per compiled call: less per-step overhead, same training (default: 48)")
    parser.add_argument("--xla", action=argparse.BooleanOptionalAction, default=None,
                        help="compile the training step with XLA, or not (default: in float32 for models without "
                             "convolutions, where it is faster)")
    add_kernel_options(parser)
    parser.add_argument("--strategy", choices=distribute.CHOICES, default=distribute.DEFAULT,
                        help="default: one device; mirrored: tf.distribute.MirroredStrategy over all local GPUs "
                             "or --devices; multiworker: one process per machine, data-parallel over all their "
                             f"devices, cluster from ${distribute.TF_CONFIG} (runs on Keras's JAX backend). "
                             "--batch-size is then per replica")
    parser.add_argument("--devices", type=options.device_list, default=None,
                        help="comma-separated devices for --strategy mirrored, e.g. /gpu:0,/gpu:1")
    parser.add_argument("--split-cpu", type=options.positive_int, default=None, metavar="N",
                        help="split the CPU into N logical devices and mirror over them (try mirrored without GPUs)")
    parser.add_argument("--fresh", action="store_true",
                        help="start over instead of resuming an interrupted run in the same --output-dir")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def to_config(args: argparse.Namespace) -> RunConfig:
    if args.devices and args.strategy != distribute.MIRRORED:
        raise UserError("--devices picks the devices of --strategy mirrored; add --strategy mirrored.")
    if args.strategy == distribute.MULTIWORKER and (args.devices or args.split_cpu):
        raise UserError("--devices and --split-cpu are for one machine; multiworker uses every device of every "
                        "worker.")
    return RunConfig(
        models=args.models,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        limit=args.limit,
        data=args.data,
        pendigits=args.pendigits,
        output_dir=args.output_dir.expanduser().resolve(),
        precision=args.precision,
        steps_per_execution=args.steps_per_execution,
        jit_compile=args.xla,
        fused_adam=not args.keras_adam,
        matmul_gradients=not args.tf_conv_gradients,
        fused_batch_norm=not args.keras_batch_norm,
        verbose=0 if args.quiet else 1,
        fresh=args.fresh,
        strategy="mirrored" if args.split_cpu else args.strategy,
        devices=args.devices,
        split_cpu=args.split_cpu,
    )


def check_writable(config: RunConfig) -> None:
    """Fail before training, not after an hour of it, when the outputs cannot be written."""
    options.check_writable_dirs([config.output_dir, config.models_dir, config.plots_dir])


def main(argv: list[str] | None = None) -> int:
    """``python test.py``: the study's name for the train command."""
    parser = argparse.ArgumentParser(prog="test.py", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return options.command(lambda: _train(to_config(args)), interrupted=INTERRUPTED)


def _start_pipeline() -> Callable[[RunConfig], str]:
    """The training pipeline, its backend loaded and its devices found (when TensorFlow prints its banners)."""
    import keras

    from digit_recognizer.training.pipeline import run as run_pipeline

    if keras.config.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.list_physical_devices()
    return run_pipeline


def _train(config: RunConfig) -> int:
    started = time.perf_counter()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if config.strategy == distribute.MULTIWORKER:
        # Must happen before Keras is first imported (see distribute's docstring for why JAX).
        os.environ["KERAS_BACKEND"] = "jax"
        config = replace(config, cluster=distribute.read_cluster(os.environ.get(distribute.TF_CONFIG)))
    # Only the chief writes; the other workers' --output-dir may not even exist on their machine.
    chief = config.cluster is None or config.cluster.is_chief
    if chief:
        check_writable(config)
    # The folder is taken before TensorFlow loads, so a second run is refused at once.
    with run_lock.hold(config.output_dir) if chief else nullcontext():
        if chief and (removed := remove_stale_temporaries([config.output_dir, config.models_dir,
                                                           config.plots_dir])):
            print(f"removed {removed} unfinished temporary file(s) left by an interrupted run", flush=True)
        table = quiet_import(_start_pipeline)(config)
    print()
    print(table, end="")
    elapsed = time.perf_counter() - started
    print(f"\nTotal wall time: {elapsed / 60:.1f} min ({elapsed:.0f} s)", flush=True)
    return 0
