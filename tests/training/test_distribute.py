"""Distribution: mirrored over two logical CPU devices, and two worker processes, learn like one device."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from digit_recognizer.errors import UserError
from digit_recognizer.outputs.paths import REPO_ROOT
from digit_recognizer.reading import loading
from digit_recognizer.training import distribute
from digit_recognizer.training.data import Splits
from tests.conftest import run_cli


def _record(out: Path, name: str) -> dict:
    return json.loads((out / "results.json").read_text())["models"][name]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tf_config(ports: list[int], index: int) -> str:
    workers = [f"127.0.0.1:{port}" for port in ports]
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


@pytest.mark.parametrize(
    ("model", "score"),
    [
        ("ann", "test_accuracy"),
        # A few hundred steps at a high rate leave the CNN's batch-norm moving statistics (and so its
        # inference-mode accuracy) far behind its weights on one device as on two; what two replicas must
        # reproduce is the training itself.
        ("cnn", "train_accuracy"),
    ],
)
@pytest.mark.slow
def test_mirrored_over_two_cpu_devices_matches_one_device(
    model: str, score: str, tmp_path: Path, mnist_path: Path
) -> None:
    common = ["--data", str(mnist_path), "--limit", "4000", "--models", model, "--epochs", "3", "--lr", "1e-3",
              "--quiet"]
    mirrored = run_cli(*common, "--split-cpu", "2", "--output-dir", str(tmp_path / "mirrored"))
    assert mirrored.returncode == 0, mirrored.stderr[-3000:]
    single = run_cli(*common, "--batch-size", "64", "--output-dir", str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-3000:]
    two, one = _record(tmp_path / "mirrored", model), _record(tmp_path / "single", model)
    assert (two["strategy"], two["replicas"], two["batch_size"]) == ("mirrored", 2, 32), "batch is per replica"
    assert (one["strategy"], one["replicas"], one["batch_size"]) == ("default", 1, 64)
    assert "steps per execution set to 1" in mirrored.stdout
    assert two[score] > 0.85 and abs(two[score] - one[score]) < 0.03, (two, one)


@pytest.mark.slow
def test_vgg16_trains_mirrored(tmp_path: Path, mnist_path: Path) -> None:
    """VGG16's one-pixel layers read their kernel's live tap from a mirrored variable too (one epoch of 600)."""
    done = run_cli("--data", str(mnist_path), "--limit", "600", "--models", "vgg16", "--epochs", "1", "--quiet",
                   "--split-cpu", "2", "--output-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    record = _record(tmp_path, "vgg16")
    assert (record["strategy"], record["replicas"]) == ("mirrored", 2)


@pytest.mark.slow
def test_two_workers_train_together_and_only_the_chief_writes(tmp_path: Path, mnist_path: Path) -> None:
    common = ["--data", str(mnist_path), "--limit", "4000", "--models", "ann", "--epochs", "3", "--lr", "1e-3",
              "--quiet"]
    ports = [_free_port(), _free_port()]
    workers = [
        subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "test.py"), *common, "--strategy", "multiworker",
             "--output-dir", str(tmp_path / f"worker{index}")],
            cwd=REPO_ROOT, env={**os.environ, distribute.TF_CONFIG: _tf_config(ports, index)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for index in (0, 1)
    ]
    try:
        outputs = [worker.communicate(timeout=400) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr[-3000:]
    assert "the chief (worker 0) writes the outputs" in outputs[1][0]
    assert not (tmp_path / "worker1").exists(), "only the chief writes"
    chief = tmp_path / "worker0"
    assert (chief / "plots" / "ann_confusion.png").is_file() and (chief / "plots" / "ann_report.json").is_file()
    model = loading.load_model(chief / "models" / "ann.keras", "ann")
    assert model.count_params() == 468_874
    two = _record(chief, "ann")
    assert (two["strategy"], two["replicas"], two["workers"], two["batch_size"]) == ("multiworker", 2, 2, 32)
    single = run_cli(*common, "--batch-size", "64", "--output-dir", str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-3000:]
    one = _record(tmp_path / "single", "ann")
    assert two["test_accuracy"] > 0.85 and abs(two["test_accuracy"] - one["test_accuracy"]) < 0.03, (two, one)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (None, "needs $TF_CONFIG"),
        ("{not json", "is not valid"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}', "is not in its cluster"),
        ('{"cluster": {}, "task": {"type": "worker", "index": 0}}', "must list workers"),
    ],
)
def test_bad_tf_config_is_refused_clearly(text: str | None, problem: str) -> None:
    with pytest.raises(UserError, match=problem.replace("$", r"\$")):
        distribute.read_cluster(text)


def test_chief_task_comes_first() -> None:
    text = '{"cluster": {"chief": ["c:1"], "worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 1}}'
    assert distribute.read_cluster(text) == distribute.Cluster(("c:1", "w:1", "w:2"), 2)
    assert distribute.read_cluster(text.replace('"worker", "index": 1', '"chief", "index": 0')).is_chief


def test_workers_get_equal_disjoint_shards(mnist) -> None:
    from digit_recognizer.training.data import split

    splits: Splits = split(mnist, limit=1001)
    shards = [distribute.Placement(lambda: None, 3, 1, index, 3).shard(splits) for index in range(3)]
    assert [len(shard.y_train) for shard in shards] == [len(splits.y_train) // 3] * 3
    assert [len(shard.y_val) for shard in shards] == [len(splits.y_val) // 3] * 3
    assert len(shards[0].y_test) == len(splits.y_test), "the test split is the chief's, whole"
    rows = {image.tobytes() for shard in shards for image in shard.x_train}
    assert len(rows) == 3 * (len(splits.y_train) // 3), "no image is trained on by two workers"


def test_bad_tf_config_is_one_sentence_from_the_cli(mnist_path: Path, tmp_path: Path) -> None:
    result = run_cli("--data", str(mnist_path), "--strategy", "multiworker", "--output-dir", str(tmp_path),
                     env={distribute.TF_CONFIG: "{oops"})
    assert result.returncode == 2 and result.stderr.startswith("error: $TF_CONFIG is not valid"), result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_chief_is_one_clear_error() -> None:
    with pytest.raises(UserError, match="could not be reached within 1 s"):
        distribute.wait_for_coordinator(f"127.0.0.1:{_free_port()}", timeout=1)
