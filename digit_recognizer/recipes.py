"""How each model is trained: the study's settings for its three models, a tuned recipe for the recommended one.

A recipe is the training maths (epochs, learning rate and its schedule, batch, augmentation, weight
averaging); command-line options override any of its first three fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# How many times the Best CNN sees each training writer's pen digit redrawn (digit_recognizer.training.writers).
COPIES = 4


@dataclass(frozen=True)
class Recipe:
    """Training settings for one model."""

    epochs: int
    lr: float
    batch_size: int
    # "constant" (the study) or "cosine": decay to 1% of ``lr`` over the run.
    schedule: str = "constant"
    augment: bool = False
    # Evaluate and ship an exponential moving average of the weights (Adam's ``use_ema``).
    ema: bool = False
    # Redrawings of each training writer's pen digit added to the training split (training.writers); 0: MNIST only.
    writers: int = 0

    def as_record(self) -> dict:
        return asdict(self)


# The study's text: 5 epochs, Adam, learning rate 1e-5, batch 32.
STUDY = Recipe(epochs=5, lr=1e-5, batch_size=32)
# Chosen on the validation split (docs/recommendation.md).
BEST = Recipe(epochs=40, lr=2e-3, batch_size=128, schedule="cosine", augment=True, ema=True, writers=COPIES)

