"""Builder for the study's ANN: a plain multilayer perceptron on the flattened image."""

import keras
from keras import layers


def build(input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10) -> keras.Model:
    """Flatten → Dense 512 ReLU → Dense 128 ReLU → Dense softmax (468,874 parameters on MNIST)."""
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Flatten(name="flatten"),
            layers.Dense(512, activation="relu", name="fc1"),
            layers.Dense(128, activation="relu", name="fc2"),
            layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions"),
        ],
        name="ann",
    )
