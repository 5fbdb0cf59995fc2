"""The verdict on each item of a reading, in one place: a digit, unsure, not a digit, or too small.

Every item carries its evidence: its size, the classifier's calibrated confidence, the verifier's P(one whole
digit) and P(not a digit), and its shape. The rules of
:data:`RULES` are tried in order and the first that applies decides, with the reason shown to the person; an
item no rule catches is a digit. One fact comes from the item's line: whether another item there passes as a
digit on its own (the first rules, judged at ``reject_from``), since people write digits beside digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# How each item of a reading is shown, from best to worst.
DIGIT, UNSURE, NOT_A_DIGIT, TOO_SMALL = "digit", "unsure", "not a digit", "too small"
# Below this calibrated probability a digit is shown as unsure ("?" and its best guess): the best guess is then
# more likely wrong than right. Of 0.3 to 0.8 in steps of 0.1, the highest at which the training writers' drawings
# read best (Best CNN, 200 drawings per case, read right with nothing flagged, mean over the cases: 97.4% at
# 0.3-0.5, 97.2 at 0.6, 96.6 at 0.7, 95.9 at 0.8; `python -m benchmarks.writers --models best --writers train
# --per-case 200 --unsure-below U`). Above it a flag costs more right digits than it warns of wrong ones.
UNSURE_BELOW = 0.5
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

@dataclass(frozen=True)
class Evidence:
    """What the reading knows of one item."""

    too_small: bool
    confidence: float  # the classifier's calibrated top probability
    whole: float  # the verifier's P(one whole digit)
    other: float  # the verifier's P(not a digit)
    flat: bool  # over TOO_FLAT times as wide as tall


@dataclass(frozen=True)
class Thresholds:
    """The verdict's probabilities that a reader may set: unsure below, not a digit from (alone, beside a digit)."""

    unsure_below: float = UNSURE_BELOW
    reject_from: float = NOT_A_DIGIT_FROM
    among_digits_from: float = AMONG_DIGITS_FROM


@dataclass(frozen=True)
class Rule:
    """One rule: the verdict it gives, the reason shown, and when it applies (the item, whether a digit stands
    beside it, the thresholds)."""

    verdict: str
    reason: Callable[[Evidence], str]
    applies: Callable[[Evidence, bool, Thresholds], bool]


def _verifier_rejects(item: Evidence, beside_a_digit: bool, limits: Thresholds) -> bool:
    """The verifier is sure enough it is no digit, and surer beside a digit."""
    needed = max(limits.reject_from, limits.among_digits_from) if beside_a_digit else limits.reject_from
    return item.other >= needed


RULES: tuple[Rule, ...] = (
    # 1. Smaller than three pen widths: a click or a slip of the pen; the person is asked to draw it bigger.
    Rule(TOO_SMALL, lambda item: "draw it bigger", lambda item, beside, limits: item.too_small),
    # 2. The verifier takes it for no digit.
    Rule(NOT_A_DIGIT, lambda item: f"{item.other:.0%} sure", _verifier_rejects),
    # 3. A dash, an underline, a wave.
    Rule(NOT_A_DIGIT, lambda item: "too flat for a digit", lambda item, beside, limits: item.flat),
    # 4. A digit, but which one is doubtful: shown as "?" and the best guess.
    Rule(UNSURE, lambda item: "", lambda item, beside, limits: item.confidence < limits.unsure_below),
)
# The rules that say an item is no digit by itself: an item that passes them passes as a digit on its own.
ON_ITS_OWN = RULES[1:3]


def passes_alone(item: Evidence, limits: Thresholds) -> bool:
    """Whether the item passes as a digit on its own, whatever stands beside it."""
    return not item.too_small and not any(rule.applies(item, False, limits) for rule in ON_ITS_OWN)


def beside_digits(items: Sequence[Evidence], lines: Sequence[int], limits: Thresholds) -> list[bool]:
    """Per item: another item of its line passes as a digit on its own."""
    passing = [passes_alone(item, limits) for item in items]
    return [any(passing[other] and lines[other] == lines[index] for other in range(len(items)) if other != index)
            for index in range(len(items))]


def judge(items: Sequence[Evidence], lines: Sequence[int], limits: Thresholds) -> list[tuple[str, str]]:
    """Each item's verdict and its reason ("" for a digit or an unsure one), by the first rule that applies."""
    verdicts = []
    for item, beside in zip(items, beside_digits(items, lines, limits), strict=True):
        rule = next((rule for rule in RULES if rule.applies(item, beside, limits)), None)
        verdicts.append((rule.verdict, rule.reason(item)) if rule else (DIGIT, ""))
    return verdicts
