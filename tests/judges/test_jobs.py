"""The one cached-job runner under both judge kinds, and ``run_jobs``, the library call the CLIs use."""

from __future__ import annotations

import pytest

from genjudge.core.records import Step
from genjudge.judges.protocol import Media, PairwiseItem, ScoringItem, Verdict
from genjudge.judges.runner import judge_pairs
from genjudge.judges.running import JudgeSpec, ready_judge, run_jobs
from genjudge.judges.scoring_runner import score_items


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, arriving while the judge works on its third batch."""


class PairJudge:
    judge_id, revision, prompt_version = "test/pairs", "1", "p1"

    def __init__(self, interrupt_at: int | None = None):
        self.batches = 0
        self.interrupt_at = interrupt_at

    def judge_batch(self, items):
        self.batches += 1
        if self.batches == self.interrupt_at:
            raise Interrupted
        return [Verdict("A" if len(i.output_a[0].text) > len(i.output_b[0].text) else "B") for i in items]


class SizeJudge:
    judge_id, revision, prompt_version = "test/size", "1", "p1"
    score_names, uses_prompt, uses_question = ("size",), False, False

    def __init__(self, interrupt_at: int | None = None):
        self.batches = 0
        self.interrupt_at = interrupt_at

    def score_batch(self, items):
        self.batches += 1
        if self.batches == self.interrupt_at:
            raise Interrupted
        return [{"size": float(len(item.media.data))} for item in items]


def pair_items(n: int) -> list[PairwiseItem]:
    return [PairwiseItem((Step(f"q{k}"),), (Step("a" * k),), (Step("b" * (n - k)),)) for k in range(n)]


def scoring_items(n: int) -> list[ScoringItem]:
    return [ScoringItem("p", Media(bytes(k + 1), "video/mp4")) for k in range(n)]


KINDS = {  # judge, items, runner, results of a run, how many jobs it ran
    "pairwise": (PairJudge, pair_items, judge_pairs, lambda run: run.winners, lambda run: run.n_judged),
    "scoring": (
        SizeJudge,
        scoring_items,
        score_items,
        lambda run: run.column("size"),
        lambda run: run.n_scored,
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_interrupted_run_keeps_every_batch_that_came_back(kind, tmp_path):
    make_judge, make_items, run, results, n_run = KINDS[kind]
    items, cache = make_items(10), tmp_path / "c.sqlite"
    with pytest.raises(Interrupted):
        run(make_judge(interrupt_at=3), items, cache=cache, batch_size=3, progress=False)
    resumed = run(make_judge(), items, cache=cache, batch_size=3, progress=False)
    assert (resumed.n_cached, n_run(resumed)) == (6, 4)  # the two batches of three were kept
    assert results(resumed) == results(run(make_judge(), items, progress=False))


def test_run_jobs_gives_what_the_runner_of_the_judges_kind_gives(tmp_path):
    items = [
        PairwiseItem((Step("Name a fruit."),), (Step("An apple."),), (Step("A car."),), (Step("An apple."),))
    ]
    spec = JudgeSpec("reference", {"embedder": "lexical"})
    run = run_jobs(items, spec, cache=tmp_path / "c.sqlite", swap=True, progress=False)
    direct = judge_pairs(spec.build(), items, swap=True, progress=False)
    assert run.pairs == direct.pairs and run.n_judged == 2
    assert run_jobs(items, spec, cache=tmp_path / "c.sqlite", swap=True, progress=False).n_cached == 2
    assert ready_judge(spec).endpoint_stats() == []  # only an API judge has endpoints to report


def test_run_jobs_refuses_what_does_not_fit_the_judge_before_loading_it():
    with pytest.raises(ValueError, match=r"judge 'lmm4lmm-qa' does not take option\(s\) modle"):
        ready_judge(JudgeSpec("lmm4lmm-qa", {"modle": "x"}))
    with pytest.raises(ValueError, match="unknown judge 'gpt5'"):
        run_jobs([], JudgeSpec("gpt5"))


def test_position_swap_is_for_pairwise_judges_only(monkeypatch):
    from genjudge.judges import running

    monkeypatch.setattr(running.JudgeSpec, "build", lambda spec: SizeJudge())
    ready = ready_judge(JudgeSpec("lmm4lmm-perception"))
    assert ready.run(scoring_items(2), progress=False).column("size") == [1.0, 2.0]
    with pytest.raises(ValueError, match="position swap is for pairwise judges"):
        ready.run(scoring_items(2), swap=True, progress=False)
