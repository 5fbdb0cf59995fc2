"""Builder for the recommended CNN: stacked 3×3 convolutions, learned (strided) downsampling, batch norm, dropout."""

import keras
from keras import layers

from digit_recognizer.models.layers import Deskew

# Filters of the two downsampling stages; the last stage is a 4×4 convolution to a 1×1 map.
STAGES: tuple[int, ...] = (32, 64)
HEAD_FILTERS = 128
# Augmentation already regularises: at 0.4 (the reference recipe's rate) the network underfits the
# augmented digits; 0.25 raised the three-seed mean test accuracy from 99.66% to 99.74% (docs/recommendation.md).
DROPOUT = 0.25


def _conv_bn_relu(model: keras.Sequential, name: str, filters: int, kernel: int, **options) -> None:
    """Convolution without bias (batch norm supplies it) → batch norm → ReLU, named ``name``_conv/_bn/_relu."""
    model.add(layers.Conv2D(filters, kernel, use_bias=False, name=f"{name}_conv", **options))
    model.add(layers.BatchNormalization(name=f"{name}_bn"))
    model.add(layers.Activation("relu", name=f"{name}_relu"))


def build(input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10, deskew: bool = False) -> keras.Model:
    """Per stage: two 3×3 convs, a 5×5 stride-2 conv in place of pooling, dropout; then a 4×4 conv → softmax.

    Replacing max pooling with a learned strided convolution, and regularising every stage with
    moderate dropout on top of augmentation, is what lets this small network (~327k parameters) pass 99.7%.
    ``deskew`` first straightens each digit (the one preprocessing the study found to help the CNN):
    the same network then errs on other digits, which is what an ensemble needs.
    """
    model = keras.Sequential([keras.Input(shape=input_shape)], name="best_deskew" if deskew else "best")
    if deskew:
        model.add(Deskew(name="deskew"))
    for stage, filters in enumerate(STAGES, start=1):
        _conv_bn_relu(model, f"stage{stage}_1", filters, 3)
        _conv_bn_relu(model, f"stage{stage}_2", filters, 3)
        _conv_bn_relu(model, f"stage{stage}_down", filters, 5, strides=2, padding="same")
        model.add(layers.Dropout(DROPOUT, name=f"stage{stage}_dropout"))
    _conv_bn_relu(model, "head", HEAD_FILTERS, 4)
    model.add(layers.Flatten(name="flatten"))
    model.add(layers.Dropout(DROPOUT, name="head_dropout"))
    model.add(layers.Dense(num_classes, activation="softmax", dtype="float32", name="predictions"))
    return model
