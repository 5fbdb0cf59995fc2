"""The one table of models the project knows: adding a model is one row here plus its builder.

Kept free of TensorFlow imports (builders are named, imported on first use) so the CLI's help and the
app's window come up instantly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import TYPE_CHECKING

from digit_recognizer.recipes import BEST, STUDY, Recipe

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class ModelEntry:
    """One trainable model: its command-line and file name, how it is shown, built, trained and chosen."""

    name: str
    title: str
    # "module:function" of a pure builder returning an uncompiled keras.Model.
    builder: str
    recipe: Recipe
    # The app's keyboard shortcut.
    key: str
    options: dict[str, object] = field(default_factory=dict)


MODELS: tuple[ModelEntry, ...] = (
    ModelEntry("ann", "ANN", "ANN:build", STUDY, "a"),
    ModelEntry("cnn", "CNN", "CNN:build", STUDY, "c"),
    ModelEntry("vgg16", "VGG16", "VGG16:build", STUDY, "v"),
    ModelEntry("best", "Best CNN", "digit_recognizer.models.best:build", BEST, "b"),
    ModelEntry("best_deskew", "Best CNN, deskewed", "digit_recognizer.models.best:build", BEST, "d",
               {"deskew": True}),
)
ENTRIES: dict[str, ModelEntry] = {entry.name: entry for entry in MODELS}
MODEL_NAMES: tuple[str, ...] = tuple(ENTRIES)
DISPLAY_NAMES: dict[str, str] = {entry.name: entry.title for entry in MODELS}
SHORTCUTS: dict[str, str] = {entry.name: entry.key for entry in MODELS}
# The recommended models; their seed runs together make the ensemble, which the app offers by this name.
ENSEMBLE_MODELS: tuple[str, ...] = ("best", "best_deskew")
ENSEMBLE = "ensemble"
# What `python test.py` trains by default: the original study's three models.
STUDY_MODELS: tuple[str, ...] = ("ann", "cnn", "vgg16")
# The digit verifier beside every classifier (digit_recognizer.models.verifier) and its classes, in output order;
# its second member, fitted with hand-drawn Hershey glyphs among the non-digits too, joins it when present.
VERIFIER = "verifier"
VERIFIER_GLYPHS = "verifier_glyphs"
VERIFIER_CLASSES = ("whole digit", "digit parts", "not a digit")
WHOLE, PARTS, OTHER = range(len(VERIFIER_CLASSES))
# The digit counter beside it (digit_recognizer.models.counter): how many whole digits a piece of ink holds, or
# none (a fragment, or no digit); class k is k digits.
COUNTER = "counter"
COUNTER_CLASSES = ("no whole number of digits", "1 digit", "2 digits", "3 digits", "4 digits")
# The string reader beside it (digit_recognizer.models.strings): the digits of a piece of ink read whole, as 2, 3
# or 4 digits; its outputs are slots of ten classes, the reading as k digits starting at slot STRING_SLOTS[k].
STRINGS = "strings"
STRING_SLOTS = {2: 0, 3: 2, 4: 5}
STRING_OUTPUTS = (sum(STRING_SLOTS), 10)  # slots (one per digit of each length: 2 + 3 + 4), classes


def build(name: str) -> keras.Model:
    """A fresh, uncompiled model of the named kind."""
    try:
        entry = ENTRIES[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}.") from None
    module, function = entry.builder.split(":")
    return getattr(import_module(module), function)(**entry.options)


def recipe_for(name: str, epochs: int | None = None, lr: float | None = None,
               batch_size: int | None = None) -> Recipe:
    """The model's recipe with any explicitly given option in place of its own value."""
    overrides = {"epochs": epochs, "lr": lr, "batch_size": batch_size}
    return replace(ENTRIES[name].recipe, **{key: value for key, value in overrides.items() if value is not None})
