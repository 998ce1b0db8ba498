"""The API judge asks what the official GPT scripts ask: GPT_judge_AB.py's last line, GPT_score_A.py's
forced function call (with a JSON-text fallback), its request line and 0-10 scale, PIL's JPEG quality."""

from __future__ import annotations

import base64
import io
import json

import pytest
from judges.test_api_judge import ChatServer, completion, error, user_text
from PIL import Image

from genjudge.core.records import Step
from genjudge.judges.api import ApiJudge, image_data_url
from genjudge.judges.prompts import (
    GPT_VERDICT_REQUEST,
    SCORE_CRITERIA,
    SCORE_FUNCTION,
    SCORE_REQUEST,
    SCORE_SYSTEM_PROMPT,
    VERDICT_REQUEST,
)
from genjudge.judges.protocol import PairwiseItem


@pytest.fixture
def server():
    chat = ChatServer()
    chat.thread.start()
    yield chat
    chat.httpd.shutdown()
    chat.httpd.server_close()


@pytest.fixture
def judge(server):
    with ApiJudge(base_url=server.base_url, model="judge-model", api_key_env=NO_KEY) as made:
        yield made


def tool_call(arguments: dict) -> tuple[int, dict[str, str], bytes]:
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "evaluate_multimodal_content", "arguments": json.dumps(arguments)},
            }
        ],
    }
    body = {"choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}]}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def criteria(score: int) -> dict:
    return {name: {"Score": score, "Justification": "ok"} for name in SCORE_CRITERIA}


NO_KEY = "GENJUDGE_TEST_NO_KEY"
QUESTION, OUTPUT = (Step("Draw a cat"),), (Step("Here it is"),)


def test_the_pairwise_request_ends_with_the_gpt_judge_line(server, judge):
    assert GPT_VERDICT_REQUEST == "\nPlease only output which model is better: "
    judge.judge_batch([PairwiseItem((Step("q"),), (Step("a"),), (Step("b"),))])
    assert user_text(server.requests[0][0]).endswith(GPT_VERDICT_REQUEST)
    assert "/request=gpt/" in judge.prompt_version


def test_an_intjudge_behind_the_api_gets_the_intjudge_line(server):
    with ApiJudge(
        base_url=server.base_url, verdict_request="intjudge", system_prompt="intjudge", api_key_env=NO_KEY
    ) as judge:
        judge.judge_batch([PairwiseItem((Step("q"),), (Step("a"),), (Step("b"),))])
        assert user_text(server.requests[0][0]).endswith(VERDICT_REQUEST)
    with pytest.raises(ValueError, match="verdict_request must be 'gpt' or 'intjudge'"):
        ApiJudge(base_url=server.base_url, verdict_request="claude", api_key_env=NO_KEY)


def test_scores_force_the_official_function_and_read_its_arguments(server, judge):
    server.respond = lambda request, n: tool_call(criteria(0))
    scores = judge.score_output(QUESTION, OUTPUT)
    assert scores.mean == 0, "0 is on the official scale"
    request = server.requests[0][0]
    assert request["tools"] == [{"type": "function", "function": SCORE_FUNCTION}]
    assert request["tool_choice"] == {"type": "function", "function": {"name": "evaluate_multimodal_content"}}
    assert SCORE_FUNCTION["parameters"]["required"] == list(SCORE_CRITERIA)
    assert user_text(request).endswith(
        "\nPlease only output the json result: "
    ) and SCORE_REQUEST in user_text(request)
    assert "from 0 to 10" in " ".join(SCORE_SYSTEM_PROMPT.split())


def test_an_endpoint_without_tools_is_asked_for_json_text_from_then_on(server, judge, caplog):
    def respond(request: dict, n: int):
        if "tools" in request:
            return error(400, "tools are not supported by this model")
        return completion(json.dumps({"scores": criteria(7)}))

    server.respond = respond
    assert judge.score_output(QUESTION, OUTPUT).mean == 7
    assert judge.score_output(QUESTION, OUTPUT).mean == 7
    assert ["tools" in request for request, _ in server.requests] == [True, False, False]
    assert "function calling refused" in caplog.text


def test_function_calling_can_be_turned_off(server):
    server.respond = lambda request, n: completion(json.dumps({"scores": criteria(5)}))
    with ApiJudge(base_url=server.base_url, score_function_calling=False, api_key_env=NO_KEY) as judge:
        assert judge.score_output(QUESTION, OUTPUT).mean == 5
    assert "tools" not in server.requests[0][0]


def test_images_are_encoded_at_pil_s_default_jpeg_quality():
    picture = Image.effect_noise((300, 200), 60).convert("RGB")
    url = image_data_url(_png(picture))
    sent = base64.b64decode(url.split(",", 1)[1])
    default = io.BytesIO()
    picture.save(default, format="JPEG")
    assert sent == default.getvalue()


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
