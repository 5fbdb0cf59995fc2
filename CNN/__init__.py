"""The study's three-block convolutional network."""

from CNN.model import build

__all__ = ["build"]
