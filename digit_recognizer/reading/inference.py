"""Reading digits with a trained model: safe loading, prediction, and honest confidence."""

from __future__ import annotations

import json
import logging
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digit_recognizer.catalog import (
    COUNTER,
    COUNTER_CLASSES,
    DISPLAY_NAMES,
    ENSEMBLE,
    ENSEMBLE_MODELS,
    OTHER,
    STRING_OUTPUTS,
    STRING_SLOTS,
    STRINGS,
    VERIFIER,
    VERIFIER_CLASSES,
    VERIFIER_GLYPHS,
    WHOLE,
)
from digit_recognizer.errors import UserError
from digit_recognizer.geometry import INPUT_SHAPE
from digit_recognizer.reading.calibration import apply_temperature, load_temperatures
from digit_recognizer.reading.dispute import DISPUTED_FROM, disagreement, stacked
from digit_recognizer.reading.lines import Box
from digit_recognizer.reading.novelty import FEATURES_MODEL, NOVELTY_FILENAME, Novelty
from digit_recognizer.reading.novelty import load as load_novelty
from digit_recognizer.reading.preprocess import WIDE_SHAPE
from digit_recognizer.reading.segment import Candidates, choose, propose

if TYPE_CHECKING:
    import keras

# Below this calibrated probability a digit is shown as unsure ("?" and its best guess).
UNSURE_BELOW = 0.70
# From this verifier probability of "not a digit" on, an item is not a digit: of 0.5, 0.6 and 0.7, the lowest at
# which no MNIST layout composed from validation digits loses more digits than at 0.7
# (`python -m benchmarks.layouts --source validation --per-layout 200 --reject-from T`).
NOT_A_DIGIT_FROM = 0.6
# An item on a line where another item passes as a digit is a digit in a number, unless the verifier gives it at
# least this P(not a digit): people write digits beside digits, and a digit touched by its neighbour's ink or
# drawn unusually looks odd to the verifier. A drawing in which nothing passes is judged as before. Of 0.9, 0.99,
# 0.999 and 0.9999, the one that takes most of the digits' gain (validation drawings, Best CNN: two lines 93.3 →
# 95.0%, level 95.7 → 96.7%) for 60% of 0.9999's price in shapes drawn beside a number (measured family read as a
# digit 21.6 → 29.5%, 34.8% at 0.9999; `python -m benchmarks.layouts --source validation --among-digits-from T`).
AMONG_DIGITS_FROM = 0.99
# A digit is never much wider than it is tall: of MNIST's 48,000 training digits 99.99% are under 2.05 times as
# wide as tall, the widest 2.5 times. An item over this many times as wide as tall is a dash, an underline, a wave.
TOO_FLAT = 3.0
# An item far from every digit by the novelty score (a plus, a letter a) is not a digit unless the verifier takes
# it for one whole digit with at least this probability: an unusual but complete digit is far from MNIST too.
FAR_AND_WHOLE_BELOW = 0.5
# A cut piece the verifier gives at least this P(not a digit) as a whole stays whole, however digit-like its parts:
# of 0.97, 0.99 and 0.999, the most cautious, as the three rejected the fit family's non-digits alike (validation
# drawings, Best CNN: 98.5, 98.2, 98.2% against 91.0 without; touching numbers 84.5, 84.7, 84.7 against 84.7%)
# and only it rejected no more touching digits than without (1.1, 1.0, 0.9 against 0.9%).
CERTAINLY_NOT = 0.999
# The novelty score's *near a digit* keeps an item the verifier rejects (an unusual digit) only while the verifier
# is under this P(not a digit): of 0.999, 0.9999, 0.99999 and 0.999999, the lowest at which no MNIST layout of
# validation drawings reads worse than with *near* always deciding (Best CNN; other writers lose one number in
# 1,200; measured non-digits 78.7% → 88.5, 88.1, 87.3, 85.8%). Closed outlines (a diamond, a cloud) lie near a 0.
NEAR_YIELDS_FROM = 0.999999
# The score that makes the segmentation keep a candidate: above any total of log-probabilities it competes with.
KEEP_WHOLE = 100.0
# A candidate's score is WHOLE_WEIGHT × log P(whole digit) + log P(top class): of 0.25, 0.5, 0.75 and 1, the
# highest weight at which the fit family's non-digits are rejected about as often as at 0.25 (validation drawings,
# Best CNN: 91.5, 91.2, 88.5, 87.5%), digits reading alike (touching 78.5, 78.5, 78.8, 78.8%). At 1, a W or an N
# cut into strokes outscored itself whole as "1111"; the verifier's doubt about each stroke weighed too much.
WHOLE_WEIGHT = 0.5
# Candidates the verifier gives at least this P(whole digit) are classified at once; the rest only if chosen.
CLASSIFY_FROM = 0.01
# The digit counter's log P(k digits | a whole number of digits) counts this much in the reading of a cut piece as
# k items: of 0.5, 1 and 2, the weight at which validation touching numbers read best (Best CNN: 84.3, 83.7, 83.3%
# against 82.7 without), the other layouts alike. The counter speaks only for a piece it gives P(a whole number
# of digits) of at least COUNT_FROM; for the rest (a fragment of a digit, or no digit) it says nothing.
COUNT_WEIGHT = 0.5
COUNT_FROM = 0.5
# The string reader's log P(class) of each item in its place counts this much in the reading of a counted piece:
# of 0.25, 0.5, 1 and 2, the lowest weight at which validation touching numbers read best on two samples (Best CNN:
# 85.3, 86.0, 87.0, 87.0% and 88.0, 88.7, 89.3, 89.3%, against 81.3 and 84.7 without).
STRINGS_WEIGHT = 1.0
# How each item of a reading is shown, from best to worst.
DIGIT, UNSURE, NOT_A_DIGIT, TOO_SMALL = "digit", "unsure", "not a digit", "too small"


def first_line(error: Exception, limit: int = 160) -> str:
    """An exception's message cut to one short line: Keras's can run to pages."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def train_command(name: str) -> str:
    if name in (VERIFIER, COUNTER, STRINGS):
        return f"python -m tools.train_{name}"
    if name == VERIFIER_GLYPHS:
        return f"python -m tools.train_{VERIFIER} --glyphs"
    return f"python test.py --models {name}"


def missing_model(path: Path, name: str) -> UserError:
    """The one sentence for a model file that is not there, with the command that makes it."""
    return UserError(f"{DISPLAY_NAMES.get(name, name)} model not found at {path}; "
                     f"train it with `{train_command(name)}`.")


def expected_outputs(outputs: int | tuple[int, int]) -> str:
    if isinstance(outputs, tuple):
        return f"{outputs[0]} slots of {outputs[1]} classes"
    return f"{outputs} classes" if outputs > 1 else "one output"


def load_model(path: Path, name: str, outputs: int | tuple[int, int] = 10,
               input_shape: tuple[int, ...] = INPUT_SHAPE) -> keras.Model:
    """Load a ``.keras`` file in safe mode and check it takes ``input_shape`` images and gives ``outputs`` values."""
    import keras

    import digit_recognizer.models.layers  # noqa: F401  (registers the layers a saved model may contain)

    if not path.is_file():
        raise missing_model(path, name)
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
        shapes = model.input_shape, model.output_shape  # an unbuilt model has none and raises AttributeError
    except (OSError, ValueError, TypeError, KeyError, AttributeError, zipfile.BadZipFile) as error:
        raise UserError(f"{path} could not be loaded ({type(error).__name__}: {first_line(error)}); "
                             f"retrain it with `{train_command(name)}`.") from error
    retrain = f"retrain it with `{train_command(name)}`."
    if tuple(shapes[0]) != (None, *input_shape) or tuple(shapes[1]) != (None, *np.atleast_1d(outputs).tolist()):
        raise UserError(f"{path} takes {shapes[0]} and gives {shapes[1]}; expected "
                             f"{'×'.join(map(str, input_shape))} images and {expected_outputs(outputs)}. "
                             f"{retrain.capitalize()}")
    if not all(np.isfinite(keras.ops.convert_to_numpy(weight)).all() for weight in model.weights):
        raise UserError(f"{path} holds weights that are not finite numbers (its training diverged); {retrain}")
    if np.prod(outputs) > 1 and not gives_probabilities(model):
        raise UserError(f"{path} does not give probabilities (its outputs are not in [0, 1] summing to 1: "
                             f"no softmax at the end?); {retrain}")
    return model


def gives_probabilities(model: keras.Model) -> bool:
    """Whether the model's outputs, on a blank and a random picture, are probability vectors (along the last
    axis)."""
    shape = tuple(model.input_shape[1:])
    probe = np.stack([np.zeros(shape), np.random.default_rng(0).random(shape)])
    outputs = predict(model, probe)
    return bool(np.isfinite(outputs).all() and (outputs >= -1e-6).all() and (outputs <= 1 + 1e-6).all()
                and np.allclose(outputs.sum(axis=-1), 1, atol=1e-3))


@dataclass(frozen=True)
class Reader:
    """A digit classifier with what makes its answers honest: its calibration, the digit verifier and the
    novelty score."""

    name: str
    model: keras.Model
    verifier: keras.Model | None = None
    temperature: float = 1.0
    reject_from: float = NOT_A_DIGIT_FROM
    among_digits_from: float = AMONG_DIGITS_FROM
    novelty: Novelty | None = None
    counter: keras.Model | None = None
    count_weight: float = COUNT_WEIGHT
    strings: keras.Model | None = None
    strings_weight: float = STRINGS_WEIGHT
    seeds: keras.Model | None = None

    def read_strings(self, wide: np.ndarray) -> np.ndarray | None:
        """Per cut piece, the string reader's weighted log P(class) of each digit of a reading as 2, 3 or 4
        digits ((m, slots, 10) array), or None without a string reader."""
        if self.strings is None or not len(wide):
            return None
        return self.strings_weight * _log(predict(self.strings, wide))

    def count(self, wide: np.ndarray) -> np.ndarray:
        """Per cut piece, the log prior of it holding 1, 2, … digits, weighted ((m, most) array); a row of zeros
        (no prior) for a piece the counter takes for no whole number of digits, and for all without a counter."""
        most = len(COUNTER_CLASSES) - 1
        if self.counter is None or not len(wide):
            return np.zeros((len(wide), most), np.float32)
        counts = predict(self.counter, wide)
        whole = counts[:, 1:].sum(axis=1, keepdims=True)
        prior = self.count_weight * _log(counts[:, 1:] / np.maximum(whole, 1e-6))
        return np.where(whole >= COUNT_FROM, prior, 0.0)

    def classify(self, batch: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities, (k, 10)."""
        return apply_temperature(predict(self.model, batch), self.temperature)

    def verify(self, batch: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(one whole digit) and P(not a digit) per image, from the verifier; without one, the classifier's own
        confidence stands in for both (its complement for the second): the method the verifier is measured against."""
        if self.verifier is None:
            confidence = probabilities.max(axis=1)
            return confidence, 1 - confidence
        verdict = predict(self.verifier, batch)
        return verdict[:, WHOLE], verdict[:, OTHER]

    def judge_novelty(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per image: whether the novelty score puts it far from every digit, and near one (never, without one)."""
        if self.novelty is None or not len(batch):
            return np.zeros(len(batch), bool), np.zeros(len(batch), bool)
        return self.novelty.judge(predict(self.novelty.features, batch))

    def judge_dispute(self, batch: np.ndarray) -> np.ndarray:
        """Per image: whether the recommended models' seeds disagree about it (never, without them)."""
        if self.seeds is None or not len(batch):
            return np.zeros(len(batch), bool)
        return disagreement(predict(self.seeds, batch)) >= DISPUTED_FROM


@dataclass
class Reading:
    """One model's reading of one picture: the digits it chose, line by line, each with how it is shown."""

    model: str
    boxes: list[Box]
    batch: np.ndarray  # (k, 28, 28, 1): what the model saw
    lines: list[int]  # each item's line, 0 = top
    probabilities: np.ndarray  # (k, 10), calibrated
    digit_probability: np.ndarray  # (k,): the verifier's P(one whole digit)
    other_probability: np.ndarray  # (k,): the verifier's P(not a digit)
    too_small: list[bool]
    far_from_digits: list[bool]
    near_a_digit: list[bool]
    threshold: float = UNSURE_BELOW
    reject_from: float = NOT_A_DIGIT_FROM
    among_digits_from: float = AMONG_DIGITS_FROM
    # Per item: the seeds disagree about it; judged only for items that pass as digits with no digit beside them.
    disputed: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.boxes)

    @property
    def labels(self) -> list[int]:
        return [int(p.argmax()) for p in self.probabilities]

    @property
    def confidences(self) -> list[float]:
        return [float(p.max()) for p in self.probabilities]

    @property
    def status(self) -> list[str]:
        """Per item: digit, unsure (a digit, but which one is doubtful), not a digit, or too small to read."""
        return [TOO_SMALL if small else NOT_A_DIGIT if self._rejected_because(index)
                else UNSURE if confidence < self.threshold else DIGIT
                for index, (small, confidence) in enumerate(zip(self.too_small, self.confidences, strict=True))]

    def _rejected_because(self, index: int) -> str:
        """Why an item is not a digit ("" if it may be one); the verifier must be surer of an item beside a digit."""
        reason = self._rejected_at(index, self.reject_from)
        if reason and self.other_probability[index] < self.among_digits_from and self._beside_a_digit(index):
            return self._rejected_at(index, self.among_digits_from)
        if not reason and index < len(self.disputed) and self.disputed[index]:
            return "the models disagree about it"
        return reason

    def _beside_a_digit(self, index: int) -> bool:
        """Another item of the item's line passes as a digit on its own."""
        return any(other != index and self.lines[other] == self.lines[index] and not self.too_small[other]
                   and not self._rejected_at(other, self.reject_from) for other in range(len(self)))

    def _rejected_at(self, index: int, reject_from: float) -> str:
        """Why an item is not a digit ("" if it may be one): the verifier's P(not a digit) is at least
        ``reject_from`` (unless the novelty score puts it near a digit and the verifier is not all but certain),
        it is too flat, or it is far from every digit and not a whole one."""
        box, other = self.boxes[index], float(self.other_probability[index])
        if other >= reject_from and (not self.near_a_digit[index] or other >= NEAR_YIELDS_FROM):
            return f"{other:.0%} sure"
        if box.w > TOO_FLAT * box.h:
            return "too flat for a digit"
        if self.far_from_digits[index] and self.digit_probability[index] < FAR_AND_WHOLE_BELOW:
            return "unlike every digit"
        return ""

    def reason(self, index: int) -> str:
        """Why an item is shown as not a digit or too small, in a few words ("" for a digit)."""
        status = self.status[index]
        if status == TOO_SMALL:
            return "draw it bigger"
        return self._rejected_because(index) if status == NOT_A_DIGIT else ""

    @property
    def unsure(self) -> list[bool]:
        return [status != DIGIT for status in self.status]

    @property
    def line_texts(self) -> list[str]:
        """Best guesses line by line, e.g. ["47", "25"]; items that are not digits are left out."""
        texts = [""] * (max(self.lines) + 1 if self.lines else 0)
        for line, label, status in zip(self.lines, self.labels, self.status, strict=True):
            if status in (DIGIT, UNSURE):
                texts[line] += str(label)
        return [text for text in texts if text]

    @property
    def text(self) -> str:
        """Best guesses, line by line, separated by spaces: "47 25"."""
        return " ".join(self.line_texts)

    def shown(self, index: int) -> str:
        """How one item is shown: the digit, "?" plus the best guess when unsure, or what it is instead."""
        status = self.status[index]
        if status in (NOT_A_DIGIT, TOO_SMALL):
            return status
        label = str(self.labels[index])
        return f"?{label}" if status == UNSURE else label

    def describe(self, index: int) -> str:
        """One item in words with its calibrated confidence: "7 (99%)", "?7 (55%)", "not a digit"."""
        shown = self.shown(index)
        return shown if self.status[index] in (NOT_A_DIGIT, TOO_SMALL) else f"{shown} ({self.confidences[index]:.0%})"

    def top(self, index: int, k: int = 3) -> list[tuple[int, float]]:
        order = np.argsort(self.probabilities[index])[::-1][:k]
        return [(int(digit), float(self.probabilities[index][digit])) for digit in order]

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "digits": self.text,
            "lines": self.line_texts,
            "labels": self.labels,
            "confidences": [round(c, 4) for c in self.confidences],
            "status": self.status,
            "unsure": self.unsure,
            "not_a_digit_probability": [round(float(v), 4) for v in self.other_probability],
            "line_of": self.lines,
            "boxes": [[b.x, b.y, b.w, b.h] for b in self.boxes],
        }

    def to_json(self, **extra: object) -> str:
        return json.dumps(extra | self.as_dict())


def read(reader: Reader, image: np.ndarray, min_size: float | None = None) -> Reading:
    """Find every digit in ``image``: propose candidates, score them with the reader, keep the best partition."""
    candidates = propose(image, min_size)
    if not len(candidates):
        empty = np.zeros((0,), np.float32)
        return Reading(reader.name, [], candidates.batch, [], np.zeros((0, 10), np.float32), empty, empty, [], [], [],
                       reject_from=reader.reject_from, among_digits_from=reader.among_digits_from)
    total, reading = _best_reading(reader, candidates)
    # Two lines of one glyph each are also read as one glyph: a digit whose stroke broke far apart (a 2's arc above
    # its base, a 5's bar lifted off up to its right) reads better whole than its parts do; two digits do not.
    if candidates.maybe_one_glyph:
        joined_total, joined = _best_reading(reader, propose(image, min_size, one_glyph=True))
        if joined_total > total:
            reading = joined
    return reading


def _best_reading(reader: Reader, candidates: Candidates) -> tuple[float, Reading]:
    """The partition of the candidates that the reader scores best, and its total score."""
    scores = _Scores(reader, candidates)
    chosen = scores.choose()
    # A piece of ink that is more likely no digit than not as a whole (an H, a star), cut into parts of which
    # one is no digit either, stays whole and is rejected: cut, its upright strokes would pass as 1s. So does
    # one the verifier is all but certain is no digit, whatever its parts (a V would pass as "11").
    other = scores.other

    def stays_whole(index: int) -> bool:
        parts = [part for part in chosen if candidates.within(part, index)]
        return bool(parts) and (other[index] >= CERTAINLY_NOT or any(other[parts] >= reader.reject_from))

    keep_whole = [index for index in np.nonzero(candidates.cut_piece & (other >= 0.5))[0] if stays_whole(index)]
    if keep_whole:
        chosen = scores.choose(keep_whole)
    total = float(np.sum(scores.of(chosen) + candidates.prior[chosen]))
    whole, probabilities = scores.whole, scores.probabilities
    # Only items the verifier does not take for one whole digit can be rejected as far, or kept as near a digit
    # though the verifier rejects them: the rest skip the score.
    far, near = np.zeros(len(chosen), bool), np.zeros(len(chosen), bool)
    doubtful = whole[chosen] < FAR_AND_WHOLE_BELOW
    far[doubtful], near[doubtful] = reader.judge_novelty(candidates.batch[chosen][doubtful])
    reading = Reading(
        model=reader.name,
        boxes=[candidates.boxes[i] for i in chosen],
        batch=candidates.batch[chosen],
        lines=[candidates.spans[i][0] for i in chosen],
        probabilities=probabilities[chosen],
        digit_probability=whole[chosen],
        other_probability=other[chosen],
        too_small=[bool(candidates.too_small[i]) for i in chosen],
        far_from_digits=far.tolist(),
        near_a_digit=near.tolist(),
        reject_from=reader.reject_from,
        among_digits_from=reader.among_digits_from,
    )
    # Only an item that passes as a digit with no digit beside it on its line can be rejected for the seeds'
    # disagreement: a drawing of a number seldom pays for it.
    alone = [index for index, status in enumerate(reading.status)
             if status in (DIGIT, UNSURE) and not reading._beside_a_digit(index)]
    disputed = np.zeros(len(chosen), bool)
    disputed[alone] = reader.judge_dispute(reading.batch[alone])
    reading.disputed = disputed.tolist()
    return total, reading


class _Scores:
    """Each candidate's score, WHOLE_WEIGHT × log P(whole digit) + log P(top class), with the classifier run only
    where it can change the choice. A candidate the verifier gives a P(whole digit) under CLASSIFY_FROM is first
    scored as if the classifier were sure of it, an upper bound, and classified only if a partition then chooses
    it: the partition finally chosen is the one that classifying every candidate gives, at a fraction of the cost
    (most candidates of an over-segmented number are fragments or several digits)."""

    def __init__(self, reader: Reader, candidates: Candidates) -> None:
        self.reader, self.candidates = reader, candidates
        self.probabilities = np.zeros((len(candidates), 10), np.float32)
        self.known = np.zeros(len(candidates), bool)
        if reader.verifier is None:
            self._classify(np.arange(len(candidates)))
        self.whole, self.other = reader.verify(candidates.batch, self.probabilities)
        self._classify(np.flatnonzero(self.whole >= CLASSIFY_FROM))
        self.counts = {index: prior for index, prior in zip(candidates.wide_of.tolist(),
                                                             reader.count(candidates.wide), strict=True) if prior.any()}
        strings = reader.read_strings(candidates.wide)
        self.strings = {} if strings is None else {index: table for index, table in zip(
            candidates.wide_of.tolist(), strings, strict=True) if index in self.counts}

    def _classify(self, indices: np.ndarray) -> None:
        todo = indices[~self.known[indices]]
        if len(todo):
            self.probabilities[todo] = self.reader.classify(self.candidates.batch[todo])
            self.known[todo] = True

    def of(self, indices: list[int] | np.ndarray) -> np.ndarray:
        """The scores of candidates (the upper bound for those not classified yet)."""
        top = np.where(self.known[indices], _log(self.probabilities[indices].max(axis=1)), 0.0)
        return WHOLE_WEIGHT * _log(self.whole[indices]) + top

    def choose(self, keep: list[int] | None = None) -> list[int]:
        """The best partition, every chosen candidate classified; ``keep``: candidates chosen whenever they can be."""
        while True:
            scores = self.of(np.arange(len(self.candidates)))
            if keep:
                scores[keep] = KEEP_WHOLE
            chosen = choose(self.candidates, scores, self.counts, self._slots())
            unknown = np.array([index for index in chosen if not self.known[index]], int)
            if not len(unknown):
                return chosen
            self._classify(unknown)

    def _slots(self) -> dict[int, np.ndarray]:
        """Per counted piece, what each candidate adds read as the j-th of k digits: the string reader's log
        P(its class) there (for a candidate not classified yet, the most that any class would add: a bound)."""
        top = self.probabilities.argmax(axis=1)
        slots = {}
        for piece, table in self.strings.items():
            most = len(self.counts[piece])
            added = np.zeros((most, most, len(self.candidates)), np.float32)
            for k, offset in STRING_SLOTS.items():
                for j in range(k):
                    row = table[offset + j]
                    added[k - 1, j] = np.where(self.known, row[top], row.max())
            slots[piece] = added
        return slots


def _log(probability: np.ndarray) -> np.ndarray:
    """A probability's log, floored at log 1e-6: a zero must not rule a candidate out whatever else it scores."""
    return np.log(np.maximum(probability, 1e-6))


def predict(model: keras.Model, batch: np.ndarray) -> np.ndarray:
    """Model outputs, through one compiled forward pass per model: no per-call overhead of ``predict``, and
    none of eager execution's per-operation cost (a reading runs the model on a few dozen candidates)."""
    import keras

    return keras.ops.convert_to_numpy(_forward(model)(np.asarray(batch, np.float32)))


class _FirstTracesOnly(logging.Filter):
    """TensorFlow warns of "retracing" when several models' forward passes are first traced one after another
    (a reading loads up to a dozen); each is traced once, its input signature fixed, so on the user's terminal the
    warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


_FIRST_TRACES_ONLY = _FirstTracesOnly()


@cache
def _forward(model: keras.Model) -> Callable[[np.ndarray], object]:
    import keras

    if keras.backend.backend() != "tensorflow":
        return lambda batch: model(batch, training=False)
    import tensorflow as tf

    tf.get_logger().addFilter(_FIRST_TRACES_ONLY)
    spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
    return tf.function(lambda batch: model(batch, training=False), input_signature=[spec])


@dataclass
class ModelShelf:
    """Models loaded lazily by name from a folder, each once; failures are remembered, not retried."""

    models_dir: Path
    names: tuple[str, ...] = tuple(DISPLAY_NAMES)
    _loaded: dict[str, keras.Model] = field(default_factory=dict)
    _novelty: Novelty | None = None
    _errors: dict[str, str] = field(default_factory=dict)

    def available(self) -> list[str]:
        """Models with a file present (they may still fail to load)."""
        return [name for name in self.names if self.path(name).is_file()]

    def path(self, name: str) -> Path:
        """Where the named model's file is (or would be)."""
        return self.models_dir / f"{name}.keras"

    def get(self, name: str, outputs: int | tuple[int, int] = 10,
            input_shape: tuple[int, ...] = INPUT_SHAPE) -> keras.Model:
        if name in self._errors:
            raise UserError(self._errors[name])
        if name not in self._loaded:
            try:
                self._loaded[name] = load_model(self.path(name), name, outputs, input_shape)
            except UserError as error:
                self._errors[name] = str(error)
                raise
        return self._loaded[name]

    def ensemble_members(self) -> dict[str, list[Path]]:
        """The ensemble's members by kind: every collected seed (``{kind}_seed{N}.keras``) of each kind that has any."""
        found = {name: sorted(self.models_dir.glob(f"{name}_seed*.keras")) for name in ENSEMBLE_MODELS}
        return {name: paths for name, paths in found.items() if paths}

    def _members(self) -> list[keras.Model]:
        """Every ensemble member, each under its file's name."""
        import keras

        paths = [path for paths in self.ensemble_members().values() for path in paths]
        if not paths:
            raise UserError(f"No ensemble members in {self.models_dir} (best_seed*.keras); collect seed "
                            "runs with `python -m tools.collect_best`.")
        # Each seed is saved under its kind's name; wrapped under its file's name, they can sit side by side.
        return [keras.Model(model.inputs[0], model.outputs[0], name=path.stem)
                for path, model in ((path, self.get(path.stem)) for path in paths)]

    def ensemble(self) -> keras.Model:
        """One model averaging every ensemble member's probabilities."""
        import keras

        if ENSEMBLE not in self._loaded:
            inputs = keras.Input(INPUT_SHAPE, name="image")
            outputs = keras.layers.Average(name="mean")([member(inputs) for member in self._members()])
            self._loaded[ENSEMBLE] = keras.Model(inputs, outputs, name=ENSEMBLE)
        return self._loaded[ENSEMBLE]

    def reader(self, name: str, with_novelty: bool = True) -> Reader:
        """The named classifier (or the ensemble, uncalibrated) with its calibration, the verifier (which every
        reading needs), the digit counter and the string reader if trained and, unless told not to (while the
        novelty score is being fitted), the novelty score and the seeds whose disagreement rejects."""
        try:
            temperatures = load_temperatures(self.models_dir)
        except UserError as error:
            raise UserError(str(error)) from None
        model = self.ensemble() if name == ENSEMBLE else self.get(name)
        counter = (self.get(COUNTER, len(COUNTER_CLASSES), (*WIDE_SHAPE, 1)) if self.path(COUNTER).is_file()
                   else None)
        strings = (self.get(STRINGS, STRING_OUTPUTS, (*WIDE_SHAPE, 1)) if self.path(STRINGS).is_file()
                   else None)
        return Reader(name, model, self.verifier(), temperatures.get(name, 1.0),
                      novelty=self.novelty() if with_novelty else None, counter=counter, strings=strings,
                      seeds=self.seeds() if with_novelty else None)

    def seeds(self) -> keras.Model | None:
        """Every ensemble member's probabilities side by side, for their disagreement (``reading.dispute``); None
        without collected seeds, and, reported once, when one cannot be loaded."""
        import keras

        key = f"{ENSEMBLE} seeds"
        if key not in self._loaded and key not in self._errors and self.ensemble_members():
            try:
                self._loaded[key] = stacked(self._members(), keras.Input(INPUT_SHAPE, name="image"))
            except UserError as error:
                self._errors[key] = str(error)
                print(f"{error} Until then the seeds' disagreement rejects nothing.", file=sys.stderr)
        return self._loaded.get(key)

    def verifier(self) -> keras.Model:
        """The verifier, read as a pair with its glyph-fitted member when that is there."""
        from digit_recognizer.reading.verifier import pair

        key = f"{VERIFIER} pair"
        if key not in self._loaded:
            names = [VERIFIER, VERIFIER_GLYPHS] if self.path(VERIFIER_GLYPHS).is_file() else [VERIFIER]
            self._loaded[key] = pair([self.get(name, outputs=len(VERIFIER_CLASSES)) for name in names])
        return self._loaded[key]

    def novelty(self) -> Novelty | None:
        """The novelty score beside every model, once fitted (``models/novelty.npz`` and the Best CNN present).
        One that cannot serve (unreadable, or fitted on a Best CNN since retrained) is reported once, and the
        verifier decides alone: a stale score would call most unusual digits far."""
        path = self.models_dir / NOVELTY_FILENAME
        if self._novelty is None and NOVELTY_FILENAME not in self._errors and path.is_file() and (
                FEATURES_MODEL in self.available()):
            try:
                self._novelty = load_novelty(path, self.get(FEATURES_MODEL))
            except UserError as error:
                self._errors[NOVELTY_FILENAME] = str(error)
                print(f"{error} Until then the verifier alone decides what is not a digit.", file=sys.stderr)
        return self._novelty
