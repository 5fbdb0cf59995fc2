"""Hershey glyphs drawn by hand: the right glyphs (none digit-like, none excluded), on the canvas, reproducibly."""

from __future__ import annotations

import numpy as np

from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.synthetic import hershey
from digit_recognizer.synthetic.canvas_check import DIGIT_LIKE_LETTERS


def test_the_japanese_order_matches_the_font() -> None:
    order, _ = hershey._font("japanese")
    assert len(hershey.JAPANESE_ORDER) == len(order)
    assert all(hershey.JAPANESE_ORDER.count(char) == 1 for char in hershey.JAPANESE)
    # A kanji is many strokes, a kana fewer, the empty place's diamond one: a shifted order would mix them up.
    assert len(hershey.glyph_strokes("japanese", "国")) > len(hershey.glyph_strokes("japanese", "を")) > 1
    assert len(hershey.glyph_strokes("japanese", "◇")) == 1


def test_no_digit_like_or_excluded_letter_is_drawn() -> None:
    chosen = hershey.glyphs(exclude="XRPVafxypdv")
    latin = {char for font, char in chosen if font != "japanese"}
    assert latin and not latin & (DIGIT_LIKE_LETTERS | set("XRPVafxypdv"))
    assert all(hershey.glyph_strokes(font, char) for font, char in chosen)
    assert {char for font, char in chosen if font == "japanese"} == set(hershey.JAPANESE)


def test_drawings_are_digit_sized_on_the_canvas_and_repeat_with_the_seed() -> None:
    drawn = hershey.drawings(120, np.random.default_rng(4))
    assert drawn == hershey.drawings(120, np.random.default_rng(4))
    assert len({kind for kind, _ in drawn}) == 120
    for kind, strokes in drawn:
        ys, xs = np.nonzero(render_strokes(strokes) < 128)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 >= MIN_DIGIT_SIZE, kind
        assert ys.min() > 0 and xs.min() > 0 and ys.max() < CANVAS_HEIGHT - 1 and xs.max() < CANVAS_WIDTH - 1, kind
