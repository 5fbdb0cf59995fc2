"""Glyphs of the Hershey vector fonts, drawn by hand with the app's pen: non-digits of shapes no template here has.

The Hershey fonts are single-line strokes, as a pen draws them, in plain, Roman and script designs, and one
holds Japanese kana and kanji: enclosures with strokes inside, crossings, hooks and loops that no letter or
sketch template of :mod:`~digit_recognizer.synthetic.sketches` was written for. Each glyph is jittered like a hand
(the same slant, aspect, wobble and stroke order as the sketches) and drawn at a random size and spot.

Only glyphs that are neither digit-like nor close relatives of the benchmark's measured kinds are used: the
Latin letters the printed set uses (:data:`~digit_recognizer.synthetic.canvas_check.DIGIT_LIKE_LETTERS` left out)
and the kana and kanji in :data:`JAPANESE`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from HersheyFonts import HersheyFonts

from digit_recognizer.reading.drawing import Stroke
from digit_recognizer.synthetic.canvas_check import DIGIT_LIKE_LETTERS
from digit_recognizer.synthetic.sketches import hand_drawn, random_box

# Latin designs drawn in one line, as a pen would: plain, Roman, Times upright and italic, and three scripts.
# (The gothic and bold designs trace outlines and double strokes that a 20 px pen fills into blobs.)
LATIN_FONTS = ("futural", "rowmans", "timesr", "timesi", "scripts", "scriptc", "cursive")
# The Japanese font's glyphs in its own order from the space on; ◇ marks its empty places.
JAPANESE_ORDER = ("◇ゝ一日円年大国人東中本京出時上者十一二三四五六七入九◇◇◇◇◇"
                  "◇あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやいゆえよらりるれろわゐうゑをん◇◇◇◇"
                  "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽ"
                  "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤイユエヨラリルレロワヰウヱヲン◇◇◇◇"
                  "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ")
# Kana and kanji that look like no digit and no measured kind. Left out: a stroke or two that could be
# a 1, 7, L or a check (一 ト レ フ ワ and the slash-like one), stacked bars like an equals sign or a dash
# (二 三 こ ニ ミ), crosses like a plus or an X (十 メ ナ ス), shapes like a 3, 5 or 6 (ろ る ら ち さ ヨ ラ),
# a 1 through a loop like Φ (中), a stick figure or a house (大 人 六 ウ), smiley-like ones (シ ツ ひ),
# and every voiced form of one left out.
JAPANESE = ("日円年国東本京出時上者四五あおかきけせたなぬねはふほまみむめやゆわゑを"
            "がぎげぜだばぶぼぱぷぽキサセモロヰギザゼ")
LATIN = "".join(sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") - DIGIT_LIKE_LETTERS))


@cache
def _font(font: str) -> tuple[tuple[str, ...], dict]:
    """The font's characters in its own order, and its glyphs by character."""
    fonts = HersheyFonts()
    fonts.load_default_font(font)
    glyphs = fonts.all_glyphs
    return tuple(sorted(glyphs)), glyphs


def glyph_strokes(font: str, char: str) -> list[np.ndarray]:
    """One glyph's strokes (y down, font units); for the Japanese font, ``char`` is a kana or kanji."""
    order, glyphs = _font(font)
    key = order[JAPANESE_ORDER.index(char)] if font == "japanese" else char
    return [np.asarray(stroke, float) for stroke in glyphs[key].strokes if len(stroke)]


def glyphs(exclude: str = "") -> list[tuple[str, str]]:
    """(font, character) of every glyph used: each Latin letter but ``exclude`` in every Latin design, and the
    chosen kana and kanji."""
    latin = [(font, char) for font in LATIN_FONTS for char in LATIN if char not in exclude]
    return latin + [("japanese", char) for char in JAPANESE]


def drawings(count: int, rng: np.random.Generator, exclude: str = "") -> list[tuple[str, list[Stroke]]]:
    """``count`` hand drawings (kind name, strokes) of the glyphs, cycling through them in a random order."""
    chosen = glyphs(exclude)
    order = rng.permutation(len(chosen))
    drawn = []
    for index in range(count):
        font, char = chosen[order[index % len(chosen)]]
        strokes = glyph_strokes(font, char)
        drawn.append((f"{char} ({font})", hand_drawn(lambda _rng, strokes=strokes: strokes, rng, random_box(rng))))
    return drawn
