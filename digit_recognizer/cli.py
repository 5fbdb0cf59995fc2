"""Command line of the study (`python test.py`): options → RunConfig → pipeline, errors as one sentence."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from digit_recognizer import distribute, precision, run_lock
from digit_recognizer.artifacts import RecordError, WriteError, remove_stale_temporaries
from digit_recognizer.catalog import MODEL_NAMES, STUDY_MODELS
from digit_recognizer.config import DEFAULT_SEED, RunConfig
from digit_recognizer.data import ENV_VAR, DataError
from digit_recognizer.errors import TrainingDivergedError
from digit_recognizer.paths import REPO_ROOT

EXIT_USAGE = 2


class UsageError(Exception):
    """A user-supplied option or path is unusable; the message says which and why."""


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _model_list(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {', '.join(unknown) or '(none given)'}; choose from {','.join(MODEL_NAMES)}"
        )
    return list(dict.fromkeys(names))


# A TensorFlow device name: /gpu:0, /cpu:0, /device:GPU:1, optionally under /job:…/replica:…/task:….
DEVICE = re.compile(r"^(/job:[\w-]+(/replica:\d+)?(/task:\d+)?)?/(device:)?(cpu|gpu):\d+$", re.IGNORECASE)
# numpy and Python's random accept seeds in this range.
SEEDS = (0, 2**32 - 1)


def _device_list(text: str) -> list[str]:
    devices = [device.strip() for device in text.split(",") if device.strip()]
    if not devices:
        raise argparse.ArgumentTypeError("name at least one device, e.g. /gpu:0")
    wrong = [device for device in devices if not DEVICE.match(device)]
    if wrong:
        raise argparse.ArgumentTypeError(f"{', '.join(map(repr, wrong))} is not a device name; write e.g. /gpu:0 "
                                         "or /cpu:0")
    return devices


def _seed(text: str) -> int:
    value = _whole_number(text)
    if not SEEDS[0] <= value <= SEEDS[1]:
        raise argparse.ArgumentTypeError(f"must be between {SEEDS[0]} and {SEEDS[1]:,}, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="test.py",
        description="Train and evaluate the study's ANN, CNN and VGG16 on MNIST; save models, plots and results.",
    )
    parser.add_argument("--models", type=_model_list, default=list(STUDY_MODELS),
                        help=f"comma-separated models to train, from {','.join(MODEL_NAMES)} "
                             f"(default: the study's {','.join(STUDY_MODELS)})")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help="epochs (default: the model's recipe; 5 for the study's models, 40 for best)")
    parser.add_argument("--lr", type=_positive_float, default=None,
                        help="Adam learning rate (default: the recipe's; 1e-5 for the study's models)")
    parser.add_argument("--batch-size", type=positive_int, default=None,
                        help="batch size (default: the recipe's; 32 for the study's models)")
    parser.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="random seed (default: 42)")
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="use at most N images of each split, for quick runs")
    parser.add_argument("--data", type=Path, default=None,
                        help=f"local MNIST .npz (default: ${ENV_VAR}, else download through Keras)")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT,
                        help="where models/, plots/ and results.json go (default: the repository root)")
    parser.add_argument("--precision", choices=precision.CHOICES, default=precision.AUTO,
                        help="auto (default): mixed_bfloat16 on CPUs with native bf16, else float32")
    parser.add_argument("--steps-per-execution", type=positive_int, default=RunConfig.steps_per_execution,
                        help="batches per compiled call: less per-step overhead, same training (default: 48)")
    parser.add_argument("--xla", action="store_true", help="compile the training step with XLA")
    parser.add_argument("--strategy", choices=distribute.CHOICES, default=distribute.DEFAULT,
                        help="default: one device; mirrored: tf.distribute.MirroredStrategy over all local GPUs "
                             "or --devices; multiworker: one process per machine, data-parallel over all their "
                             f"devices, cluster from ${distribute.TF_CONFIG} (runs on Keras's JAX backend). "
                             "--batch-size is then per replica")
    parser.add_argument("--devices", type=_device_list, default=None,
                        help="comma-separated devices for --strategy mirrored, e.g. /gpu:0,/gpu:1")
    parser.add_argument("--split-cpu", type=positive_int, default=None, metavar="N",
                        help="split the CPU into N logical devices and mirror over them (try mirrored without GPUs)")
    parser.add_argument("--fresh", action="store_true",
                        help="start over instead of resuming an interrupted run in the same --output-dir")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def parse_config(argv: list[str] | None = None) -> RunConfig:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.devices and args.strategy != distribute.MIRRORED:
        parser.error("--devices picks the devices of --strategy mirrored; add --strategy mirrored")
    if args.strategy == distribute.MULTIWORKER and (args.devices or args.split_cpu):
        parser.error("--devices and --split-cpu are for one machine; multiworker uses every device of every worker")
    return RunConfig(
        models=args.models,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        limit=args.limit,
        data=args.data,
        output_dir=args.output_dir.expanduser().resolve(),
        precision=args.precision,
        steps_per_execution=args.steps_per_execution,
        jit_compile=args.xla,
        verbose=0 if args.quiet else 1,
        fresh=args.fresh,
        strategy="mirrored" if args.split_cpu else args.strategy,
        devices=args.devices,
        split_cpu=args.split_cpu,
    )


def check_writable(config: RunConfig) -> None:
    """Fail before training, not after an hour of it, when the outputs cannot be written."""
    check_writable_dirs([config.output_dir, config.models_dir, config.plots_dir])


def check_writable_dirs(directories: list[Path]) -> None:
    """Create each directory and write a scratch file in it, or raise UsageError naming the problem."""
    for directory in directories:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as error:
            reason = error.strerror or error
            raise UsageError(f"cannot write to {directory} ({reason}); choose another --output-dir.") from error


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
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
            from digit_recognizer.pipeline import run

            table = run(config)
    except (DataError, UsageError, RecordError, WriteError, distribute.ClusterError, run_lock.FolderBusyError,
            TrainingDivergedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; files written so far are complete. Run the same command again to resume "
              "from the last completed epoch (or add --fresh to start over).", file=sys.stderr)
        return 130
    print()
    print(table, end="")
    return 0
