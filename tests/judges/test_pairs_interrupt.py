"""Ctrl-C during ``genjudge judge pairs --cache``: the command says how many verdicts the cache
keeps and prints the command that resumes, and that command judges only what is left."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.chat_server import VerdictServer, completion

from genjudge.benchmarks.opening import sample_dir
from genjudge.judges.cache import VerdictCache


def stored(cache: Path) -> int:
    if not cache.is_file():
        return 0
    with VerdictCache(cache) as opened:
        return len(opened)


def pairs_command(server: VerdictServer, tmp_path: Path) -> list[str]:
    sample = sample_dir()
    command = ["judge", "pairs", "--benchmark", str(sample), "--judge", "api", "--endpoint", server.url]
    for folder in sorted((sample / "gen_outputs").iterdir()):
        command += ["--outputs", str(folder)]
    options = ("api_key_env=GENJUDGE_NO_KEY", "max_concurrency=1")
    command += [arg for option in options for arg in ("--option", option)]
    return [*command, "--batch-size", "2", "--cache", str(tmp_path / "verdicts.sqlite")]


def test_ctrl_c_says_what_the_cache_keeps_and_how_to_resume(tmp_path):
    server = VerdictServer(delay=0.2)
    server.respond = lambda request: completion("A is better")
    cache = tmp_path / "verdicts.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "genjudge", *pairs_command(server, tmp_path), "--out", "v.json"]
    child = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 300
        while stored(cache) < 4:
            assert child.poll() is None, child.stdout.read()
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=120)
    finally:
        child.kill()

    kept = stored(cache)
    assert child.returncode == 130, output
    assert f"Interrupted: {cache} keeps {kept} verdicts judged in this run ({kept} in all)" in output
    assert not (tmp_path / "v.json").exists()
    resume = output.split("Resume with the same command")[1].splitlines()[1].strip()
    assert shlex.split(resume) == ["genjudge", *command[3:]]

    asked = len(server.requests)
    again = subprocess.run(
        [sys.executable, "-m", "genjudge", *shlex.split(resume)[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    server.kill()
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(server.requests) - asked == stored(cache) - kept, "kept verdicts are not asked again"
