"""Reading a drawing: candidate digits proposed, scored by the reader, the best partition of the ink chosen.

:func:`read` is the whole reading: :mod:`segment` proposes every way to cut the ink into digits, each candidate is
scored as WHOLE_WEIGHT × log P(whole digit) + log P(top class) (plus the counter's and string reader's word on
a cut piece), the best-scoring partition is kept, and :mod:`verdict` decides how each chosen item is shown.
"""

from __future__ import annotations

import numpy as np

from digit_recognizer.catalog import STRING_SLOTS
from digit_recognizer.reading.forward import log_probability
from digit_recognizer.reading.reader import Reader
from digit_recognizer.reading.result import Reading
from digit_recognizer.reading.segment import Candidates, choose, propose

# A cut piece the verifier gives at least this P(not a digit) as a whole stays whole, however digit-like its parts:
# of 0.97, 0.99 and 0.999, the most cautious, as the three rejected the fit family's non-digits alike (validation
# drawings, Best CNN: 98.5, 98.2, 98.2% against 91.0 without; touching numbers 84.5, 84.7, 84.7 against 84.7%)
# and only it rejected no more touching digits than without (1.1, 1.0, 0.9 against 0.9%).
CERTAINLY_NOT = 0.999
# The score that makes the segmentation keep a candidate: above any total of log-probabilities it competes with.
KEEP_WHOLE = 100.0
# A candidate's score is WHOLE_WEIGHT × log P(whole digit) + log P(top class): of 0.25, 0.5, 0.75 and 1, the
# highest weight at which the fit family's non-digits are rejected about as often as at 0.25 (validation drawings,
# Best CNN: 91.5, 91.2, 88.5, 87.5%), digits reading alike (touching 78.5, 78.5, 78.8, 78.8%). At 1, a W or an N
# cut into strokes outscored itself whole as "1111"; the verifier's doubt about each stroke weighed too much.
WHOLE_WEIGHT = 0.5
# Candidates the verifier gives at least this P(whole digit) are classified at once; the rest only if chosen.
CLASSIFY_FROM = 0.01


def read(reader: Reader, image: np.ndarray, min_size: float | None = None) -> Reading:
    """Find every digit in ``image``: propose candidates, score them with the reader, keep the best partition."""
    candidates = propose(image, min_size)
    if not len(candidates):
        empty = np.zeros((0,), np.float32)
        return Reading(reader.name, [], candidates.batch, [], np.zeros((0, 10), np.float32), empty, empty, [],
                       threshold=reader.unsure_below, reject_from=reader.reject_from,
                       among_digits_from=reader.among_digits_from)
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
    reading = Reading(
        model=reader.name,
        boxes=[candidates.boxes[i] for i in chosen],
        batch=candidates.batch[chosen],
        lines=[candidates.spans[i][0] for i in chosen],
        probabilities=probabilities[chosen],
        digit_probability=whole[chosen],
        other_probability=other[chosen],
        too_small=[bool(candidates.too_small[i]) for i in chosen],
        threshold=reader.unsure_below,
        reject_from=reader.reject_from,
        among_digits_from=reader.among_digits_from,
    )
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
        top = np.where(self.known[indices], log_probability(self.probabilities[indices].max(axis=1)), 0.0)
        return WHOLE_WEIGHT * log_probability(self.whole[indices]) + top

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
