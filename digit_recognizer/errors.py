"""Errors the command line reports as one sentence (exit code 2), kept free of TensorFlow imports."""


class TrainingDivergedError(Exception):
    """Training produced a loss that is not a finite number; the message says how to recover."""
