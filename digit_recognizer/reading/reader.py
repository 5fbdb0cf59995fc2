"""A classifier with the parts that make its answers honest, each optional: what a reading reads with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.catalog import COUNTER_CLASSES, OTHER, WHOLE
from digit_recognizer.reading.calibration import apply_temperature
from digit_recognizer.reading.forward import log_probability, predict
from digit_recognizer.reading.verdict import AMONG_DIGITS_FROM, NOT_A_DIGIT_FROM, UNSURE_BELOW

if TYPE_CHECKING:
    import keras

# The digit counter's log P(k digits | a whole number of digits) counts this much in the reading of a cut piece as
# k items: of 0.5, 1 and 2, the weight at which validation touching numbers read best (Best CNN: 84.3, 83.7, 83.3%
# against 82.7 without), the other layouts alike. The counter speaks only for a piece it gives P(a whole number
# of digits) of at least COUNT_FROM; for the rest (a fragment of a digit, or no digit) it says nothing.
COUNT_WEIGHT = 0.5
COUNT_FROM = 0.5
# The string reader's log P(class) of each item in its place counts this much in the reading of a counted piece:
# of 0.25, 0.5, 1 and 2, the lowest weight at which validation touching numbers read best on two samples (Best CNN:
# 85.3, 86.0, 87.0, 87.0% and 88.0, 88.7, 89.3, 89.3%, against 81.3 and 84.7 without).
STRINGS_WEIGHT = 1.0


@dataclass(frozen=True)
class Reader:
    """A digit classifier with what makes its answers honest: its calibration and the digit verifier, and the
    counter and string reader that help cut touching digits."""

    name: str
    model: keras.Model
    verifier: keras.Model | None = None
    temperature: float = 1.0
    unsure_below: float = UNSURE_BELOW
    reject_from: float = NOT_A_DIGIT_FROM
    among_digits_from: float = AMONG_DIGITS_FROM
    counter: keras.Model | None = None
    count_weight: float = COUNT_WEIGHT
    strings: keras.Model | None = None
    strings_weight: float = STRINGS_WEIGHT

    def read_strings(self, wide: np.ndarray) -> np.ndarray | None:
        """Per cut piece, the string reader's weighted log P(class) of each digit of a reading as 2, 3 or 4
        digits ((m, slots, 10) array), or None without a string reader."""
        if self.strings is None or not len(wide):
            return None
        return self.strings_weight * log_probability(predict(self.strings, wide))

    def count(self, wide: np.ndarray) -> np.ndarray:
        """Per cut piece, the log prior of it holding 1, 2, … digits, weighted ((m, most) array); a row of zeros
        (no prior) for a piece the counter takes for no whole number of digits, and for all without a counter."""
        most = len(COUNTER_CLASSES) - 1
        if self.counter is None or not len(wide):
            return np.zeros((len(wide), most), np.float32)
        counts = predict(self.counter, wide)
        whole = counts[:, 1:].sum(axis=1, keepdims=True)
        prior = self.count_weight * log_probability(counts[:, 1:] / np.maximum(whole, 1e-6))
        return np.where(whole >= COUNT_FROM, prior, 0.0)

    def classify(self, batch: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities, (k, 10)."""
        return apply_temperature(predict(self.model, batch), self.temperature)

    def verify(self, batch: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(one whole digit) and P(not a digit) per image, from the verifier; without one, the classifier's own
        confidence stands in for both (its complement for the second): the method the verifier is measured against."""
        if self.verifier is None:
            confidence = probabilities.max(axis=1)
            return confidence, 1 - confidence
        verdict = predict(self.verifier, batch)
        return verdict[:, WHOLE], verdict[:, OTHER]
