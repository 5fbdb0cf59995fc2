"""Numeric precision of training: bfloat16 compute where the CPU has native bf16, float32 elsewhere.

Keras's ``mixed_bfloat16`` policy keeps variables in float32 and computes in bfloat16; each builder keeps
its softmax output in float32 so probabilities and the loss stay exact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

AUTO, FLOAT32, MIXED_BF16 = "auto", "float32", "mixed_bfloat16"
CHOICES = (AUTO, FLOAT32, MIXED_BF16)
# CPU flags (Linux /proc/cpuinfo) that mean bfloat16 arithmetic runs natively, not emulated.
BF16_FLAGS = ("avx512_bf16", "amx_bf16")
# oneDNN's kernels can be held below what the CPU has (``ONEDNN_MAX_CPU_ISA=AVX2`` behaves like an AVX2-only CPU);
# its ISA names with native bf16 arithmetic carry one of these, and ALL/DEFAULT mean no cap.
BF16_ISA_TAGS = ("BF16", "AMX", "FP16", "AVX10")
UNCAPPED = ("", "ALL", "DEFAULT")


def isa_allows_bf16(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the oneDNN ISA cap, if any, leaves its native bf16 kernels in use."""
    cap = environ.get("ONEDNN_MAX_CPU_ISA", environ.get("DNNL_MAX_CPU_ISA", "")).strip().upper()
    return cap in UNCAPPED or any(tag in cap for tag in BF16_ISA_TAGS)


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The processor's feature flags; empty where /proc/cpuinfo does not exist (macOS, Windows)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def has_native_bf16(flags: set[str] | None = None, environ: Mapping[str, str] = os.environ) -> bool:
    """The CPU does bf16 natively and oneDNN is not held below the kernels that use it."""
    return isa_allows_bf16(environ) and any(flag in (cpu_flags() if flags is None else flags) for flag in BF16_FLAGS)


def has_gpu() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def resolve(choice: str, flags: set[str] | None = None) -> str:
    """``auto`` → mixed_bfloat16 on a CPU with native bf16 (and no GPU, and oneDNN not capped below it), else
    float32.

    The bf16 speed-up was measured with TensorFlow's oneDNN kernels; other Keras backends get float32.
    """
    if choice not in CHOICES:
        raise ValueError(f"unknown precision {choice!r}; choose from {', '.join(CHOICES)}.")
    if choice != AUTO:
        return choice
    import keras

    if keras.backend.backend() != "tensorflow":
        return FLOAT32
    return MIXED_BF16 if has_native_bf16(flags) and not has_gpu() else FLOAT32


def apply(policy: str) -> None:
    """Set Keras's global dtype policy for models built from now on."""
    import keras

    keras.mixed_precision.set_global_policy(policy)
