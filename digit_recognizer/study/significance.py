"""Paired significance tests on two models' test predictions: exact McNemar with Holm's correction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

ALPHA = 0.05


@dataclass(frozen=True)
class Paired:
    """Discordant pairs and the exact McNemar p-value of a comparison on the same test images."""

    only_reference_right: int  # the variant erred where the reference did not
    only_variant_right: int
    p_value: float


def mcnemar_exact(reference_right: np.ndarray, variant_right: np.ndarray) -> Paired:
    """Exact (binomial) McNemar test on per-image correctness of two prediction sets."""
    reference_right = np.asarray(reference_right, bool)
    variant_right = np.asarray(variant_right, bool)
    if reference_right.shape != variant_right.shape:
        raise ValueError("both prediction sets must cover the same test images")
    b = int(np.sum(reference_right & ~variant_right))
    c = int(np.sum(~reference_right & variant_right))
    both = int(np.sum(reference_right & variant_right))
    neither = int(np.sum(~reference_right & ~variant_right))
    result = mcnemar([[both, b], [c, neither]], exact=True)
    return Paired(b, c, float(result.pvalue))


def holm(p_values: list[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values for a family of comparisons."""
    if not p_values:
        return []
    return [float(p) for p in multipletests(p_values, alpha=ALPHA, method="holm")[1]]
