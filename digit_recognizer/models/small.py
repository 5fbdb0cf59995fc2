"""Builders for the small CNNs that sit beside every classifier and judge a piece of ink (the verifier, the
counter, the string reader)."""

import keras
from keras import layers


def features(inputs: keras.KerasTensor, units: int = 128) -> keras.KerasTensor:
    """Three convolution blocks (32, 64, 128 filters, each max-pooled) and a dense layer of ``units`` with dropout."""
    x = inputs
    for block, filters in enumerate((32, 64, 128), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv")(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(units, activation="relu", name="fc")(x)
    return layers.Dropout(0.3, name="fc_dropout")(x)


def build(input_shape: tuple[int, ...], classes: int, name: str, input_name: str) -> keras.Model:
    """:func:`features` and a softmax over ``classes``."""
    inputs = keras.Input(shape=input_shape, name=input_name)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(features(inputs))
    return keras.Model(inputs, outputs, name=name)
