"""Voting on the OpenING board through the service: the pool is the board's members and judge
verdicts, votes land in the dataset's ``votes`` config, the CLI shows and exports them."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
from leaderboard_helpers import jpeg, make_zip, voting_service
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.core.records import ModelOutput, Step
from genjudge.leaderboard.vote_tab import steps_html
from genjudge.votes.pair_choice import PairMix


def judge_verdict(pool, uid, left, right) -> str:
    """What the board's judge said on this pair, as seen in the order shown."""
    for row in pool.judge_battles.itertuples():
        if row.uid == uid and {row.model_a, row.model_b} == {left, right}:
            flip = {"A": "B", "B": "A", "Tie(A)": "Tie(B)", "Tie(B)": "Tie(A)"}
            return row.winner if row.model_a == left else flip[row.winner]
    raise AssertionError("the judge never judged this pair")


def test_votes_on_the_board_land_in_the_votes_config_and_agree_with_the_judge(tmp_path, instances):
    from datasets import load_dataset

    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta"), (5, "Gamma")])
    booth = service.booths["opening"]
    booth.mix = PairMix(control_share=0.0, disagreement_share=0.0)
    pool = booth.pool()
    assert sorted(pool.outputs) == ["Alpha", "Beta", "Gamma"]
    assert len(pool.judge_battles) == len(instances) * 3  # every pair the judge judged
    voter = booth.voter("session:browser-1")
    ballot = booth.next_ballot(voter)
    row = booth.cast(ballot.token, voter, "A").row  # "A" whatever the judge said; the rest follow it
    for _ in range(5):
        ballot = booth.next_ballot(voter)
        left, right = _shown_models(pool, ballot)
        booth.cast(ballot.token, voter, judge_verdict(pool, ballot.uid, left, right))
    numbers = booth.live()
    assert numbers.counted == 6
    assert numbers.agreement.loc["fdt", "pairs"] == 6
    first_agrees = judge_verdict(pool, row["uid"], row["model_a"], row["model_b"]) in ("A", "Tie(A)")
    assert numbers.agreement.loc["fdt", "agreement"] == (5 + first_agrees) / 6

    votes = load_dataset(str(tmp_path / "lb"), "votes", split="train", cache_dir=str(tmp_path / "hf"))
    assert len(votes) == 6 and set(votes["kind"]) == {"battle"}
    assert votes[0]["model_a"] == row["model_a"] and votes[0]["flags"] == []
    assert all(len(h) == 64 for h in votes["hash_a"])


def _shown_models(pool, ballot) -> tuple[str, str]:
    """Which members' outputs the ballot shows, left then right (the page does not say before the vote)."""
    by_steps = {pool.outputs[m][ballot.uid].steps: m for m in pool.outputs}
    return by_steps[ballot.view.left], by_steps[ballot.view.right]


def test_a_new_member_joins_the_pool(tmp_path, instances):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta")])
    assert sorted(service.booths["opening"].pool().outputs) == ["Alpha", "Beta"]
    folder = tmp_path / "Gamma"
    folder.mkdir()
    service.submit("opening", make_zip(folder, "Gamma", 5), "Gamma")
    service.worker.run_until_empty()
    assert sorted(service.booths["opening"].pool().outputs) == ["Alpha", "Beta", "Gamma"]


def test_cli_shows_and_exports_votes_for_arena_report(tmp_path, instances):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta")])
    booth = service.booths["opening"]
    booth.mix = PairMix(control_share=0.0, disagreement_share=0.0)
    for name in ("v1", "v2", "v3"):
        voter = booth.voter(name)
        ballot = booth.next_ballot(voter)
        booth.cast(ballot.token, voter, "B", "<script>alert(1)</script>")
    runner = CliRunner()
    store = str(tmp_path / "lb")
    shown = runner.invoke(app, ["leaderboard", "votes", "show", "--board", "opening", "--store", store])
    assert shown.exit_code == 0, shown.output
    assert "3 vote(s), 3 counted" in shown.output and "<script>" in shown.output  # plain text, not HTML
    out = tmp_path / "judge_modelAB_results.json"
    exported = runner.invoke(
        app, ["leaderboard", "votes", "export", "--board", "opening", "--out", str(out), "--store", store]
    )
    assert exported.exit_code == 0 and "3 vote(s) written" in exported.output
    assert len(json.loads(out.read_text())) == 3
    report = runner.invoke(
        app, ["arena", "report", str(out), "--bootstrap", "0", "--out", str(tmp_path / "r")]
    )
    assert report.exit_code == 0, report.output
    wins = {
        row["model"]: row["wins"]
        for row in json.loads((tmp_path / "r" / "report.json").read_text())["win_rates"]
    }
    right = [record["model_B"]["name"] for record in json.loads(out.read_text())]
    assert wins == {model: right.count(model) for model in ("Alpha", "Beta")}  # every vote said B
    missing = runner.invoke(app, ["leaderboard", "votes", "show", "--board", "nope", "--store", store])
    assert missing.exit_code == 1 and "not a board people vote on" in missing.output


def test_outputs_are_escaped_and_images_inlined_on_the_page():
    page = steps_html((Step("<b>bold</b> & more", jpeg()), Step(""), Step("x", b"\x89PNG\r\n\x1a\nrest")))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page and "<b>" not in page
    assert page.count('src="data:image/png;base64,') == 1 and "(no text)" in page
    assert "cannot be shown" in page  # bytes that are no image are not sent at all


def test_opening_control_pairs_break_a_gold_answer_and_skip_the_blank_ones(instances):
    from genjudge.benchmarks.opening.voting import broken_copy, gold_answers

    blank = replace(instances[0], output_steps=(Step(" ", jpeg()),))
    golds = gold_answers({inst.total_uid: inst for inst in [blank, *instances[1:]]})
    assert sorted(golds) == [inst.total_uid for inst in instances[1:]]  # a blank copy of it is no control
    gold = ModelOutput("0101001", "gold", (Step("first second third", jpeg()), Step("fourth fifth")))
    rng = np.random.default_rng(0)
    copies = [broken_copy(gold, rng) for _ in range(20)]
    assert all(c.content_hash != gold.content_hash and c.steps[0].image is None for c in copies)
    words = ("fifth", "first", "fourth", "second", "third")
    assert {tuple(sorted(c.steps[0].text.split())) for c in copies} == {(), words}  # blank, or shuffled
