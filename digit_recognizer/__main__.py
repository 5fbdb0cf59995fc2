"""`python -m digit_recognizer train|predict|study`: the package's one command line (`test.py` is the study's
name for `train`)."""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.reading import predict_cli
from digit_recognizer.study import cli as study_cli
from digit_recognizer.training import cli as train_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digit_recognizer")
    commands = parser.add_subparsers(dest="command", required=True)
    train_cli.add_arguments(commands.add_parser("train", help=f"{train_cli.DESCRIPTION} (what test.py runs)"))
    predict_cli.add_arguments(commands.add_parser("predict", help="read the digits in picture files"))
    study_cli.add_arguments(commands.add_parser("study", help="the preprocessing study: does preprocessing change "
                                                               "the error rate? (trains)"))
    args = parser.parse_args(argv)
    return {"train": train_cli.run, "predict": predict_cli.run, "study": study_cli.run}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
