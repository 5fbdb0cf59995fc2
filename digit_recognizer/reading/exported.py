"""The reading's networks exported from their ``.keras`` files and run by ONNX Runtime, without TensorFlow.

A reading needs only forward passes of small networks, and ONNX Runtime starts in a tenth of a second where
TensorFlow takes seconds. The ``.keras`` files stay the source of truth: ``python -m tools.export_models``
writes one ``.onnx`` file per network under ``models/exported/``, each stamped with the SHA-256 of the files it
was made from, so a file left behind by an older model is recognised and not used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXPORTED_DIRNAME = "exported"
# The metadata key of an exported file that names the .keras files it was made from, by their digest.
SOURCES_KEY = "sources_sha256"
EXPORT_COMMAND = "python -m tools.export_models"


class NotUsableError(Exception):
    """Why an exported file cannot stand in for its ``.keras`` files (missing, out of date, damaged)."""


def exported_path(models_dir: Path, key: str) -> Path:
    return models_dir / EXPORTED_DIRNAME / f"{key}.onnx"


def sources_digest(sources: Sequence[Path]) -> str:
    """One SHA-256 over the source files' bytes, in order: what an exported file must have been made from."""
    digest = hashlib.sha256()
    for source in sources:
        with source.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Exported:
    """An exported network, called on a batch like the Keras model it was made from."""

    name: str
    session: object  # onnxruntime.InferenceSession
    input_name: str
    input_shape: tuple
    output_shape: tuple

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: np.asarray(batch, np.float32)})[0]


def load_exported(path: Path, sources: Sequence[Path], input_shape: tuple[int, ...],
                  outputs: tuple[int, ...]) -> Exported:
    """The exported network at ``path``, if it was made from exactly ``sources`` and has the expected shapes;
    :class:`NotUsableError` says why not."""
    if not path.is_file():
        raise NotUsableError(f"{path} is missing")
    try:
        import onnxruntime
    except ImportError as error:
        raise NotUsableError("onnxruntime is not installed") from error
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # warnings about unused initialisers are not the person's business
    # Between forward passes the threads sleep instead of spinning: on two cores a spinning pool starves the
    # window beside it, which then drops pen points.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types for a damaged file
        raise NotUsableError(f"{path} is damaged ({type(error).__name__})") from error
    stamp = session.get_modelmeta().custom_metadata_map.get(SOURCES_KEY)
    if stamp != sources_digest(sources):
        raise NotUsableError(f"{path} was not made from today's {', '.join(source.name for source in sources)}")
    given, made = session.get_inputs()[0], session.get_outputs()[0]
    shapes = tuple(given.shape[1:]), tuple(made.shape[1:])
    if shapes != (tuple(input_shape), tuple(outputs)):
        raise NotUsableError(f"{path} takes {shapes[0]} and gives {shapes[1]}")
    return Exported(path.stem, session, given.name, (None, *shapes[0]), (None, *shapes[1]))
