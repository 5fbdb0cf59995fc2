"""`python -m digit_recognizer COMMAND`: the package's command line beyond the study's `test.py`."""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import predict_cli, study_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digit_recognizer")
    commands = parser.add_subparsers(dest="command", required=True)
    predict_cli.add_arguments(commands.add_parser("predict", help="read the digits in picture files"))
    study_cli.add_arguments(commands.add_parser("study", help="does preprocessing change the error rate? (trains)"))
    args = parser.parse_args(argv)
    return {"predict": predict_cli.run, "study": study_cli.run}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
