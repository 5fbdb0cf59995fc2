"""The one configuration object a run passes down: the study's defaults, overridable from the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from digit_recognizer.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT

# The study's text: 5 epochs, Adam, learning rate 1e-5, batch 32.
DEFAULT_EPOCHS = 5
DEFAULT_LR = 1e-5
DEFAULT_BATCH_SIZE = 32
DEFAULT_SEED = 42


@dataclass
class RunConfig:
    """Everything one `test.py` run needs to know."""

    models: list[str] = field(default_factory=lambda: ["ann", "cnn", "vgg16"])
    epochs: int = DEFAULT_EPOCHS
    lr: float = DEFAULT_LR
    batch_size: int = DEFAULT_BATCH_SIZE
    seed: int = DEFAULT_SEED
    limit: int | None = None
    data: Path | None = None
    output_dir: Path = REPO_ROOT
    precision: str = "auto"
    # Speed settings that leave the training maths unchanged: batches run per compiled call, and XLA.
    steps_per_execution: int = 48
    jit_compile: bool = False
    verbose: int = 1

    @property
    def models_dir(self) -> Path:
        return self.output_dir / MODELS_DIRNAME

    @property
    def plots_dir(self) -> Path:
        return self.output_dir / PLOTS_DIRNAME

    @property
    def results_json(self) -> Path:
        return self.output_dir / "results.json"

    @property
    def results_md(self) -> Path:
        return self.output_dir / "results.md"

    def hyperparameters(self) -> dict:
        """The settings recorded beside each result."""
        picked = asdict(self)
        keys = ("epochs", "lr", "batch_size", "seed", "limit", "steps_per_execution", "jit_compile")
        return {key: picked[key] for key in keys}
