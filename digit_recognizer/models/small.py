"""Builder for the small CNNs that sit beside every classifier and judge a piece of ink (the verifier, the counter)."""

import keras
from keras import layers


def build(input_shape: tuple[int, ...], classes: int, name: str, input_name: str) -> keras.Model:
    """Three convolution blocks (32, 64, 128 filters, each max-pooled) and a dense head with a softmax."""
    inputs = keras.Input(shape=input_shape, name=input_name)
    x = inputs
    for block, filters in enumerate((32, 64, 128), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv")(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="fc")(x)
    x = layers.Dropout(0.3, name="fc_dropout")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
