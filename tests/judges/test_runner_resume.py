"""A judging run killed with SIGKILL resumes without losing or recomputing any verdict."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
N_ITEMS = 40
BATCH = 4

# The judging process: a deterministic judge that logs every question it actually judges to a file,
# one line each, flushed immediately. Given a batch count, it stops for good once that many batches
# are judged (and stored), so the test kills it mid-run however slowly the machine runs.
SCRIPT = (
    textwrap.dedent(
        """
    import json, sys, time
    from genjudge.judges.protocol import PairwiseItem, Verdict
    from genjudge.judges.runner import judge_pairs
    from genjudge.core.records import Step

    cache_path, calls_path, out_path, hold_after = sys.argv[1:5]

    class SlowJudge:
        judge_id, revision, prompt_version = "test/slow", "1", "p1"
        batches = 0

        def judge_batch(self, items):
            if self.batches == int(hold_after):
                while True:  # until killed
                    time.sleep(1)
            self.batches += 1
            with open(calls_path, "a") as log:
                for item in items:
                    log.write(item.question[0].text + "\\n")
            verdicts = []
            for item in items:
                n = int(item.question[0].text[1:])
                winner = ["A", "B", "Tie(A)", "Tie(B)"][n % 4]
                verdicts.append(Verdict(winner, {winner: 0.55 + n / 1000}, raw=f"reply {n}"))
            return verdicts

    items = [
        PairwiseItem((Step(f"q{n}"),), (Step(f"a{n}"),), (Step(f"b{n}"),), (Step("gold"),))
        for n in range(N_ITEMS)
    ]
    run = judge_pairs(SlowJudge(), items, cache=cache_path, batch_size=BATCH, progress=False)
    with open(out_path, "w") as out:
        json.dump([[p.verdict.winner, dict(p.verdict.probabilities), p.verdict.raw] for p in run], out)
    """
    )
    .replace("N_ITEMS", str(N_ITEMS))
    .replace("BATCH", str(BATCH))
)


def _start(cache: Path, calls: Path, out: Path, hold_after: int = -1) -> subprocess.Popen:
    """The judging process; with ``hold_after`` it stops (for good) after that many batches."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(cache), str(calls), str(out), str(hold_after)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _stored(cache: Path) -> int:
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(cache, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@pytest.mark.slow
def test_killed_run_resumes_without_losing_or_redoing_verdicts(tmp_path):
    cache = tmp_path / "verdicts.sqlite"
    killed = _start(cache, tmp_path / "calls-1.txt", tmp_path / "out-1.json", hold_after=3)
    deadline = time.monotonic() + 120
    while _stored(cache) < 3 * BATCH:
        assert killed.poll() is None, killed.stderr.read().decode()
        assert time.monotonic() < deadline, "the judging process never stored three batches"
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL

    survived = _stored(cache)
    assert survived == 3 * BATCH, "killed mid-run, after three batches"
    judged_before = _lines(tmp_path / "calls-1.txt")
    assert not (tmp_path / "out-1.json").exists()

    resumed = _start(cache, tmp_path / "calls-2.txt", tmp_path / "out-2.json")
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    judged_after = _lines(tmp_path / "calls-2.txt")

    # Exactly the verdicts that were not stored get computed on resume: none lost, none redone.
    with sqlite3.connect(cache) as conn:
        stored_questions = conn.execute("SELECT COUNT(DISTINCT key) FROM verdicts").fetchone()[0]
    assert stored_questions == N_ITEMS == _stored(cache)
    assert len(judged_after) == N_ITEMS - survived
    assert set(judged_before[:survived]).isdisjoint(judged_after)
    assert set(judged_before) | set(judged_after) == {f"q{n}" for n in range(N_ITEMS)}

    # And the final results equal a run that was never interrupted.
    fresh = _start(tmp_path / "fresh.sqlite", tmp_path / "calls-3.txt", tmp_path / "out-3.json")
    assert fresh.wait(timeout=120) == 0, fresh.stderr.read().decode()
    resumed_results = json.loads((tmp_path / "out-2.json").read_text())
    assert resumed_results == json.loads((tmp_path / "out-3.json").read_text())
    assert len(resumed_results) == N_ITEMS
