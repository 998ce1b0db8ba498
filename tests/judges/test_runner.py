"""The runner around any judge: batching, cache reuse, image cap and position swap."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.cache import VerdictCache
from genjudge.judges.jobs import IncompleteRun
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem, PartialVerdicts, Verdict
from genjudge.judges.runner import cap_image, combine_swapped, judge_pairs, swap_verdict


class LongerTextJudge:
    """Deterministic test double: the longer answer wins, equal lengths tie (leaning A).

    It records every batch it sees, so tests can check what reached the judge.
    """

    judge_id = "test/longer-text"
    revision = "1"
    prompt_version = "p1"

    def __init__(self) -> None:
        self.batches: list[list[PairwiseItem]] = []

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        self.batches.append(list(items))
        out = []
        for item in items:
            a = sum(len(s.text) for s in item.output_a)
            b = sum(len(s.text) for s in item.output_b)
            winner = "A" if a > b else "B" if b > a else "Tie(A)"
            probabilities = {label: 0.1 for label in VERDICT_LABELS}
            probabilities[winner] = 0.7
            out.append(Verdict(winner, probabilities, raw=f"{a} vs {b}"))
        return out

    @property
    def judged(self) -> int:
        return sum(len(batch) for batch in self.batches)


class FirstShownJudge(LongerTextJudge):
    """A maximally position-biased judge: always prefers whatever is shown first."""

    judge_id = "test/first-shown"

    def judge_batch(self, items: Sequence[PairwiseItem]) -> list[Verdict]:
        self.batches.append(list(items))
        return [Verdict("A", {"A": 1.0}) for _ in items]


def _items(make_item, n: int) -> list[PairwiseItem]:
    return [make_item(f"q{i}", "x" * (i + 1), "y" * (5 - i % 10), "ref") for i in range(n)]


def test_batches_respect_batch_size_and_keep_order(make_item):
    judge = LongerTextJudge()
    items = _items(make_item, 10)
    run = judge_pairs(judge, items, batch_size=4, progress=False)
    assert [len(batch) for batch in judge.batches] == [4, 4, 2]
    # item i: "x" * (i + 1) against "y" * (5 - i): B, B, equal length (tie), then A.
    assert run.winners == ["B", "B", "Tie(A)", "A", "A", "A", "A", "A", "A", "A"]
    assert len(run) == 10 and run.n_judged == 10 and run.n_cached == 0
    assert run.consistency_rate is None and not any(pair.cached for pair in run)


def test_cache_reuses_verdicts_and_judges_only_new_pairs(tmp_path, make_item):
    path = tmp_path / "verdicts.sqlite"
    items = _items(make_item, 6)
    first = judge_pairs(LongerTextJudge(), items, cache=path, progress=False)

    judge = LongerTextJudge()
    more = [*items, make_item("q-new", "long answer", "short", "ref")]
    second = judge_pairs(judge, more, cache=path, progress=False)
    assert judge.judged == 1  # only the new pair reached the judge
    assert [pair.cached for pair in second] == [True] * 6 + [False]
    assert second.winners[:6] == first.winners
    assert second.n_cached == 6 and second.n_judged == 1
    assert [p.verdict.probabilities for p in second][:6] == [p.verdict.probabilities for p in first]


def test_cache_rows_carry_identity_hashes_and_order(tmp_path, make_item):
    path = tmp_path / "verdicts.sqlite"
    judge_pairs(
        LongerTextJudge(), [make_item("q", "aaa", "b", "gold")], cache=path, swap=True, progress=False
    )
    with VerdictCache(path) as cache:
        rows = list(cache.rows())
    assert len(rows) == 2  # A|B and B|A
    forward, backward = rows
    assert forward["shown_first_hash"] == backward["shown_second_hash"]
    assert forward["shown_second_hash"] == backward["shown_first_hash"]
    assert {forward["winner"], backward["winner"]} == {"A", "B"}  # the longer one, as shown
    for row in rows:
        assert row["judge_id"] == "test/longer-text" and row["revision"] == "1"
        assert row["prompt_version"] == "p1" and row["reference_hash"] is not None
        assert row["raw"] and row["created_at"] > 0 and set(row["probabilities"]) == set(VERDICT_LABELS)


def test_a_different_judge_revision_does_not_reuse_verdicts(tmp_path, make_item):
    path = tmp_path / "verdicts.sqlite"
    items = _items(make_item, 3)
    judge_pairs(LongerTextJudge(), items, cache=path, progress=False)
    newer = LongerTextJudge()
    newer.revision = "2"
    judge_pairs(newer, items, cache=path, progress=False)
    assert newer.judged == 3


def test_duplicate_pairs_in_one_run_are_judged_once(make_item):
    judge = LongerTextJudge()
    pair = make_item("q", "aa", "b", "r")
    run = judge_pairs(judge, [pair, pair, pair], progress=False)
    assert judge.judged == 1 and run.winners == ["A", "A", "A"]


def test_swap_maps_back_and_reports_consistency(make_item):
    items = [make_item("q", "long answer", "short", "r"), make_item("q", "s", "much longer", "r")]
    fair = judge_pairs(LongerTextJudge(), items, swap=True, progress=False)
    assert fair.winners == ["A", "B"]
    assert fair.consistency_rate == 1.0
    assert fair[0].swapped is not None and fair[0].swapped.winner == "A"

    biased = judge_pairs(FirstShownJudge(), items, swap=True, progress=False)
    assert biased.consistency_rate == 0.0
    assert [pair.consistent for pair in biased] == [False, False]
    # Each order says "first shown wins": averaged, neither side is favoured -> a tie.
    assert all(w.startswith("Tie") for w in biased.winners)


def test_swap_verdict_exchanges_sides_and_leaning_ties():
    verdict = Verdict("Tie(A)", {"A": 0.1, "B": 0.2, "Tie(A)": 0.6, "Tie(B)": 0.1}, raw="r")
    back = swap_verdict(verdict)
    assert back.winner == "Tie(B)"
    assert back.probabilities == {"B": 0.1, "A": 0.2, "Tie(B)": 0.6, "Tie(A)": 0.1}
    assert swap_verdict(back) == verdict


def test_combine_averages_probabilities():
    forward = Verdict("A", {"A": 0.6, "B": 0.1, "Tie(A)": 0.2, "Tie(B)": 0.1})
    back = Verdict("Tie(A)", {"A": 0.2, "B": 0.1, "Tie(A)": 0.6, "Tie(B)": 0.1})
    combined = combine_swapped(forward, back)
    assert combined.probabilities == pytest.approx({"A": 0.4, "B": 0.1, "Tie(A)": 0.4, "Tie(B)": 0.1})
    assert combined.winner == "Tie(A)"  # A side favoured, decisive not more likely than the tie


def test_image_cap_downscales_what_the_judge_sees_but_hashes_originals(tmp_path, make_png):
    big = make_png((10, 200, 30), size=(400, 200))
    items = [
        PairwiseItem(
            question=(Step("q", big),),
            output_a=(Step("aa", big),),
            output_b=(Step("b"),),
            reference=(Step("r"),),
        )
    ]
    judge = LongerTextJudge()
    path = tmp_path / "c.sqlite"
    judge_pairs(judge, items, max_image_side=100, cache=path, progress=False)
    seen = judge.batches[0][0]
    for image in (seen.question[0].image, seen.output_a[0].image):
        assert image is not None
        assert Image.open(io.BytesIO(image)).size == (100, 50)
    assert items[0].question[0].image == big  # caller's items untouched

    # The cap is part of the key: the same pair at full size is a different verdict...
    judge_full = LongerTextJudge()
    judge_pairs(judge_full, items, cache=path, progress=False)
    assert judge_full.judged == 1
    # ...while the same cap again is a cache hit.
    judge_again = LongerTextJudge()
    judge_pairs(judge_again, items, max_image_side=100, cache=path, progress=False)
    assert judge_again.judged == 0


def test_cap_image_keeps_small_images_and_passes_broken_bytes_through(make_png):
    small = make_png((1, 2, 3), size=(20, 10))
    assert cap_image(small, 64) is small
    assert cap_image(b"not an image", 64) == b"not an image"


class WrongCountJudge(LongerTextJudge):
    def judge_batch(self, items):
        return super().judge_batch(items)[:-1]


class BadLabelJudge(LongerTextJudge):
    def judge_batch(self, items):
        return [Verdict("C") for _ in items]


def test_judges_that_break_the_protocol_get_clear_errors(make_item):
    items = _items(make_item, 3)
    with pytest.raises(RuntimeError, match="returned 2 verdicts for a batch of 3"):
        judge_pairs(WrongCountJudge(), items, progress=False)
    with pytest.raises(ValueError, match="returned winner 'C'"):
        judge_pairs(BadLabelJudge(), items, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        judge_pairs(LongerTextJudge(), items, batch_size=0, progress=False)


def test_not_a_cache_file_is_reported(tmp_path, make_item):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not a database\n" * 50)
    with pytest.raises(ValueError, match="not a genjudge verdict cache"):
        judge_pairs(LongerTextJudge(), _items(make_item, 1), cache=path, progress=False)


class GarbledReplyJudge(LongerTextJudge):
    """Cannot read its own reply for any output saying 'garbled'; judges the rest."""

    def judge_batch(self, items):
        verdicts = super().judge_batch(items)
        failures = {
            i: ValueError("reply names no verdict: 'hmm'")
            for i, item in enumerate(items)
            if "garbled" in item.output_a[0].text + item.output_b[0].text
        }
        if failures:
            raise PartialVerdicts([None if i in failures else v for i, v in enumerate(verdicts)], failures)
        return verdicts


def test_items_without_a_verdict_are_reported_and_only_they_are_retried(tmp_path, make_item):
    path = tmp_path / "verdicts.sqlite"
    items = [
        make_item("q0", "aa", "b", "r"),
        make_item("q1", "garbled", "b", "r"),
        make_item("q2", "a", "bb", "r"),
    ]
    with pytest.raises(
        IncompleteRun, match=r"1 of 3 items got no verdict \(item 1: reply names no verdict"
    ) as err:
        judge_pairs(GarbledReplyJudge(), items, cache=path, batch_size=3, progress=False)
    assert err.value.failures == {1: "reply names no verdict: 'hmm'"}
    assert "Re-run with the same cache" in str(err.value)

    retry = LongerTextJudge()
    run = judge_pairs(retry, items, cache=path, batch_size=3, progress=False)
    assert retry.judged == 1 and [pair.cached for pair in run] == [True, False, True]
    assert run.winners == ["A", "A", "B"]


def test_batches_arriving_in_any_order_give_the_same_run(make_item, tmp_path):
    """As from several Ray actors: the run is assembled by cache key, not by arrival order."""
    from genjudge.judges.jobs import in_process
    from genjudge.judges.runner import run_pair_jobs

    items = _items(make_item, 5)
    in_batches_of_two = in_process(LongerTextJudge(), batch_size=2)

    def last_batch_first(kind, items, jobs, max_image_side):
        yield from reversed(list(in_batches_of_two(kind, items, jobs, max_image_side)))

    shuffled = run_pair_jobs(
        LongerTextJudge(), items, last_batch_first, cache=tmp_path / "c.sqlite", swap=True, progress=False
    )
    in_order = judge_pairs(LongerTextJudge(), items, swap=True, progress=False)
    assert shuffled.pairs == in_order.pairs and shuffled.n_judged == 10
