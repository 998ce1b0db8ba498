"""Judging on a local Ray instance (2 CPUs, tiny random judges): the actors' verdicts equal the
in-process runner's, a run resumes with only what the cache misses, and ``--backend ray`` of
``judge pairs`` and ``evalmi score`` fills the very cache (same keys, same values) that the default
backend then reads.

Each Ray run starts worker processes that import torch and build the judge, so the module keeps
to three runs; the workers' identity check is tested in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import genjudge
from genjudge.benchmarks import evalmi, opening
from genjudge.cli import app
from genjudge.core.records import Step
from genjudge.judges.cache import VerdictCache
from genjudge.judges.protocol import PairwiseItem
from genjudge.judges.ray_runner import JudgeWorker
from genjudge.judges.registry import load_judge
from genjudge.judges.runner import judge_as_shown, judge_pairs, probabilities_of
from genjudge.judges.running import JudgeIdentity, JudgeSpec, RayPool, ReadyJudge

ray = pytest.importorskip("ray", reason="the Ray backend needs `pip install 'genjudge[ray]'`")
pytestmark = pytest.mark.slow  # each Ray run starts worker processes that import torch

cli = CliRunner()


@pytest.fixture(scope="module")
def ray_instance():
    """One small local Ray instance for the module; workers import the genjudge under test."""
    source = str(Path(genjudge.__file__).parents[1])
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=80 * 2**20,
        log_to_driver=False,
        runtime_env={
            "env_vars": {
                "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
                "HF_HUB_OFFLINE": "1",
            }
        },
    )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def intjudge_options(tmp_path_factory) -> dict[str, object]:
    from support.random_qwen_vl import save_random_checkpoint

    folder = save_random_checkpoint(tmp_path_factory.mktemp("tiny-intjudge"), "tiny", seed=0)
    return {"model": str(folder), "device": "cpu", "local_files_only": True}


@pytest.fixture(scope="module")
def local_judge(intjudge_options):
    return load_judge("intjudge", **intjudge_options)


def pairs(make_png) -> list[PairwiseItem]:
    return [
        PairwiseItem(
            question=(Step(f"Plan day {n} of a trip.", make_png((40 * n, 90, 200), size=(80, 40))),),
            output_a=(Step("Temples in the morning." * n),),
            output_b=(Step(f"Markets, then the river; day {n}.", make_png((10, 30 * n, 60))),),
        )
        for n in range(1, 5)
    ]


def assert_same_verdicts(run, expected) -> None:
    assert [pair.verdict.winner for pair in run] == [pair.verdict.winner for pair in expected]
    for got, want in zip(run, expected, strict=True):
        for verdict, reference in ((got.forward, want.forward), (got.swapped, want.swapped)):
            assert probabilities_of(verdict) == pytest.approx(probabilities_of(reference), abs=1e-6)


def test_actors_give_the_in_process_verdicts_and_judge_only_what_the_cache_lacks(
    ray_instance, intjudge_options, local_judge, make_png, tmp_path
):
    items = pairs(make_png)
    settings = {"batch_size": 2, "max_image_side": 32, "swap": True, "progress": False}
    expected = judge_pairs(local_judge, items, **settings)
    cache = tmp_path / "verdicts.sqlite"
    judge_pairs(local_judge, items[:2], cache=cache, **settings)  # a run killed half-way

    spec, identity = JudgeSpec("intjudge", intjudge_options), JudgeIdentity.of(local_judge)  # no probe
    run = ReadyJudge(spec, identity, pool=RayPool(actors=1)).run(items, cache=cache, **settings)

    assert (run.n_cached, run.n_judged) == (4, 4)  # both orders of the two missing pairs, nothing else
    assert [pair.cached for pair in run] == [True, True, False, False]
    assert (run.judge_id, run.revision) == (local_judge.judge_id, local_judge.revision)
    assert_same_verdicts(run, expected)
    with VerdictCache(cache) as stored:
        assert len(stored) == 8
    assert judge_pairs(local_judge, items, cache=cache, **settings).n_judged == 0


def test_a_worker_whose_judge_differs_from_the_probed_one_refuses_to_start(intjudge_options, local_judge):
    spec = JudgeSpec("intjudge", intjudge_options)
    identity = JudgeIdentity.of(local_judge)
    other_weights = JudgeIdentity(identity.judge_id, "local-sha256:0123456789abcdef", identity.prompt_version)
    with pytest.raises(RuntimeError, match="every node must hold the same checkpoint"):
        JudgeWorker(spec, other_weights, None, judge_as_shown)


def test_judge_pairs_with_backend_ray_fills_the_cache_the_default_backend_reads(
    ray_instance, intjudge_options, tmp_path
):
    sample = opening.sample_dir()
    args = [
        "judge",
        "pairs",
        "--benchmark",
        str(sample),
        "--judge",
        "intjudge",
        "--cache",
        str(tmp_path / "c"),
    ]
    for model in ("Aurora-Interleave", "Drift-Gen"):
        args += ["--outputs", str(sample / "gen_outputs" / f"{model}_output")]
    args += [f"--option={key}={value}" for key, value in intjudge_options.items()]

    on_ray = cli.invoke(
        app, [*args, "--backend", "ray", "--actors", "1", "--out", str(tmp_path / "ray.json")]
    )
    assert on_ray.exit_code == 0, on_ray.output
    judged = json.loads((tmp_path / "ray.json").read_text())
    assert judged and {record["winner"] for record in judged} <= {"A", "B", "Tie(A)", "Tie(B)"}
    assert f"{len(judged)} verdicts computed, 0 reused" in on_ray.output

    local = cli.invoke(app, [*args, "--out", str(tmp_path / "local.json")])
    assert f"0 verdicts computed, {len(judged)} reused" in local.output
    assert json.loads((tmp_path / "local.json").read_text()) == judged

    missing = [
        *args,
        "--backend",
        "ray",
        "--option",
        f"model={tmp_path / 'nope'}",
        "--out",
        str(tmp_path / "x"),
    ]
    result = cli.invoke(app, missing)
    assert (
        result.exit_code == 2 and "does not exist" in result.output
    )  # the judge's own error, from the probe


def test_evalmi_score_with_backend_ray_fills_the_cache_the_default_backend_reads(ray_instance, tmp_path):
    from support.random_internvl import save_random_checkpoint

    checkpoint = save_random_checkpoint(tmp_path / "tiny-lmm4lmm")
    images = tmp_path / "MyModel"
    shutil.copytree(evalmi.sample_dir() / "Aurora-XL", images)
    args = [
        "evalmi",
        "score",
        "--images",
        str(images),
        "--judge",
        "lmm4lmm-qa",
        "--cache",
        str(tmp_path / "c"),
    ]
    args += ["--option", f"model={checkpoint}", "--option", "device=cpu"]

    on_ray = cli.invoke(app, [*args, "--backend", "ray", "--out", str(tmp_path / "ray.csv")])
    assert on_ray.exit_code == 0, on_ray.output
    scores = pd.read_csv(tmp_path / "ray.csv")
    assert scores["question"].notna().all() and scores["p_yes"].between(0, 1).all()  # one row per question

    local = cli.invoke(app, [*args, "--out", str(tmp_path / "local.csv")])
    assert f"({len(scores)} rows from the cache)" in local.output
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "local.csv"), scores)


def test_without_ray_the_cli_says_which_extra_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)
    sample = opening.sample_dir()
    result = cli.invoke(
        app,
        [
            "judge",
            "pairs",
            "--benchmark",
            str(sample),
            "--backend",
            "ray",
            "--out",
            str(tmp_path / "v.json"),
            "--outputs",
            str(sample / "gen_outputs" / "Aurora-Interleave_output"),
            "--outputs",
            str(sample / "gen_outputs" / "Drift-Gen_output"),
        ],
    )
    assert result.exit_code == 2
    assert "pip install 'genjudge[ray]'" in result.output


def test_judge_pairs_with_the_api_judge_on_ray_writes_verdicts_or_says_why_not(ray_instance, tmp_path):
    """The command printed the API endpoints' counts in a ``finally`` that read the in-process
    judge, which a Ray run never builds: every ``--judge api --backend ray`` run ended in
    ``UnboundLocalError``. The actors reach the same local chat server as the driver would."""
    from support.chat_server import VerdictServer, completion

    server = VerdictServer()
    server.respond = lambda request: completion("B is better")
    sample = opening.sample_dir()
    args = ["judge", "pairs", "--benchmark", str(sample), "--judge", "api", "--backend", "ray"]
    for model in ("Aurora-Interleave", "Drift-Gen"):
        args += ["--outputs", str(sample / "gen_outputs" / f"{model}_output")]
    args += ["--endpoint", server.url, "--option", "api_key_env=GENJUDGE_NO_KEY", "--option", "max_retries=0"]
    try:
        result = cli.invoke(app, [*args, "--out", str(tmp_path / "v.json")])
    finally:
        server.kill()
    assert result.exit_code == 0, (result.output, result.exception)
    verdicts = json.loads((tmp_path / "v.json").read_text())
    assert len(verdicts) == server.total() > 0 and {record["winner"] for record in verdicts} == {"B"}
    assert "API endpoints" not in result.output  # the counts stay in the actors

    down = cli.invoke(app, [*args, "--out", str(tmp_path / "down.json")])  # the server is gone now
    assert down.exit_code == 1, (down.output, down.exception)
    assert "endpoint is down" in down.output and "No verdict file was written" in down.output
    assert not (tmp_path / "down.json").exists()
