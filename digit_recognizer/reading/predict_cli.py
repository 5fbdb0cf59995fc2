"""`python -m digit_recognizer predict`: read the digits in picture files with a trained model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digit_recognizer import options
from digit_recognizer.catalog import MODEL_NAMES
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.images import read_image
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import ModelShelf, add_runtime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="picture files of digits")
    parser.add_argument("--model", default="cnn", choices=MODEL_NAMES, help="model to read with (default: cnn)")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME,
                        help="folder holding <model>.keras files (default: the repository's models/)")
    parser.add_argument("--json", action="store_true", help="one JSON object per image")
    add_runtime(parser)


def run(args: argparse.Namespace) -> int:
    """Read every image; a bad image is reported and skipped. Exit 1 if any image failed, 2 if the model did."""
    return options.command(lambda: _predict(args))


def _predict(args: argparse.Namespace) -> int:
    shelf = ModelShelf(args.models_dir, runtime=args.runtime)
    reader = shelf.reader(args.model)
    if shelf.notice():
        print(f"note: {shelf.notice()}", file=sys.stderr)
    failed = 0
    for path in args.images:
        try:
            reading = read(reader, read_image(path))
        except UserError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        if args.json:
            print(reading.to_json(image=str(path)), flush=True)
        elif len(reading) == 0:
            print(f"{path}: no digits found", flush=True)
        else:
            shown = ", ".join(reading.describe(i) for i in range(len(reading)))
            print(f"{path}: {reading.text or '-'}    {shown}", flush=True)
    return 1 if failed else 0
