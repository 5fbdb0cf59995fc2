"""Whose ink each candidate digit holds, in a composed drawing where every ink pixel's digit is known.

The truth the verifier is taught from (:mod:`tools.train_verifier`), and the measure of the over-segmentation:
the right reading can only be chosen if candidates that are each one whole digit cover the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digit_recognizer.reading.segment import Candidates


@dataclass(frozen=True)
class Ownership:
    """Per candidate: the digit most of its ink belongs to, that digit's share of its ink, and the share of each
    digit's ink it holds."""

    owner: np.ndarray  # (n,) int, 1-based digit in reading order
    share: np.ndarray  # (n,)
    coverage: np.ndarray  # (n, digits + 1): column 0 (no digit) is always 0

    @property
    def held(self) -> np.ndarray:
        """The share of its owner's ink each candidate holds."""
        return self.coverage[np.arange(len(self.owner)), self.owner]

    def whole(self, at_least: float) -> np.ndarray:
        """Candidates that are at least this much one digit's ink and hold at least this much of it."""
        return (self.share >= at_least) & (self.held >= at_least)


def ownership(candidates: Candidates, owners: np.ndarray) -> Ownership:
    """``owners``: per pixel of the drawing, 0 for no ink or k for the k-th digit (the scale of the candidates'
    boxes and masks)."""
    totals = np.bincount(owners.ravel(), minlength=owners.max() + 1)
    counts = np.zeros((len(candidates), len(totals)), np.int64)
    for index, (box, mask) in enumerate(zip(candidates.boxes, candidates.masks, strict=True)):
        counts[index] = np.bincount(owners[box.y : box.bottom, box.x : box.right][mask], minlength=len(totals))
    ink = counts.sum(axis=1)
    counts[:, 0] = 0
    owner = counts.argmax(axis=1)
    share = counts[np.arange(len(counts)), owner] / np.maximum(1, ink)
    return Ownership(owner, share, counts / np.maximum(1, totals))


def segmentable(candidates: Candidates, owners: np.ndarray, at_least: float) -> bool:
    """Whether every line's atoms are covered, left to right, by candidates that are each one whole digit."""
    whole = ownership(candidates, owners).whole(at_least)
    by_end = sorted(np.nonzero(whole)[0], key=lambda index: candidates.spans[index][2])
    for line, count in enumerate(candidates.atoms_per_line):
        reached = {0}
        for index in by_end:
            span_line, first, last = candidates.spans[index]
            if span_line == line and first in reached:
                reached.add(last)
        if count not in reached:
            return False
    return True
