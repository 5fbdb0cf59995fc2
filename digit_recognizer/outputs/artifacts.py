"""Writing a run's files: inference-only models and text/JSON reports, each replaced atomically."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT

if TYPE_CHECKING:  # Only for annotations: reading records must not pull in Keras before its backend is chosen.
    import keras

T = TypeVar("T")


def _umask_file_mode() -> int:
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current


# mkstemp creates files readable by the owner only; results are meant to be shared like any file.
_FILE_MODE = _umask_file_mode()


# What write_atomically names its temporary files: ".<stem>.<8 random characters><suffix>" (mkstemp's).
TEMPORARY = re.compile(r"^\.[^.]+\.[a-z0-9_]{8}\.(keras|json|md|png|txt|csv|h5)$")


def remove_stale_temporaries(folders: list[Path]) -> int:
    """Delete temporary files a killed run left behind (up to a model's size each); returns how many.

    Only safe while this run holds the output folder's lock: no other run can be writing them."""
    removed = 0
    for folder in folders:
        if folder.is_dir():
            for path in folder.iterdir():
                if TEMPORARY.match(path.name) and path.is_file():
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary sibling, then rename it over ``path``.

    A crash mid-write leaves the previous file intact instead of a half-written one; the data is
    flushed to disk before the rename so a power cut cannot leave a renamed but empty file.
    """
    temporary = None
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
        os.close(handle)
        write(Path(temporary))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        reason = _write_failure(error)
        if reason is None:
            raise
        raise UserError(f"could not write {path}: {reason}; the files written before it are complete, and the "
                         "same command resumes once this is fixed.") from None


# Disk a model needs while training, in copies of its float32 weights: two epoch backups of weights and Adam's
# two slots, and the saved model; plus a margin for plots and reports.
DISK_COPIES, DISK_MARGIN = 8, 5 * 2**20


def check_free_space(folder: Path, title: str, parameters: int) -> None:
    """Refuse to start training on a disk that cannot hold its checkpoints: a write that fails inside Keras's
    checkpointing (HDF5) can crash the process outright instead of raising."""
    need = DISK_COPIES * 4 * parameters + DISK_MARGIN
    free = shutil.disk_usage(folder).free
    if free < need:
        raise UserError(f"not enough space in {folder} to train {title}: {free / 2**20:.1f} MB free, about "
                         f"{need / 2**20:.0f} MB needed for its checkpoints and files; free some space or choose "
                         "another --output-dir.")


def _write_failure(error: BaseException) -> str | None:
    """What went wrong writing a file, in words, if it is the disk's or the path's fault (else None)."""
    number = getattr(error, "errno", None)
    if number is None and isinstance(error, RuntimeError):  # h5py reports a full disk as RuntimeError
        number = errno.ENOSPC if "errno = 28" in str(error) or "No space left" in str(error) else None
    reasons = {errno.ENOSPC: "no space left on the disk (free some, or choose another --output-dir)",
               errno.EDQUOT: "over the disk quota (free some space, or choose another --output-dir)",
               errno.EISDIR: "it is a folder (move it aside)",
               errno.EACCES: "permission denied (choose another --output-dir)",
               errno.EROFS: "the disk is read-only (choose another --output-dir)"}
    return reasons.get(number) if number is not None else None


def write_text(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: Path, data: object) -> None:
    # NaN and infinity are not JSON: refuse them rather than write a record nothing can read back.
    write_text(path, json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n")


def read_record(path: Path, parse: Callable[[Any], T], empty: T) -> T:
    """``parse`` of the JSON in ``path``, or ``empty`` when there is no record yet.

    A damaged record raises instead of reading as empty: the caller would otherwise overwrite hours of
    results with the next one.
    """
    if not path.exists():
        return empty
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"{path} is unreadable ({type(error).__name__}: {error}); "
                          f"{_how_to_restore(path)}move it aside to start a new one.") from None


def _how_to_restore(path: Path) -> str:
    """Point at git only for the records this repository tracks; a copy elsewhere has no history to restore."""
    try:
        inside = path.resolve().relative_to(REPO_ROOT)
    except ValueError:
        return ""
    return f"restore it (`git -C {REPO_ROOT} checkout -- {inside}`) or "


def inference_copy(model: keras.Model) -> keras.Model:
    """The same architecture and weights without optimizer state (a third of VGG16's file size)."""
    # get_config() carries the architecture only; to_json()/clone_model would bring the compiled optimizer.
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def save_model(model: keras.Model, path: Path) -> None:
    """Save in the native ``.keras`` format, weights only, no optimizer slots."""
    copy = inference_copy(model)
    write_atomically(path, lambda tmp: copy.save(tmp))


def summary_text(model: keras.Model) -> str:
    """The model's layers, output shapes and weight counts as a plain table for the plots folder.

    Keras's own ``summary`` cuts its columns to the terminal's width and, once trained, counts the
    optimizer's slots in "Total params"; this one is full width and counts weights only.
    """
    rows = [(f"{layer.name} ({type(layer).__name__})", str(tuple(layer.output.shape)), f"{layer.count_params():,}")
            for layer in model.layers]
    header = ("Layer (type)", "Output shape", "Weights")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]

    def line(row: tuple[str, str, str]) -> str:
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

    trainable = sum(math.prod(weight.shape) for weight in model.trainable_weights)
    total = sum(math.prod(weight.shape) for weight in model.weights)
    rule = "-" * len(line(header))
    totals = f"Total weights: {total:,} (trainable {trainable:,}, non-trainable {total - trainable:,})"
    return "\n".join([f'Model: "{model.name}"', rule, line(header), rule, *map(line, rows), rule, totals]) + "\n"
