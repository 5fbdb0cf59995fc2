"""What the maintenance scripts that fit something beside the models share: their options."""

from __future__ import annotations

import argparse
from pathlib import Path

from digit_recognizer import options
from digit_recognizer.outputs.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT


def fitting_parser(description: str) -> argparse.ArgumentParser:
    """MNIST's location, a seed, where models are read and written, and where figures go."""
    p = argparse.ArgumentParser(description=description)
    options.add_data(p)
    p.add_argument("--seed", type=options.seed, default=0)
    p.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    p.add_argument("--out-dir", type=Path, default=REPO_ROOT / PLOTS_DIRNAME)
    return p
