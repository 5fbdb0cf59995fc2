"""What the measurement scripts share: options, loading the shipped models, writing results.

Each script ends with ``raise SystemExit(options.command(main))``: a user mistake is one sentence and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer import options
from digit_recognizer.catalog import MODEL_NAMES, STUDY_MODELS
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.artifacts import write_json, write_text
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT, RESULTS_DIR
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.reader import Reader
from digit_recognizer.training.precision import BF16_FLAGS, cpu_flags

T = TypeVar("T")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    options.add_data(p)
    p.add_argument("--models", type=options.name_list(MODEL_NAMES), default=list(STUDY_MODELS),
                   help=f"comma-separated models to measure (default: {','.join(STUDY_MODELS)})")
    p.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where results are written")
    p.add_argument("--seed", type=options.seed, default=0)
    return p


# The verdict's thresholds a benchmark may set (Reader fields), and what each one means.
THRESHOLDS = {
    "unsure_below": "a digit is shown unsure below this calibrated confidence",
    "reject_from": "'not a digit' from this probability on",
    "among_digits_from": "the same for an item on a line where another item passes as a digit",
}


def add_thresholds(p: argparse.ArgumentParser) -> None:
    """The verdict's thresholds as options, for choosing them on tuning drawings."""
    for key, meaning in THRESHOLDS.items():
        p.add_argument("--" + key.replace("_", "-"), type=options.probability, default=None,
                       help=f"{meaning} (default: the app's)")


def with_thresholds(readers: dict[str, Reader], args: argparse.Namespace) -> dict[str, Reader]:
    """The readers with the thresholds given on the command line, the app's for the rest."""
    given = {key: getattr(args, key) for key in THRESHOLDS if getattr(args, key) is not None}
    return {name: replace(reader, **given) for name, reader in readers.items()}


def load_models(args: argparse.Namespace) -> dict:
    """The requested shipped models as Keras models; a missing one is reported and skipped."""
    return _load(args, ModelShelf.get, runtime="keras")


def load_readers(args: argparse.Namespace) -> dict[str, Reader]:
    """The requested shipped models, each with its calibration and the verifier, as the app reads with them."""
    return _load(args, ModelShelf.reader)


def _load(args: argparse.Namespace, load: Callable[[ModelShelf, str], T], runtime: str = "auto") -> dict[str, T]:
    shelf = ModelShelf(args.models_dir, runtime=runtime)
    loaded = {}
    for name in args.models:
        try:
            loaded[name] = load(shelf, name)
        except UserError as error:
            print(f"skipping {name}: {error}", file=sys.stderr)
    if not loaded:
        raise UserError("no model could be loaded; train them with `python test.py`.")
    return loaded


def save(out_dir: Path, stem: str, data: dict, table: str) -> None:
    write_json(out_dir / f"{stem}.json", data)
    write_text(out_dir / f"{stem}.md", table)
    print(table, end="")
    print(f"written: {out_dir / stem}.json, .md")


def median_range(values: list[float], unit: str = "×", scale: float = 1.0, digits: int = 2) -> str:
    """The median of repeated measurements, with their range in brackets when there are several."""
    median, low, high = (scale * value for value in (statistics.median(values), min(values), max(values)))
    spread = f" ({low:.{digits}f}–{high:.{digits}f}{unit})" if len(values) > 1 else ""
    return f"{median:.{digits}f}{unit}{spread}"


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
    name = f"{model}, {os.cpu_count()} cores ({', '.join(units) if units else 'no bf16 units'})"
    # oneDNN told to use fewer of the CPU's instructions (to imitate a CPU without AMX) is another machine.
    limit = os.environ.get("ONEDNN_MAX_CPU_ISA")
    return f"{name}, oneDNN limited to {limit}" if limit else name
