"""The resumable runner: only missing items are made, each output appears whole, failures are kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from genjudge.generation.protocol import Failed, GenerationError, ItemFailure
from genjudge.generation.resumable import FAILURES_NAME, WorkItem, remove_stale_temps, run_items


def items(folder: Path, count: int) -> list[WorkItem[str]]:
    return [WorkItem(f"{n:03d}", folder / f"{n:03d}.txt", f"prompt {n}") for n in range(1, count + 1)]


class Recorder:
    """A producer that upper-cases prompts and remembers every batch it was asked for."""

    def __init__(self, fail: set[str] = frozenset(), raise_on: set[str] = frozenset()) -> None:
        self.batches: list[list[str]] = []
        self.fail, self.raise_on = fail, raise_on

    def __call__(self, prompts: list[str]) -> list[str | Failed]:
        self.batches.append(prompts)
        if self.raise_on & set(prompts):
            raise RuntimeError("the model crashed on this batch")
        return [Failed("refused by the model") if p in self.fail else p.upper() for p in prompts]

    @property
    def asked(self) -> list[str]:
        return [p for batch in self.batches for p in batch]


def run(work, producer, **options):
    return run_items(work, producer, str.encode, progress=False, **options)


def test_a_run_makes_every_item_in_batches_and_a_rerun_makes_nothing(tmp_path):
    work = items(tmp_path, 5)
    producer = Recorder()
    report = run(work, producer, batch_size=2)
    assert producer.batches == [["prompt 1", "prompt 2"], ["prompt 3", "prompt 4"], ["prompt 5"]]
    assert (tmp_path / "004.txt").read_text() == "PROMPT 4"
    assert (report.made, report.already_done, report.failed, report.complete) == (5, 0, 0, True)

    again = Recorder()
    report = run(work, again, batch_size=2)
    assert again.batches == []
    assert (report.made, report.already_done) == (0, 5)


def test_an_item_the_model_refuses_is_recorded_and_the_run_goes_on(tmp_path):
    work = items(tmp_path, 4)
    log = tmp_path / FAILURES_NAME
    report = run(work, Recorder(fail={"prompt 2"}), batch_size=3, failures_log=log)
    assert report.failures == (ItemFailure("002", "refused by the model"),)
    assert not (tmp_path / "002.txt").exists() and (tmp_path / "004.txt").exists()
    assert [json.loads(line) for line in log.read_text().splitlines()] == [
        {"key": "002", "reason": "refused by the model"}
    ]
    assert "1 failed of 4" in report.summary() and "002: refused by the model" in report.summary()

    retry = Recorder()
    report = run(work, retry, failures_log=log)
    assert retry.asked == ["prompt 2"] and report.complete
    assert not log.exists()


def test_a_batch_that_raises_fails_its_items_only(tmp_path):
    report = run(items(tmp_path, 4), Recorder(raise_on={"prompt 3"}), batch_size=2)
    assert [f.key for f in report.failures] == ["003", "004"]
    assert report.failures[0].reason == "RuntimeError: the model crashed on this batch"
    assert report.made == 2


def test_a_setup_error_stops_the_run_and_keeps_what_was_made(tmp_path):
    def produce(prompts: list[str]) -> list[str]:
        if "prompt 3" in prompts:
            raise GenerationError("out of GPU memory: lower --batch-size")
        return prompts

    with pytest.raises(GenerationError, match="lower --batch-size"):
        run(items(tmp_path, 4), produce)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["001.txt", "002.txt"]


def test_a_model_that_fails_everything_stops_early_with_the_reason(tmp_path):
    producer = Recorder(fail={f"prompt {n}" for n in range(1, 101)})
    with pytest.raises(GenerationError, match=r"first 4 items all failed.*004: refused by the model"):
        run(items(tmp_path, 100), producer, give_up_after=4)
    assert len(producer.asked) <= 5  # the next item may already be under way


def test_a_hanging_generation_is_abandoned_at_its_deadline_and_the_run_goes_on(tmp_path):
    release = threading.Event()

    def produce(prompts: list[str]) -> list[str]:
        if "prompt 2" in prompts:
            release.wait(60)
        return prompts

    try:
        report = run(items(tmp_path, 3), produce, item_deadline=0.5)
    finally:
        release.set()
    assert [f.key for f in report.failures] == ["002"]
    assert "per-item deadline 0.5 s" in report.failures[0].reason
    assert (tmp_path / "003.txt").exists()


def test_a_second_hang_while_the_first_is_stuck_stops_the_run(tmp_path):
    release = threading.Event()

    def produce(prompts: list[str]) -> list[str]:
        if prompts[0] in ("prompt 1", "prompt 3"):
            release.wait(60)
        return prompts

    try:
        with pytest.raises(GenerationError, match="device looks stuck"):
            run(items(tmp_path, 4), produce, item_deadline=0.3)
    finally:
        release.set()


def test_temp_files_of_a_killed_run_are_cleared_and_empty_outputs_are_redone(tmp_path):
    work = items(tmp_path, 2)
    (tmp_path / ".001.txt.0123456789ab.tmp").write_text("PROMPT")
    (tmp_path / ".notes.0123456789ab.tmp").write_text("not ours")
    (tmp_path / "002.txt").write_bytes(b"")
    assert remove_stale_temps(work) == 1
    producer = Recorder()
    run(work, producer)
    assert producer.asked == ["prompt 1", "prompt 2"]
    assert (tmp_path / ".notes.0123456789ab.tmp").exists()


def test_items_must_not_share_a_key_or_a_path(tmp_path):
    with pytest.raises(ValueError, match="share the key 001"):
        run([WorkItem("001", tmp_path / "a", "x"), WorkItem("001", tmp_path / "b", "y")], Recorder())
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        run(items(tmp_path, 1), Recorder(), batch_size=0)


_KILLED_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from genjudge.generation.resumable import WorkItem, run_items

    folder = Path(sys.argv[1])
    work = [WorkItem(f"{n:03d}", folder / f"{n:03d}.bin", n) for n in range(1, 41)]

    def produce(numbers):
        time.sleep(0.05 * len(numbers))
        return numbers

    run_items(work, produce, lambda n: bytes([n]) * 2_000_000, batch_size=2, progress=False)
    """
)


def test_kill_9_mid_run_then_a_rerun_makes_only_the_missing_items(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(tmp_path)], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("*.bin"))) < 6:
            assert child.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    survivors = {p.name: p.read_bytes() for p in tmp_path.glob("*.bin")}
    assert 6 <= len(survivors) < 40
    for name, data in survivors.items():  # every output there is whole
        assert data == bytes([int(name[:3])]) * 2_000_000

    asked: list[int] = []

    def produce(numbers: list[int]) -> list[int]:
        asked.extend(numbers)
        return numbers

    work = [WorkItem(f"{n:03d}", tmp_path / f"{n:03d}.bin", n) for n in range(1, 41)]
    report = run_items(work, produce, lambda n: bytes([n]) * 2_000_000, batch_size=2, progress=False)
    assert sorted(f"{n:03d}.bin" for n in asked) == sorted(
        set(f"{n:03d}.bin" for n in range(1, 41)) - set(survivors)
    )
    assert report.already_done == len(survivors) and report.complete
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n:03d}.bin" for n in range(1, 41)]
