"""What every measurement script reports beside its figures."""

from __future__ import annotations

import pytest

from benchmarks.common import cpu_name


def test_cpu_name_says_when_onednn_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timing taken with oneDNN held to fewer instructions names that limit: it is another machine's figure."""
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    plain = cpu_name()
    assert "oneDNN" not in plain
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_BF16")
    assert cpu_name() == f"{plain}, oneDNN limited to AVX512_CORE_BF16"
