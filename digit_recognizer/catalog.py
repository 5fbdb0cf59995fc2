"""Names of the models the project trains: command-line names and how the app and tables show them.

Kept free of TensorFlow imports so the CLI's help and the app's window come up instantly.
"""

DISPLAY_NAMES: dict[str, str] = {
    "ann": "ANN", "cnn": "CNN", "vgg16": "VGG16", "best": "Best CNN", "best_deskew": "Best CNN, deskewed",
}
MODEL_NAMES: tuple[str, ...] = tuple(DISPLAY_NAMES)
# The recommended models; their seed runs together make the ensemble, which the app offers by this name.
ENSEMBLE_MODELS: tuple[str, ...] = ("best", "best_deskew")
ENSEMBLE = "ensemble"
# What `python test.py` trains by default: the original study's three models.
STUDY_MODELS: tuple[str, ...] = ("ann", "cnn", "vgg16")
# The digit verifier beside every classifier (digit_recognizer.verifier) and its classes, in output order.
VERIFIER = "verifier"
VERIFIER_CLASSES = ("whole digit", "digit parts", "not a digit")
WHOLE, PARTS, OTHER = range(len(VERIFIER_CLASSES))
