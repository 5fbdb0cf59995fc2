"""The panel beside the canvas: the big answer, every model's answer when comparing, and each item's preview with
its top classes (or why it was set aside)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import font, ttk

from PIL import Image, ImageTk

from digit_recognizer.app.annotate import ACCENT, UNSURE_COLOUR
from digit_recognizer.app.texts import answer_text, title
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.verdict import NOT_A_DIGIT, TOO_SMALL

PREVIEW_ZOOM = 3
BAR_WIDTH = 120
MAX_PANELS = 8
PANEL_WIDTH = 280
# Room to spare beside an item's panel.
PANEL_SLACK = 12


def item_panel_width() -> int:
    """How wide one item's panel is: its preview beside its bars and percentages."""
    return 28 * PREVIEW_ZOOM + 8 + 24 + BAR_WIDTH + font.nametofont("TkDefaultFont").measure("100.0%") + 8


class AnswerPanel:
    """A fixed-width column, so that nothing it shows moves or rescales the canvas; ``bottom`` gives the screen
    row the item panels must stay above (the canvas's lower edge)."""

    def __init__(self, parent: tk.Misc, bottom: Callable[[], int]) -> None:
        width = max(PANEL_WIDTH, item_panel_width()) + PANEL_SLACK
        self.frame = ttk.Frame(parent, padding=8, width=width + 16)
        self.frame.grid_propagate(False)
        self.frame.columnconfigure(0, minsize=width)
        self.answer = tk.StringVar(value="")
        self.answer_label = ttk.Label(self.frame, textvariable=self.answer, font=("TkDefaultFont", 28, "bold"),
                                      wraplength=PANEL_WIDTH)
        self.answer_label.grid(row=0, column=0, sticky="w")
        self.compare_frame = ttk.Frame(self.frame)
        self.compare_frame.grid(row=1, column=0, sticky="ew")
        self.panels = ttk.Frame(self.frame)
        self.panels.grid(row=2, column=0, sticky="nw")
        self.compare_rows: dict[str, tk.StringVar] = {}
        self._bottom = bottom
        self._previews: list[ImageTk.PhotoImage] = []

    def show(self, reading: Reading | None) -> None:
        """The reading's answer and item panels (a reading without items, or none, empties them)."""
        self.answer_label.configure(foreground="")
        has_items = reading is not None and bool(reading.boxes)
        self.answer.set(answer_text(reading) if has_items else "")
        self._show_items(reading if has_items else None)

    def outdated(self) -> None:
        """The answer shown no longer matches the drawing: greyed until the next one."""
        self.answer_label.configure(foreground="#999")

    def compare(self, names: Sequence[str] | None) -> None:
        """A row per model, each waiting for its answer; None removes them."""
        for child in self.compare_frame.winfo_children():
            child.destroy()
        self.compare_rows.clear()
        if names is None:
            return
        ttk.Label(self.compare_frame, text="Every model:", foreground="#444").grid(row=0, column=0, sticky="w")
        for row, name in enumerate(names, start=1):
            self.compare_rows[name] = tk.StringVar(value=f"{title(name)}: …")
            ttk.Label(self.compare_frame, textvariable=self.compare_rows[name],
                      font=("TkDefaultFont", 12)).grid(row=row, column=0, sticky="w")

    def compared(self, name: str, said: str) -> None:
        """What one model said, in its row when comparing."""
        if name in self.compare_rows:
            self.compare_rows[name].set(f"{title(name)}: {said}")

    def _show_items(self, reading: Reading | None) -> None:
        for child in self.panels.winfo_children():
            child.destroy()
        self._previews.clear()
        if reading is None:
            return
        percent_width = font.nametofont("TkDefaultFont").measure("100.0%") + 8
        count = len(reading.boxes)
        shown = min(count, self._panels_that_fit())
        for index in range(shown):
            panel = ttk.Frame(self.panels, padding=(0, 4))
            panel.grid(row=index, column=0, sticky="w")
            pixels = (reading.batch[index, ..., 0] * 255).astype("uint8")
            size = 28 * PREVIEW_ZOOM
            preview = ImageTk.PhotoImage(Image.fromarray(pixels).resize((size, size), Image.NEAREST))
            self._previews.append(preview)
            ttk.Label(panel, image=preview).grid(row=0, column=0, rowspan=3, padx=(0, 8))
            if reading.status[index] in (NOT_A_DIGIT, TOO_SMALL):
                ttk.Label(panel, text=f"{reading.shown(index)}\n({reading.reason(index)})",
                          foreground=UNSURE_COLOUR).grid(row=0, column=1, rowspan=3, sticky="w")
                continue
            for rank, (digit, probability) in enumerate(reading.top(index)):
                bar = tk.Canvas(panel, width=24 + BAR_WIDTH + percent_width, height=18, highlightthickness=0)
                bar.grid(row=rank, column=1, sticky="w")
                tint = (UNSURE_COLOUR if reading.unsure[index] else ACCENT) if rank == 0 else "#bbb"
                bar.create_rectangle(18, 3, 18 + max(1, probability * BAR_WIDTH), 15, fill=tint, outline="")
                bar.create_text(2, 9, text=str(digit), anchor="w")
                bar.create_text(24 + BAR_WIDTH, 9, text=f"{probability:.1%}", anchor="w")
        if count > shown:
            ttk.Label(self.panels, text=f"… and {count - shown} more").grid(row=shown, column=0, sticky="w")

    def _panels_that_fit(self) -> int:
        """How many item panels fit below the answer without making the window taller (at least one)."""
        self.panels.update_idletasks()
        room = self._bottom() - self.panels.winfo_rooty() - 20
        return max(1, min(MAX_PANELS, room // (28 * PREVIEW_ZOOM + 8)))
