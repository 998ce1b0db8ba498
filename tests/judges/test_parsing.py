"""Reading judge replies: tolerant but honest verdict parsing, the official leaning rule, score JSON."""

from __future__ import annotations

import json
import random

import pytest

from genjudge.judges.parsing import (
    ScoreReplyError,
    parse_score_reply,
    parse_verdict,
    parse_verdict_official,
    verdict_from_reply,
)
from genjudge.judges.prompts import SCORE_CRITERIA
from genjudge.judges.protocol import PartialVerdicts, Unparseable, Verdict


@pytest.mark.parametrize(
    ("reply", "label"),
    [
        ("A is better", "A"),
        ("B is better", "B"),
        ("Tie(A is better)", "Tie(A)"),
        ("Tie(B is better)", "Tie(B)"),
        ("Tie (A is better)", "Tie(A)"),
        ("Tie(A better)", "Tie(A)"),
        ("Tie (B)", "Tie(B)"),
        ("tie(b is better).", "Tie(B)"),
        ("TIE: model A", "Tie(A)"),
        ("a is better", "A"),
        ("  B", "B"),
        ('"A is better"', "A"),
        ("'B is better.'", "B"),
        ("**A**", "A"),
        ("**B is better**", "B"),
        ("`Tie(A is better)`", "Tie(A)"),
        ("Model B is better", "B"),
        ("Answer: A is better", "A"),
        ("Verdict: Tie (B is better)", "Tie(B)"),
        ("A is better than B because its images match the steps.", "A"),
        ("[B]", "B"),
        ("B.", "B"),
        ("Tie(A is bett", "Tie(A)"),  # cut off by max_tokens=5, as the official GPT judge asks
    ],
)
def test_official_variants_are_read(reply, label):
    assert parse_verdict(reply) == label


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "I cannot decide between the two answers.",
        "Tie",
        "Tie, both are poor",
        "Both are equally good.",
        "Apples are better",
        "As an AI model, I think the first one",
        "B's images are broken",
        "Neither",
    ],
)
def test_anything_else_is_unparseable_not_a_guess(reply):
    assert parse_verdict(reply) == Unparseable(raw=reply)


@pytest.mark.parametrize(
    ("reply", "label"),
    [
        ("A is better", "A"),
        ("B", "B"),
        ("Tie(A is better)", "Tie(A)"),
        ("Tie (B is better)", "Tie(B)"),
        ("tie - b", "Tie(B)"),
        ("Based on the criteria, A wins", "B"),  # official quirk: the first character decides
        ("The Best answer is A", "Tie(B)"),  # first capital A/B: the B of "Best"
        ("I prefer A", "Tie(A)"),
        (" A is better", "Tie(A)"),  # not the first character: official falls through to the letter scan
    ],
)
def test_the_official_rule_always_leans(reply, label):
    assert parse_verdict_official(reply, random.Random(0)) == (label, False)


def test_the_official_rule_guesses_a_side_when_no_letter_is_found():
    sides = {parse_verdict_official("no idea", random.Random(seed))[0] for seed in range(20)}
    assert sides == {"Tie(A)", "Tie(B)"}
    assert parse_verdict_official("Tie", random.Random(0))[1] is True


@pytest.mark.parametrize(
    ("reply", "tolerant", "official"),
    [
        ("Answer: B is better", "B", "A"),  # the official code reads the "A" of "Answer"
        ("**B is better**", "B", "Tie(B)"),  # "*" first: the letter scan finds B
        ("Verdict: A is better", "A", "Tie(A)"),  # "V" first: the scan finds the A of "A is"
        ("Final answer: Tie(A is better)", "Tie(A)", "Tie(A)"),  # the first capital A/B is in "Tie(A"
        ("Output B is better", "B", "Tie(B)"),
        ("Tie (A is better)", "Tie(A)", "Tie(A)"),  # official stores "Tie ()"; genjudge takes the named side
    ],
)
def test_official_mode_reads_every_reply_by_its_first_character(reply, tolerant, official):
    assert verdict_from_reply(reply).winner == tolerant
    assert verdict_from_reply(reply, on_unparseable="official").winner == official


def test_official_mode_guesses_where_the_official_code_guesses_even_if_the_reply_is_readable():
    # "a is better" has no capital A or B: the official script picks a random side.
    verdict = verdict_from_reply("a is better", on_unparseable="official", rng=random.Random(0))
    assert verdict.probabilities == {"A": 0.0, "B": 0.0, "Tie(A)": 0.5, "Tie(B)": 0.5}
    assert verdict_from_reply("a is better").winner == "A"


def test_verdict_from_reply_is_strict_unless_asked_to_lean():
    assert verdict_from_reply("B is better") == Verdict(
        winner="B", probabilities={"A": 0.0, "B": 1.0, "Tie(A)": 0.0, "Tie(B)": 0.0}, raw="B is better"
    )
    assert verdict_from_reply("hmm") == Unparseable("hmm")
    leaned = verdict_from_reply("hmm", on_unparseable="official", rng=random.Random(3))
    assert leaned.winner in ("Tie(A)", "Tie(B)")
    assert leaned.probabilities == {"A": 0.0, "B": 0.0, "Tie(A)": 0.5, "Tie(B)": 0.5}
    assert leaned.raw == "hmm"
    with pytest.raises(ValueError, match="on_unparseable"):
        verdict_from_reply("A", on_unparseable="guess")


def test_unparseable_batches_keep_the_good_verdicts():
    good = verdict_from_reply("A is better")
    error = PartialVerdicts([good, None, None], {1: Unparseable("no verdict here"), 2: TimeoutError("slow")})
    assert error.verdicts == [good, None, None]
    message = str(error)
    assert "2 of 3 items got no verdict" in message
    assert "item 1: reply names no verdict: 'no verdict here'" in message
    assert "item 2: TimeoutError: slow" in message
    assert "on_unparseable='official'" in message


def score_json(**overrides) -> dict:
    scores = {name: {"Score": 7, "Justification": f"{name} is fine."} for name in SCORE_CRITERIA}
    scores.update(overrides)
    return scores


def test_score_replies_in_the_requested_shape_are_read():
    parsed = parse_score_reply(
        json.dumps({"scores": score_json(Correctness={"Score": 9, "Justification": "ok"})})
    )
    assert list(parsed.scores) == list(SCORE_CRITERIA)
    assert parsed.scores["Correctness"].score == 9
    assert parsed.mean == pytest.approx((9 + 6 * 7) / 7)
    assert parsed.to_official()["Completeness"] == {"Score": 7, "Justification": "Completeness is fine."}


def test_score_replies_in_code_fences_or_the_official_results_shape_are_read():
    fenced = "Here you go:\n```json\n" + json.dumps(score_json()) + "\n```\nHope it helps."
    assert parse_score_reply(fenced).scores["Content Richness"].score == 7
    loose_keys = {name.lower().replace("-", " "): value for name, value in score_json().items()}
    loose_keys["correctness"] = {"score": "8", "justification": "fine"}
    assert parse_score_reply(json.dumps(loose_keys)).scores["Correctness"].score == 8


def test_score_reply_errors_list_every_problem():
    bad = score_json(
        Correctness={"Score": 11, "Justification": "too high"},
        Completeness={"Score": "great", "Justification": "x"},
    )
    del bad["Content Richness"]
    bad["Content Quality"] = {"Score": 5}
    with pytest.raises(ScoreReplyError) as caught:
        parse_score_reply(json.dumps({"scores": bad}))
    assert caught.value.problems == [
        "'Correctness' Score 11 is outside 0-10",
        "'Content Quality' has no Justification text",
        "'Completeness' has no integer Score (got 'great')",
        "missing criterion 'Content Richness'",
    ]


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("no json at all", "no JSON object found"),
        ('{"scores": {"Correctness": ', "invalid JSON"),
        ("[1, 2]", "no JSON"),
    ],
)
def test_non_json_score_replies_are_rejected_clearly(reply, problem):
    with pytest.raises(ScoreReplyError, match=problem):
        parse_score_reply(reply)
