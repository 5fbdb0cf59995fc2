"""Reading off the window's thread: a worker process loads the models and reads drawings.

TensorFlow's import and a model's first load take seconds and hold Python's interpreter lock for long
stretches, so doing them in a thread of the window's process would still freeze the window and drop pen
points. The worker is a separate process: the window sends it requests and polls for answers, and never
imports TensorFlow itself. Only the newest reading request is served; older ones are already stale.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digit_recognizer.errors import UserError
from digit_recognizer.geometry import INPUT_SHAPE
from digit_recognizer.reading.drawing import CANVAS_HEIGHT, CANVAS_WIDTH, PEN_WIDTH, render_strokes, smallest_digit
from digit_recognizer.reading.images import read_image
from digit_recognizer.reading.inference import read
from digit_recognizer.reading.loading import RUNTIMES, ModelShelf, first_line
from digit_recognizer.reading.result import Reading
from digit_recognizer.tf_logs import quiet_import

# How often an idle worker checks that its window still exists.
PARENT_CHECK_S = 1.0


@dataclass(frozen=True)
class Load:
    """Load a model (and the verifier) so the first reading with it is quick."""

    model: str


@dataclass(frozen=True)
class Read:
    """Read a drawing (its strokes, on a canvas of ``size`` = (width, height), with a ``pen`` that wide) or,
    given a ``path``, a picture file as the predict command does."""

    job: int
    model: str
    strokes: tuple[tuple[tuple[float, float], ...], ...] = ()
    size: tuple[int, int] = (CANVAS_WIDTH, CANVAS_HEIGHT)
    pen: int = PEN_WIDTH
    path: Path | None = None

    def picture(self) -> tuple:
        """The picture to read and the smallest ink that counts as a digit in it."""
        if self.path is not None:
            return read_image(self.path), None
        return render_strokes(self.strokes, *self.size, pen_width=self.pen), smallest_digit(self.pen)


@dataclass(frozen=True)
class Loaded:
    """The answer to a :class:`Load`; ``notice`` says when some network reads through Keras (a slower start)."""

    model: str
    error: str | None
    seconds: float
    notice: str | None = None


@dataclass(frozen=True)
class Done:
    """The answer to a :class:`Read`: a reading, or the sentence that says why there is none."""

    job: int
    model: str
    reading: Reading | None
    error: str | None
    seconds: float


Request = Load | Read
Answer = Loaded | Done


def freeze(strokes: list[list[tuple[float, float]]] | tuple) -> tuple[tuple[tuple[float, float], ...], ...]:
    return tuple(tuple((float(x), float(y)) for x, y in stroke) for stroke in strokes)


def serve(models_dir: Path, requests: multiprocessing.Queue, answers: multiprocessing.Queue,
          runtime: str = RUNTIMES[0]) -> None:
    """The worker's loop: of several reads waiting for one model only the newest is served, reads before loads,
    and loads one at a time, so a reading never waits behind more than one model loading in the background."""
    shelf = ModelShelf(models_dir, runtime=runtime)
    window = multiprocessing.parent_process()
    loads: list[Load] = []
    while True:
        try:
            waiting = [requests.get(timeout=0 if loads else PARENT_CHECK_S)]
        except queue.Empty:
            if window is not None and not window.is_alive():
                return  # the window was killed without closing us
            waiting = []
        while True:
            try:
                waiting.append(requests.get_nowait())
            except queue.Empty:
                break
        if None in waiting:
            return
        loads += [item for item in waiting if isinstance(item, Load)]
        for item in {item.model: item for item in waiting if isinstance(item, Read)}.values():
            answers.put(_serve_one(shelf, item))
        if loads:
            answers.put(_serve_one(shelf, loads.pop(0)))


def _serve_one(shelf: ModelShelf, item: Request) -> Answer:
    start = time.perf_counter()
    try:
        reader = quiet_import(lambda: shelf.reader(item.model))
        if isinstance(item, Load):
            # One blank image through the classifier and the verifier compiles their forward passes now, not at
            # the first reading.
            blank = np.zeros((1, *INPUT_SHAPE), np.float32)
            reader.verify(blank, reader.classify(blank))
            return Loaded(item.model, None, time.perf_counter() - start, shelf.notice())
        image, min_size = item.picture()
        reading = read(reader, image, min_size=min_size)
    except UserError as error:
        return _failed(item, str(error))
    except Exception as error:  # a worker that died would leave the window waiting for ever
        return _failed(item, f"Reading with {item.model} failed ({type(error).__name__}: {first_line(error)}); "
                             "please report this with the drawing saved as PNG.")
    return Done(item.job, item.model, reading, None, time.perf_counter() - start)


def _failed(item: Request, error: str) -> Answer:
    return Loaded(item.model, error, 0.0) if isinstance(item, Load) else Done(item.job, item.model, None, error, 0.0)


class ReadingWorker:
    """The window's side: send requests, collect answers without ever waiting for them."""

    def __init__(self, models_dir: Path, runtime: str = RUNTIMES[0]) -> None:
        context = multiprocessing.get_context("spawn")
        self._requests: multiprocessing.Queue = context.Queue()
        self._answers: multiprocessing.Queue = context.Queue()
        self._process = context.Process(target=serve, args=(models_dir, self._requests, self._answers, runtime),
                                        name="reading-worker", daemon=True)
        self._process.start()
        self._jobs = 0

    def load(self, model: str) -> None:
        self._requests.put(Load(model))

    def read(self, model: str, strokes: list[list[tuple[float, float]]] | None = None,
             size: tuple[int, int] = (CANVAS_WIDTH, CANVAS_HEIGHT), pen: int = PEN_WIDTH,
             path: Path | None = None) -> int:
        """Ask for a reading of strokes or of a picture file; returns its job number (older jobs are stale)."""
        self._jobs += 1
        self._requests.put(Read(self._jobs, model, freeze(strokes or ()), size, pen, path))
        return self._jobs

    def answers(self) -> list[Answer]:
        """Every answer that has arrived, without blocking."""
        arrived = []
        while True:
            try:
                arrived.append(self._answers.get_nowait())
            except queue.Empty:
                return arrived

    def close(self) -> None:
        self._requests.put(None)
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()

