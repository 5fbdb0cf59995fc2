"""Where the two datasets are found when no path is given: MNIST and the writers' pen digits.

Shared by the loaders (``training.data``, ``training.pendigits``) and the command-line options that name them.
"""

from digit_recognizer.outputs.paths import REPO_ROOT

MNIST_ENV_VAR = "MNIST_NPZ"
PENDIGITS_ENV_VAR = "PENDIGITS"
PENDIGITS_DEFAULT = REPO_ROOT.parent / "shared" / "datasets" / "pendigits" / "pendigits-orig.tra"
