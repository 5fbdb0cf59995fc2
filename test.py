"""Entry point of the original study: train ANN, CNN and VGG16 on MNIST and save their results.

    python test.py                                   # the study's settings
    python test.py --models cnn --epochs 2 --lr 1e-4
    MNIST_NPZ=/path/mnist.npz python test.py --limit 2000 --output-dir /tmp/run
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digit_recognizer.training.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
