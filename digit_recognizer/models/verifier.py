"""The digit verifier: is this 28×28 image one whole digit, part of one or several digits, or no digit at all?

A digit classifier must answer one of ten digits whatever it is shown, and its softmax is confident on
letters, shapes and half digits alike. The verifier sits beside every classifier (the study's models keep
their architectures), trained on what the reader really proposes (``python -m tools.train_verifier``). Its
three classes serve two decisions that must not be mixed: P(whole digit) steers the segmentation (a half
digit or two touching digits is a poor candidate), P(not a digit) rejects letters, shapes and scribbles —
an unusual but complete digit looks "incomplete" to the first and is still a digit to the second.

Two verifiers fitted on different non-digits each learn "not a digit" from the kinds they were shown, and
reject different unseen kinds. Read as a pair (:func:`pair`), either one's "not a digit" counts, while their
P(whole digit) is averaged: the pair rejects what falls outside either one's idea of a digit.
"""

from __future__ import annotations

import keras

from digit_recognizer.catalog import OTHER, PARTS, VERIFIER_CLASSES, WHOLE
from digit_recognizer.geometry import INPUT_SHAPE
from digit_recognizer.models import small


def build() -> keras.Model:
    """A small CNN over one candidate digit, with a softmax over the verifier's classes."""
    return small.build(INPUT_SHAPE, len(VERIFIER_CLASSES), "verifier", "image")


class EitherRejects(keras.layers.Layer):
    """Verifiers' answers (each (n, 3)) as one: P(not a digit) the highest of theirs, P(whole digit) the mean of
    theirs but at most what is left, and digit parts the rest."""

    def call(self, answers: list) -> object:
        stacked = keras.ops.stack(answers)
        other = keras.ops.max(stacked[..., OTHER], axis=0)
        whole = keras.ops.minimum(keras.ops.mean(stacked[..., WHOLE], axis=0), 1 - other)
        columns = {WHOLE: whole, PARTS: keras.ops.maximum(1 - whole - other, 0.0), OTHER: other}
        return keras.ops.stack([columns[index] for index in range(len(VERIFIER_CLASSES))], axis=-1)


def pair(members: list[keras.Model]) -> keras.Model:
    """The verifiers as one model of the same input and classes: either one's rejection counts (one alone is
    returned as it is)."""
    if len(members) == 1:
        return members[0]
    image = keras.Input(INPUT_SHAPE, name="image")
    answers = [keras.Model(member.input, member.output, name=f"member_{index}")(image)
               for index, member in enumerate(members)]
    return keras.Model(image, EitherRejects(name="either_rejects")(answers), name="verifier_pair")
