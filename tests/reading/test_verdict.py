"""The verdict's rules, in their order: each item is shown by the first rule that applies to it."""

from __future__ import annotations

from dataclasses import replace

from digit_recognizer.reading import verdict
from digit_recognizer.reading.verdict import DIGIT, NOT_A_DIGIT, TOO_SMALL, UNSURE, Evidence, Thresholds, judge

DIGIT_LIKE = Evidence(too_small=False, confidence=0.99, whole=0.95, other=0.01, flat=False)
LIMITS = Thresholds()


def alone(item: Evidence) -> tuple[str, str]:
    return judge([item], [0], LIMITS)[0]


def test_a_clear_digit_is_a_digit_and_a_doubtful_one_unsure() -> None:
    assert alone(DIGIT_LIKE) == (DIGIT, "")
    assert alone(replace(DIGIT_LIKE, confidence=verdict.UNSURE_BELOW - 0.01)) == (UNSURE, "")


def test_each_rule_gives_its_verdict_and_reason() -> None:
    assert alone(replace(DIGIT_LIKE, too_small=True)) == (TOO_SMALL, "draw it bigger")
    assert alone(replace(DIGIT_LIKE, other=0.8)) == (NOT_A_DIGIT, "80% sure")
    assert alone(replace(DIGIT_LIKE, flat=True)) == (NOT_A_DIGIT, "too flat for a digit")


def test_the_first_rule_that_applies_decides() -> None:
    everything = replace(DIGIT_LIKE, too_small=True, other=0.9, flat=True, whole=0.0, confidence=0.1)
    assert alone(everything)[0] == TOO_SMALL
    assert alone(replace(everything, too_small=False)) == (NOT_A_DIGIT, "90% sure")
    assert alone(replace(everything, too_small=False, other=0.0)) == (NOT_A_DIGIT, "too flat for a digit")
    assert [rule.verdict for rule in verdict.RULES][-1] == UNSURE


def test_beside_a_digit_the_verifier_must_be_surer() -> None:
    doubtful = replace(DIGIT_LIKE, other=(verdict.NOT_A_DIGIT_FROM + verdict.AMONG_DIGITS_FROM) / 2)
    sure = replace(DIGIT_LIKE, other=(1 + verdict.AMONG_DIGITS_FROM) / 2)
    assert [v for v, _ in judge([DIGIT_LIKE, doubtful], [0, 0], LIMITS)] == [DIGIT, DIGIT]
    assert [v for v, _ in judge([DIGIT_LIKE, sure], [0, 0], LIMITS)] == [DIGIT, NOT_A_DIGIT]
    # On another line, or beside an item that does not pass itself, it is judged as if alone.
    assert [v for v, _ in judge([DIGIT_LIKE, doubtful], [0, 1], LIMITS)] == [DIGIT, NOT_A_DIGIT]
    assert verdict.beside_digits([doubtful, doubtful], [0, 0], LIMITS) == [False, False]
    assert verdict.beside_digits([replace(DIGIT_LIKE, too_small=True), doubtful], [0, 0], LIMITS) == [False, False]
