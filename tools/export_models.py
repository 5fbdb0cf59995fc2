"""Export the reading's networks for ONNX Runtime, so that the app and `predict` start without TensorFlow.

    python -m tools.export_models [--models-dir models]

Writes ``models/exported/{network}.onnx`` for every classifier, the ensemble, the verifier pair, the digit
counter and the string reader whose ``.keras`` files are there, each stamped with the SHA-256 of those files.
Each export is checked against its Keras model in float32 on real and random inputs before it replaces the old
file: outputs within :data:`TOLERANCE`, or the command stops with the file left as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from digit_recognizer import options
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.exported import SOURCES_KEY, exported_path, load_exported, sources_digest
from digit_recognizer.reading.forward import predict
from digit_recognizer.reading.loading import ModelShelf, Network

# The largest difference allowed between an exported network's outputs and its Keras model's.
TOLERANCE = 1e-5
PROBES = 64


def probes(network: Network, seed: int = 0) -> np.ndarray:
    """Inputs to compare the two runtimes on: blank, random noise, and sparse strokes-like ink."""
    rng = np.random.default_rng(seed)
    shape = (PROBES, *network.input_shape)
    ink = (rng.random(shape) > 0.85).astype(np.float32) * rng.random(shape).astype(np.float32)
    return np.concatenate([np.zeros((1, *network.input_shape), np.float32), rng.random(shape, np.float32), ink])


def export(shelf: ModelShelf, network: Network) -> float:
    """Export one network next to its sources; returns the largest output difference found against Keras."""
    import onnx

    model = shelf.keras_network(network.key)
    inputs = probes(network)
    expected = predict(model, inputs)
    target = exported_path(shelf.models_dir, network.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.partial")
    with warnings.catch_warnings():
        # Keras's ONNX exporter probes NumPy for a name NumPy 2 deprecates; not the person's business.
        warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
        model.export(str(scratch), format="onnx", verbose=False)
    proto = onnx.load(str(scratch))
    stamp = proto.metadata_props.add()
    stamp.key, stamp.value = SOURCES_KEY, sources_digest(network.sources)
    onnx.save(proto, str(scratch))
    exported = load_exported(scratch, network.sources, network.input_shape, network.outputs)
    difference = float(np.abs(exported(inputs) - expected).max())
    if difference > TOLERANCE:
        scratch.unlink()
        raise UserError(f"{network.key} exported gives outputs {difference:.1e} away from Keras's (more than "
                        f"{TOLERANCE:.0e}); the old file is kept.")
    scratch.replace(target)
    return difference


def exporters_installed() -> None:
    """The ONNX exporter's packages are there (importing them imports TensorFlow)."""
    try:
        import onnx  # noqa: F401
        import tf2onnx  # noqa: F401
    except ImportError as error:
        raise UserError(f"exporting needs {error.name}: `pip install -r requirements.txt` installs it.") from None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME)
    args = p.parse_args()
    from digit_recognizer.tf_logs import quiet_import

    quiet_import(exporters_installed)
    shelf = ModelShelf(args.models_dir, runtime="keras")
    networks = shelf.networks()
    if not networks:
        raise UserError(f"no models in {args.models_dir}; train them with `python test.py`.")
    for network in networks:
        difference = quiet_import(lambda network=network: export(shelf, network))
        print(f"{exported_path(shelf.models_dir, network.key)}: largest difference from Keras {difference:.1e}",
              flush=True)


if __name__ == "__main__":
    sys.exit(options.command(main))
