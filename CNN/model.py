"""Builder for the study's CNN: three conv blocks with batch norm, then a small dense head."""

import keras
from keras import layers, regularizers

# (filters, kernel size) of each block, as in the original study.
BLOCKS: tuple[tuple[int, int], ...] = ((32, 3), (64, 5), (128, 3))


def build(input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10) -> keras.Model:
    """Three [Conv2D (L2 0.01) → BatchNorm → ReLU → MaxPool 2×2] blocks → Dense 120 → softmax.

    The study applied ReLU both inside Conv2D and after batch normalisation; that is kept so the
    trained network is the one it describes (265,906 parameters on MNIST).
    """
    model = keras.Sequential([keras.Input(shape=input_shape)], name="cnn")
    for filters, kernel in BLOCKS:
        model.add(
            layers.Conv2D(
                filters,
                kernel,
                padding="same",
                activation="relu",
                kernel_regularizer=regularizers.L2(0.01),
            )
        )
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(120, activation="relu"))
    model.add(layers.Dense(num_classes, activation="softmax", dtype="float32"))
    return model
