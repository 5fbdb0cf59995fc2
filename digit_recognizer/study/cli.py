"""`python -m digit_recognizer study`: the preprocessing study's command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from digit_recognizer import options
from digit_recognizer.catalog import STUDY_MODELS
from digit_recognizer.outputs.paths import PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.study.variants import VARIANTS
from digit_recognizer.training import precision

QUICK_LIMIT_TEXT = "300 images per split, 1 epoch, seeds 1,2"
INTERRUPTED = "interrupted; finished runs are kept in plots/study_runs.json and the same command resumes."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", type=options.name_list(STUDY_MODELS), default=["ann", "cnn"],
                        help="comma-separated models (default: ann,cnn; vgg16 also works: 14-19 min per run on "
                             "2 cores, measured)")
    parser.add_argument("--variants", type=options.name_list(list(VARIANTS), "variant"), default=list(VARIANTS),
                        help=f"preprocessing variants (default: all of {','.join(VARIANTS)})")
    parser.add_argument("--seeds", type=options.seed_list, default=[1, 2, 3], help="seeds per cell (default: 1,2,3)")
    options.add_data(parser)
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT,
                        help="results go to OUTPUT_DIR/plots/study.{md,json,png} (default: the repository root)")
    parser.add_argument("--precision", choices=precision.CHOICES, default=precision.AUTO)
    parser.add_argument("--quick", action="store_true",
                        help=f"the whole study on {QUICK_LIMIT_TEXT} for a smoke test (writes plots/study_quick.*)")
    parser.add_argument("--quiet", action="store_true", help="no line per finished run")


def run(args: argparse.Namespace) -> int:
    return options.command(lambda: _study(args), interrupted=INTERRUPTED)


def _study(args: argparse.Namespace) -> int:
    from digit_recognizer.study.experiment import QUICK_LIMIT, StudyConfig
    from digit_recognizer.study.experiment import run as run_study

    config = StudyConfig(models=args.models, variants=args.variants, seeds=args.seeds, data=args.data,
                         output_dir=args.output_dir.expanduser().resolve(), precision=args.precision,
                         quick=args.quick, verbose=0 if args.quiet else 1)
    if args.quick:
        config.limit, config.epochs, config.seeds = QUICK_LIMIT, 1, config.seeds[:2]
    options.check_writable_dirs([config.output_dir, config.output_dir / PLOTS_DIRNAME])
    print(run_study(config), end="")
    return 0
