"""The verifier's fitting tool refuses to overwrite the shipped verifier with one fitted for tuning."""

from __future__ import annotations

import pytest

from tools.train_verifier import main


def test_a_verifier_without_the_tuning_writers_needs_a_folder_of_its_own(capsys: pytest.CaptureFixture) -> None:
    assert main(["--without-tuning-writers"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "--models-dir" in error and "Traceback" not in error
