"""Builder for the study's VGG16 adapted to 28×28×1 inputs."""

import keras
from keras import layers

# Filters of each 3×3 convolution, block by block, as in VGG16.
BLOCKS: tuple[tuple[int, ...], ...] = (
    (64, 64),
    (128, 128),
    (256, 256, 256),
    (512, 512, 512),
    (512, 512, 512),
)
# A 28×28 input only survives four 2×2 poolings (28→14→7→3→1), so the fifth block has none.
POOLED_BLOCKS = 4


def build(input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10) -> keras.Model:
    """13 same-padded 3×3 ReLU convolutions → Dense 256 → Dropout → Dense 256 → Dropout → softmax.

    14,913,226 parameters on MNIST.
    """
    model = keras.Sequential([keras.Input(shape=input_shape)], name="vgg16")
    for block, convolutions in enumerate(BLOCKS, start=1):
        for index, filters in enumerate(convolutions, start=1):
            model.add(layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv{index}"))
        if block <= POOLED_BLOCKS:
            model.add(layers.MaxPooling2D(2, name=f"block{block}_pool"))
    model.add(layers.Flatten(name="flatten"))
    model.add(layers.Dense(256, activation="relu", name="fc1"))
    model.add(layers.Dropout(0.5, name="fc1_dropout"))
    model.add(layers.Dense(256, activation="relu", name="fc2"))
    model.add(layers.Dropout(0.5, name="fc2_dropout"))
    model.add(layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions"))
    return model
