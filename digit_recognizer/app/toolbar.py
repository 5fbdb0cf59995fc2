"""The window's two button rows: the models (and "Compare all") above the canvas, the drawing tools below it."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from digit_recognizer.app.sketchpad import PEN_WIDTHS, Sketchpad
from digit_recognizer.catalog import DISPLAY_NAMES


class ModelBar:
    """One button per model, a model that cannot read greyed out, and "Compare all"."""

    def __init__(self, parent: tk.Misc, names: Sequence[str], chosen: str, select: Callable[[str], None],
                 compare_changed: Callable[[], None]) -> None:
        self.frame = ttk.Frame(parent)
        self.model = tk.StringVar(value=chosen)
        self.buttons: dict[str, ttk.Radiobutton] = {}
        for name in names:
            button = ttk.Radiobutton(self.frame, text=DISPLAY_NAMES[name], value=name, variable=self.model,
                                     style="Toolbutton", command=lambda n=name: select(n))
            button.pack(side="left", padx=(0, 4))
            self.buttons[name] = button
        self.comparing = tk.BooleanVar(value=False)
        self.compare_button = ttk.Checkbutton(self.frame, text="Compare all", variable=self.comparing,
                                              command=compare_changed)
        self.compare_button.pack(side="left", padx=(8, 0))

    def usable(self, name: str) -> bool:
        return name in self.buttons and not self.buttons[name].instate(["disabled"])

    def disable(self, name: str) -> None:
        if name in self.buttons:
            self.buttons[name].state(["disabled"])


class ToolBar:
    """Undo, Clear, the eraser and the pen's width for the sketchpad; Copy, Open image…, Save PNG… for the
    window (``actions`` by those names, lower case without the dots)."""

    def __init__(self, parent: tk.Misc, pad: Sketchpad, actions: dict[str, Callable[[], None]],
                 pen_changed: Callable[[], None]) -> None:
        self.frame = ttk.Frame(parent)
        self.pad = pad
        self.eraser = tk.BooleanVar(value=False)
        self.with_reading = tk.BooleanVar(value=True)
        self.buttons: dict[str, ttk.Widget] = {
            "undo": ttk.Button(self.frame, text="Undo", width=-5, command=actions["undo"]),
            "clear": ttk.Button(self.frame, text="Clear", width=-5, command=actions["clear"]),
            "eraser": ttk.Checkbutton(self.frame, text="Eraser", variable=self.eraser, command=self.eraser_changed),
        }
        for widget in self.buttons.values():
            widget.pack(side="left", padx=(0, 4))
        ttk.Label(self.frame, text="Pen").pack(side="left", padx=(8, 2))
        pen = ttk.Spinbox(self.frame, from_=PEN_WIDTHS[0], to=PEN_WIDTHS[1], increment=2, width=3,
                          textvariable=pad.pen, command=pen_changed)
        pen.pack(side="left")
        pen.bind("<Return>", lambda _event: pen_changed())
        pen.bind("<FocusOut>", lambda _event: pen_changed())
        for text in ("Copy", "Open image…", "Save PNG…"):
            key = text.rstrip("…").lower()
            button = ttk.Button(self.frame, text=text, width=-5, command=actions[key])
            button.pack(side="left", padx=(8 if text == "Copy" else 4, 0))
            self.buttons[key] = button
        ttk.Checkbutton(self.frame, text="with reading", variable=self.with_reading).pack(side="left", padx=(4, 0))

    def eraser_changed(self) -> None:
        self.pad.set_eraser(self.eraser.get())

    def toggle_eraser(self) -> None:
        self.eraser.set(not self.eraser.get())
        self.eraser_changed()
