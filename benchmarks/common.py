"""What the measurement scripts share: options, loading the shipped models, writing results."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.artifacts import write_json, write_text
from digit_recognizer.catalog import STUDY_MODELS
from digit_recognizer.data import DataError, RawMnist, load_raw
from digit_recognizer.inference import ModelLoadError, ModelShelf, Reader
from digit_recognizer.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.precision import BF16_FLAGS, cpu_flags

T = TypeVar("T")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", type=Path, default=None, help="local MNIST .npz (default: $MNIST_NPZ, else Keras)")
    p.add_argument("--models", default=",".join(STUDY_MODELS), help="comma-separated models to measure")
    p.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    p.add_argument("--out-dir", type=Path, default=REPO_ROOT / PLOTS_DIRNAME, help="where results are written")
    p.add_argument("--seed", type=int, default=0)
    return p


def load_mnist(args: argparse.Namespace, require_full: bool = False) -> RawMnist:
    """MNIST from ``--data`` (or ``$MNIST_NPZ``, or Keras); a bad file is one sentence and exit code 2."""
    try:
        return load_raw(args.data, require_full=require_full)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def load_models(args: argparse.Namespace) -> dict:
    """The requested shipped models; a missing one is reported and skipped."""
    return _load(args, ModelShelf.get)


def load_readers(args: argparse.Namespace) -> dict[str, Reader]:
    """The requested shipped models, each with its calibration and the verifier, as the app reads with them."""
    return _load(args, ModelShelf.reader)


def _load(args: argparse.Namespace, load: Callable[[ModelShelf, str], T]) -> dict[str, T]:
    shelf = ModelShelf(args.models_dir)
    loaded = {}
    for name in args.models.split(","):
        try:
            loaded[name] = load(shelf, name)
        except ModelLoadError as error:
            print(f"skipping {name}: {error}", file=sys.stderr)
    if not loaded:
        raise SystemExit("error: no model could be loaded; train them with `python test.py`.")
    return loaded


def save(out_dir: Path, stem: str, data: dict, table: str) -> None:
    write_json(out_dir / f"{stem}.json", data)
    write_text(out_dir / f"{stem}.md", table)
    print(table, end="")
    print(f"written: {out_dir / stem}.json, .md")


def cpu_name() -> str:
    """The processor's model name and which bfloat16 units it has, as every reported timing must say."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    flags = cpu_flags()
    units = [flag for flag in BF16_FLAGS if flag in flags]
    return f"{model}, {os.cpu_count()} cores ({', '.join(units) if units else 'no bf16 units'})"
