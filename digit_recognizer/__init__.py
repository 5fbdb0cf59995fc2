"""Handwritten digit recognition on MNIST: data, training, evaluation, reports and inference."""
