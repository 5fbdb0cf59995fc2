"""The one configuration object a run passes down: the study's defaults, overridable from the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from digit_recognizer.catalog import STUDY_MODELS
from digit_recognizer.outputs.paths import MODELS_DIRNAME, PLOTS_DIRNAME, REPO_ROOT
from digit_recognizer.training.distribute import Cluster

DEFAULT_SEED = 42
# Per-model training state of an unfinished run, removed once the run completes.
STATE_DIRNAME = ".training_state"
# Inside a model's state folder: Keras's BackupAndRestore checkpoint of the last completed epoch.
BACKUP_DIRNAME = "backup"


@dataclass
class RunConfig:
    """Everything one `test.py` run needs to know."""

    models: list[str] = field(default_factory=lambda: list(STUDY_MODELS))
    # None: each model's recipe decides (the study's 5 epochs, lr 1e-5, batch 32 for its three models).
    epochs: int | None = None
    lr: float | None = None
    batch_size: int | None = None
    seed: int = DEFAULT_SEED
    limit: int | None = None
    data: Path | None = None
    # The writers' pen digits that a recipe with ``writers`` adds to its training split (None: the default file).
    pendigits: Path | None = None
    output_dir: Path = REPO_ROOT
    precision: str = "auto"
    # Speed settings that leave the training maths unchanged: batches run per compiled call, and XLA (None: where
    # it was measured faster, training.fit.xla_wins).
    steps_per_execution: int = 48
    jit_compile: bool | None = None
    # Adam's update as one kernel per variable (training.fused_adam); False: Keras's own ops.
    fused_adam: bool = True
    # Small maps' convolution weight gradients by matrix products (training.conv_gradients); False: TensorFlow's.
    matmul_gradients: bool = True
    # Batch normalisation trained through TensorFlow's fused kernel (training.fused_batch_norm); False: Keras's ops.
    fused_batch_norm: bool = True
    verbose: int = 1
    # Discard the state of an interrupted run instead of resuming it.
    fresh: bool = False
    # tf.distribute: "default" (one device) or "mirrored" (one replica per device named, or per local GPU).
    strategy: str = "default"
    devices: list[str] | None = None
    # Split the CPU into this many logical devices first (to use ``mirrored`` on a machine without GPUs).
    split_cpu: int | None = None
    # ``multiworker``: the cluster read from TF_CONFIG once by the CLI (None: read it when training starts).
    cluster: Cluster | None = None

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

    @property
    def state_dir(self) -> Path:
        return self.output_dir / STATE_DIRNAME

    def settings(self) -> dict:
        """What must match for an interrupted run to be resumed rather than restarted."""
        picked = asdict(self)
        # The strategy and its devices set the global batch, hence the steps and the learning-rate schedule.
        keys = ("models", "epochs", "lr", "batch_size", "seed", "limit", "precision", "strategy", "devices",
                "split_cpu")
        return {key: picked[key] for key in keys} | {"data": str(self.data) if self.data else None}
