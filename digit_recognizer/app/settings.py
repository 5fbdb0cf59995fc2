"""What the app remembers between runs: the model last read with, so it can be loaded before it is asked for."""

from __future__ import annotations

import json
import os
from pathlib import Path

from digit_recognizer.catalog import DISPLAY_NAMES

# The recommended model: what a first run preloads.
DEFAULT_MODEL = "best"


def settings_path() -> Path:
    """``$XDG_CONFIG_HOME/handwritten-digits/app.json`` (``~/.config`` when unset), as desktop apps keep them."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "handwritten-digits" / "app.json"


def last_model() -> str:
    """The model last used, or the recommended one if none is remembered (or the file is unreadable)."""
    try:
        name = json.loads(settings_path().read_text()).get("model")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_MODEL
    return name if name in DISPLAY_NAMES else DEFAULT_MODEL


def remember_model(name: str) -> None:
    """Best effort: a read-only home must not stop the app."""
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"model": name}))
    except OSError:
        pass
