"""Draw digits with the mouse and have a trained model read them.

    python gui_digit_recognizer.py [--models-dir DIR]

The window only collects strokes and shows answers: rendering, finding the digits, turning them into
MNIST-like 28×28 inputs and classifying them happen in the `digit_recognizer` package. Every reading is
also printed to standard output as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from PIL import Image, ImageTk

from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.drawing import (
    CANVAS_HEIGHT,
    CANVAS_WIDTH,
    MIN_DIGIT_SIZE,
    PEN_WIDTH,
    render_strokes,
    to_image,
)
from digit_recognizer.inference import (
    DIGIT,
    NOT_A_DIGIT,
    TOO_SMALL,
    UNSURE,
    ModelLoadError,
    ModelShelf,
    Reading,
    read,
    train_command,
)
from digit_recognizer.paths import MODELS_DIRNAME, REPO_ROOT

SHORTCUTS = {"ann": "a", "cnn": "c", "vgg16": "v", "best": "b", "best_deskew": "d"}
PREVIEW_ZOOM = 3
BAR_WIDTH = 120
MAX_PANELS = 8
ACCENT, UNSURE_COLOUR = "#1a73e8", "#d93025"


# How each kind of item stands in the big answer.
ANSWER_MARKS = {UNSURE: "?", NOT_A_DIGIT: "✗", TOO_SMALL: "·"}


def answer_text(reading: Reading) -> str:
    """The big answer: one row per line of writing; "not a digit" or "draw it bigger" when nothing is a digit."""
    status = reading.status
    if not any(item in (DIGIT, UNSURE) for item in status):
        return "draw it bigger" if TOO_SMALL in status else "not a digit"
    rows = [""] * (max(reading.lines) + 1)
    for line, label, item in zip(reading.lines, reading.labels, status, strict=True):
        rows[line] += ANSWER_MARKS.get(item, str(label))
    return "\n".join(rows)


def status_text(reading: Reading) -> str:
    """The status line: what the model read, line by line, and what was set aside and why."""
    read_as = " / ".join(reading.line_texts) or "no digit"
    notes = []
    for item, note in ((UNSURE, f"unsure (below {reading.threshold:.0%})"), (NOT_A_DIGIT, "not a digit"),
                       (TOO_SMALL, "too small: draw it bigger")):
        count = reading.status.count(item)
        if count:
            notes.append(f"{count} {note}")
    return f"{DISPLAY_NAMES.get(reading.model, reading.model)} read {read_as}" + (f"; {'; '.join(notes)}." if notes
                                                                                  else ".")


class DigitApp:
    """The window: a canvas that records strokes, one button per model, and the reading panel."""

    def __init__(self, root: tk.Tk, shelf: ModelShelf, report_layout: bool = False) -> None:
        self.root = root
        self.shelf = shelf
        self.strokes: list[list[tuple[float, float]]] = []
        self._previews: list[ImageTk.PhotoImage] = []
        root.title("Handwritten Digits Recognizer")

        left = ttk.Frame(root, padding=8)
        left.grid(row=0, column=0, sticky="nsew")
        self.canvas = tk.Canvas(left, width=CANVAS_WIDTH, height=CANVAS_HEIGHT, bg="white",
                                cursor="pencil", highlightthickness=1, highlightbackground="#999")
        self.canvas.grid(row=0, column=0, columnspan=2)
        self.canvas.bind("<ButtonPress-1>", self._start_stroke)
        self.canvas.bind("<B1-Motion>", self._extend_stroke)

        buttons = ttk.Frame(left)
        buttons.grid(row=1, column=0, sticky="w", pady=(8, 0))
        self.buttons: dict[str, ttk.Button] = {}
        for name in shelf.names:
            button = ttk.Button(buttons, text=DISPLAY_NAMES.get(name, name.upper()),
                                command=lambda n=name: self.recognise(n))
            button.pack(side="left", padx=(0, 6))
            self.buttons[name] = button
            key = SHORTCUTS.get(name)
            if key:
                root.bind(f"<KeyPress-{key}>", lambda _event, n=name: self.recognise(n))
        self.clear_button = ttk.Button(buttons, text="Clear Canvas", command=self.clear)
        self.clear_button.pack(side="left", padx=(12, 6))
        ttk.Button(buttons, text="Save PNG…", command=self.save_png).pack(side="left")
        root.bind("<Escape>", lambda _event: self.clear())
        root.bind("<Delete>", lambda _event: self.clear())
        root.bind("<Control-s>", lambda _event: self.save_png())

        keys = ", ".join(SHORTCUTS[name] for name in shelf.names if name in SHORTCUTS)
        self.status = tk.StringVar(value=f"Draw digits, then pick a model (keys: {keys}; Esc clears).")
        ttk.Label(left, textvariable=self.status, foreground="#444").grid(row=2, column=0, sticky="w", pady=(6, 0))

        right = ttk.Frame(root, padding=8)
        right.grid(row=0, column=1, sticky="nsew")
        self.answer = tk.StringVar(value="")
        ttk.Label(right, textvariable=self.answer, font=("TkDefaultFont", 28, "bold")).pack(anchor="w")
        self.panels = ttk.Frame(right)
        self.panels.pack(anchor="nw", fill="both", expand=True)

        self._disable_missing_models()
        if report_layout:
            root.after(300, self._print_layout)

    # Drawing -------------------------------------------------------------------------------------------
    def _start_stroke(self, event: tk.Event) -> None:
        self._clear_overlay()
        self.strokes.append([(event.x, event.y)])
        r = PEN_WIDTH / 2
        self.canvas.create_oval(event.x - r, event.y - r, event.x + r, event.y + r, fill="black", outline="",
                                tags="ink")

    def _extend_stroke(self, event: tk.Event) -> None:
        if not self.strokes:
            return
        x0, y0 = self.strokes[-1][-1]
        self.strokes[-1].append((event.x, event.y))
        self.canvas.create_line(x0, y0, event.x, event.y, width=PEN_WIDTH, fill="black", capstyle="round",
                                joinstyle="round", smooth=True, tags="ink")

    def clear(self) -> None:
        self.strokes.clear()
        self.canvas.delete("all")
        self._show_panels(None)
        self.answer.set("")
        self.status.set("Canvas cleared.")

    def drawing(self):
        """The strokes rendered off-screen, exactly as the models will see them."""
        return render_strokes(self.strokes)

    def save_png(self) -> None:
        if not self.strokes:
            self.status.set("Nothing to save: draw a digit first.")
            return
        path = filedialog.asksaveasfilename(defaultextension=".png", filetypes=[("PNG image", "*.png")])
        if path:
            try:
                to_image(self.drawing()).save(path)
            except OSError as error:
                self.status.set(f"Could not save {path}: {error.strerror or error}")
                return
            self.status.set(f"Saved {path}")

    # Reading -------------------------------------------------------------------------------------------
    def recognise(self, name: str) -> None:
        if str(self.buttons[name].cget("state")) == "disabled":
            return
        if not self.strokes:
            self.status.set("Draw a digit first.")
            return
        try:
            reader = self.shelf.reader(name)
        except ModelLoadError as error:
            self.buttons[name].state(["disabled"])
            self.status.set(str(error))
            return
        reading = read(reader, self.drawing(), min_size=MIN_DIGIT_SIZE)
        print(json.dumps(reading.as_dict()), flush=True)
        self._show(reading)

    def _show(self, reading: Reading) -> None:
        self._clear_overlay()
        if not reading.boxes:
            self.answer.set("")
            self._show_panels(None)
            self.status.set("No digit found: draw larger or bolder strokes.")
            return
        for index, box in enumerate(reading.boxes):
            colour = UNSURE_COLOUR if reading.unsure[index] else ACCENT
            self.canvas.create_rectangle(box.x - 4, box.y - 4, box.right + 4, box.bottom + 4, outline=colour,
                                         width=2, tags="overlay")
            self.canvas.create_text(box.x - 2, max(box.y - 8, 16), text=reading.describe(index), anchor="sw",
                                    fill=colour, font=("TkDefaultFont", 12, "bold"), tags="overlay")
        self.answer.set(answer_text(reading))
        self.status.set(status_text(reading))
        self._show_panels(reading)

    def _show_panels(self, reading: Reading | None) -> None:
        for child in self.panels.winfo_children():
            child.destroy()
        self._previews.clear()
        if reading is None:
            return
        count = len(reading.boxes)
        for index in range(min(count, MAX_PANELS)):
            panel = ttk.Frame(self.panels, padding=(0, 4))
            panel.grid(row=index, column=0, sticky="w")
            pixels = (reading.batch[index, ..., 0] * 255).astype("uint8")
            size = 28 * PREVIEW_ZOOM
            preview = ImageTk.PhotoImage(Image.fromarray(pixels).resize((size, size), Image.NEAREST))
            self._previews.append(preview)
            ttk.Label(panel, image=preview).grid(row=0, column=0, rowspan=3, padx=(0, 8))
            if reading.status[index] in (NOT_A_DIGIT, TOO_SMALL):
                why = (f"{reading.other_probability[index]:.0%} sure" if reading.status[index] == NOT_A_DIGIT
                       else "draw it bigger")
                ttk.Label(panel, text=f"{reading.shown(index)}\n({why})", foreground=UNSURE_COLOUR).grid(
                    row=0, column=1, rowspan=3, sticky="w")
                continue
            for rank, (digit, probability) in enumerate(reading.top(index)):
                bar = tk.Canvas(panel, width=BAR_WIDTH + 70, height=18, highlightthickness=0)
                bar.grid(row=rank, column=1, sticky="w")
                colour = (UNSURE_COLOUR if reading.unsure[index] else ACCENT) if rank == 0 else "#bbb"
                bar.create_rectangle(18, 3, 18 + max(1, probability * BAR_WIDTH), 15, fill=colour, outline="")
                bar.create_text(2, 9, text=str(digit), anchor="w")
                bar.create_text(24 + BAR_WIDTH, 9, text=f"{probability:.1%}", anchor="w")
        if count > MAX_PANELS:
            ttk.Label(self.panels, text=f"… and {count - MAX_PANELS} more").grid(row=MAX_PANELS, column=0)

    def _clear_overlay(self) -> None:
        self.canvas.delete("overlay")

    def _disable_missing_models(self) -> None:
        missing = [name for name in self.shelf.names if name not in self.shelf.available()]
        for name in missing:
            self.buttons[name].state(["disabled"])
        if missing:
            hints = "; ".join(f"{DISPLAY_NAMES.get(n, n)}: `{train_command(n)}`" for n in missing)
            self.status.set(f"Missing model(s), train with {hints}")

    def _print_layout(self) -> None:
        """Screen positions of the canvas and buttons, for driving the window in tests."""
        self.root.update_idletasks()

        def rect(widget: tk.Widget) -> list[int]:
            return [widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(), widget.winfo_height()]

        layout = {"event": "ready", "canvas": rect(self.canvas),
                  "buttons": {name: rect(button) for name, button in self.buttons.items()},
                  "clear": rect(self.clear_button)}
        print(json.dumps(layout), flush=True)


def _import_backend() -> None:
    import keras  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw digits and have a trained model read them.")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME,
                        help="folder holding ann.keras, cnn.keras, vgg16.keras (default: models/)")
    parser.add_argument("--report-layout", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"error: cannot open a window ({error}); run this on a desktop or set DISPLAY.", file=sys.stderr)
        return 2
    DigitApp(root, ModelShelf(args.models_dir), report_layout=args.report_layout)
    # The window is up before TensorFlow is imported; importing it meanwhile makes the first click quick.
    threading.Thread(target=_import_backend, daemon=True).start()
    root.mainloop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
