"""The digit verifier: is this 28×28 image one whole digit, part of one or several digits, or no digit at all?

A digit classifier must answer one of ten digits whatever it is shown, and its softmax is confident on
letters, shapes and half digits alike. The verifier sits beside every classifier (the study's models keep
their architectures), trained on what the reader really proposes (``python -m tools.train_verifier``). Its
three classes serve two decisions that must not be mixed: P(whole digit) steers the segmentation (a half
digit or two touching digits is a poor candidate), P(not a digit) rejects letters, shapes and scribbles —
an unusual but complete digit looks "incomplete" to the first and is still a digit to the second.
"""

from __future__ import annotations

import keras

from digit_recognizer.catalog import VERIFIER_CLASSES
from digit_recognizer.geometry import INPUT_SHAPE
from digit_recognizer.models import small


def build() -> keras.Model:
    """A small CNN over one candidate digit, with a softmax over the verifier's classes."""
    return small.build(INPUT_SHAPE, len(VERIFIER_CLASSES), "verifier", "image")
