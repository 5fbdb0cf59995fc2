"""The layouts benchmark's scoring: digits read right but rejected are told apart from misread ones."""

from __future__ import annotations

import numpy as np

from benchmarks.layouts import score
from digit_recognizer.reading.lines import Box
from digit_recognizer.reading.result import Reading


def reading(labels: list[int], lines: list[int], other: list[float]) -> Reading:
    """Items with given classes, lines and verifier P(not a digit); all whole digits, none small, near or far."""
    n = len(labels)
    return Reading("best", [Box(120 * i, 100 * line, 60, 90) for i, line in enumerate(lines)],
                   np.zeros((n, 28, 28, 1), np.float32), lines, np.eye(10, dtype=np.float32)[labels],
                   np.full(n, 0.9), np.array(other), [False] * n)


def test_a_digit_read_right_and_rejected_counts_as_read_right_but_rejected() -> None:
    """"47" over "25" with the 2 rejected (listed second line first): four digits read right, one of them rejected."""
    scored = score(reading([2, 5, 4, 7], [1, 1, 0, 0], [0.999, 0.1, 0.1, 0.1]), ["47", "25"])
    assert scored["whole"] == 0 and scored["rejected"] == 1
    assert scored["read_right"] == 4 and scored["right_rejected"] == 1


def test_a_misread_digit_that_is_rejected_is_not_read_right() -> None:
    scored = score(reading([4, 1, 2], [0, 0, 0], [0.1, 0.999, 0.1]), ["472"])
    assert scored["rejected"] == 1 and scored["read_right"] == 2 and scored["right_rejected"] == 0
