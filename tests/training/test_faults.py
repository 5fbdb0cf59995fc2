"""Faults a real user causes: two runs into one folder."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.training.config import BACKUP_DIRNAME, STATE_DIRNAME
from digit_recognizer.training.data import RawMnist
from digit_recognizer.training.run_lock import LOCK_NAME
from tests.conftest import kill_when, run_cli


@pytest.mark.slow
def test_a_second_run_into_the_same_folder_is_refused_and_the_first_finishes(tmp_path: Path,
                                                                            mnist_path: Path) -> None:
    args = ["--data", str(mnist_path), "--limit", "2000", "--models", "ann,cnn", "--epochs", "1", "--output-dir",
            str(tmp_path), "--quiet"]
    first = subprocess.Popen([sys.executable, str(REPO_ROOT / "test.py"), *args], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = tmp_path / LOCK_NAME
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert first.poll() is None and time.monotonic() < deadline, "the first run never took the folder"
            time.sleep(0.05)
        second = run_cli(*args)
        assert second.returncode == 2
        assert f"in use by another run (PID {first.pid})" in second.stderr and "Traceback" not in second.stderr
        _, errors = first.communicate(timeout=300)
        assert first.returncode == 0, errors[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
    assert (tmp_path / "results.json").is_file()
    again = run_cli(*args)
    assert again.returncode == 0, "the lock died with its run: a later run takes the folder"


@pytest.mark.slow
def test_training_that_diverges_stops_with_one_sentence_and_writes_no_garbage(tmp_path: Path,
                                                                              mnist_path: Path) -> None:
    done = run_cli("--data", str(mnist_path), "--limit", "600", "--models", "ann", "--epochs", "2", "--lr", "1e10",
                   "--output-dir", str(tmp_path), "--quiet")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "no longer a number" in done.stderr and "--lr" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "results.json").exists() and not (tmp_path / "models" / "ann.keras").exists()


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["empty metadata, earlier epoch kept", "truncated weights, nothing earlier"])
def test_a_damaged_checkpoint_is_repaired_or_discarded_never_a_crash_loop(tmp_path: Path, mnist_path: Path,
                                                                         damage: str) -> None:
    args = ["--data", str(mnist_path), "--limit", "2000", "--models", "cnn", "--epochs", "3", "--output-dir",
            str(tmp_path), "--quiet"]
    backup = tmp_path / STATE_DIRNAME / "cnn" / BACKUP_DIRNAME
    if damage.startswith("empty"):
        kill_when(args, backup / "training_metadata.json.bkp")
        (backup / "training_metadata.json").write_text("")
        expected = "resuming from the epoch before it"
    else:
        kill_when(args, backup / "training_metadata.json")
        weights = backup / "latest.weights.h5"
        weights.write_bytes(weights.read_bytes()[:1000])
        expected = "training it from the start"
    rerun = run_cli(*args)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert expected in rerun.stdout and "Traceback" not in rerun.stderr
    assert (tmp_path / "models" / "cnn.keras").is_file()


@pytest.mark.slow
def test_temporary_files_of_a_killed_save_are_cleaned_up(tmp_path: Path, mnist_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    stale = models / ".cnn.k3j_9x2a.keras"  # what a save killed mid-write leaves
    stale.write_bytes(b"\0" * 1000)
    kept = [models / ".gitkeep", tmp_path / ".notes.txt", models / "mine.keras"]
    for path in kept:
        path.write_text("not ours")
    done = run_cli("--data", str(mnist_path), "--limit", "600", "--models", "ann", "--epochs", "1", "--output-dir",
                   str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not stale.exists() and "removed 1 unfinished temporary file" in done.stdout
    assert all(path.exists() for path in kept)


@pytest.mark.parametrize(("args", "message"), [
    (["--seed", "-1"], "must be between 0 and 4,294,967,295"),
    (["--devices", "banana", "--strategy", "mirrored"], "'banana' is not a device name"),
    (["--devices", "/gpu:0"], "add --strategy mirrored"),
    (["--devices", "/gpu:5", "--strategy", "mirrored"], "which this machine does not have"),
])
def test_bad_options_get_one_sentence(tmp_path: Path, mnist_path: Path, args: list[str], message: str) -> None:
    done = run_cli("--data", str(mnist_path), "--models", "ann", "--limit", "10", "--epochs", "1", "--output-dir",
                   str(tmp_path), "--quiet", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_data_files_that_are_not_mnist_archives_get_one_sentence(tmp_path: Path, mnist_path: Path) -> None:
    single = tmp_path / "x.npy"
    np.save(single, np.zeros(3))
    damaged = tmp_path / "damaged.npz"
    data = bytearray(mnist_path.read_bytes())
    data[2000:2400] = bytes(b ^ 0xFF for b in data[2000:2400])
    damaged.write_bytes(bytes(data))
    for path, message in ((single, "holds a single array (.npy)"), (damaged, "download mnist.npz again")):
        done = run_cli("--data", str(path), "--models", "ann", "--limit", "10", "--epochs", "1", "--output-dir",
                       str(tmp_path / "out"), "--quiet")
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr[-800:]


def test_data_too_small_to_split_gets_one_sentence(tmp_path: Path, mnist: RawMnist) -> None:
    tiny = tmp_path / "one.npz"
    np.savez(tiny, x_train=mnist.x_train[:1], y_train=mnist.y_train[:1], x_test=mnist.x_test[:10],
             y_test=mnist.y_test[:10])
    done = run_cli("--data", str(tiny), "--models", "ann", "--limit", "10", "--epochs", "1", "--output-dir",
                   str(tmp_path / "out"), "--quiet")
    assert done.returncode == 2 and "the train split is empty" in done.stderr and "Traceback" not in done.stderr


def test_a_cluster_listing_a_worker_as_a_string_is_refused() -> None:
    from digit_recognizer.training.distribute import read_cluster

    with pytest.raises(UserError, match="each task type must list its addresses"):
        read_cluster('{"cluster": {"worker": "localhost:1234"}, "task": {"type": "worker", "index": 0}}')


def test_an_unbuilt_model_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    import keras

    from digit_recognizer.reading.loading import load_model

    keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]).save(
        tmp_path / "cnn.keras")
    with pytest.raises(UserError, match=r"could not be loaded .*retrain it with `python test\.py --models cnn`"):
        load_model(tmp_path / "cnn.keras", "cnn")


def test_a_folder_where_a_result_file_goes_gets_one_sentence(tmp_path: Path, mnist_path: Path) -> None:
    (tmp_path / "results.md").mkdir()
    done = run_cli("--data", str(mnist_path), "--models", "ann", "--limit", "300", "--epochs", "1", "--output-dir",
                   str(tmp_path), "--quiet")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"could not write {tmp_path / 'results.md'}: it is a folder" in done.stderr


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, where this machine lets us mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.decode().strip() or 'not permitted'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_gets_one_sentence(tiny_disk: Path, mnist_path: Path) -> None:
    done = run_cli("--data", str(mnist_path), "--models", "ann", "--limit", "300", "--epochs", "1", "--output-dir",
                   str(tiny_disk), "--quiet")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "not enough space in" in done.stderr and "Traceback" not in done.stderr
