"""The models the project knows, by the name used on the command line and in file names."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import keras

import ANN
import BEST
import CNN
import VGG16
from digit_recognizer.catalog import MODEL_NAMES

BUILDERS: dict[str, Callable[..., keras.Model]] = {
    "ann": ANN.build,
    "cnn": CNN.build,
    "vgg16": VGG16.build,
    "best": BEST.build,
    "best_deskew": partial(BEST.build, deskew=True),
}
assert tuple(BUILDERS) == MODEL_NAMES, "every catalogued model needs a builder"
__all__ = ["BUILDERS", "build"]


def build(name: str) -> keras.Model:
    """A fresh, uncompiled model of the named kind."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(BUILDERS)}.") from None
    return builder()
