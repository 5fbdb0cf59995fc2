"""One model's reading of one picture: the items it chose, line by line, and how each is shown."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from digit_recognizer.reading.lines import Box
from digit_recognizer.reading.verdict import (
    AMONG_DIGITS_FROM,
    DIGIT,
    NOT_A_DIGIT,
    NOT_A_DIGIT_FROM,
    TOO_FLAT,
    TOO_SMALL,
    UNSURE,
    UNSURE_BELOW,
    Evidence,
    Thresholds,
    beside_digits,
    judge,
)


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
    threshold: float = UNSURE_BELOW
    reject_from: float = NOT_A_DIGIT_FROM
    among_digits_from: float = AMONG_DIGITS_FROM

    def __len__(self) -> int:
        return len(self.boxes)

    @property
    def labels(self) -> list[int]:
        return [int(p.argmax()) for p in self.probabilities]

    @property
    def confidences(self) -> list[float]:
        return [float(p.max()) for p in self.probabilities]

    @property
    def evidence(self) -> list[Evidence]:
        """What the verdict weighs for each item."""
        return [Evidence(small, confidence, float(whole), float(other), box.w > TOO_FLAT * box.h)
                for small, confidence, whole, other, box in zip(
                    self.too_small, self.confidences, self.digit_probability, self.other_probability, self.boxes,
                    strict=True)]

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.threshold, self.reject_from, self.among_digits_from)

    @property
    def verdicts(self) -> list[tuple[str, str]]:
        """Per item: how it is shown and why (:func:`verdict.judge`)."""
        return judge(self.evidence, self.lines, self.thresholds)

    @property
    def status(self) -> list[str]:
        """Per item: digit, unsure (a digit, but which one is doubtful), not a digit, or too small to read."""
        return [status for status, _ in self.verdicts]

    def beside_a_digit(self) -> list[bool]:
        """Per item: another item of its line passes as a digit on its own."""
        return beside_digits(self.evidence, self.lines, self.thresholds)

    def reason(self, index: int) -> str:
        """Why an item is shown as not a digit or too small, in a few words ("" for a digit)."""
        return self.verdicts[index][1]

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
