"""Verdict probabilities from the token log-probabilities of an OpenAI-compatible server (vLLM,
SGLang, TGI): first on hand-made token lists, then through ApiJudge against a local server that
answers as vLLM does with ``logprobs: true, top_logprobs: k``."""

from __future__ import annotations

import logging
import math

import pytest
from support.chat_server import VerdictServer, completion, pair_id

from genjudge.core.records import Step
from genjudge.judges.api import ApiJudge
from genjudge.judges.protocol import PairwiseItem
from genjudge.judges.runner import judge_pairs
from genjudge.judges.verdict_logprobs import TokenLogprobs, read_token_logprobs, verdict_probabilities


def token(text: str, **alternatives: float) -> dict:
    """One ``logprobs.content`` entry as vLLM sends it: the chosen token first among the top ones."""
    top = {text: -0.1, **alternatives} if text not in alternatives else alternatives
    return {
        "token": text,
        "logprob": top[text],
        "bytes": list(text.encode()),
        "top_logprobs": [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in top.items()],
    }


def tokens(*entries: dict) -> list[TokenLogprobs]:
    read = read_token_logprobs({"content": list(entries)})
    assert read is not None
    return read


def softmax(**logprobs: float) -> dict[str, float]:
    total = sum(math.exp(v) for v in logprobs.values())
    return {k: math.exp(v) / total for k, v in logprobs.items()}


def test_a_side_verdict_reads_side_and_tie_mass_from_the_first_token():
    reply = tokens(token("A", A=-0.2, B=-2.0, Tie=-3.0, **{"**": -4.0}), token(" is"), token(" better"))
    expected = softmax(A=-0.2, B=-2.0, Tie=-3.0)
    probabilities = verdict_probabilities(reply)
    assert probabilities == pytest.approx(
        {"A": expected["A"], "B": expected["B"], "Tie(A)": expected["Tie"] / 2, "Tie(B)": expected["Tie"] / 2}
    ), "markdown is not a verdict; the lean of an unchosen tie is not observed, so it is split evenly"


@pytest.mark.parametrize(
    "pieces",
    [
        [token("Tie", Tie=-0.5, A=-1.5, B=-2.5), token("("), token("B", B=-0.3, A=-1.4)],
        [token("T", T=-0.5, A=-1.5, B=-2.5), token("ie"), token("(B", **{"(B": -0.3, "(A": -1.4})],
    ],
    ids=["tie-as-one-token", "tie-split-by-the-tokenizer"],
)
def test_a_tie_reads_its_lean_from_the_token_that_names_it(pieces):
    reply = tokens(*pieces, token(" is"), token(" better"), token(")"))
    first = softmax(Tie=-0.5, A=-1.5, B=-2.5)
    lean = softmax(B=-0.3, A=-1.4)
    assert verdict_probabilities(reply) == pytest.approx(
        {
            "A": first["A"],
            "B": first["B"],
            "Tie(A)": first["Tie"] * lean["A"],
            "Tie(B)": first["Tie"] * lean["B"],
        }
    )


def test_replies_that_name_no_verdict_or_change_their_mind_give_no_probabilities():
    assert verdict_probabilities(tokens(token("I", I=-0.1, A=-3.0), token(" think"))) is None
    assert verdict_probabilities(tokens(token("A"), token("nswer"), token(":"), token(" B"))) is None
    assert read_token_logprobs(None) is None
    assert read_token_logprobs({"content": None}) is None
    assert read_token_logprobs({"content": [{"token": "A"}]}) is None, "no logprob: unusable"


@pytest.fixture
def server():
    chat = VerdictServer(delay=0.0)
    yield chat
    chat.kill()


def vllm_reply(request: dict) -> tuple[int, bytes]:
    """vLLM's answer: pair k favours B with probability k/10, and ties are unlikely."""
    k = pair_id(request)
    p_b = k / 10
    first = {"A": math.log(0.9 * (1 - p_b)), "B": math.log(0.9 * p_b), "Tie": math.log(0.1)}
    chosen = max(first, key=first.get)
    text = {"A": "A is better", "B": "B is better", "Tie": "Tie(A is better)"}[chosen]
    content = [token(chosen, **first), token(" is"), token(" better")]
    return completion(text, content)


def items(count: int) -> list[PairwiseItem]:
    return [
        PairwiseItem((Step(f"question {k}"),), (Step(f"A to {k}"),), (Step(f"B to {k}"),))
        for k in range(1, count + 1)
    ]


def test_the_api_judge_asks_for_logprobs_and_reads_verdict_probabilities(server):
    server.respond = vllm_reply
    judge = ApiJudge(base_url=server.url, model="intjudge", api_key_env="GENJUDGE_NO_KEY", top_logprobs=5)
    run = judge_pairs(judge, items(3), progress=False)
    request = server.requests[0]
    assert (request["logprobs"], request["top_logprobs"], request["max_tokens"]) == (True, 5, 5)
    assert judge.prompt_version.endswith("/top_logprobs=5"), "probabilities change what is cached"
    first = run[0].verdict
    assert first.winner == "A" and first.raw == "A is better"
    assert first.probabilities == pytest.approx({"A": 0.81, "B": 0.09, "Tie(A)": 0.05, "Tie(B)": 0.05})
    assert run[2].verdict.probabilities["B"] == pytest.approx(0.27)


def test_a_server_that_ignores_logprobs_gives_certain_verdicts_and_a_warning(server, caplog):
    judge = ApiJudge(base_url=server.url, model="intjudge", api_key_env="GENJUDGE_NO_KEY", top_logprobs=5)
    with caplog.at_level(logging.WARNING, logger="genjudge.judges.api"):
        verdicts = judge.judge_batch(items(2))
    assert [v.probabilities for v in verdicts] == [
        {"A": 0.0, "B": 1.0, "Tie(A)": 0.0, "Tie(B)": 0.0},
        {"A": 0.0, "B": 0.0, "Tie(A)": 1.0, "Tie(B)": 0.0},
    ]
    assert caplog.text.count("sent no choices[0].logprobs.content") == 1
