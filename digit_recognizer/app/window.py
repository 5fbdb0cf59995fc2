"""The window: the sketchpad, the two button rows and the answer panel, wired to the reading worker.

The window only collects strokes and shows answers. Models load and drawings are read in a worker process
(:mod:`digit_recognizer.app.reading_worker`), polled every few milliseconds, so the event loop never waits for
TensorFlow. Each reading shown is also printed to standard output as one JSON line.
"""

from __future__ import annotations

import json
import time
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, font, ttk

from digit_recognizer.app.annotate import annotate
from digit_recognizer.app.answer_panel import AnswerPanel
from digit_recognizer.app.reading_worker import Done, Loaded, ReadingWorker
from digit_recognizer.app.settings import last_model, remember_model
from digit_recognizer.app.sketchpad import Sketchpad, Stroke
from digit_recognizer.app.texts import answer_text, default_png_name, missing_text, status_text, title
from digit_recognizer.app.toolbar import ModelBar, ToolBar
from digit_recognizer.catalog import DISPLAY_NAMES, ENSEMBLE, SHORTCUTS
from digit_recognizer.errors import UserError
from digit_recognizer.reading.drawing import CANVAS_WIDTH, to_image
from digit_recognizer.reading.images import read_image
from digit_recognizer.reading.loading import ModelShelf
from digit_recognizer.reading.result import Reading

# Lines of status text the window keeps room for without growing.
STATUS_LINES = 3
# A reading starts this long after the pen lifts, so a digit drawn in several strokes is read once.
LIVE_DELAY_MS = 50
POLL_MS = 10
MIN_WINDOW = (720, 480)


def screen_box(widget: tk.Misc) -> list[int]:
    """A widget's place on the screen: left, top, width, height."""
    return [widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(), widget.winfo_height()]


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
    """The window: what to read and when, the worker's answers shown, files and the clipboard."""

    def __init__(self, root: tk.Tk, models_dir: Path, worker: ReadingWorker | None = None,
                 report_layout: bool = False) -> None:
        self.root = root
        self.shelf = ModelShelf(models_dir)
        self.worker = worker or ReadingWorker(models_dir)
        self.report_layout = report_layout
        self.reading: Reading | None = None
        self.loaded: set[str] = set()
        self.failed: set[str] = set()
        self._preloaded: list[str] | None = None  # the models loading in the background, once listed
        self.latest: dict[str, int] = {}
        self._live: str | None = None
        self.heartbeat = Heartbeat(root) if report_layout else None
        root.title("Handwritten Digits Recognizer")
        root.minsize(*MIN_WINDOW)
        root.columnconfigure(0, weight=1)
        root.rowconfigure(0, weight=1)

        left = ttk.Frame(root, padding=8)
        left.grid(row=0, column=0, sticky="nsew")
        left.columnconfigure(0, weight=1)
        left.rowconfigure(1, weight=1)
        available = self.shelf.available()
        remembered = last_model()
        self.models = ModelBar(left, self.shelf.names,
                               remembered if remembered in available else (available or ["best"])[0],
                               self.select, self._compare_changed)
        self.models.frame.grid(row=0, column=0, sticky="ew")
        self.pad = Sketchpad(left, self._pen_down, self._pen_up)
        self.pad.canvas.grid(row=1, column=0, sticky="nsew", pady=(8, 0))

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
        self.tools = ToolBar(left, self.pad, {"undo": self.undo, "clear": self.clear, "copy": self.copy,
                                              "open image": self.open_image, "save png": self.save_png},
                             self._pen_changed)
        self.tools.frame.grid(row=3, column=0, sticky="ew", pady=(6, 0))

        canvas = self.pad.canvas
        self.answers = AnswerPanel(root, lambda: canvas.winfo_rooty() + canvas.winfo_height())
        self.answers.frame.grid(row=0, column=1, sticky="ns")
        self._bind_keys()
        self._disable_missing_models()
        self.pad.redraw()
        root.after(POLL_MS, self._poll)
        # The window is drawn first; then the model last used loads in the worker, before it is asked for.
        root.after_idle(lambda: self.select(self.models.model.get(), read_now=False, announce=False))

    def _bind_keys(self) -> None:
        for name, key in SHORTCUTS.items():
            if name in self.models.buttons:
                self.root.bind(f"<KeyPress-{key}>", lambda _event, n=name: self.select(n))
        comparing = self.models.comparing
        bindings = {"<KeyPress-k>": lambda: comparing.set(not comparing.get()) or self._compare_changed(),
                    "<KeyPress-e>": self.tools.toggle_eraser,
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
            self.models.disable(name)
        if missing:
            self.status.set(missing_text(missing))

    # The drawing changes ---------------------------------------------------------------------------------
    def _pen_down(self) -> None:
        self._cancel_live()
        if self.pad.leave_picture():
            self._show(None)
        self._outdated()

    def _pen_up(self, stroke: Stroke | None) -> None:
        if self.report_layout and stroke is not None:
            print(json.dumps({"event": "stroke", "points": stroke}), flush=True)
        self._live = self.root.after(LIVE_DELAY_MS, self.read_now)

    def undo(self) -> None:
        if not self.pad.history:
            self.status.set("Nothing to undo.")
            return
        self._cancel_live()
        self._outdated()
        self.pad.undo()
        self.reading = None
        self.read_now()

    def clear(self) -> None:
        self._cancel_live()
        self._outdated()
        self.pad.clear()
        self._show(None)
        self.status.set("Canvas cleared (Ctrl+Z brings it back).")

    def _pen_changed(self) -> None:
        self._outdated()
        self.pad.redraw()
        self._cancel_live()
        self.read_now()

    # Reading ---------------------------------------------------------------------------------------------
    def select(self, name: str, read_now: bool = True, announce: bool = True) -> None:
        """Make ``name`` the model that reads; load it in the worker first if needed (saying so unless it is
        the quiet preload at start-up)."""
        if not self.models.usable(name):
            return
        self.models.model.set(name)
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
        pad = self.pad
        if not pad.strokes and pad.picture is None:
            self._show(None)
            return
        chosen = self.models.model.get()
        models = self._compare_models() if self.models.comparing.get() else [chosen]
        for name in dict.fromkeys([chosen, *models]):
            if pad.picture is not None:
                self.latest[name] = self.worker.read(name, path=pad.picture)
            else:
                self.latest[name] = self.worker.read(name, pad.strokes, pad.size(), pad.pen_width())

    def _outdated(self) -> None:
        """The drawing changed: answers on their way are stale, and the one shown is greyed until the next."""
        self.latest.clear()
        self.answers.outdated()

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
        chosen = answer.model == self.models.model.get()
        if chosen:
            self.root.configure(cursor="")
        if answer.error:
            self._failed(answer.model, answer.error)
            return
        self.loaded.add(answer.model)
        if chosen and self.status.get().startswith("Loading"):
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
                if name not in self.loaded and name != self.models.model.get():
                    self.worker.load(name)
        elif not self.progress.get():
            return
        done = [name for name in self._preloaded if name in self.loaded or name in self.failed]
        waiting = [name for name in self._preloaded if name not in done]
        self.progress.set(f"Loading {title(waiting[0])} in the background ({len(done)} of {len(self._preloaded)} "
                          "models ready)…" if waiting else "")

    def _failed(self, name: str, error: str) -> None:
        self.failed.add(name)
        self.models.disable(name)
        self.loaded.discard(name)
        if name == self.models.model.get():
            self.status.set(error)
        self.answers.compared(name, "cannot load")
        self._preload()

    def _done(self, answer: Done) -> None:
        chosen = answer.model == self.models.model.get()
        if answer.error:
            if chosen:
                self.root.configure(cursor="")
                self.status.set(answer.error)
                if self.pad.picture is None:
                    self._failed(answer.model, answer.error)
            return
        reading = answer.reading
        self.loaded.add(answer.model)
        self._preload()
        if answer.model in self.answers.compare_rows:
            self.answers.compared(answer.model, answer_text(reading).replace("\n", " / ") if reading.boxes else "—")
            if self.report_layout:
                print(json.dumps({"event": "compared", "model": answer.model, "strokes": len(self.pad.strokes),
                                  "digits": reading.text}), flush=True)
        if chosen:
            self.root.configure(cursor="")
            self._show(reading)
            said = {"strokes": len(self.pad.strokes), "seconds": round(answer.seconds, 4)}
            if self.report_layout:
                self.root.update_idletasks()
                said |= {"canvas": screen_box(self.pad.canvas), "window": screen_box(self.root)}
            print(json.dumps(reading.as_dict() | said), flush=True)

    def _show(self, reading: Reading | None) -> None:
        self.reading = reading
        self.pad.show_reading(reading)
        self.answers.show(reading)
        if reading is not None:
            self.status.set(status_text(reading) if reading.boxes else "No digit found: draw larger or bolder strokes.")

    # Compare ---------------------------------------------------------------------------------------------
    def _compare_models(self) -> list[str]:
        """Every model that can read, and the ensemble when its members are there."""
        usable = [name for name in self.shelf.names if self.models.usable(name)]
        return usable + ([ENSEMBLE] if self.shelf.ensemble_members() else [])

    def _compare_changed(self) -> None:
        self.answers.compare(self._compare_models() if self.models.comparing.get() else None)
        self.read_now()

    # Files and clipboard ---------------------------------------------------------------------------------
    def copy(self) -> None:
        if self.reading is None or not self.reading.line_texts:
            self.status.set("Nothing to copy yet: draw digits first.")
            return
        text = "\n".join(self.reading.line_texts)
        self.root.clipboard_clear()
        self.root.clipboard_append(text)
        self.status.set(f"Copied {text.replace(chr(10), ' / ')} to the clipboard.")

    def save_png(self) -> None:
        if not self.pad.strokes:
            self.status.set("Nothing to save: draw a digit first.")
            return
        path = filedialog.asksaveasfilename(defaultextension=".png", filetypes=[("PNG image", "*.png")],
                                            initialfile=default_png_name(self.reading, time.time()))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        grey = self.pad.drawing()
        image = annotate(grey, self.reading) if self.tools.with_reading.get() and self.reading else to_image(grey)
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
        self._cancel_live()
        self.reading = None
        self.pad.show_picture(path, pixels)
        self.status.set(f"Reading {path.name}…")
        self.read_now()

    def layout(self) -> dict:
        """Screen positions of the canvas and buttons, for driving the window in tests."""
        self.root.update_idletasks()
        return {"event": "ready", "canvas": screen_box(self.pad.canvas), "window": screen_box(self.root),
                "buttons": {name: screen_box(button) for name, button in self.models.buttons.items()},
                "tools": {name: screen_box(button) for name, button in self.tools.buttons.items()},
                "compare": screen_box(self.models.compare_button)}
