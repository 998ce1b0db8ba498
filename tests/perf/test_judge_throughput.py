"""``perf/judge_throughput.py`` run for one round on a tiny random judge: every arm runs on the same
pairs, the official arm decodes the budgets it is given, the report has every figure. Nothing is timed
against anything here; speed figures come from running the script itself."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch
from support.random_qwen_vl import random_components

from genjudge.judges.prompts import VERDICT_STRINGS

SCRIPT = Path(__file__).resolve().parents[2] / "perf" / "judge_throughput.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("judge_throughput", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_one_round_runs_all_arms_on_the_same_pairs(bench):
    # bfloat16, as on a GPU: the CPU benchmark run itself covers float32
    model, inputs = random_components("tiny", dtype=torch.bfloat16)
    shape = bench.PairShape(
        pairs=2, input_tokens=8, output_steps=2, tokens_per_output=12, images_per_output=1, image_side=56
    )
    pairs = bench.make_pairs(shape, inputs.tokenizer)
    workload = bench.build_workload(
        model, inputs, pairs, batch_size=2, full_budget=6, device="cpu", max_batch_tokens=2000
    )
    bench.warm_up(workload)
    timings = bench.time_rounds(workload, rounds=1, progress=False)

    assert {arm: len(seconds) for arm, seconds in timings.wall.items()} == dict.fromkeys(bench.ARMS, 1)
    assert workload.verdict_budgets == [
        len(inputs.token_ids(VERDICT_STRINGS[winner])) + 1 for winner in workload.winners
    ]
    # a random model may end its reply early, never late
    assert 0 < timings.decoded_tokens["official_verdict"] <= sum(workload.verdict_budgets)
    assert 0 < timings.decoded_tokens["official_full"] <= 6 * len(pairs)
    # the prefill arm runs exactly arm A's forward passes: every pair once
    assert sum(batch["input_ids"].shape[0] for batch in workload.prefill_batches) == len(pairs)
    assert set(bench.ratios(timings.cpu)) == {
        "speedup_over_official_verdict",
        "speedup_over_official_full",
        "genjudge_over_prefill",
        "official_verdict_over_prefill",
    }


def test_the_official_budget_is_read_from_the_official_generate_call(bench):
    line = "    generated_ids = model.generate(**inputs, max_new_tokens=128)\n"
    assert bench.official_token_budget(line) == 128
    with pytest.raises(SystemExit, match="official decoding changed"):
        bench.official_token_budget("generated_ids = model.generate(**inputs)")


def test_spread_gives_median_range_and_quartiles(bench):
    assert bench.spread([4.0, 1.0, 3.0, 2.0, 5.0]) == {
        "median": 3.0,
        "min": 1.0,
        "max": 5.0,
        "q1": 2.0,
        "q3": 4.0,
    }
