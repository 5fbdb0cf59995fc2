"""Draw digits with the mouse and have a trained model read them as you write.

    python gui_digit_recognizer.py [--models-dir DIR]

The window only collects strokes and shows answers. Models load and drawings are read in a worker process
(:mod:`digit_recognizer.app.reading_worker`), so the window never waits for TensorFlow. Each reading the window
shows is also printed to standard output as one JSON line. TensorFlow's start-up banners are hidden; set
``DIGITS_TF_LOGS=1`` to see them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, font, ttk

from PIL import Image, ImageTk

from digit_recognizer.app.annotate import ACCENT, UNSURE_COLOUR, annotate, colour, label_anchor
from digit_recognizer.app.reading_worker import Done, Loaded, ReadingWorker
from digit_recognizer.app.settings import last_model, remember_model
from digit_recognizer.catalog import DISPLAY_NAMES, ENSEMBLE, SHORTCUTS
from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import MODELS_DIRNAME, REPO_ROOT
from digit_recognizer.reading.drawing import (
    CANVAS_HEIGHT,
    CANVAS_WIDTH,
    default_pen,
    render_strokes,
    strokes_hit,
    to_image,
)
from digit_recognizer.reading.images import read_image
from digit_recognizer.reading.loading import ModelShelf, add_runtime, train_command
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.verdict import NOT_A_DIGIT, TOO_SMALL, UNSURE

PREVIEW_ZOOM = 3
BAR_WIDTH = 120
MAX_PANELS = 8
# Lines of status text the window keeps room for without growing, and room to spare beside an item's panel.
STATUS_LINES = 3
PANEL_SLACK = 12
# A reading starts this long after the pen lifts, so a digit drawn in several strokes is read once.
LIVE_DELAY_MS = 50
POLL_MS = 10
PANEL_WIDTH = 280
MIN_WINDOW = (720, 480)
PLACEHOLDER = "Draw digits here: one line or two, with the mouse"
PEN_WIDTHS = (6, 60)
# How each kind of item stands in the big answer.
ANSWER_MARKS = {UNSURE: "?", NOT_A_DIGIT: "✗", TOO_SMALL: "·"}


def answer_text(reading: Reading) -> str:
    """The big answer: one row per line of writing; "not a digit" or "draw it bigger" when nothing is a digit."""
    status = reading.status
    if not reading.text:
        return "draw it bigger" if TOO_SMALL in status else "not a digit"
    rows = [""] * (max(reading.lines) + 1)
    for line, label, item in zip(reading.lines, reading.labels, status, strict=True):
        rows[line] += ANSWER_MARKS.get(item, str(label))
    return "\n".join(row for row in rows if row)


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


def screen_box(widget: tk.Misc) -> list[int]:
    """A widget's place on the screen: left, top, width, height."""
    return [widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(), widget.winfo_height()]


def item_panel_width() -> int:
    """How wide one item's panel is: its preview beside its bars and percentages."""
    return 28 * PREVIEW_ZOOM + 8 + 24 + BAR_WIDTH + font.nametofont("TkDefaultFont").measure("100.0%") + 8


def title(name: str) -> str:
    """How a model is named in the window; the ensemble of the recommended models' seeds is not in the table."""
    return "Ensemble" if name == ENSEMBLE else DISPLAY_NAMES.get(name, name)


def missing_text(missing: list[str]) -> str:
    """Which model files are missing and the command that trains each."""
    hints = "; ".join(f"{DISPLAY_NAMES.get(name, name)}: `{train_command(name)}`" for name in missing)
    return f"No model file for {', '.join(DISPLAY_NAMES.get(n, n) for n in missing)} yet; train with {hints}."


def default_png_name(reading: Reading | None, now: float) -> str:
    """``digits-47-25-20261126-1530.png``: what was read and when, so saved drawings sort and say what they hold."""
    read_as = "-".join(reading.line_texts) if reading is not None and reading.line_texts else "drawing"
    return f"digits-{read_as}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}.png"


class Heartbeat:
    """The longest the event loop went without running a timer, beyond the timer's own period: a stall."""

    def __init__(self, root: tk.Tk, every_ms: int = 10) -> None:
        self.root, self.every_ms, self.worst_ms = root, every_ms, 0.0
        self._last = time.perf_counter()
        root.after(every_ms, self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst_ms = max(self.worst_ms, 1000 * (now - self._last) - self.every_ms)
        self._last = now
        self.root.after(self.every_ms, self._beat)


class DigitApp:
    """The window: a canvas that records strokes, the model buttons and tools, and the reading panel."""

    def __init__(self, root: tk.Tk, models_dir: Path, worker: ReadingWorker | None = None,
                 report_layout: bool = False) -> None:
        self.root = root
        self.shelf = ModelShelf(models_dir)
        self.worker = worker or ReadingWorker(models_dir)
        self.report_layout = report_layout
        self.strokes: list[list[tuple[float, float]]] = []
        self.history: list[list[list[tuple[float, float]]]] = []
        self.picture: Path | None = None
        self.reading: Reading | None = None
        self.loaded: set[str] = set()
        self.failed: set[str] = set()
        self._preloaded: list[str] | None = None  # the models loading in the background, once listed
        self.latest: dict[str, int] = {}
        self.compare_rows: dict[str, tk.StringVar] = {}
        self._previews: list[ImageTk.PhotoImage] = []
        self._live: str | None = None
        self._erasing = False
        self._picture_scale = 1.0
        self._photo: ImageTk.PhotoImage | None = None
        self.heartbeat = Heartbeat(root) if report_layout else None
        root.title("Handwritten Digits Recognizer")
        root.minsize(*MIN_WINDOW)
        root.columnconfigure(0, weight=1)
        root.rowconfigure(0, weight=1)

        left = ttk.Frame(root, padding=8)
        left.grid(row=0, column=0, sticky="nsew")
        left.columnconfigure(0, weight=1)
        left.rowconfigure(1, weight=1)
        self._build_toolbar(left)
        self.canvas = tk.Canvas(left, width=CANVAS_WIDTH, height=CANVAS_HEIGHT, bg="white", cursor="pencil",
                                highlightthickness=1, highlightbackground="#999")
        self.canvas.grid(row=1, column=0, sticky="nsew", pady=(8, 0))
        self.canvas.bind("<ButtonPress-1>", self._start_stroke)
        self.canvas.bind("<B1-Motion>", self._extend_stroke)
        self.canvas.bind("<ButtonRelease-1>", self._end_stroke)
        self.canvas.bind("<Configure>", lambda _event: self._redraw())

        # The messages below the canvas and the answer panel beside it keep fixed sizes, so that nothing they
        # show moves or rescales the canvas under the pen.
        line = font.nametofont("TkDefaultFont").metrics("linespace")
        messages = ttk.Frame(left, height=(STATUS_LINES + 1) * line + 8)
        messages.grid(row=2, column=0, sticky="ew", pady=(6, 0))
        messages.grid_propagate(False)
        messages.columnconfigure(0, weight=1)
        self.status = tk.StringVar()
        self.status_label = ttk.Label(messages, textvariable=self.status, foreground="#444", justify="left",
                                      wraplength=CANVAS_WIDTH)
        self.status_label.grid(row=0, column=0, sticky="new")
        left.bind("<Configure>", lambda event: self.status_label.configure(wraplength=max(200, event.width - 16)))
        # What still loads in the background.
        self.progress = tk.StringVar(value="")
        ttk.Label(messages, textvariable=self.progress, foreground="#777").place(relx=0, rely=1, anchor="sw")

        panel_width = max(PANEL_WIDTH, item_panel_width()) + PANEL_SLACK
        right = ttk.Frame(root, padding=8, width=panel_width + 16)
        right.grid(row=0, column=1, sticky="ns")
        right.grid_propagate(False)
        right.columnconfigure(0, minsize=panel_width)
        self.answer = tk.StringVar(value="")
        self.answer_label = ttk.Label(right, textvariable=self.answer, font=("TkDefaultFont", 28, "bold"),
                                      wraplength=PANEL_WIDTH)
        self.answer_label.grid(row=0, column=0, sticky="w")
        self.compare_frame = ttk.Frame(right)
        self.compare_frame.grid(row=1, column=0, sticky="ew")
        self.panels = ttk.Frame(right)
        self.panels.grid(row=2, column=0, sticky="nw")
        self._bind_keys()
        self._disable_missing_models()
        self._redraw()
        root.after(POLL_MS, self._poll)
        # The window is drawn first; then the model last used loads in the worker, before it is asked for.
        root.after_idle(lambda: self.select(self.model.get(), read_now=False, announce=False))

    # Layout --------------------------------------------------------------------------------------------
    def _build_toolbar(self, parent: ttk.Frame) -> None:
        bar = ttk.Frame(parent)
        bar.grid(row=0, column=0, sticky="ew")
        available = self.shelf.available()
        remembered = last_model()
        self.model = tk.StringVar(value=remembered if remembered in available else (available or ["best"])[0])
        self.buttons: dict[str, ttk.Radiobutton] = {}
        for name in self.shelf.names:
            button = ttk.Radiobutton(bar, text=DISPLAY_NAMES[name], value=name, variable=self.model,
                                     style="Toolbutton", command=lambda n=name: self.select(n))
            button.pack(side="left", padx=(0, 4))
            self.buttons[name] = button
        self.comparing = tk.BooleanVar(value=False)
        self.compare_button = ttk.Checkbutton(bar, text="Compare all", variable=self.comparing,
                                              command=self._compare_changed)
        self.compare_button.pack(side="left", padx=(8, 0))
        tools = ttk.Frame(parent)
        tools.grid(row=3, column=0, sticky="ew", pady=(6, 0))
        self.eraser = tk.BooleanVar(value=False)
        self._pen = default_pen(CANVAS_HEIGHT)
        self.pen = tk.StringVar(value=str(self._pen))
        self.with_reading = tk.BooleanVar(value=True)
        self.tool_buttons = {
            "undo": ttk.Button(tools, text="Undo", width=-5, command=self.undo),
            "clear": ttk.Button(tools, text="Clear", width=-5, command=self.clear),
            "eraser": ttk.Checkbutton(tools, text="Eraser", variable=self.eraser,
                                      command=self._tool_changed),
        }
        for widget in self.tool_buttons.values():
            widget.pack(side="left", padx=(0, 4))
        ttk.Label(tools, text="Pen").pack(side="left", padx=(8, 2))
        pen = ttk.Spinbox(tools, from_=PEN_WIDTHS[0], to=PEN_WIDTHS[1], increment=2, width=3, textvariable=self.pen,
                          command=self._pen_changed)
        pen.pack(side="left")
        pen.bind("<Return>", lambda _event: self._pen_changed())
        pen.bind("<FocusOut>", lambda _event: self._pen_changed())
        for text, command in (("Copy", self.copy), ("Open image…", self.open_image), ("Save PNG…", self.save_png)):
            button = ttk.Button(tools, text=text, width=-5, command=command)
            button.pack(side="left", padx=(8 if text == "Copy" else 4, 0))
            self.tool_buttons[text.rstrip("…").lower()] = button
        ttk.Checkbutton(tools, text="with reading", variable=self.with_reading).pack(side="left", padx=(4, 0))

    def _bind_keys(self) -> None:
        for name, key in SHORTCUTS.items():
            if name in self.buttons:
                self.root.bind(f"<KeyPress-{key}>", lambda _event, n=name: self.select(n))
        bindings = {"<KeyPress-k>": lambda: self.comparing.set(not self.comparing.get()) or self._compare_changed(),
                    "<KeyPress-e>": lambda: self.eraser.set(not self.eraser.get()) or self._tool_changed(),
                    "<Control-z>": self.undo, "<Escape>": self.clear, "<Delete>": self.clear,
                    "<Control-c>": self.copy, "<Control-s>": self.save_png, "<Control-o>": self.open_image}
        for sequence, action in bindings.items():
            self.root.bind(sequence, lambda _event, act=action: act())
        keys = ", ".join(f"{SHORTCUTS[n]} {DISPLAY_NAMES[n]}" for n in self.shelf.names if n in SHORTCUTS)
        self.hint = (f"Draw digits; they are read as you write. Keys: {keys}; k compare; e eraser; Ctrl+Z undo; "
                     "Esc clear; Ctrl+C copy; Ctrl+O open; Ctrl+S save.")
        self.status.set(self.hint)

    def _disable_missing_models(self) -> None:
        missing = [name for name in self.shelf.names if name not in self.shelf.available()]
        for name in missing:
            self.buttons[name].state(["disabled"])
        if missing:
            self.status.set(missing_text(missing))

    # Drawing -------------------------------------------------------------------------------------------
    def _start_stroke(self, event: tk.Event) -> None:
        self._cancel_live()
        self._leave_picture()
        self._outdated()
        self.history.append([list(stroke) for stroke in self.strokes])
        if self._erasing:
            self._erase_at(event.x, event.y)
            return
        self.strokes.append([(event.x, event.y)])
        self.canvas.delete("overlay", "placeholder")
        r = self.pen_width() / 2
        self.canvas.create_oval(event.x - r, event.y - r, event.x + r, event.y + r, fill="black", outline="",
                                tags="ink")

    def _extend_stroke(self, event: tk.Event) -> None:
        if self._erasing:
            self._erase_at(event.x, event.y)
            return
        if not self.strokes:
            return
        x0, y0 = self.strokes[-1][-1]
        self.strokes[-1].append((event.x, event.y))
        self.canvas.create_line(x0, y0, event.x, event.y, width=self.pen_width(), fill="black", capstyle="round",
                                joinstyle="round", tags="ink")

    def _end_stroke(self, _event: tk.Event) -> None:
        if self.history and self.history[-1] == self.strokes:
            self.history.pop()  # an eraser pass that touched nothing
        if self.report_layout and self.strokes and not self._erasing:
            print(json.dumps({"event": "stroke", "points": self.strokes[-1]}), flush=True)
        self._live = self.root.after(LIVE_DELAY_MS, self.read_now)

    def _erase_at(self, x: float, y: float) -> None:
        hit = strokes_hit(self.strokes, (x, y), self.pen_width())
        if hit:
            self.strokes = [stroke for index, stroke in enumerate(self.strokes) if index not in hit]
            self._redraw()

    def _redraw(self) -> None:
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
        if self.reading is not None and self.picture is None:
            self._draw_overlay(self.reading, 1.0)

    def canvas_size(self) -> tuple[int, int]:
        """The drawing's size: the canvas as shown, grown to hold every stroke if the window was made smaller."""
        width, height = max(self.canvas.winfo_width(), 1), max(self.canvas.winfo_height(), 1)
        if self.strokes:
            pad = self.pen_width()
            width = max(width, int(max(x for stroke in self.strokes for x, _ in stroke) + pad))
            height = max(height, int(max(y for stroke in self.strokes for _, y in stroke) + pad))
        return width, height

    def drawing(self):
        """The strokes rendered off-screen, exactly as the models see them."""
        return render_strokes(self.strokes, *self.canvas_size(), pen_width=self.pen_width())

    def undo(self) -> None:
        if not self.history:
            self.status.set("Nothing to undo.")
            return
        self._cancel_live()
        self._outdated()
        self.strokes = self.history.pop()
        self.reading = None
        self._redraw()
        self.read_now()

    def clear(self) -> None:
        self._cancel_live()
        self._outdated()
        if self.strokes:
            self.history.append(self.strokes)
        self.strokes = []
        self.picture = None
        self.canvas.delete("picture")
        self._show(None)
        self.status.set("Canvas cleared (Ctrl+Z brings it back).")

    def _tool_changed(self) -> None:
        self._erasing = self.eraser.get()
        self.canvas.configure(cursor="dotbox" if self._erasing else "pencil")

    def pen_width(self) -> int:
        """The pen's width from its box, kept within range; what was typed there if it is no number, the last
        good width."""
        try:
            self._pen = min(max(int(self.pen.get()), PEN_WIDTHS[0]), PEN_WIDTHS[1])
        except (tk.TclError, ValueError):
            pass
        return self._pen

    def _pen_changed(self) -> None:
        self._outdated()
        self._redraw()
        self._cancel_live()
        self.read_now()

    # Reading -------------------------------------------------------------------------------------------
    def select(self, name: str, read_now: bool = True, announce: bool = True) -> None:
        """Make ``name`` the model that reads; load it in the worker first if needed (saying so unless it is
        the quiet preload at start-up)."""
        if name not in self.buttons or self.buttons[name].instate(["disabled"]):
            return
        self.model.set(name)
        remember_model(name)
        if name not in self.loaded:
            self.root.configure(cursor="watch")
            if announce:
                self.status.set(f"Loading {DISPLAY_NAMES[name]}…")
            self.worker.load(name)
        if read_now:
            self.read_now()

    def read_now(self) -> None:
        """Ask the worker to read the drawing (or the opened picture) with the chosen model, and every model
        when comparing."""
        self._live = None
        if not self.strokes and self.picture is None:
            self._show(None)
            return
        models = self._compare_models() if self.comparing.get() else [self.model.get()]
        for name in dict.fromkeys([self.model.get(), *models]):
            if self.picture is not None:
                self.latest[name] = self.worker.read(name, path=self.picture)
            else:
                self.latest[name] = self.worker.read(name, self.strokes, self.canvas_size(), self.pen_width())

    def _outdated(self) -> None:
        """The drawing changed: answers on their way are stale, and the one shown is greyed until the next."""
        self.latest.clear()
        self.answer_label.configure(foreground="#999")

    def _cancel_live(self) -> None:
        if self._live is not None:
            self.root.after_cancel(self._live)
            self._live = None

    def _poll(self) -> None:
        for answer in self.worker.answers():
            if isinstance(answer, Loaded):
                self._loaded(answer)
            elif isinstance(answer, Done) and answer.job == self.latest.get(answer.model):
                self._done(answer)
        self.root.after(POLL_MS, self._poll)

    def _loaded(self, answer: Loaded) -> None:
        if self.report_layout:
            print(json.dumps({"event": "loaded", "model": answer.model, "seconds": answer.seconds,
                              "error": answer.error, "worst_stall_ms": self.heartbeat.worst_ms}), flush=True)
        if answer.model == self.model.get():
            self.root.configure(cursor="")
        if answer.error:
            self._failed(answer.model, answer.error)
            return
        self.loaded.add(answer.model)
        if answer.model == self.model.get() and self.status.get().startswith("Loading"):
            self.status.set(f"{DISPLAY_NAMES[answer.model]} is ready ({answer.seconds:.1f} s). " + self.hint)
        if answer.notice and self._preloaded is None:
            self.status.set(answer.notice)
        self._preload()

    def _preload(self) -> None:
        """Once a model has loaded, every other one loads in the background, so that "Compare all" has them.
        The models are listed once; after that each answer only updates the progress line, until it empties."""
        if self._preloaded is None:
            self._preloaded = self._compare_models()
            for name in self._preloaded:
                if name not in self.loaded and name != self.model.get():
                    self.worker.load(name)
        elif not self.progress.get():
            return
        done = [name for name in self._preloaded if name in self.loaded or name in self.failed]
        waiting = [name for name in self._preloaded if name not in done]
        self.progress.set(f"Loading {title(waiting[0])} in the background ({len(done)} of {len(self._preloaded)} "
                          "models ready)…" if waiting else "")

    def _failed(self, name: str, error: str) -> None:
        self.failed.add(name)
        if name in self.buttons:
            self.buttons[name].state(["disabled"])
        self.loaded.discard(name)
        if name == self.model.get():
            self.status.set(error)
        if name in self.compare_rows:
            self.compare_rows[name].set(f"{title(name)}: cannot load")
        self._preload()

    def _done(self, answer: Done) -> None:
        if answer.error:
            if answer.model == self.model.get():
                self.root.configure(cursor="")
                self.status.set(answer.error)
                if self.picture is None:
                    self._failed(answer.model, answer.error)
            return
        reading = answer.reading
        self.loaded.add(answer.model)
        self._preload()
        if answer.model in self.compare_rows:
            said = answer_text(reading).replace("\n", " / ") if reading.boxes else "—"
            self.compare_rows[answer.model].set(f"{title(answer.model)}: {said}")
            if self.report_layout:
                print(json.dumps({"event": "compared", "model": answer.model, "strokes": len(self.strokes),
                                  "digits": reading.text}), flush=True)
        if answer.model == self.model.get():
            self.root.configure(cursor="")
            self._show(reading)
            said = {"strokes": len(self.strokes), "seconds": round(answer.seconds, 4)}
            if self.report_layout:
                self.root.update_idletasks()
                said |= {"canvas": screen_box(self.canvas), "window": screen_box(self.root)}
            print(json.dumps(reading.as_dict() | said), flush=True)

    def _show(self, reading: Reading | None) -> None:
        self.reading = reading
        self.answer_label.configure(foreground="")
        self.canvas.delete("overlay")
        if reading is None or not reading.boxes:
            self.answer.set("")
            self._show_panels(None)
            if reading is not None:
                self.status.set("No digit found: draw larger or bolder strokes.")
            self._redraw()
            return
        self._draw_overlay(reading, self._picture_scale)
        self.answer.set(answer_text(reading))
        self.status.set(status_text(reading))
        self._show_panels(reading)

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

    def _show_panels(self, reading: Reading | None) -> None:
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
        self.root.update_idletasks()
        room = self.canvas.winfo_rooty() + self.canvas.winfo_height() - self.panels.winfo_rooty() - 20
        return max(1, min(MAX_PANELS, room // (28 * PREVIEW_ZOOM + 8)))

    # Compare -------------------------------------------------------------------------------------------
    def _compare_models(self) -> list[str]:
        """Every model that can read, and the ensemble when its members are there."""
        usable = [name for name in self.shelf.names if not self.buttons[name].instate(["disabled"])]
        return usable + ([ENSEMBLE] if self.shelf.ensemble_members() else [])

    def _compare_changed(self) -> None:
        for child in self.compare_frame.winfo_children():
            child.destroy()
        self.compare_rows.clear()
        if self.comparing.get():
            ttk.Label(self.compare_frame, text="Every model:", foreground="#444").grid(row=0, column=0, sticky="w")
            for row, name in enumerate(self._compare_models(), start=1):
                self.compare_rows[name] = tk.StringVar(value=f"{title(name)}: …")
                ttk.Label(self.compare_frame, textvariable=self.compare_rows[name],
                          font=("TkDefaultFont", 12)).grid(row=row, column=0, sticky="w")
        self.read_now()

    # Files and clipboard -------------------------------------------------------------------------------
    def copy(self) -> None:
        if self.reading is None or not self.reading.line_texts:
            self.status.set("Nothing to copy yet: draw digits first.")
            return
        text = "\n".join(self.reading.line_texts)
        self.root.clipboard_clear()
        self.root.clipboard_append(text)
        self.status.set(f"Copied {text.replace(chr(10), ' / ')} to the clipboard.")

    def save_png(self) -> None:
        if not self.strokes:
            self.status.set("Nothing to save: draw a digit first.")
            return
        path = filedialog.asksaveasfilename(defaultextension=".png", filetypes=[("PNG image", "*.png")],
                                            initialfile=default_png_name(self.reading, time.time()))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        grey = self.drawing()
        image = annotate(grey, self.reading) if self.with_reading.get() and self.reading else to_image(grey)
        try:
            image.save(path)
        except (OSError, ValueError) as error:
            self.status.set(f"Could not save {path}: {getattr(error, 'strerror', None) or error}. "
                            "Choose another folder or a name ending in .png.")
            return
        self.status.set(f"Saved {path}.")

    def open_image(self) -> None:
        path = filedialog.askopenfilename(filetypes=[("Pictures", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff"),
                                                     ("All files", "*")])
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        """Show a picture file on the canvas and read it as `python -m digit_recognizer predict` would."""
        try:
            pixels = read_image(path)
        except UserError as error:
            self.status.set(str(error))
            return
        image = Image.fromarray(pixels if pixels.dtype == "uint8" else (pixels / max(1, pixels.max()) * 255)
                                .astype("uint8"))
        width, height = self.canvas.winfo_width(), self.canvas.winfo_height()
        self._picture_scale = min(width / image.width, height / image.height, 1.0)
        shown = image.resize((max(1, round(image.width * self._picture_scale)),
                              max(1, round(image.height * self._picture_scale))))
        self._cancel_live()
        self.history.append(self.strokes)
        self.strokes, self.picture, self.reading = [], path, None
        self._redraw()
        self._photo = ImageTk.PhotoImage(shown)
        self.canvas.delete("picture")
        self.canvas.create_image(0, 0, image=self._photo, anchor="nw", tags="picture")
        self.status.set(f"Reading {path.name}…")
        self.read_now()

    def _leave_picture(self) -> None:
        if self.picture is not None:
            self.picture, self._picture_scale, self.reading = None, 1.0, None
            self.canvas.delete("picture", "overlay")
            self._show(None)

    def layout(self) -> dict:
        """Screen positions of the canvas and buttons, for driving the window in tests."""
        self.root.update_idletasks()
        return {"event": "ready", "canvas": screen_box(self.canvas), "window": screen_box(self.root),
                "buttons": {name: screen_box(button) for name, button in self.buttons.items()},
                "tools": {name: screen_box(button) for name, button in self.tool_buttons.items()},
                "compare": screen_box(self.compare_button)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw digits and have a trained model read them.")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / MODELS_DIRNAME,
                        help="folder holding ann.keras, cnn.keras, vgg16.keras (default: models/)")
    add_runtime(parser)
    parser.add_argument("--report-layout", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    launched = time.perf_counter()
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"error: cannot open a window ({error}); run this on a desktop or set DISPLAY.", file=sys.stderr)
        return 2
    worker = ReadingWorker(args.models_dir, args.runtime)
    # Closed from outside (Ctrl+C in the terminal, a session ending): leave the loop so the worker is stopped.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: root.quit())
    app = DigitApp(root, args.models_dir, worker, report_layout=args.report_layout)
    if args.report_layout:
        root.after(200, lambda: print(json.dumps(app.layout() | {"seconds": time.perf_counter() - launched}),
                                      flush=True))
    try:
        root.mainloop()
    finally:
        worker.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
