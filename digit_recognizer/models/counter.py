"""The digit counter: how many whole digits does a piece of ink hold, read whole, before it is cut?

Touching digits are one piece of ink. The reader cuts it into atoms and lets recognition choose which runs of
atoms are digits, one at a time; nothing in that choice sees the whole piece, so a thin 1 touching a 6 is
swallowed ("16" read as "6") and a lone 9 may be cut into "01". The counter reads the whole piece at once — the
length classifier of segmentation-free readers of numeral strings (Hochuli, Oliveira, Britto and Sabourin 2018)
— and its answer is a prior on how many items the piece is read as (:func:`~digit_recognizer.reading.segment.choose`).
Like the verifier it sits beside every classifier, trained on what the reader really proposes
(``python -m tools.train_counter``); its first class, "no whole number of digits", is a fragment of a digit or
no digit at all, and then it says nothing.
"""

from __future__ import annotations

import keras

from digit_recognizer.catalog import COUNTER_CLASSES
from digit_recognizer.geometry import WIDE_SHAPE
from digit_recognizer.models import small


def build() -> keras.Model:
    """A small CNN over the whole piece, with a softmax over counts."""
    return small.build((*WIDE_SHAPE, 1), len(COUNTER_CLASSES), "counter", "piece")
