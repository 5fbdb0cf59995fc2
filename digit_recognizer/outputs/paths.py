"""Locations derived from the repository root, so nothing depends on the working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIRNAME = "models"
PLOTS_DIRNAME = "plots"
