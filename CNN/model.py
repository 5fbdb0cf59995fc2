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
    for block, (filters, kernel) in enumerate(BLOCKS, start=1):
        model.add(
            layers.Conv2D(
                filters,
                kernel,
                padding="same",
                activation="relu",
                kernel_regularizer=regularizers.L2(0.01),
                name=f"block{block}_conv",
            )
        )
        model.add(layers.BatchNormalization(name=f"block{block}_bn"))
        model.add(layers.Activation("relu", name=f"block{block}_relu"))
        model.add(layers.MaxPooling2D(2, name=f"block{block}_pool"))
    model.add(layers.Flatten(name="flatten"))
    model.add(layers.Dense(120, activation="relu", name="fc1"))
    model.add(layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions"))
    return model
