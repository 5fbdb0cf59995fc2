"""`python -m digit_recognizer study`: the preprocessing study's command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digit_recognizer import precision
from digit_recognizer.artifacts import RecordError
from digit_recognizer.catalog import STUDY_MODELS
from digit_recognizer.cli import EXIT_USAGE, UsageError, check_writable_dirs
from digit_recognizer.data import ENV_VAR, DataError
from digit_recognizer.paths import PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.variants import VARIANTS

QUICK_LIMIT_TEXT = "300 images per split, 1 epoch, seeds 1,2"


def _choices(allowed: tuple[str, ...] | list[str]):
    def parse(text: str) -> list[str]:
        names = [name.strip().lower() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown) or '(none given)'}; "
                                             f"choose from {','.join(allowed)}")
        return list(dict.fromkeys(names))
    return parse


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not seeds:
        raise argparse.ArgumentTypeError("give at least one seed")
    return list(dict.fromkeys(seeds))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=_choices(STUDY_MODELS), default=["ann", "cnn"],
                        help="comma-separated models (default: ann,cnn; vgg16 also works, ~40 min per run)")
    parser.add_argument("--variants", type=_choices(list(VARIANTS)), default=list(VARIANTS),
                        help=f"preprocessing variants (default: all of {','.join(VARIANTS)})")
    parser.add_argument("--seeds", type=_seeds, default=[1, 2, 3], help="seeds per cell (default: 1,2,3)")
    parser.add_argument("--data", type=Path, default=None,
                        help=f"local MNIST .npz (default: ${ENV_VAR}, else download through Keras)")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT,
                        help="results go to OUTPUT_DIR/plots/study.{md,json,png} (default: the repository root)")
    parser.add_argument("--precision", choices=precision.CHOICES, default=precision.AUTO)
    parser.add_argument("--quick", action="store_true",
                        help=f"the whole study on {QUICK_LIMIT_TEXT} for a smoke test (writes plots/study_quick.*)")
    parser.add_argument("--quiet", action="store_true", help="no line per finished run")


def run(args: argparse.Namespace) -> int:
    from digit_recognizer.study import QUICK_LIMIT, StudyConfig
    from digit_recognizer.study import run as run_study

    config = StudyConfig(models=args.models, variants=args.variants, seeds=args.seeds, data=args.data,
                         output_dir=args.output_dir.expanduser().resolve(), precision=args.precision,
                         quick=args.quick, verbose=0 if args.quiet else 1)
    if args.quick:
        config.limit, config.epochs, config.seeds = QUICK_LIMIT, 1, config.seeds[:2]
    try:
        check_writable_dirs([config.output_dir, config.output_dir / PLOTS_DIRNAME])
        table = run_study(config)
    except (DataError, UsageError, RecordError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; finished runs are kept in plots/study_runs.json and the same command resumes.",
              file=sys.stderr)
        return 130
    print(table, end="")
    return 0
