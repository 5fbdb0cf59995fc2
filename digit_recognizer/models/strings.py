"""The string reader: the digits of a piece of ink read whole, without cutting it.

Recognition chooses the cuts of a touching number one candidate at a time, and two cuts can read equally well
alone: "64" cut into "6 and a bit of the 4" and the 4's upright stroke reads "61" as surely as "64". The
segmentation-free readers of numeral strings (Hochuli, Oliveira, Britto and Sabourin 2018) read the whole string
instead, one classifier per string length; this one reads a piece as 2, 3 and 4 digits at once, a softmax over
the ten classes for each digit of each length (``catalog.STRING_SLOTS``). Its log-probabilities are a prior on
which classes the items of a cut piece take (:func:`~digit_recognizer.reading.segment.choose`), so the digits
shown stay those of the model chosen in the app. Like the counter it sits beside every classifier, trained on
the pieces the reader really cuts (``python -m tools.train_strings``).
"""

from __future__ import annotations

import keras
from keras import layers

from digit_recognizer.catalog import STRING_OUTPUTS
from digit_recognizer.geometry import WIDE_SHAPE
from digit_recognizer.models import small


def build() -> keras.Model:
    """The small CNNs' features over the whole piece (a dense layer twice as wide: it reads up to four digits)
    and a softmax over the ten classes in every slot."""
    inputs = keras.Input(shape=(*WIDE_SHAPE, 1), name="piece")
    x = layers.Dense(STRING_OUTPUTS[0] * STRING_OUTPUTS[1], name="slots")(small.features(inputs, 256))
    x = layers.Reshape(STRING_OUTPUTS, name="slot_grid")(x)
    outputs = layers.Softmax(name="predictions")(x)
    return keras.Model(inputs, outputs, name="strings")
