"""How unlike every digit an item is: the Mahalanobis distance of its features to the nearest digit class.

The verifier learnt "not a digit" from the kinds of drawing it was shown; a shape of a new kind (a plus sign,
a letter a) can pass it as "digit parts". An out-of-distribution score needs no negatives: the Best CNN's
penultimate features of MNIST's training digits, one mean per class and one covariance shared by all
(Lee, Lee, Lee and Shin 2018, "A simple unified framework for detecting out-of-distribution samples and
adversarial attacks"); an item's score is its squared Mahalanobis distance to the nearest class mean.
``python -m tools.fit_novelty`` fits it and sets the distance from which an item is far from every digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.errors import UserError

if TYPE_CHECKING:
    import keras

NOVELTY_FILENAME = "novelty.npz"
# The classifier whose features the score is fitted on, beside every model the app reads with.
FEATURES_MODEL = "best"
FIT_COMMAND = "python -m tools.fit_novelty"


def features_model(model: keras.Model) -> keras.Model:
    """The model up to the input of its last layer (the softmax's dense layer): its penultimate features."""
    import keras

    return keras.Model(model.inputs, model.layers[-1].input, name=f"{model.name}_features")


def fit(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-class means and the precision (inverse) of the covariance they share, from labelled features."""
    from sklearn.covariance import EmpiricalCovariance

    features = np.asarray(features, np.float64)
    classes = np.unique(labels)
    means = np.stack([features[labels == label].mean(axis=0) for label in classes])
    centred = features - means[np.searchsorted(classes, labels)]
    return means, EmpiricalCovariance(assume_centered=True).fit(centred).precision_


def distances(features: np.ndarray, means: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distance of each feature vector to the nearest class mean."""
    offsets = np.asarray(features, np.float64)[:, None, :] - means[None]
    return np.einsum("nkd,de,nke->nk", offsets, precision, offsets).min(axis=1)


@dataclass(frozen=True)
class Novelty:
    """The fitted score with its feature extractor, and the distance from which an item is unlike any digit."""

    features: keras.Model
    means: np.ndarray
    precision: np.ndarray
    far_from: float
    near_below: float

    def judge(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per feature vector: far from every digit class (from ``far_from``), and near one (under ``near_below``)."""
        found = distances(features, self.means, self.precision)
        return found >= self.far_from, found < self.near_below


def fingerprint(model: keras.Model) -> str:
    """A digest of the model's weights: the score holds only for the network it was fitted on."""
    import hashlib

    import keras

    digest = hashlib.sha256()
    for weight in model.weights:
        digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(weight)).tobytes())
    return digest.hexdigest()


def save(path: Path, model: keras.Model, means: np.ndarray, precision: np.ndarray, far_from: float,
         near_below: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, means=means, precision=precision, far_from=np.float64(far_from),
             near_below=np.float64(near_below), fitted_on=fingerprint(model))


def load(path: Path, model: keras.Model) -> Novelty:
    """The score fitted for ``model`` (the Best CNN), stored at ``path``."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            means, precision, far_from = stored["means"], stored["precision"], float(stored["far_from"])
            near_below = float(stored["near_below"])
            fitted_on = str(stored["fitted_on"])
    except (OSError, ValueError, KeyError) as error:
        raise UserError(f"{path} could not be read ({type(error).__name__}); refit it with `{FIT_COMMAND}`.") from None
    features = features_model(model)
    width = features.output_shape[-1]
    if means.ndim != 2 or means.shape[1] != width or precision.shape != (width, width):
        raise UserError(f"{path} does not fit the {FEATURES_MODEL} model's {width} features; refit it with "
                        f"`{FIT_COMMAND}`.")
    if fitted_on != fingerprint(model):
        raise UserError(f"{path} was fitted on another {FEATURES_MODEL} model (retrained since?); refit it with "
                        f"`{FIT_COMMAND}`.")
    return Novelty(features, means, precision, far_from, near_below)
