"""How much the recommended models' seeds disagree about an item: a second score of "unlike every digit".

Seeds of one network trained alike read a digit alike, and disagree about shapes none of them was trained on
(deep ensembles: Lakshminarayanan, Pritzel and Blundell 2017, "Simple and scalable predictive uncertainty
estimation using deep ensembles"). The disagreement is the mutual information between an item's class and which
seed reads it: the entropy of the seeds' mean prediction less their mean entropy, in nats. It needs no negatives,
like the novelty score, and sits beside every model the app reads with; the seeds are the app's ensemble (every
collected seed of the recommended models, ``python -m tools.collect_best``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras

# From this disagreement on, an item with no digit beside it on its line is not a digit: the 99.5th percentile of
# the items read right in drawings composed from validation digits (2,051 items of 600 numbers, level, uneven,
# touching, two lines and mixed, seed 0; measured by a script outside the project). Beside a digit it never
# rejects: a digit in a number is judged by the verifier alone, as AMONG_DIGITS_FROM says.
DISPUTED_FROM = 0.13


def stacked(members: list[keras.Model], inputs: keras.KerasTensor) -> keras.Model:
    """One model giving every member's probabilities side by side, (n, members, classes)."""
    import keras

    return keras.Model(inputs, keras.ops.stack([member(inputs) for member in members], axis=1), name="seeds")


def disagreement(probabilities: np.ndarray) -> np.ndarray:
    """Mutual information between class and seed, per item, from (n, members, classes) probabilities."""
    probabilities = np.asarray(probabilities, np.float64)
    return _entropy(probabilities.mean(axis=1)) - _entropy(probabilities).mean(axis=1)


def _entropy(probabilities: np.ndarray) -> np.ndarray:
    return -np.sum(probabilities * np.log(np.maximum(probabilities, 1e-12)), axis=-1)
