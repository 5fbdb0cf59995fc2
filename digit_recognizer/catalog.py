"""Names of the models the project trains: command-line names and how the app and tables show them.

Kept free of TensorFlow imports so the CLI's help and the app's window come up instantly.
"""

DISPLAY_NAMES: dict[str, str] = {"ann": "ANN", "cnn": "CNN", "vgg16": "VGG16"}
MODEL_NAMES: tuple[str, ...] = tuple(DISPLAY_NAMES)
