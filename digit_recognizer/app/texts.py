"""What the window says: the big answer, the status line, model titles and file names, as plain functions."""

from __future__ import annotations

import time

from digit_recognizer.catalog import DISPLAY_NAMES, ENSEMBLE
from digit_recognizer.reading.loading import train_command
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.verdict import NOT_A_DIGIT, TOO_SMALL, UNSURE

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
