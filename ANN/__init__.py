"""The study's multilayer perceptron."""

from ANN.model import build

__all__ = ["build"]
