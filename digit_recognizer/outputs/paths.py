"""Locations derived from the repository root, so nothing depends on the working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIRNAME = "models"
PLOTS_DIRNAME = "plots"
# Where benchmarks and the maintenance tools write their measurements: plots/ holds only the study's outputs.
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
