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
from keras import layers

from digit_recognizer.catalog import VERIFIER_CLASSES
from digit_recognizer.geometry import INPUT_SHAPE


def build() -> keras.Model:
    """A small CNN: three convolution blocks and a dense head with a softmax over the verifier's classes."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    for block, filters in enumerate((32, 64, 128), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv")(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="fc")(x)
    x = layers.Dropout(0.3, name="fc_dropout")(x)
    outputs = layers.Dense(len(VERIFIER_CLASSES), activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="verifier")
