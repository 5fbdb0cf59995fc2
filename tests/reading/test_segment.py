"""Choosing the partition of a line's atoms, with and without the digit counter's prior (no model needed)."""

from __future__ import annotations

import numpy as np

from digit_recognizer.reading.drawing import MIN_DIGIT_SIZE, render_strokes
from digit_recognizer.reading.segment import Candidates, choose, propose
from digit_recognizer.synthetic import strokes as s


def touching_pair() -> Candidates:
    """"00" whose circles touch: one piece of ink, cut by seams into atoms."""
    candidates = propose(render_strokes(s.zero(150, 100, 150) + s.zero(240, 100, 150)), MIN_DIGIT_SIZE)
    assert len(candidates.wide_of) == 1 and candidates.wide.shape[1:] == (28, 88, 1)
    return candidates


def test_a_count_prior_reads_a_piece_as_that_many_items() -> None:
    candidates = touching_pair()
    whole = int(candidates.wide_of[0])
    scores = np.full(len(candidates), -2.0)
    scores[whole] = -1.0  # the whole piece scores best alone, but less than 4.6 nats (log 0.01) above two halves
    assert choose(candidates, scores) == [whole]
    two = np.log([0.01, 0.97, 0.01, 0.01])
    chosen = choose(candidates, scores, {whole: two})
    assert len(chosen) == 2 and whole not in chosen
    spans = [candidates.spans[index] for index in chosen]
    assert spans[0][1] == 0 and spans[0][2] == spans[1][1] and spans[1][2] == candidates.atoms_per_line[0]


def test_a_prior_agreeing_with_the_best_partition_changes_nothing() -> None:
    candidates = touching_pair()
    rng = np.random.default_rng(0)
    for _ in range(20):
        scores = rng.normal(-2, 1, len(candidates))
        plain = choose(candidates, scores)
        prior = np.full(4, np.log(0.01))
        prior[len(plain) - 1] = 0.0
        assert choose(candidates, scores, {int(candidates.wide_of[0]): prior}) == plain


def test_slot_scores_choose_between_readings_with_as_many_items() -> None:
    """Two partitions of a touching pair into two items that score alike alone: the string reader's slot scores
    decide between them, and slot scores of zero change nothing."""
    candidates = touching_pair()
    whole = int(candidates.wide_of[0])
    atoms = candidates.atoms_per_line[0]
    assert atoms >= 3
    by_span = {candidates.spans[index][1:]: index for index in range(len(candidates))}
    left_short, right_long = by_span[(0, 1)], by_span[(1, atoms)]
    left_long, right_short = by_span[(0, atoms - 1)], by_span[(atoms - 1, atoms)]
    scores = np.full(len(candidates), -5.0)
    scores[[left_short, right_long, left_long, right_short]] = -1.0
    two = np.log([0.01, 0.97, 0.01, 0.01])
    tied = choose(candidates, scores, {whole: two})
    assert choose(candidates, scores, {whole: two}, {whole: np.zeros((4, 4, len(candidates)))}) == tied
    for wanted in ([left_short, right_long], [left_long, right_short]):
        slots = np.zeros((4, 4, len(candidates)))
        slots[1, 0, wanted[0]] = slots[1, 1, wanted[1]] = 0.5
        assert choose(candidates, scores, {whole: two}, {whole: slots}) == wanted
