"""The study's VGG16-style deep network, adapted to 28×28 grey images."""

from VGG16.model import build

__all__ = ["build"]
