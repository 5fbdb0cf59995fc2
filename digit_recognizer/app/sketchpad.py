"""The canvas a person draws on: strokes with the pen, the eraser, undo, an opened picture, the reading's boxes.

It keeps the strokes exactly as the models get them (:func:`~digit_recognizer.reading.drawing.render_strokes`
renders the same list off-screen) and tells the window when the pen goes down and comes up; what to read and
when is the window's business.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageTk

from digit_recognizer.app.annotate import colour, label_anchor
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, default_pen, render_strokes, strokes_hit
from digit_recognizer.reading.result import Reading

PLACEHOLDER = "Draw digits here: one line or two, with the mouse"
PEN_WIDTHS = (6, 60)
Stroke = list[tuple[float, float]]


class Sketchpad:
    """A Tk canvas that records strokes; ``pen_down`` runs before each press changes anything, ``pen_up`` after
    each release with the stroke drawn (None when the eraser was used)."""

    def __init__(self, parent: tk.Misc, pen_down: Callable[[], None], pen_up: Callable[[Stroke | None], None]
                 ) -> None:
        self.canvas = tk.Canvas(parent, width=CANVAS_WIDTH, height=CANVAS_HEIGHT, bg="white", cursor="pencil",
                                highlightthickness=1, highlightbackground="#999")
        self.strokes: list[Stroke] = []
        self.history: list[list[Stroke]] = []
        self.picture_scale = 1.0
        self.erasing = False
        self.overlay: Reading | None = None
        self._pen = default_pen(CANVAS_HEIGHT)
        self.pen = tk.StringVar(value=str(self._pen))
        self._photo: ImageTk.PhotoImage | None = None
        self._pen_down, self._pen_up = pen_down, pen_up
        self.picture: Path | None = None  # the picture file shown instead of strokes
        self.canvas.bind("<ButtonPress-1>", self.press)
        self.canvas.bind("<B1-Motion>", self.drag)
        self.canvas.bind("<ButtonRelease-1>", self.release)
        self.canvas.bind("<Configure>", lambda _event: self.redraw())

    # The pen ---------------------------------------------------------------------------------------------
    def press(self, event: tk.Event) -> None:
        self._pen_down()
        self.history.append([list(stroke) for stroke in self.strokes])
        if self.erasing:
            self._erase_at(event.x, event.y)
            return
        self.strokes.append([(event.x, event.y)])
        self.canvas.delete("overlay", "placeholder")
        r = self.pen_width() / 2
        self.canvas.create_oval(event.x - r, event.y - r, event.x + r, event.y + r, fill="black", outline="",
                                tags="ink")

    def drag(self, event: tk.Event) -> None:
        if self.erasing:
            self._erase_at(event.x, event.y)
            return
        if not self.strokes:
            return
        x0, y0 = self.strokes[-1][-1]
        self.strokes[-1].append((event.x, event.y))
        self.canvas.create_line(x0, y0, event.x, event.y, width=self.pen_width(), fill="black", capstyle="round",
                                joinstyle="round", tags="ink")

    def release(self, _event: tk.Event) -> None:
        if self.history and self.history[-1] == self.strokes:
            self.history.pop()  # an eraser pass that touched nothing
        self._pen_up(self.strokes[-1] if self.strokes and not self.erasing else None)

    def set_eraser(self, on: bool) -> None:
        self.erasing = on
        self.canvas.configure(cursor="dotbox" if on else "pencil")

    def _erase_at(self, x: float, y: float) -> None:
        hit = strokes_hit(self.strokes, (x, y), self.pen_width())
        if hit:
            self.strokes = [stroke for index, stroke in enumerate(self.strokes) if index not in hit]
            self.redraw()

    def pen_width(self) -> int:
        """The pen's width from its box, kept within range; what was typed there if it is no number, the last
        good width."""
        try:
            self._pen = min(max(int(self.pen.get()), PEN_WIDTHS[0]), PEN_WIDTHS[1])
        except (tk.TclError, ValueError):
            pass
        return self._pen

    # What is drawn -----------------------------------------------------------------------------------------
    def undo(self) -> bool:
        """The strokes as they were before the last change; False when there is nothing to undo."""
        if not self.history:
            return False
        self.strokes = self.history.pop()
        self.overlay = None
        self.redraw()
        return True

    def clear(self) -> None:
        """An empty canvas, the strokes kept for undo."""
        if self.strokes:
            self.history.append(self.strokes)
        self.strokes = []
        self.picture = None
        self.canvas.delete("picture")

    def redraw(self) -> None:
        """Every stroke again (after undo, erasing, a new pen width or a resize), and the hint when empty."""
        self.canvas.delete("ink", "overlay", "placeholder")
        pen = self.pen_width()
        for stroke in self.strokes:
            if len(stroke) > 1:
                self.canvas.create_line(*[c for point in stroke for c in point], width=pen, fill="black",
                                        capstyle="round", joinstyle="round", tags="ink")
            x, y = stroke[0]
            self.canvas.create_oval(x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2, fill="black", outline="",
                                    tags="ink")
        if not self.strokes and self.picture is None:
            self.canvas.create_text(self.canvas.winfo_width() / 2, self.canvas.winfo_height() / 2, text=PLACEHOLDER,
                                    fill="#aaa", font=("TkDefaultFont", 14), tags="placeholder")
        if self.overlay is not None and self.picture is None:
            self._draw_overlay(self.overlay, 1.0)

    def size(self) -> tuple[int, int]:
        """The drawing's size: the canvas as shown, grown to hold every stroke if the window was made smaller."""
        width, height = max(self.canvas.winfo_width(), 1), max(self.canvas.winfo_height(), 1)
        if self.strokes:
            pad = self.pen_width()
            width = max(width, int(max(x for stroke in self.strokes for x, _ in stroke) + pad))
            height = max(height, int(max(y for stroke in self.strokes for _, y in stroke) + pad))
        return width, height

    def drawing(self) -> np.ndarray:
        """The strokes rendered off-screen, exactly as the models see them."""
        return render_strokes(self.strokes, *self.size(), pen_width=self.pen_width())

    # A picture and a reading -------------------------------------------------------------------------------
    def show_picture(self, path: Path, pixels: np.ndarray) -> None:
        """A picture file's pixels in place of the strokes (kept for undo), shrunk to fit the canvas."""
        image = Image.fromarray(pixels if pixels.dtype == "uint8" else (pixels / max(1, pixels.max()) * 255)
                                .astype("uint8"))
        width, height = self.canvas.winfo_width(), self.canvas.winfo_height()
        self.picture_scale = min(width / image.width, height / image.height, 1.0)
        shown = image.resize((max(1, round(image.width * self.picture_scale)),
                              max(1, round(image.height * self.picture_scale))))
        self.history.append(self.strokes)
        self.strokes, self.overlay, self.picture = [], None, path
        self.redraw()
        self._photo = ImageTk.PhotoImage(shown)
        self.canvas.delete("picture")
        self.canvas.create_image(0, 0, image=self._photo, anchor="nw", tags="picture")

    def leave_picture(self) -> bool:
        """Back to drawing from an opened picture; whether there was one."""
        if self.picture is None:
            return False
        self.picture, self.picture_scale, self.overlay = None, 1.0, None
        self.canvas.delete("picture", "overlay")
        return True

    def show_reading(self, reading: Reading | None) -> None:
        """The reading's boxes and labels over the ink (or the picture), or none."""
        self.overlay = reading
        self.canvas.delete("overlay")
        if reading is not None and reading.boxes:
            self._draw_overlay(reading, self.picture_scale)
        else:
            self.redraw()

    def _draw_overlay(self, reading: Reading, scale: float) -> None:
        self.canvas.delete("overlay")
        height = self.canvas.winfo_height()
        for index, box in enumerate(reading.boxes):
            shown = box if scale == 1.0 else type(box)(*(round(v * scale) for v in (box.x, box.y, box.w, box.h)))
            tint = colour(reading, index)
            self.canvas.create_rectangle(shown.x - 4, shown.y - 4, shown.right + 4, shown.bottom + 4, outline=tint,
                                         width=2, tags="overlay")
            x, y, anchor = label_anchor(shown, height)
            self.canvas.create_text(x, y, text=reading.describe(index), anchor=anchor, fill=tint,
                                    font=("TkDefaultFont", 12, "bold"), tags="overlay")
