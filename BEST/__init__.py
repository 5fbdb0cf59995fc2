"""The recommended model: a deeper all-convolution CNN trained with augmentation (see ``recipes``)."""

from BEST.model import build

__all__ = ["build"]
