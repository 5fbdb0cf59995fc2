"""The state of an unfinished run, so the same command started again continues instead of starting over.

``<output>/.training_state/run.json`` records the run's settings and the models it has finished; each
model in progress has a folder with its last completed epoch (Keras ``BackupAndRestore``) and its
per-epoch history. The whole folder is removed when the run completes.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from digit_recognizer.outputs.artifacts import write_json
from digit_recognizer.training.config import BACKUP_DIRNAME

MANIFEST = "run.json"
# Written by keras.callbacks.BackupAndRestore beside its weights; with double checkpoints it keeps the
# previous epoch's pair too, under the same names plus this suffix.
EPOCH_FILE = Path(BACKUP_DIRNAME) / "training_metadata.json"
WEIGHTS_FILE = Path(BACKUP_DIRNAME) / "latest.weights.h5"
PREVIOUS = ".bkp"


@dataclass
class RunState:
    """Settings and finished models of the run under way in ``directory``."""

    directory: Path
    settings: dict
    finished: list[str] = field(default_factory=list)
    # Why the state found on disk was not resumed, if there was one.
    discarded: str | None = None
    # False: nothing is kept on disk (a multi-worker run, which starts over if interrupted).
    enabled: bool = True

    @classmethod
    def begin(cls, directory: Path, settings: dict, fresh: bool = False, enabled: bool = True) -> RunState:
        """Resume the unfinished run in ``directory`` if it had the same settings; otherwise start clean."""
        if not enabled:
            return cls(directory, settings, enabled=False)
        manifest = _read_json(directory / MANIFEST)
        settings = json.loads(json.dumps(settings))
        if manifest is not None and not fresh and manifest.get("settings") == settings:
            return cls(directory, settings, list(manifest.get("finished", [])))
        discarded = None
        if manifest is not None or directory.exists():
            discarded = "--fresh was given" if fresh else "its settings differ from this command's"
            shutil.rmtree(directory, ignore_errors=True)
        state = cls(directory, settings, discarded=discarded)
        state._save()
        return state

    def model_dir(self, name: str) -> Path | None:
        """Where ``name``'s epoch backups go (None when the state is not kept)."""
        if not self.enabled:
            return None
        path = self.directory / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def completed_epochs(self, name: str) -> int:
        """Epochs of ``name`` already backed up by an earlier, interrupted attempt (0 if none)."""
        if not self.enabled:
            return 0
        metadata = _read_json(self.directory / name / EPOCH_FILE)
        return int(metadata.get("epoch", 0)) if metadata else 0

    def repair(self, name: str) -> str | None:
        """Make ``name``'s backup safe to resume from, as a power cut or a full disk can leave it half written:
        a damaged last epoch falls back to the one before; with none to fall back to, the model starts over.
        Returns what was done, for the user, or None when the backup was sound (or absent)."""
        folder = self.directory / name
        if not self.enabled or _backup_sound(folder, ""):
            return None
        if _backup_sound(folder, PREVIOUS):
            for path in (EPOCH_FILE, WEIGHTS_FILE):
                shutil.copyfile(folder / f"{path}{PREVIOUS}", folder / path)
            return f"{name}: the last epoch's backup was damaged; resuming from the epoch before it"
        shutil.rmtree(folder, ignore_errors=True)
        return f"{name}: its backup was damaged and had no earlier copy; training it from the start"

    def finish(self, name: str) -> None:
        """``name``'s outputs are all written: a restart skips it and its backup is no longer needed."""
        self.finished.append(name)
        if self.enabled:
            self._save()
            shutil.rmtree(self.directory / name, ignore_errors=True)

    def complete(self) -> None:
        if self.enabled:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _save(self) -> None:
        write_json(self.directory / MANIFEST, {"settings": self.settings, "finished": self.finished})


def _backup_sound(folder: Path, suffix: str) -> bool:
    """Whether the backup pair (metadata and weights, ``suffix`` picking the previous one) can be resumed
    from: both absent (nothing to resume), or a readable epoch number and an HDF5 file that opens."""
    metadata, weights = folder / f"{EPOCH_FILE}{suffix}", folder / f"{WEIGHTS_FILE}{suffix}"
    if not metadata.exists() and not weights.exists():
        return not suffix
    record = _read_json(metadata)
    if record is None or not isinstance(record.get("epoch"), int) or not weights.is_file():
        return False
    import h5py

    try:
        with h5py.File(weights, "r"):
            return True
    except OSError:
        return False


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
