"""Numbers drawn from the writers' pen digits, one writer per number, in the layouts people use on the canvas."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from digit_recognizer.synthetic.compose import Drawing, compose, pen_strokes
from digit_recognizer.training.pendigits import PenDigit


class PenNumbers:
    """Draws numbers whose digits all come from one writer, picked at random for each number."""

    def __init__(self, digits: Sequence[PenDigit]) -> None:
        self.by_writer: dict[int, list[PenDigit]] = {}
        for digit in digits:
            self.by_writer.setdefault(digit.writer, []).append(digit)
        self.writers = sorted(self.by_writer)

    def draw(self, layout: str, count: int, rng: np.random.Generator, pen: float | None = None,
             heights: tuple[float, float] | None = None) -> Drawing:
        """A number of ``count`` digits of one writer in ``layout`` (see :func:`compose.compose`)."""
        own = self.by_writer[self.writers[int(rng.integers(len(self.writers)))]]
        picks = [own[index] for index in rng.integers(0, len(own), count)]
        return compose(picks, [digit.label for digit in picks], layout, rng, pen=pen, heights=heights,
                       mask_of=pen_strokes)
