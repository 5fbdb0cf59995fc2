"""The precision option: detection of native bf16, fallbacks, and what mixed precision keeps in float32."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest

from digit_recognizer.catalog import build
from digit_recognizer.training import precision
from digit_recognizer.training.fit import compile_model, xla_wins
from digit_recognizer.training.fused_adam import FusedAdam
from tests.conftest import run_cli
from tests.training.equivalence import train_both_ways


@pytest.fixture
def restore_policy() -> Iterator[None]:
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16\n\nprocessor\t: 1\n")
    assert {"avx512f", "avx512_bf16"} <= precision.cpu_flags(cpuinfo)
    assert precision.cpu_flags(tmp_path / "absent") == set()


def test_auto_picks_bf16_only_where_native(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    monkeypatch.delenv("DNNL_MAX_CPU_ISA", raising=False)
    assert precision.resolve("auto", flags={"avx512f", "avx512_bf16"}) == precision.MIXED_BF16
    assert precision.resolve("auto", flags={"amx_bf16"}) == precision.MIXED_BF16
    assert precision.resolve("auto", flags={"avx2", "avx512f"}) == precision.FLOAT32
    assert precision.resolve("auto", flags=set()) == precision.FLOAT32
    assert precision.resolve("float32", flags={"avx512_bf16"}) == precision.FLOAT32
    assert precision.resolve("mixed_bfloat16", flags=set()) == precision.MIXED_BF16
    with pytest.raises(ValueError, match="unknown precision"):
        precision.resolve("fp8")


@pytest.mark.parametrize(("cap", "native"), [("AVX2", False), ("avx512_core", False), ("AVX512_CORE_BF16", True),
                                             ("AVX512_CORE_AMX", True), ("ALL", True), ("", True)])
def test_a_onednn_isa_cap_below_bf16_means_float32(cap: str, native: bool) -> None:
    environ = {"ONEDNN_MAX_CPU_ISA": cap}
    assert precision.has_native_bf16({"avx512_bf16", "amx_bf16"}, environ) is native
    assert not precision.has_native_bf16({"avx2"}, environ)


# Held below its bfloat16 kernels (ONEDNN_MAX_CPU_ISA=AVX2 on a CPU that has them), oneDNN aborts on bf16 ops.
BF16_KERNELS = pytest.mark.skipif(not precision.isa_allows_bf16(), reason="oneDNN is held below its bf16 kernels")


@BF16_KERNELS
@pytest.mark.parametrize("name", ["ann", "cnn", "vgg16"])
def test_mixed_precision_computes_in_bf16_with_a_float32_softmax(name: str, restore_policy: None) -> None:
    precision.apply(precision.MIXED_BF16)
    model = build(name)
    assert model.layers[0].compute_dtype == "bfloat16"
    assert all(weight.dtype == "float32" for weight in model.weights)
    assert model.layers[-1].compute_dtype == "float32"
    probabilities = model.predict(np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32), verbose=0)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("choice", ["float32", pytest.param("mixed_bfloat16", marks=BF16_KERNELS)])
def test_cli_records_the_precision_used(choice: str, tmp_path: Path, mnist_path: Path) -> None:
    result = run_cli("--data", str(mnist_path), "--limit", "64", "--epochs", "1", "--models", "ann",
                     "--precision", choice, "--output-dir", str(tmp_path), "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((tmp_path / "results.json").read_text())["models"]["ann"]
    assert record["precision"] == choice


def test_cli_refuses_unknown_precision() -> None:
    result = run_cli("--precision", "fp8", "--quiet")
    assert result.returncode == 2 and "invalid choice: 'fp8'" in result.stderr


def test_xla_compiles_float32_models_without_convolutions(restore_policy: None) -> None:
    """The ANN in float32 (where XLA was measured faster); never a convolutional model, never under bfloat16."""
    assert xla_wins(build("ann")) and not xla_wins(build("cnn")) and not xla_wins(build("vgg16"))
    precision.apply(precision.MIXED_BF16)
    assert not xla_wins(build("ann"))


def test_the_ann_trains_the_same_with_xla() -> None:
    """XLA fuses the ops, not the maths: the ANN's 30 steps (fused Adam) end within 1% of how far it moved."""
    moved, differ = train_both_ways(
        lambda xla: compile_model(build("ann"), FusedAdam(1e-3), steps_per_execution=6, jit_compile=xla), steps=30)
    assert moved > 1e-4 and differ < 0.01 * moved, (differ, moved)
