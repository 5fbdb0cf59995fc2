"""Reading picture files into pixel arrays, with one clear sentence for anything unreadable."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from digit_recognizer.errors import UserError

# Pillow's own guard against decompression bombs stays on: images over its limit are refused.


def read_image(path: Path) -> np.ndarray:
    """A picture file as an array: (H, W) grey, or (H, W, 3|4) RGB/RGBA; 16-bit greys stay 16-bit."""
    if path.is_symlink() and not path.exists():
        raise UserError(f"{path}: a symbolic link to nothing (or a loop of links); point it at a picture.")
    if not path.exists():
        raise UserError(f"{path}: file not found.")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not an image.")
    if not path.is_file():
        raise UserError(f"{path}: not a regular file (a pipe or a device); save the picture to a file first.")
    if path.stat().st_size == 0:
        raise UserError(f"{path}: the file is empty.")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: permission denied; make it readable (chmod u+r) or copy it somewhere you can read.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.load()
                return _pixels(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UserError(f"{path}: the image is too large to read safely (over {Image.MAX_IMAGE_PIXELS:,} pixels); "
                         "scale it down first.") from None
    except UnidentifiedImageError:
        raise UserError(f"{path}: not an image file Pillow can read (PNG, JPEG, BMP, TIFF, ...).") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise UserError(f"{path}: the image is damaged or truncated ({error}).") from None


def _pixels(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return np.asarray(image).astype(np.uint16 if image.mode.startswith("I;16") else np.int64)
    if image.mode in ("L", "RGB", "RGBA", "F"):
        return np.asarray(image)
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return np.asarray(image.convert("RGBA" if has_alpha else "RGB"))
